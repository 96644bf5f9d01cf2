# t_act: the controls on real sandboxes: the command line (exit codes, JSON, the journal; --audit-log and audit-log verify, the old names, still work), the screen (tags, questions, the kill switch), failure paths.

# act_up PREFIX N [CMD]: N mini sandboxes PREFIX-1.. labelled sandtop.set=PREFIX
act_up() {
	local p=$1 n=$2 cmd=${3:-sleep 600} i
	for i in $(seq "$n"); do
		docker run -d --name "$p-$i" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p" \
			sandtop/mini:latest sh -c "$cmd" >/dev/null || return 1
	done
}
act_down() { docker ps -aq --filter "label=sandtop.set=$1" | xargs -r docker rm -f >/dev/null 2>&1; true; }
state_of() { docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
# The kernel's word: the freezer state of a container's cgroup (THAWED, FROZEN, ...).
freezer_of() {
	local id f
	id=$(docker inspect -f '{{.Id}}' "$1" 2>/dev/null) || return 1
	f=$(find /sys/fs/cgroup/freezer -maxdepth 3 -type d -name "$id" 2>/dev/null | head -1)
	cat "$f/freezer.state" 2>/dev/null
}
# What sandtop ps says of one sandbox (its STATE column).
ps_state() { "$SANDTOP" ps -a | awk -v n="$1" '$1 == n { print $4 }'; }

t_act_cli() {
	local p="${RUN_ID}ac" log="$TEST_TMP/audit.log" out rc
	act_up "$p" 3 || return 1
	out=$("$SANDTOP" pause "$p-1" --json --journal "$log" --reason "test: pause one")
	rc=$?
	check "pause: exit 0" test $rc -eq 0
	check "pause: the JSON says ok for $p-1" sh -c "echo '$out' | jq -e '.action == \"pause\" and .results[0].name == \"$p-1\" and .results[0].ok == true' >/dev/null"
	check "... and that the kernel froze it" sh -c "echo '$out' | jq -e '.kernel_path and (.results[0].kernel | test(\"frozen by the kernel\"))' >/dev/null"
	check "the kernel has it frozen" test "$(freezer_of "$p-1")" = FROZEN
	check "sandtop ps says frozen (the engine still says running)" test "$(ps_state "$p-1")" = frozen
	"$SANDTOP" unpause "$p-1" --audit-log "$log" >/dev/null
	check "unpause thaws it" test "$(freezer_of "$p-1")" = THAWED
	check "... and ps says running" test "$(ps_state "$p-1")" = running
	# stop of a process that ignores SIGTERM: the engine kills it after -t
	docker run -d --name "$p-term" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p" \
		sandtop/mini:latest sh -c 'trap "" TERM; while :; do sleep 1; done' >/dev/null
	local t0=$SECONDS
	"$SANDTOP" stop "$p-term" -t 1 --journal "$log" >/dev/null
	check "stop -t 1 of a TERM-ignoring sandbox: exited (in $((SECONDS - t0)) s)" test "$(state_of "$p-term")" = exited
	# a sandbox whose init ends on SIGTERM (an init ignores signals it has no handler for)
	docker rm -f "$p-2" >/dev/null
	docker run -d --name "$p-2" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p" \
		sandtop/mini:latest sh -c 'trap "exit 3" TERM; while :; do sleep 1; done' >/dev/null
	"$SANDTOP" kill "$p-2" --signal SIGTERM --audit-log "$log" >/dev/null
	check "kill --signal SIGTERM: the sandbox's TERM handler ran (exit 3)" sh -c "sleep 2; test \"\$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' $p-2)\" = 'exited 3'"
	# failure paths: already stopped, unknown, unreachable, bad usage
	out=$("$SANDTOP" kill "$p-2" --json --journal "$log")
	rc=$?
	check "kill of a stopped sandbox: exit 1" test $rc -eq 1
	check "... the JSON says why" sh -c "echo '$out' | jq -e '.results[0].ok == false and (.results[0].error | test(\"not running\"))' >/dev/null"
	out=$("$SANDTOP" pause "$p-1" "${RUN_ID}nonesuch" --json --journal "$log")
	rc=$?
	check "one unknown name among good ones: exit 1" test $rc -eq 1
	check "... the good one done, the unknown one reported" sh -c "echo '$out' | jq -e '[.results[] | .ok] | sort == [false, true]' >/dev/null"
	check "... frozen" test "$(freezer_of "$p-1")" = FROZEN
	"$SANDTOP" unpause "$p-1" --audit-log "$log" >/dev/null
	"$SANDTOP" pause "$p-1" -H unix:///nonexistent.sock --journal "$log" 2>/dev/null
	check "engine unreachable: exit 3" test $? -eq 3
	"$SANDTOP" kill --signal SIGBOGUS "$p-1" 2>/dev/null
	check "a bad signal: usage error 2" test $? -eq 2
	"$SANDTOP" kill 2>/dev/null
	check "no target: usage error 2" test $? -eq 2
	# one table of commands, each with its own options
	"$SANDTOP" frobnicate "$p-1" >"$TEST_TMP/unknown.out" 2>"$TEST_TMP/unknown.err"
	check "an unknown command: usage error 2" test $? -eq 2
	check "... said so, and nothing on stdout" sh -c "grep -q \"unknown command 'frobnicate'\" '$TEST_TMP/unknown.err' && ! test -s '$TEST_TMP/unknown.out'"
	"$SANDTOP" pause "$p-1" --vnc-socket-dir /tmp --journal "$log" 2>/dev/null
	check "an option that is not the actions' (--vnc-socket-dir): usage error 2" test $? -eq 2
	check "... and nothing done" test "$(freezer_of "$p-1")" = THAWED
	"$SANDTOP" freeze --help >"$TEST_TMP/help.out"
	check "freeze --help: exit 0" test $? -eq 0
	check "... its own usage, with the shared options" sh -c "head -1 '$TEST_TMP/help.out' | grep -q '^usage: sandtop freeze' && grep -q -- '--journal FILE' '$TEST_TMP/help.out' && grep -q -- '--engine-timeout' '$TEST_TMP/help.out'"
	"$SANDTOP" --help >"$TEST_TMP/help-all.out"
	check "sandtop --help lists the commands from the table, the old names as aliases" sh -c "grep -Eq '^  journal verify \[FILE\] ' '$TEST_TMP/help-all.out' && grep -Eq '^  isolation ' '$TEST_TMP/help-all.out' && grep -q 'audit-log: its old name' '$TEST_TMP/help-all.out'"
	# --label: every sandbox carrying it
	out=$("$SANDTOP" pause --label "sandtop.set=$p" --json --journal "$log")
	check "--label pauses the running ones; the stopped ones fail" sh -c "echo '$out' | jq -e '[.results[] | select(.ok)] | length == 2' >/dev/null"
	"$SANDTOP" unpause "$p-1" "$p-3" --audit-log "$log" >/dev/null
	# the journal: intent and result records (those given --audit-log, its old name, too), an intact chain
	check "journal: intent and result for each action, --journal and --audit-log alike" sh -c "grep -c '\"phase\":\"intent\"' '$log' | grep -qx 9 && grep -c '\"phase\":\"result\"' '$log' | grep -qx 9"
	check "the operator's reason is in it" grep -q '"reason":"test: pause one"' "$log"
	"$SANDTOP" journal verify "$log" >"$TEST_TMP/verify.txt"
	check "journal verify: intact (exit 0)" test $? -eq 0
	note "$(tail -1 "$TEST_TMP/verify.txt")"
	"$SANDTOP" audit-log verify "$log" >"$TEST_TMP/verify-old.txt"
	rc=$?
	check "audit-log verify (the old name) says the same (exit $rc)" sh -c "test $rc -eq 0 && cmp -s '$TEST_TMP/verify.txt' '$TEST_TMP/verify-old.txt'"
	cp "$log" "$TEST_TMP/edited.log"
	cp "$log.head" "$TEST_TMP/edited.log.head"
	sed -i '1s/"action":"pause"/"action":"unpause"/' "$TEST_TMP/edited.log"
	"$SANDTOP" audit-log verify "$TEST_TMP/edited.log" >"$TEST_TMP/verify2.txt"
	check "an edited record is detected (exit 1)" test $? -eq 1
	note "$(grep -m1 -i "line" "$TEST_TMP/verify2.txt")"
	cp "$log" "$TEST_TMP/cut.log"
	cp "$log.head" "$TEST_TMP/cut.log.head"
	sed -i '$d' "$TEST_TMP/cut.log"
	"$SANDTOP" journal verify "$TEST_TMP/cut.log" >"$TEST_TMP/verify3.txt"
	check "a truncated log is detected (exit 1)" test $? -eq 1
	note "$(grep -m1 -i "truncat" "$TEST_TMP/verify3.txt")"
	# a log that cannot be written never holds containment up: the pause
	# happens, the JSON says the log failed, the records are printed
	out=$("$SANDTOP" pause "$p-1" --json --journal /proc/version 2>"$TEST_TMP/unwritten.txt")
	check "unwritable journal: the pause goes ahead (exit 0)" test $? -eq 0
	check "... frozen" test "$(freezer_of "$p-1")" = FROZEN
	check "... the JSON says the log failed" sh -c "echo '$out' | jq -e '.journal_error != null and .audit_log_error == .journal_error' >/dev/null"
	check "... and the records are printed, not lost" grep -q '"unwritten":true.*"action":"pause"' "$TEST_TMP/unwritten.txt"
	"$SANDTOP" thaw "$p-1" --journal "$log" >/dev/null
}
t_act_cli_cleanup() { act_down "${RUN_ID}ac"; }

t_act_quarantine() {
	local p="${RUN_ID}aq" net="${RUN_ID}aq-net"
	docker network create --internal "$net" >/dev/null
	docker run -d --name "$p-1" --network "$net" --label sandtop.sandbox=1 --label "sandtop.set=$p" \
		sandtop/mini:latest sleep 600 >/dev/null
	"$SANDTOP" quarantine "$p-1" --audit-log "$TEST_TMP/audit.log" >/dev/null
	check "quarantine: exit 0" test $? -eq 0
	check "no network left" test "$(docker inspect -f '{{len .NetworkSettings.Networks}}' "$p-1")" = 0
	check "frozen by the kernel" test "$(freezer_of "$p-1")" = FROZEN
	# the screen shows it, says it in the detail, and warns before a restart
	tui_listed aq 200 40 "$p-1" --audit-log "$TEST_TMP/audit.log" || return 1
	tm send-keys -t aq / && tm send-keys -t aq -l "$p" && tm send-keys -t aq Enter
	check "the row says quarantined" wait_screen aq "$p-1 .* quarantined " 5
	check "the header counts it held, not running" wait_screen aq "0 running, 1 frozen" 5
	press aq Enter "the detail says every network was cut" "networks +none: every network cut \(quarantined\)" 5
	press aq R "R warns it restarts cut off" "Restart \(it has no network left: it restarts quarantined, cut off\) $p-1\? \(y/N\)" 5
	tm send-keys -t aq n
}
t_act_quarantine_cleanup() { act_down "${RUN_ID}aq"; docker network rm "${RUN_ID}aq-net" >/dev/null 2>&1; true; }

# The kill switch from the command line: every live sandbox (on an engine
# of the test's own: --all means every sandbox of the engine).
t_act_killswitch_cli() {
	local p="${RUN_ID}ak" i dead=0
	engine_start akc || return 1
	for i in 1 2 3 4 5 6; do
		docker -H "$ENGINE_HOST" run -d --name "$p-$i" --network none --label sandtop.sandbox=1 \
			--label "sandtop.set=$p" sandtop/mini:latest sh -c 'while :; do :; done' >/dev/null ||
			{ fail "docker run"; return 1; }
	done
	"$SANDTOP" kill --all -H "$ENGINE_HOST" --json --audit-log "$TEST_TMP/audit.log" --reason "incident test" \
		>"$TEST_TMP/kill.json"
	check "kill --all: exit 0" test $? -eq 0
	check "it ran as kill-all" jq -e '.action == "kill-all"' "$TEST_TMP/kill.json"
	for i in 1 2 3 4 5 6; do
		[ "$(docker -H "$ENGINE_HOST" inspect -f '{{.State.Status}}' "$p-$i")" = exited ] && dead=$((dead + 1))
	done
	check "all 6 busy sandboxes dead" test $dead -eq 6
	check "the journal names the kill switch" grep -q '"action":"kill-all"' "$TEST_TMP/audit.log"
}

# The screen: tags, a question (default no), the signal menu, read-only,
# armed.
t_act_screen() {
	local p="${RUN_ID}as"
	act_up "$p" 3 || return 1
	tui_listed as 160 40 "$p-3" --journal "$TEST_TMP/audit.log" || return 1
	tm send-keys -t as / && tm send-keys -t as -l "$p" && tm send-keys -t as Enter
	press as "Home Space Space" "two tagged" "2 tagged" 5
	press as p "pause asks first" "Pause 2 sandboxes .*\\(y/N\\)" 5
	press as Enter "Enter cancels" "cancelled" 5
	check "... nothing paused" test "$(state_of "$p-1")" = running
	tm send-keys -t as p
	wait_screen as "\\(y/N\\)" 5
	press as y "y pauses both; the pane says so" "pause: 2 ok, 0 failed, 0 pending" 10
	check "... and what the kernel did" wait_screen as "$p-[12]: frozen by the kernel" 5
	check "the kernel has both frozen" test "$(freezer_of "$p-1") $(freezer_of "$p-2")" = "FROZEN FROZEN"
	tm send-keys -t as x u
	press as t "t tags every sandbox the filter shows" "3 tagged" 5
	press_gone as u "u untags them" "[0-9]+ tagged" 5
	# kill with the menu: the third one, SIGKILL (first entry)
	press as "End K" "the signal menu" "Send which signal" 5
	press as Enter "... then a question naming the signal" "Send SIGKILL to $p-3\\? \\(y/N\\)" 5
	press as y "killed" "kill: 1 ok" 10
	tm send-keys -t as x
	# (F8 and F9 act on every sandbox of the engine: t_killswitch tries them on an engine of its own)

	# read-only: no action at all
	act_up "${p}r" 1 || return 1
	tui_start ro 160 40 --read-only --audit-log "$TEST_TMP/audit.log"
	wait_screen ro "${p}r-1" 10
	check "read-only is shown" wait_screen ro "READ-ONLY" 5
	tm send-keys -t ro / && tm send-keys -t ro -l "${p}r" && tm send-keys -t ro Enter p
	check "read-only refuses" wait_screen ro "read-only: sandtop was started with --read-only" 5
	check "... untouched" test "$(state_of "${p}r-1")" = running
	# armed: loud, and no question
	tui_start ar 160 40 --armed --audit-log "$TEST_TMP/audit.log"
	wait_screen ar "${p}r-1" 10
	check "ARMED is shown" wait_screen ar "ARMED: actions run at once" 5
	tm send-keys -t ar / && tm send-keys -t ar -l "${p}r" && tm send-keys -t ar Enter p
	check "armed: pause without a question" wait_screen ar "pause: 1 ok" 10
	check "... frozen" test "$(freezer_of "${p}r-1")" = FROZEN
	"$SANDTOP" journal verify "$TEST_TMP/audit.log" >/dev/null
	check "the screen's actions left an intact journal" test $? -eq 0
}
t_act_screen_cleanup() { act_down "${RUN_ID}as"; act_down "${RUN_ID}asr"; }

# A snapshot from the screen (E): asked first, taken, the bundle named.
t_act_screen_snapshot() {
	local p="${RUN_ID}sn"
	act_up "$p" 1 || return 1
	tui_start sn 200 40
	wait_screen sn "$p-1" 10 || { fail "not listed"; return 1; }
	tm send-keys -t sn / && tm send-keys -t sn -l "$p" && tm send-keys -t sn Enter E
	check "snapshot asks first" wait_screen sn "Snapshot $p-1 .*\\(y/N\\)" 5
	press sn y "the bundle is named when done" "snapshot of $p-1: .*/snapshots/$p-1-" 30
	local dir
	dir=$(ls -d "$TEST_TMP"/state/sandtop/snapshots/"$p"-1-* 2>/dev/null | head -1)
	check "it has a manifest, the inspect JSON and the logs" sh -c "test -s '$dir/manifest.json' && test -s '$dir/inspect.json' && test -e '$dir/logs.txt'"
	check "the sandbox runs again" test "$(state_of "$p-1")" = running
	check "the journal has it" grep -q '"action":"snapshot"' "$TEST_TMP/state/sandtop/audit.log"
}
t_act_screen_snapshot_cleanup() {
	act_down "${RUN_ID}sn"
	docker images -q --filter "label=sandtop.snapshot.source" --filter "reference=sandtop-snapshot:${RUN_ID}sn*" | xargs -r docker rmi -f >/dev/null 2>&1
	true
}
