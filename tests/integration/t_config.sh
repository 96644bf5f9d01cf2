# t_config.sh: the config file: errors stop sandtop with file:line, options win over it, and its
# settings reach the screen (columns, their order, sort, colours, the label selector), ps and the actions.
# The containers carry a label of the test's own and no sandtop.sandbox: only a working selector finds
# them, and nobody else's sandbox can be touched if it does not.

cfg_containers() { # cfg_containers PREFIX SELECTOR-KEY: two busybox containers labelled KEY=1
	local i
	for i in 1 2; do
		docker run -d --name "$1-$i" --label "$2=1" --label "sandtop.owner=own$i" --network none \
			sandtop/mini:latest sleep 600 >/dev/null || return 1
	done
}

t_config_errors() {
	mkdir -p "$TEST_TMP/xdg/sandtop"
	printf 'refresh 2\nrefresh 3\ncolour running purple\nsort cpu sideways\n' >"$TEST_TMP/xdg/sandtop/config"
	XDG_CONFIG_HOME="$TEST_TMP/xdg" "$SANDTOP" ps >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	local rc=$?
	check "a bad config file stops ps with exit 2 (got $rc)" [ $rc -eq 2 ]
	check "... nothing on stdout" [ ! -s "$TEST_TMP/out" ]
	check "the duplicate is named by file:line" \
		grep -qF "$TEST_TMP/xdg/sandtop/config:2: refresh: already set on line 1" "$TEST_TMP/err"
	check "the bad colour by file:line" grep -qF "config:3: colour: bad colour or attribute 'purple'" "$TEST_TMP/err"
	check "the bad direction by file:line" grep -qF "config:4: sort: 'sideways' is not asc or desc" "$TEST_TMP/err"
	check "it says how to go on without it" grep -q -- "--no-config ignores it" "$TEST_TMP/err"
	XDG_CONFIG_HOME="$TEST_TMP/xdg" "$SANDTOP" --no-config --dump-config >"$TEST_TMP/dump" 2>&1
	check "--no-config: the file is not read (exit 0)" [ $? -eq 0 ]
	check "... the built-in refresh" grep -qx 'refresh 1' "$TEST_TMP/dump"
	# the screen does not start either
	TUI_ENV="XDG_CONFIG_HOME=$TEST_TMP/xdg" tui_start ce 120 20
	check "the screen exits 2 before it starts" wait_screen ce 'sandtop-exited-2' 10
	check "... with the errors on the terminal" wait_screen ce 'config:2: refresh: already set on line 1' 2
	# -c names another file; a missing one is an error (the default one may be missing)
	"$SANDTOP" -c "$TEST_TMP/none" --dump-config >/dev/null 2>"$TEST_TMP/err2"
	check "a missing -c file: exit 2" [ $? -eq 2 ]
	check "... said with its name" grep -qF "$TEST_TMP/none: cannot open: No such file or directory" "$TEST_TMP/err2"
	XDG_CONFIG_HOME="$TEST_TMP/empty" "$SANDTOP" --dump-config >/dev/null 2>&1
	check "no default file: fine (exit 0)" [ $? -eq 0 ]
	"$SANDTOP" -c /dev/null --no-config --dump-config >/dev/null 2>&1
	check "-c with --no-config is a usage error" [ $? -eq 2 ]
}

t_config_dump() {
	cat >"$TEST_TMP/config" <<'EOF'
# mine
refresh 2.5
columns state name cpu
sort cpu desc
keymap vi
engine prod tcp://10.0.0.5:2376
engine-timeout 4
audit-log logs/audit.log
colour running blue bold
EOF
	"$SANDTOP" -c "$TEST_TMP/config" --dump-config >"$TEST_TMP/dump"
	check "--dump-config exits 0" [ $? -eq 0 ]
	check "the file's refresh" grep -qx 'refresh 2.5' "$TEST_TMP/dump"
	check "the columns in its order" grep -qx 'columns state name cpu' "$TEST_TMP/dump"
	check "the engines kept" grep -qx 'engine prod tcp://10.0.0.5:2376' "$TEST_TMP/dump"
	check "a relative path under the file's directory; audit-log, the old name, dumped as journal" \
		grep -qx "journal $TEST_TMP/logs/audit.log" "$TEST_TMP/dump"
	check "the colour" grep -qx 'colour running blue bold' "$TEST_TMP/dump"
	check "unset ones at their defaults" grep -qx 'label sandtop.sandbox' "$TEST_TMP/dump"
	"$SANDTOP" -c "$TEST_TMP/config" -d 0.5 --engine-timeout 1 -k htop --stats-source api --dump-config >"$TEST_TMP/dump2"
	check "-d wins over the file" grep -qx 'refresh 0.5' "$TEST_TMP/dump2"
	check "--engine-timeout wins" grep -qx 'engine-timeout 1' "$TEST_TMP/dump2"
	check "-k wins" grep -qx 'keymap htop' "$TEST_TMP/dump2"
	check "--stats-source wins" grep -qx 'stats-source api' "$TEST_TMP/dump2"
	# the dump is a config file: read back, it says the same
	"$SANDTOP" -c "$TEST_TMP/dump2" --dump-config >"$TEST_TMP/dump3" 2>&1
	check "the dump read back as a config gives the same dump" diff -u "$TEST_TMP/dump2" "$TEST_TMP/dump3"
	# the keymap setting picks the map --dump-keys prints
	"$SANDTOP" -c "$TEST_TMP/config" --dump-keys >"$TEST_TMP/keys" 2>&1
	"$SANDTOP" --no-config -k vi --dump-keys >"$TEST_TMP/vikeys" 2>&1
	check "keymap vi in the config = -k vi" diff -u "$TEST_TMP/vikeys" "$TEST_TMP/keys"
}

t_config_label() {
	local p="${RUN_ID}cl" sel="cfgit.${RUN_ID}"
	cfg_containers "$p" "$sel" || { fail "docker run"; return 1; }
	printf 'label %s=1\n' "$sel" >"$TEST_TMP/config"
	"$SANDTOP" ps -c "$TEST_TMP/config" >"$TEST_TMP/ps" 2>&1
	check "ps: exit 0" [ $? -eq 0 ]
	check "ps lists the selector's containers" bash -c "grep -q '$p-1' '$TEST_TMP/ps' && grep -q '$p-2' '$TEST_TMP/ps'"
	check "... and nothing else" bash -c "[ \$(grep -vc '^NAME\\|^ID' '$TEST_TMP/ps') -eq 2 ]"
	"$SANDTOP" ps --no-config >"$TEST_TMP/ps0" 2>&1
	check "without it they are not sandboxes" bash -c "! grep -q '$p-' '$TEST_TMP/ps0'"
	# the actions' --all and --label pick by the selector (--label keeps it to ours whatever happens)
	"$SANDTOP" pause --no-config --all --label "$sel" --armed --audit-log "$TEST_TMP/audit.log" >"$TEST_TMP/p0" 2>&1
	check "--no-config: pause --all --label finds no sandbox (exit 1)" [ $? -eq 1 ]
	check "... says so" grep -q 'no sandbox matches' "$TEST_TMP/p0"
	"$SANDTOP" pause -c "$TEST_TMP/config" --all --label "$sel" --armed --audit-log "$TEST_TMP/audit.log" \
		>"$TEST_TMP/p1" 2>&1
	check "with the selector: pause --all acts (exit 0)" [ $? -eq 0 ]
	check "... on both, and only them" bash -c "grep -q '$p-1' '$TEST_TMP/p1' && grep -q '$p-2' '$TEST_TMP/p1' &&
		[ \$(grep -c ' ok' '$TEST_TMP/p1') -eq 2 ]"
	"$SANDTOP" unpause -c "$TEST_TMP/config" "$p-1" "$p-2" --armed --audit-log "$TEST_TMP/audit.log" >/dev/null 2>&1
	# the screen lists exactly them
	tui_start cl 160 20 -c "$TEST_TMP/config"
	check "the screen lists the selector's containers" wait_screen cl "$p-2" 10
	local other shown=0
	for other in $(docker ps -a --filter label=sandtop.sandbox --format '{{.Names}}'); do
		screen cl | grep -qF "$other" && shown=$((shown + 1))
	done
	check "... and none of the engine's sandtop.sandbox containers ($shown shown)" [ $shown -eq 0 ]
	check "the top bar counts 2" wait_screen cl '2 sandboxes: 2 running' 3
	# the kill switch takes the selector's sandboxes (only what the screen lists)
	tm send-keys -t cl F8
	check "freeze-all asks about the 2" wait_screen cl "KILL SWITCH: freeze all 2 .*type 'freeze'" 5
	tm send-keys -t cl -l "freeze" && tm send-keys -t cl Enter
	check "freeze-all: 2 ok" wait_screen cl "freeze-all: 2 ok, 0 failed" 10
	"$SANDTOP" thaw -c "$TEST_TMP/config" "$p-1" "$p-2" --armed --audit-log "$TEST_TMP/audit.log" >/dev/null 2>&1
}
t_config_label_cleanup() { docker rm -f "${RUN_ID}cl-1" "${RUN_ID}cl-2" >/dev/null 2>&1; true; }

t_config_screen() {
	local p="${RUN_ID}cs" sel="cfgit.${RUN_ID}"
	cfg_containers "$p" "$sel" || { fail "docker run"; return 1; }
	cat >"$TEST_TMP/config" <<EOF
label $sel
columns state name owner
sort name desc
colour running blue
EOF
	tui_start cs 160 20 -c "$TEST_TMP/config"
	check "listed" wait_screen cs "$p-1" 10
	check "the columns in the file's order (STATE NAME OWNER)" wait_screen cs '^ *STATE +NAME.? +OWNER *$' 3
	check "no CPU column" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t cs | grep -q 'CPU%'"
	local first
	first=$(screen cs | grep -oE "$p-[12]" | head -1)
	check "sorted by name, descending ($p-2 first, got $first)" [ "$first" = "$p-2" ]
	check "running is blue" bash -c "tmux -L $TMUX_SOCK capture-pane -p -e -t cs | grep '$p-1' | grep -Eq $'\\e\\\\[([0-9]+;)*34(;[0-9]+)*m'"
	tm send-keys -t cs '>'
	check "> steps to the next shown column (OWNER)" wait_screen cs 'sorted by OWNER' 3
	tm send-keys -t cs '>'
	check "... then wraps to the first (STATE)" wait_screen cs 'sorted by STATE' 3
	tm send-keys -t cs q
	check "quits" wait_screen cs 'sandtop-exited-0' 5
	# NO_COLOR still wins over the file's colours
	tm kill-session -t cs
	TUI_ENV="NO_COLOR=1" tui_start nc 160 20 -c "$TEST_TMP/config"
	check "listed with NO_COLOR" wait_screen nc "$p-1" 10
	check "NO_COLOR: no colour at all, the file's neither" \
		bash -c "! tmux -L $TMUX_SOCK capture-pane -p -e -t nc | grep -Eq $'\\e\\\\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)'"
}
t_config_screen_cleanup() { docker rm -f "${RUN_ID}cs-1" "${RUN_ID}cs-2" >/dev/null 2>&1; true; }
