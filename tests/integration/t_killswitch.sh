# t_killswitch: the kill switch when things go wrong, on private engines of the tests' own (scripts/engine): the kernel first, the engine second; dockerd SIGSTOP'd and killed -9; health checks caught mid-exec; the journal's disk full.

# ks_up HOST PREFIX N [EXTRA docker run flags...]: N busy mini sandboxes
# PREFIX-1.. (an init and two busy children each) labelled sandtop.set=PREFIX.
ks_up() {
	local host=$1 p=$2 n=$3 i
	shift 3
	for i in $(seq "$n"); do
		docker -H "$host" run -d --name "$p-$i" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p" \
			"$@" sandtop/mini:latest sh -c 'for i in 1 2; do (while :; do :; done) & done; while :; do :; done' \
			>/dev/null || return 1
	done
}
# ks_ids HOST PREFIX: the full ids of the set PREFIX-1, -2, ... in that
# order (asked while the engine answers).
ks_ids() {
	docker -H "$1" ps -a --no-trunc --filter "label=sandtop.set=$2" --format '{{.Names}} {{.ID}}' |
		sort -t- -k1,1 -V | awk '{ print $2 }'
}
# ks_two_sets HOST PREFIX: ks_up of PREFIX-a-1..5 and PREFIX-b-1..5, their ids
# into the caller's arrays a and b.
ks_two_sets() {
	if ! ks_up "$1" "$2-a" 5 || ! ks_up "$1" "$2-b" 5; then
		fail "docker run"
		return 1
	fi
	mapfile -t a < <(ks_ids "$1" "$2-a")
	mapfile -t b < <(ks_ids "$1" "$2-b")
}
# ks_json FILE FILTER: jq -e FILTER on a saved JSON answer (quiet).
ks_json() { jq -e "$2" "$1" >/dev/null 2>&1; }
# ks_tasks ENGINE ID...: the tasks left in those containers' cgroups (the
# kernel's word: works with the engine stopped or dead).
ks_tasks() {
	local e=$1 id n=0 f
	shift
	for id in "$@"; do
		f=/sys/fs/cgroup/freezer/sandtop-$e/$id/cgroup.procs
		[ -r "$f" ] && n=$((n + $(wc -l <"$f")))
	done
	echo "$n"
}
# ks_states ENGINE ID...: their freezer states, sorted and unique ("FROZEN").
ks_states() {
	local e=$1 id
	shift
	for id in "$@"; do cat "/sys/fs/cgroup/freezer/sandtop-$e/$id/freezer.state" 2>/dev/null || echo gone; done |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
# ks_wait_tasks ENGINE MAX_S ID...: until no task is left; the ms it took in
# WAITED_MS (-1 on timeout).
ks_wait_tasks() {
	local e=$1 max=$2 start
	shift 2
	start=$(date +%s%N)
	while [ "$(ks_tasks "$e" "$@")" -gt 0 ]; do
		[ $(($(date +%s%N) - start)) -gt $((max * 1000000000)) ] && { WAITED_MS=-1; return 1; }
		sleep 0.02
	done
	WAITED_MS=$((($(date +%s%N) - start) / 1000000))
}

# The screen's kill switch on a healthy engine: F8 freezes every sandbox
# (the kernel's word: frozen in every process), p on a frozen one thaws it,
# q asks while sandboxes are frozen, F9 kills them all.
t_killswitch_screen() {
	local p="ks${RUN_ID}s" ids
	engine_start kss || return 1
	ks_up "$ENGINE_HOST" "$p" 4 || { fail "docker run"; return 1; }
	mapfile -t ids < <(ks_ids "$ENGINE_HOST" "$p")
	tui_listed ks 200 40 "$p-4" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/audit.log" || return 1
	press ks F8 "freeze-all asks for the word" "KILL SWITCH: freeze all 4 .*type 'freeze'" 5
	tm send-keys -t ks -l "freeze" && tm send-keys -t ks Enter
	check "freeze-all: 4 ok, the kernel acted" wait_screen ks "freeze-all: 4 ok, 0 failed, 0 pending; the kernel acted first" 10
	check "... each: frozen by the kernel" wait_screen ks "$p-1: frozen by the kernel in [0-9]+ ms" 5
	check "the kernel has all 4 frozen" test "$(ks_states kss "${ids[@]}")" = FROZEN
	check "the list says frozen" wait_screen ks "$p-2 .*frozen" 5
	check "the header counts them frozen, not running" wait_screen ks "4 sandboxes: 0 running, 4 frozen" 5
	check "another process (sandtop ps) says frozen too" \
		bash -c "'$SANDTOP' ps -H '$ENGINE_HOST' | grep -c ' frozen ' | grep -qx 4"
	check "... and ps --json" bash -c "'$SANDTOP' ps --json -H '$ENGINE_HOST' | jq -e '[.[] | .state] | unique == [\"frozen\"]' >/dev/null"
	press ks "x q" "q while frozen asks first" "4 sandboxes frozen \\(they stay so when sandtop quits\\). Quit\\? \\(y/N\\)" 5
	press ks n "... n stays" "cancelled" 5
	press ks "Home p" "p on a frozen one offers unpause" "Unpause $p-1\\? \\(y/N\\)" 5
	press ks y "... thawed by the kernel" "$p-1: thawed by the kernel" 10
	press ks "x F9" "kill-all asks for the word" "KILL SWITCH: kill all 4 .*type 'kill'" 5
	tm send-keys -t ks -l "kill" && tm send-keys -t ks Enter
	check "kill-all: 4 ok" wait_screen ks "kill-all: 4 ok, 0 failed, 0 pending" 10
	check "... killed by the kernel; the engine agrees" wait_screen ks "$p-[0-9]: killed by the kernel in [0-9]+ ms .*engine: (ok|not running)" 5
	check "no task left in their cgroups" test "$(ks_tasks kss "${ids[@]}")" = 0
	check "the engine says exited 137 (it learns by itself)" bash -c "for i in \$(seq 50); do docker -H '$ENGINE_HOST' ps -a --filter label=sandtop.set=$p --format '{{.Status}}' | grep -c 'Exited (137)' | grep -qx 4 && exit 0; sleep 0.2; done; exit 1"
	"$SANDTOP" audit-log verify "$TEST_TMP/audit.log" >/dev/null
	check "the journal is intact" test $? -eq 0
	check "... and says the kernel acted" grep -q '"action":"kill-all".*contained=kernel' "$TEST_TMP/audit.log"
}

# dockerd SIGSTOP'd: the command line finds the sandboxes in the engine's
# records and kills them through the kernel; the screen (open before) freezes
# and kills through its last list; the engine's late answers are logged once
# it is resumed.
t_killswitch_wedged() {
	local p="ks${RUN_ID}w" a b rc t0
	engine_start ksw || return 1
	ks_two_sets "$ENGINE_HOST" "$p" || return 1
	tui_listed kw 200 40 "$p-b-5" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/screen.log" || return 1
	engine_freeze ksw || { fail "SIGSTOP"; return 1; }
	note "dockerd $(engine_pid ksw) stopped (SIGSTOP)"
	# the command line: set b
	t0=$(date +%s%N)
	"$SANDTOP" kill --label "sandtop.set=$p-b" -H "$ENGINE_HOST" --json --audit-log "$TEST_TMP/cli.log" \
		>"$TEST_TMP/cli.json" 2>"$TEST_TMP/cli.err"
	rc=$?
	note "kill --label returned $rc after $((($(date +%s%N) - t0) / 1000000)) ms"
	check "kill --label with the engine wedged: exit 0" test $rc -eq 0
	check "... it says the engine did not answer and the kernel acted" \
		grep -q "the engine did not answer within 2000 ms: the sandboxes are taken from its records" "$TEST_TMP/cli.err"
	check "... 5 results, each killed by the kernel, the engine silent" ks_json "$TEST_TMP/cli.json" \
		'(.results | length) == 5 and all(.results[]; .ok and (.kernel | test("killed by the kernel")) and .engine == "no answer")' 
	check "no task of set b is left" test "$(ks_tasks ksw "${b[@]}")" = 0
	check "set a still runs" test "$(ks_tasks ksw "${a[@]}")" -ge 15
	# the screen: F8 holds set a, F9 kills it
	tm send-keys -t kw F8
	wait_screen kw "type 'freeze'" 5
	t0=$(date +%s%N)
	tm send-keys -t kw -l "freeze" && tm send-keys -t kw Enter
	check "F8 with the engine wedged: set a frozen by the kernel" wait_screen kw "$p-a-[0-9]: frozen by the kernel" 10
	check "... the kernel has them frozen" test "$(ks_states ksw "${a[@]}")" = FROZEN
	tm send-keys -t kw x F9
	wait_screen kw "type 'kill'" 5
	t0=$(date +%s%N)
	tm send-keys -t kw -l "kill" && tm send-keys -t kw Enter
	check "F9 with the engine wedged: every task of set a dead within 10 s" ks_wait_tasks ksw 10 "${a[@]}"
	note "set a's tasks gone $((($(date +%s%N) - t0) / 1000000)) ms after the word was typed"
	check "... the pane says killed by the kernel" wait_screen kw "$p-a-[0-9]: killed by the kernel" 10
	check "... and that the engine did not answer" wait_screen kw "engine: no answer within 2 s" 10
	check "nothing left frozen or freezing" bash -c "! grep -qE 'FROZEN|FREEZING' /sys/fs/cgroup/freezer/sandtop-ksw/*/freezer.state 2>/dev/null"
	# resumed: the engine catches up; the screen logs its late answers
	engine_thaw ksw
	check "the engine's late answers reach the screen's log" \
		bash -c "for i in \$(seq 100); do grep -q '\"phase\":\"engine\"' '$TEST_TMP/screen.log' && exit 0; sleep 0.2; done; exit 1"
	check "the engine says all 10 exited" \
		bash -c "for i in \$(seq 50); do [ \"\$(docker -H '$ENGINE_HOST' ps -aq --filter status=exited --filter label=sandtop.sandbox | wc -l)\" = 10 ] && exit 0; sleep 0.2; done; exit 1"
	"$SANDTOP" audit-log verify "$TEST_TMP/screen.log" >/dev/null
	check "the screen's journal is intact" test $? -eq 0
	check "... with the whole story: freeze, kill, engine" \
		bash -c "grep -q '\"action\":\"freeze-all\"' '$TEST_TMP/screen.log' && grep -q '\"action\":\"kill-all\",.*\"phase\":\"result\"\\|\"phase\":\"result\".*\"action\":\"kill-all\"' '$TEST_TMP/screen.log'"
}

# dockerd killed -9: its containers live on (their shims do); the command
# line kills them through the kernel from the engine's records (--data-root:
# no process serves the socket to tell it), the screen from its last list.
t_killswitch_engine_dead() {
	local p="ks${RUN_ID}d" a b rc root
	engine_start ksd || return 1
	root=$("$ROOT/scripts/engine" data-root ksd)
	ks_two_sets "$ENGINE_HOST" "$p" || return 1
	tui_listed kd 200 40 "$p-b-5" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/screen.log" || return 1
	engine_kill9 ksd
	check "the screen says the engine is unreachable" wait_screen kd "ENGINE UNREACHABLE" 10
	check "the containers live on without it" test "$(ks_tasks ksd "${a[@]}" "${b[@]}")" -ge 30
	"$SANDTOP" kill --label "sandtop.set=$p-b" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/cli.log" \
		>"$TEST_TMP/cli.out" 2>"$TEST_TMP/cli.err"
	check "without --data-root it says how to find the records (exit 3)" test $? -eq 3
	check "... naming --data-root" grep -q -- "--data-root" "$TEST_TMP/cli.err"
	check "... and why: no list, the engine cannot be reached (not a wait that never happened)" \
		sh -c "grep -q 'no list from the engine (cannot reach engine' '$TEST_TMP/cli.err' && ! grep -q 'did not answer within' '$TEST_TMP/cli.err'"
	"$SANDTOP" kill --label "sandtop.set=$p-b" -H "$ENGINE_HOST" --data-root "$root" --json \
		--audit-log "$TEST_TMP/cli.log" >"$TEST_TMP/cli.json" 2>"$TEST_TMP/cli.err"
	rc=$?
	check "kill --label --data-root with the engine dead: exit 0" test $rc -eq 0
	check "... 5 killed by the kernel" ks_json "$TEST_TMP/cli.json" \
		'[.results[] | select(.ok and (.kernel | test("killed by the kernel")))] | length == 5' 
	check "no task of set b is left" test "$(ks_tasks ksd "${b[@]}")" = 0
	tm send-keys -t kd F9
	wait_screen kd "type 'kill'" 5
	tm send-keys -t kd -l "kill" && tm send-keys -t kd Enter
	check "F9 with the engine dead: every task of set a dead within 10 s" ks_wait_tasks ksd 10 "${a[@]}"
	check "... killed by the kernel, the engine unreachable" wait_screen kd "$p-a-[0-9]: killed by the kernel .*engine: .*(connect|reach)" 10
}

# The reference image's health check at a short interval catches a runc init
# in the middle of an exec now and then (a v1 cgroup can then stay
# FREEZING). Many rounds of kill and of freeze/thaw on 12 busy sandboxes with
# a health check every 50 ms: never a cgroup left frozen or freezing, never
# a task left alive, and the engine can remove them at once.
t_killswitch_health() {
	local p="ks${RUN_ID}h" round ids out bad=0 slow=0 t0 ms
	engine_start ksh || return 1
	for round in 1 2 3 4 5; do
		ks_up "$ENGINE_HOST" "$p$round" 12 --health-cmd 'true' --health-interval 50ms --health-timeout 5s ||
			{ fail "docker run"; return 1; }
		mapfile -t ids < <(ks_ids "$ENGINE_HOST" "$p$round")
		sleep 1
		# freeze and thaw
		"$SANDTOP" freeze --label "sandtop.set=$p$round" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/audit.log" \
			>"$TEST_TMP/freeze$round.out" 2>&1
		"$SANDTOP" thaw --label "sandtop.set=$p$round" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/audit.log" \
			>>"$TEST_TMP/freeze$round.out" 2>&1
		[ "$(ks_states ksh "${ids[@]}")" = THAWED ] || { bad=$((bad + 1)); note "round $round: after thaw: $(ks_states ksh "${ids[@]}")"; }
		grep -q "not frozen within" "$TEST_TMP/freeze$round.out" && note "round $round: $(grep -m1 'not frozen within' "$TEST_TMP/freeze$round.out")"
		# kill
		"$SANDTOP" kill --label "sandtop.set=$p$round" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/audit.log" \
			>"$TEST_TMP/kill$round.out" 2>&1 || { bad=$((bad + 1)); note "round $round: kill exit $?: $(grep -m1 FAILED "$TEST_TMP/kill$round.out")"; }
		[ "$(ks_tasks ksh "${ids[@]}")" = 0 ] || { bad=$((bad + 1)); note "round $round: tasks left: $(ks_tasks ksh "${ids[@]}")"; }
		if grep -qE 'FROZEN|FREEZING' /sys/fs/cgroup/freezer/sandtop-ksh/*/freezer.state 2>/dev/null; then
			bad=$((bad + 1))
			note "round $round: a cgroup was left frozen or freezing"
		fi
		t0=$(date +%s%N)
		# shellcheck disable=SC2068
		timeout 20 docker -H "$ENGINE_HOST" rm -f ${ids[@]} >/dev/null 2>&1 || { bad=$((bad + 1)); note "round $round: docker rm -f hung"; }
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ "$ms" -gt 10000 ] && slow=$((slow + 1))
		note "round $round: $(grep -c 'ok: killed by the kernel' "$TEST_TMP/kill$round.out") killed by the kernel; docker rm -f of 12 took $ms ms"
	done
	check "5 rounds: nothing left frozen, freezing or alive" test $bad -eq 0
	check "the engine removed every set at once (none took 10 s)" test $slow -eq 0
}

# What the command line's kill asks of a healthy engine: only what the
# engine answers without work. dockerd answers GET /version by running `runc
# --version` and `docker-init --version` (two forks), which an engine in
# trouble should be spared; sandtop learns the API version from GET
# /_ping's headers instead. The engine's debug log names every call it
# served.
t_killswitch_asks_little() {
	local p="ks${RUN_ID}q" log=/run/sandtop-engines/ksq/dockerd.log n0 calls
	engine_start ksq sandtop/mini:latest -- --debug || return 1
	ks_up "$ENGINE_HOST" "$p" 3 || { fail "docker run"; return 1; }
	n0=$(wc -l <"$log")
	"$SANDTOP" kill --label "sandtop.set=$p" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/audit.log" >"$TEST_TMP/kill.out" 2>&1
	check "kill --label: 3 killed by the kernel" test "$(grep -c 'ok: killed by the kernel' "$TEST_TMP/kill.out")" -eq 3
	"$SANDTOP" ps -H "$ENGINE_HOST" >/dev/null
	calls=$(tail -n +"$((n0 + 1))" "$log" | grep -o 'Calling [A-Z]* /[^" ?]*' | sed -E 's|/v1\.[0-9]+/|/v/|; s|[0-9a-f]{64}|ID|g' | sort | uniq -c)
	note "the engine served: $(tr -s ' \n' ' ' <<<"$calls")"
	check "it was asked GET /_ping" grep -q 'Calling GET /_ping' <<<"$calls"
	check "... and never GET /version" ep_not_listed 'Calling GET /version' "$calls"
}

# The journal's disk is full: the kill happens, the screen says the log
# failed and retries, the command line prints the records it could not write.
t_killswitch_log_full() {
	local p="ks${RUN_ID}f" ids rc mnt="$TEST_TMP/full" i
	engine_start ksf || return 1
	mkdir -p "$mnt" && mount -t tmpfs -o size=64k tmpfs "$mnt" || { fail "mount a tmpfs"; return 1; }
	ks_up "$ENGINE_HOST" "$p" 3 || { fail "docker run"; return 1; }
	mapfile -t ids < <(ks_ids "$ENGINE_HOST" "$p")
	# an intact log whose last page is nearly full (an append within a page
	# needs no new space), then the disk filled to the last byte
	for i in $(seq 30); do
		"$SANDTOP" freeze "$p-3" -H "$ENGINE_HOST" --audit-log "$mnt/audit.log" --reason "fill the page $i" >/dev/null
		"$SANDTOP" thaw "$p-3" -H "$ENGINE_HOST" --audit-log "$mnt/audit.log" >/dev/null
		[ $(($(stat -c %s "$mnt/audit.log") % 4096)) -gt 3300 ] && break
	done
	note "the log: $(stat -c %s "$mnt/audit.log") bytes before the disk was filled"
	cp "$mnt/audit.log" "$TEST_TMP/before.log"
	dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
	dd if=/dev/zero of="$mnt/filler" bs=1 oflag=append conv=notrunc 2>/dev/null
	"$SANDTOP" kill "$p-1" -H "$ENGINE_HOST" --json --audit-log "$mnt/audit.log" >"$TEST_TMP/cli.json" 2>"$TEST_TMP/cli.err"
	rc=$?
	check "disk full under the log: the kill happens (exit 0)" test $rc -eq 0
	check "... its tasks are gone" test "$(ks_tasks ksf "${ids[0]}")" = 0
	check "... the JSON says the log failed" ks_json "$TEST_TMP/cli.json" '(.journal_error | test("No space left")) and .audit_log_error == .journal_error'
	check "... and the records are printed, not lost" grep -q '"unwritten":true.*"action":"kill"' "$TEST_TMP/cli.err"
	check "nothing already written was lost" cmp -s "$TEST_TMP/before.log" <(head -c "$(stat -c %s "$TEST_TMP/before.log")" "$mnt/audit.log")
	# the screen: the kill, and the log's failure on screen
	tui_listed kf 200 40 "$p-2" -H "$ENGINE_HOST" --audit-log "$mnt/audit.log" || return 1
	tm send-keys -t kf / && tm send-keys -t kf -l "$p-2" && tm send-keys -t kf Enter K Enter
	wait_screen kf "Send SIGKILL to $p-2" 5
	tm send-keys -t kf y
	check "the screen's kill happens" ks_wait_tasks ksf 5 "${ids[1]}"
	check "the screen says the log failed, and retries" wait_screen kf "JOURNAL: [0-9]+ records? not written: .*No space left on device; retrying" 5
	rm -f "$mnt/filler"
	check "space again: the records are written, the banner goes" wait_screen_gone kf "JOURNAL:" 5
	screen kf | grep 'JOURNAL' | sed 's/^/    still: /' 
	"$SANDTOP" audit-log verify "$mnt/audit.log" >"$TEST_TMP/verify.txt"
	check "the log is intact" test $? -eq 0
	# (its result follows the engine's late answer: up to the engine wait)
	check "... and has the screen's kill" f_until 10 grep -q '"phase":"result","action":"kill"' "$mnt/audit.log"
}
t_killswitch_log_full_cleanup() { umount "$TEST_TMP/full" 2>/dev/null; true; }
