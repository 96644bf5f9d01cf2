# t_keys.sh: keymap files: bad lines are reported as file:line, good ones apply.

t_keys_user_file() {
	cat >"$TEST_TMP/keys" <<'KEYS'
# a user keymap
bind * z quit
bind * Q frobnicate
bind nowhere q quit
unbind * q
KEYS
	"$SANDTOP" --dump-keys -k "$TEST_TMP/keys" >"$TEST_TMP/dump" 2>"$TEST_TMP/err"
	local rc=$?
	check "--dump-keys exits 1 when lines are bad (got $rc)" [ $rc -eq 1 ]
	check "unknown action reported as file:3" grep -q "$TEST_TMP/keys:3: .*frobnicate" "$TEST_TMP/err"
	check "unknown table reported as file:4" grep -q "$TEST_TMP/keys:4: .*nowhere" "$TEST_TMP/err"
	check "the good binding applies" grep -Eq 'bind +\* +z +quit' "$TEST_TMP/dump"
	check "unbind applies" bash -c "! grep -Eq 'bind +\\* +q +quit' '$TEST_TMP/dump'"
	"$SANDTOP" --dump-keys >"$TEST_TMP/default" 2>&1
	check "the defaults dump cleanly (exit 0)" [ $? -eq 0 ]
	"$SANDTOP" --dump-keys -k "$TEST_TMP/default" >"$TEST_TMP/again" 2>&1
	check "a dump re-parses to the same map" diff -u "$TEST_TMP/default" "$TEST_TMP/again"
	# the screen: errors shown, z quits, q no longer does
	tui_start keys 140 20 -k "$TEST_TMP/keys"
	check "the screen reports the bad lines" wait_screen keys 'keys:3' 10
	tm send-keys -t keys q
	sleep 0.5
	check "q is unbound" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t keys | grep -q sandtop-exited"
	tm send-keys -t keys z
	check "z quits" wait_screen keys 'sandtop-exited-0' 3
	"$SANDTOP" --dump-keys -k /nonexistent/keys >/dev/null 2>"$TEST_TMP/err2"
	check "a missing -k file is reported" grep -q '/nonexistent/keys' "$TEST_TMP/err2"
}

# The shipped maps: --dump-keys -k vi/htop bind what sandtop-keys(5) says;
# every action of actions.def is in that man page; the screen under -k vi
# moves with j/k and vi's H/L (which the built-in map leaves unbound).
t_keys_shipped() {
	local m
	for m in vi htop default; do
		"$SANDTOP" --dump-keys --no-config -k "$m" >"$TEST_TMP/$m" 2>"$TEST_TMP/$m.err"
		check "-k $m dumps with exit 0" [ $? -eq 0 ]
		check "-k $m: no message" [ ! -s "$TEST_TMP/$m.err" ]
	done
	local b
	for b in '\* C-d page-down' '\* C-u page-up' '\* C-e down' '\* C-y up' '\* H home' '\* L end' \
		'list m tag' 'view h back' 'view y screenshot' '\* j down' '\* k up' \
		'logs h left' 'logs l right'; do
		check "vi binds $b" grep -Eq "^bind (-n \"[^\"]*\" )?$b\$" "$TEST_TMP/vi"
	done
	for b in 'list F3 filter' 'list F4 filter' 'list "\\\\" filter' 'list F6 sort-next' '\* F9 kill' '\* C-k kill' \
		'\* F12 kill-all' '\* F8 freeze-all' 'list U untag-all' 'list d detail' 'list C-d remove' 'logs F3 search'; do
		check "htop binds $b" grep -Eq "^bind (-n \"[^\"]*\" )?$b\$" "$TEST_TMP/htop"
	done
	check "the built-in map leaves L unbound" bash -c "! grep -Eq '^bind .* L [a-z-]+\$' '$TEST_TMP/default'"
	local a missing=""
	for a in $(sed -n 's/^KM_ACTION([A-Z_]*, *"\([^"]*\)".*/\1/p' "$ROOT/keymaps/actions.def"); do
		grep -q "^\.It Cm .*\\b$a\\b" "$ROOT/man/sandtop-keys.5" || missing="$missing $a"
	done
	check "sandtop-keys(5) lists every action (missing:${missing:- none})" [ -z "$missing" ]

	local p="${RUN_ID}kv" sel="kvit.${RUN_ID}" i
	for i in 1 2 3; do
		docker run -d --name "$p-$i" --label "$sel=1" --network none sandtop/mini:latest sleep 600 >/dev/null ||
			{ fail "docker run"; return 1; }
	done
	printf 'label %s\n' "$sel" >"$TEST_TMP/config"
	tui_start kv 140 20 -c "$TEST_TMP/config" -k vi
	check "listed" wait_screen kv "$p-3" 10
	# the selected row is the one in reverse video
	sel_row() { tm capture-pane -p -e -t kv | grep -E $'\e\\[([0-9]+;)*7(;[0-9]+)*m' | grep -oE "$p-[0-9]" | head -1; }
	local want got key
	for key in "H $p-1" "j $p-2" "j $p-3" "k $p-2" "L $p-3" "H $p-1" "C-d $p-3" "C-u $p-1"; do
		tm send-keys -t kv "${key% *}"
		want=${key#* }
		for i in $(seq 40); do got=$(sel_row); [ "$got" = "$want" ] && break; sleep 0.05; done
		check "-k vi: ${key% *} selects $want (got $got)" [ "$got" = "$want" ]
	done
	tm send-keys -t kv q
	check "q still quits" wait_screen kv 'sandtop-exited-0' 5
}
t_keys_shipped_cleanup() { docker rm -f "${RUN_ID}kv-1" "${RUN_ID}kv-2" "${RUN_ID}kv-3" >/dev/null 2>&1; true; }
