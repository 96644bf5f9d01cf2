# t_watch.sh: `sandtop watch`, the headless sandtop.ttl enforcer, on the real engine.

# Every container made here comes from sandtop/mini, is named tw-<run>-*,
# carries sandtop.sandbox=1 and this run's own label, and every watch is
# limited to that label: nothing else on the engine is looked at or touched.

tw_label() { echo "sandtop.test.watch=tw${RUN_ID}"; }
tw_name() { echo "tw-${RUN_ID}-$1"; }

# tw_run NAME TTL [CMD...]: a sandbox with sandtop.ttl=TTL (none when TTL
# is "") running CMD (default: sleep 600).
tw_run() {
	local args=(--label sandtop.sandbox=1 --label "$(tw_label)")
	[ -n "$2" ] && args+=(--label "sandtop.ttl=$2")
	args+=(--name "$(tw_name "$1")")
	shift 2
	[ $# -eq 0 ] && set -- sleep 600
	docker run -d "${args[@]}" sandtop/mini:latest "$@" >/dev/null
}
# The state as sandtop shows it: the engine's word, but "frozen" when the
# kernel has a running one frozen (the pause policy freezes on a local engine).
tw_state() {
	local st id f
	st=$(docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null)
	if [ "$st" = running ]; then
		id=$(docker inspect -f '{{.Id}}' "$1")
		f=$(find /sys/fs/cgroup/freezer -maxdepth 3 -type d -name "$id" 2>/dev/null | head -1)
		[ "$(cat "$f/freezer.state" 2>/dev/null)" = FROZEN ] && st=frozen
	fi
	echo "$st"
}
# tw_wait_state NAME STATE SECS
tw_wait_state() {
	local end=$((SECONDS + $3))
	while [ "$(tw_state "$1")" != "$2" ]; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
# tw_wait_line FILE REGEX SECS: until a line of FILE matches.
tw_wait_line() {
	local end=$((SECONDS + $3))
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
# tw_wait_count FILE TEXT N SECS: until TEXT is on exactly N lines of FILE.
tw_wait_count() {
	local end=$((SECONDS + $4))
	until [ "$(grep -cF -- "$2" "$1")" -eq "$3" ]; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
# tw_watch NAME ARGS...: sandtop watch on this run's label in the
# background; stdout in $TEST_TMP/NAME.out, its log (and stderr) in
# $TEST_TMP/watch-NAME.log; the pid in TW_PID.
tw_watch() {
	local n=$1
	shift
	"$SANDTOP" watch --label "$(tw_label)" --log "$TEST_TMP/watch-$n.log" "$@" \
		>"$TEST_TMP/$n.out" 2>>"$TEST_TMP/watch-$n.log" &
	TW_PID=$!
}
# tw_stop SIGNAL: signal the watch and wait (8 s at most); its exit status in TW_RC.
tw_stop() {
	kill "-$1" "$TW_PID" 2>/dev/null
	local end=$((SECONDS + 8))
	while kill -0 "$TW_PID" 2>/dev/null; do
		[ $SECONDS -ge $end ] && { kill -9 "$TW_PID"; wait "$TW_PID"; TW_RC=timeout; return 1; }
		sleep 0.05
	done
	wait "$TW_PID"
	TW_RC=$?
}
# tw_delay_ms NAME TTL EVENT: ms from NAME's budget running out (StartedAt +
# TTL s) to the engine's first EVENT (pause, die) for it since that start.
tw_delay_ms() {
	local id start_ns ev_ns
	id=$(docker inspect -f '{{.Id}}' "$1")
	start_ns=$(date -d "$(docker inspect -f '{{.State.StartedAt}}' "$1")" +%s%N)
	ev_ns=$(docker events --since "$((start_ns / 1000000000))" --until "$(date +%s.%N)" \
		--filter "container=$id" --filter "event=$3" --format '{{.TimeNano}}' | head -1)
	[ -n "$ev_ns" ] || { echo "?"; return; }
	echo $(((ev_ns - start_ns - $2 * 1000000000) / 1000000))
}
tw_cleanup() {
	local ids
	ids=$(docker ps -aq --filter "label=$(tw_label)")
	[ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
	[ -n "${TW_PID:-}" ] && kill -9 "$TW_PID" 2>/dev/null
	true
}
tw_image() {
	docker image inspect sandtop/mini:latest >/dev/null 2>&1 || "$ROOT/scripts/mini-image" >/dev/null
}
# Every stdout line: a local timestamp to the ms, then plain text.
tw_stamped() { ! grep -Evq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{4} [^[:cntrl:]]+$' "$1"; }

# The pause policy: the expired sandbox is paused (frozen by the kernel on
# this local engine) once per start (a thaw is left alone, a restart counts
# again); a long budget, a bad label and no label are left alone; the
# journal has both records of each action and verifies.
tw_case_pause() {
	tw_image || { fail "no sandtop/mini image"; return; }
	local out="$TEST_TMP/pause.out" audit="$TEST_TMP/audit-pause.log"
	local exp long bad none
	exp=$(tw_name exp) long=$(tw_name long) bad=$(tw_name bad) none=$(tw_name none)
	tw_run exp 3 && tw_run long 600 && tw_run bad 3s && tw_run none "" ||
		{ fail "could not start the containers"; return; }
	tw_watch pause --ttl-policy pause --journal "$audit"
	check "the expired sandbox is frozen" tw_wait_state "$exp" frozen 15
	check "the output says it expired" tw_wait_line "$out" \
		"expired $exp \([0-9a-f]{12}\) over by [0-9]s \(sandtop.ttl=3\): pausing$" 2
	check "the output says it was paused by the kernel" tw_wait_line "$out" "paused $exp \([0-9a-f]{12}\) in [0-9]+ ms \(frozen by the kernel in [0-9]+ ms \(1 task\)\)$" 2
	check "the start counts only this label's sandboxes" grep -q ": 4 sandboxes, 3 with sandtop.ttl$" "$out"
	check "the bad label is reported" grep -q "bad sandtop.ttl on $bad ([0-9a-f]*): '3s' is not a number of seconds; not enforced" "$out"
	sleep 1.5 # past every short budget: 3s would have been 3 s
	check "the long budget still runs" [ "$(tw_state "$long")" = running ]
	check "the bad-label one still runs" [ "$(tw_state "$bad")" = running ]
	check "the one without a budget still runs" [ "$(tw_state "$none")" = running ]
	check "nothing is said of the long or the unlabelled one" bash -c "! grep -Eq '$long|$none' '$out'"
	check "the bad label is reported once" [ "$(grep -c "bad sandtop.ttl on $bad" "$out")" -eq 1 ]
	# once per start: an operator's unpause wins
	"$SANDTOP" unpause "$exp" --audit-log "$TEST_TMP/audit-other.log" >/dev/null
	check "the unpause is noticed" tw_wait_line "$out" "$exp \([0-9a-f]{12}\) is running again past its budget" 5
	sleep 1
	check "and left alone" [ "$(tw_state "$exp")" = running ]
	# a restart is a new start: a new budget
	docker restart -t 0 "$exp" >/dev/null
	check "after a restart it is paused again" tw_wait_state "$exp" frozen 10
	check "two 'paused' lines" tw_wait_count "$out" "paused $exp (" 2 3
	tw_stop INT
	check "SIGINT: exit 0 (got $TW_RC)" [ "$TW_RC" = 0 ]
	check "the last line says it stopped" bash -c "tail -1 '$out' | grep -q ' stopped$'"
	check "every line is timestamped plain text" tw_stamped "$out"
	sed 's/^/    | /' "$out"
	"$SANDTOP" journal verify "$audit" >"$TEST_TMP/verify.txt" 2>&1
	check "journal verify passes ($(cat "$TEST_TMP/verify.txt"))" [ $? -eq 0 ]
	local intents results
	intents=$(jq -c 'select(.action == "pause" and .phase == "intent")' "$audit" | wc -l)
	results=$(jq -c 'select(.action == "pause" and .phase == "result")' "$audit" | wc -l)
	check "two intents and two results (got $intents, $results)" [ "$intents/$results" = 2/2 ]
	check "the reason names the budget and the run time" \
		bash -c "[ \$(jq -r 'select(.phase == \"intent\") | .reason' '$audit' | grep -Ec '^ttl expired: sandtop.ttl=3, running [3-9] s$') -eq 2 ]"
	check "not armed, and the results are ok" \
		bash -c "jq -e -s 'all(.[]; .armed == false) and all(.[] | select(.phase == \"result\") | .targets[]; .result | startswith(\"ok\"))' '$audit' >/dev/null"
}

# The kill policy kills the expired sandbox (SIGKILL: exit 137).
tw_case_kill() {
	tw_image || { fail "no sandtop/mini image"; return; }
	local out="$TEST_TMP/kill.out" audit="$TEST_TMP/audit-kill.log" exp long
	exp=$(tw_name kexp) long=$(tw_name klong)
	tw_run kexp 2 && tw_run klong 600 || { fail "could not start the containers"; return; }
	tw_watch kill --ttl-policy kill --audit-log "$audit"   # the old name of --journal
	check "the expired sandbox is killed" tw_wait_state "$exp" exited 15
	note "expiry to kill: $(tw_delay_ms "$exp" 2 die) ms (to the engine's die event)"
	check "exit code 137" [ "$(docker inspect -f '{{.State.ExitCode}}' "$exp")" = 137 ]
	check "the output says it was killed by the kernel" tw_wait_line "$out" "killed $exp \([0-9a-f]{12}\) in [0-9]+ ms \(killed by the kernel in [0-9]+ ms .*\)$" 2
	check "the long budget still runs" [ "$(tw_state "$long")" = running ]
	tw_stop TERM
	check "SIGTERM: exit 0 (got $TW_RC)" [ "$TW_RC" = 0 ]
	sed 's/^/    | /' "$out"
	check "audit-log verify (journal verify's old name) passes" bash -c "'$SANDTOP' audit-log verify '$audit' >/dev/null"
	check "a kill intent and result" bash -c "jq -e -s '[.[] | select(.action == \"kill\")] | length == 2' '$audit' >/dev/null"
}

# The stop policy, and a SIGINT while the stop is in flight: the watch
# lets it finish (the sandbox takes about 1 s to go on SIGTERM), reports
# it, and exits 0 with both journal records written.
tw_case_stop() {
	tw_image || { fail "no sandtop/mini image"; return; }
	local out="$TEST_TMP/stop.out" audit="$TEST_TMP/audit-stop.log" exp t0
	exp=$(tw_name sexp)
	tw_run sexp 1 sh -c 'trap "sleep 1; exit 0" TERM; while :; do sleep 0.1; done' ||
		{ fail "could not start the container"; return; }
	tw_watch stop --ttl-policy stop --journal "$audit"
	check "the expiry is reported" tw_wait_line "$out" "expired $exp \([0-9a-f]{12}\) over by [0-9]s \(sandtop.ttl=1\): stopping$" 10
	t0=$(date +%s%N)
	tw_stop INT
	note "SIGINT to exit: $((($(date +%s%N) - t0) / 1000000)) ms"
	check "SIGINT: exit 0 (got $TW_RC)" [ "$TW_RC" = 0 ]
	check "it waited for the stop" grep -q "SIGINT: stopping after 1 action in flight" "$out"
	check "the stop is reported" grep -Eq "stopped $exp \([0-9a-f]{12}\) in [0-9]+ ms \(stopped: it ended [0-9]+ ms after SIGTERM.*\)$" "$out"
	check "the sandbox exited 0 (its TERM trap)" [ "$(tw_state "$exp")/$(docker inspect -f '{{.State.ExitCode}}' "$exp")" = exited/0 ]
	check "the last line says it stopped" bash -c "tail -1 '$out' | grep -q ' stopped$'"
	sed 's/^/    | /' "$out"
	check "journal verify passes" bash -c "'$SANDTOP' journal verify '$audit' >/dev/null"
	check "a stop intent and result" bash -c "jq -e -s '[.[] | select(.action == \"stop\")] | length == 2' '$audit' >/dev/null"
}

# A journal that cannot be written: said at the start; the action goes
# ahead all the same (containment never waits for the log), and the
# records it could not write are printed when the watch ends.
tw_case_refused() {
	tw_image || { fail "no sandtop/mini image"; return; }
	local out="$TEST_TMP/refused.out" exp
	exp=$(tw_name rexp)
	: >"$TEST_TMP/file"
	tw_run rexp 1 || { fail "could not start the container"; return; }
	tw_watch refused --ttl-policy pause --audit-log "$TEST_TMP/file/audit.log"
	check "the pause goes ahead" tw_wait_state "$exp" frozen 10
	check "... and is reported" tw_wait_line "$out" "paused $exp \([0-9a-f]{12}\) in [0-9]+ ms .*; the result is not in the journal" 10
	check "the log's trouble is said" grep -q 'JOURNAL: .* not written: .*Not a directory.*(actions go ahead; the records are kept and retried)' "$out"
	tw_stop TERM
	check "SIGTERM: exit 0 (got $TW_RC)" [ "$TW_RC" = 0 ]
	check "the records it could not write are printed at the end" \
		grep -q '"unwritten":true.*"action":"pause"' "$TEST_TMP/watch-refused.log"
	sed 's/^/    | /' "$out"
}

# An engine that is not there yet, comes, goes and comes back (a socat
# proxy to the real socket): each outage said once, each return said.
tw_case_unreachable() {
	command -v socat >/dev/null || { fail "no socat (scripts/setup installs it)"; return; }
	local out="$TEST_TMP/unreach.out" sock="$TEST_TMP/engine.sock"
	tw_watch unreach -H "unix://$sock"
	check "unreachable is said" tw_wait_line "$out" "engine unix://$sock unreachable: .*; retrying$" 5
	sleep 2
	check "once" [ "$(grep -c unreachable "$out")" -eq 1 ]
	setsid socat "UNIX-LISTEN:$sock,fork" UNIX-CONNECT:/var/run/docker.sock 2>/dev/null &
	TW_SOCAT=$!
	check "the engine's arrival is said" tw_wait_line "$out" "engine unix://$sock back online \(Docker " 10
	kill -- "-$TW_SOCAT" 2>/dev/null
	wait "$TW_SOCAT" 2>/dev/null
	rm -f "$sock"
	check "the second outage is said" tw_wait_count "$out" unreachable 2 10
	setsid socat "UNIX-LISTEN:$sock,fork" UNIX-CONNECT:/var/run/docker.sock 2>/dev/null &
	TW_SOCAT=$!
	check "and the return" tw_wait_count "$out" "back online" 2 10
	tw_stop INT
	check "SIGINT: exit 0 (got $TW_RC)" [ "$TW_RC" = 0 ]
	sed 's/^/    | /' "$out"
}
# Each case in turn (their containers and outputs are apart).
t_watch() {
	local c
	for c in pause kill stop refused unreachable; do
		note "-- $c"
		"tw_case_$c"
		tw_cleanup
		TW_PID=
	done
}
t_watch_cleanup() {
	[ -n "${TW_SOCAT:-}" ] && kill -- "-$TW_SOCAT" 2>/dev/null
	tw_cleanup
}

# The screen with --ttl-policy pause: a spent budget pauses the sandbox,
# says so on the status line, writes the journal; one with time left is
# left alone; the ISO column shows RES-05 failing for the paused one.
t_ttl_screen() {
	TUI_ENV="" tui_start ttl 200 40 --ttl-policy pause --journal "$TEST_TMP/audit.log"
	check "the screen says the policy" wait_screen ttl "ttl policy: pause once a running sandbox's budget is spent" 5
	tw_run scr-exp 3 || { fail "could not start a sandbox"; return; }
	tw_run scr-long 600 || { fail "could not start a sandbox"; return; }
	check "the spent one is paused (frozen) by the screen" tw_wait_state "$(tw_name scr-exp)" frozen 10
	check "the status line says so" wait_screen ttl "paused $(tw_name scr-exp) \([0-9a-f]{12}\) in [0-9]+ ms" 5
	check "its row says frozen and FAIL high (RES-05)" wait_screen ttl "$(tw_name scr-exp) .* frozen +FAIL high" 5
	check "the other one still runs" [ "$(tw_state "$(tw_name scr-long)")" = running ]
	check "the journal has the pause with its reason" grep -q '"reason":"ttl expired: sandtop.ttl=3, running [0-9]* s"' "$TEST_TMP/audit.log"
	"$SANDTOP" journal verify "$TEST_TMP/audit.log" >/dev/null
	check "and verifies" [ $? -eq 0 ]
	"$SANDTOP" --ttl-policy pause --read-only >/dev/null 2>&1
	check "--ttl-policy with --read-only is a usage error" [ $? -eq 2 ]
}
t_ttl_screen_cleanup() {
	docker rm -f "$(tw_name scr-exp)" "$(tw_name scr-long)" >/dev/null 2>&1
}
