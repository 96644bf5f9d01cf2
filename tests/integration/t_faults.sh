# t_faults: the fault suite (issue 16): what the operator sees when the engine, the desktop worker, the terminal, the journal's disk, the load and the desktop server go wrong.
#
# Real engine and real x11vnc throughout; a fake only where the real one
# cannot produce the fault, and the test says why. Kill and SIGSTOP faults
# hit a private engine of the test's own (scripts/engine, lib.sh
# engine_start: its own socket, data root, exec root, pid file and bridge),
# never the main dockerd, and only processes the test started, by pid.
#
# Where each fault of the issue is covered:
#   dockerd SIGSTOP, then SIGCONT, with a snapshot, a kill-all, an open
#     desktop view and a logs screen in flight ........ t_faults_engine_stop
#   dockerd kill -9, then a restart, the same four .... t_faults_engine_kill9
#   the kill switch alone with the engine wedged or dead, command line and
#     screen ...................... t_killswitch_wedged, t_killswitch_engine_dead
#   the private engine itself (SIGSTOP, kill -9, what is left, a clean
#     stop) ........................................... t_engine_private
#   SIGKILL of the VNC worker mid-frame ................ t_faults_worker_kill
#   the terminal closed (SIGHUP) with a snapshot and a stop pending
#                                                  ..... t_faults_hangup
#   the journal's disk full: the screen and the command line
#                                 ...... t_killswitch_log_full (--audit-log is
#     --journal's alias); in unit form tests/unit/test_journal_full.c
#   the journal's disk read-only (remount ro) on the screen
#                                                  ..... t_faults_journal_ro
#   200 sandboxes started and removed, screen open .... t_faults_churn
#   a resize storm with the view and the wall open .... t_faults_resize_storm
#   x11vnc killed (restarted by the sandbox) ........... t_view_states
#   hostile RFB servers on the wall (unix sockets) ..... t_view_hostile
#   the worker alone against hostile servers ........... t_vnc_worker_garbage,
#                                                   _huge, _stall (t_vnc_worker.sh)
#   the sandbox's own x11vnc replaced by a hostile server behind the real
#     exec tunnel ..................................... t_faults_hostile_x11vnc
#   a tiny terminal and resizes of the list ........... t_tui_resize_and_color
#
# Helpers from the other files are used as they are: ks_ids, ks_tasks,
# ks_states (t_killswitch.sh), open_view, view_up, wait_picture, BLOCKS
# (t_view.sh), wall_expect, wall_tiles (t_wall.sh).

FLT_ENGINE=flt # one private engine for both engine tests: its images load once

# f_alive SESSION: sandtop still runs there (the pane did not say it exited).
f_alive() { ! screen "$1" | grep -q 'sandtop-exited'; }
# f_keys SESSION BACK_RE WHAT: ? opens help and q comes back to BACK_RE, each
# within 2 s: the screen answers keys. The worst latency in KEYS_MS.
f_keys() {
	local s=$1 back=$2
	KEYS_MS=-1
	key_latency "$s" '?' 'Everywhere' || { fail "$3: help did not open within 2 s"; return 1; }
	KEYS_MS=$LATENCY_MS
	key_latency "$s" q "$back" || { fail "$3: q did not come back within 2 s"; return 1; }
	wait_screen_gone "$s" 'Everywhere' 2 || { fail "$3: help still open after q"; return 1; }
	[ "$LATENCY_MS" -gt "$KEYS_MS" ] && KEYS_MS=$LATENCY_MS
	note "ok: $3: keys answer (help open and closed, worst $KEYS_MS ms)"
}
# f_quit SESSION: q quits with status 0; a question first (sandboxes left
# frozen or paused, actions in flight) is noted and answered y.
f_quit() {
	local q
	tm send-keys -t "$1" q
	if wait_screen "$1" 'Quit\? \(y/N\)|sandtop-exited-' 5 && q=$(screen "$1" | grep -o '[^ ].*Quit? (y/N)'); then
		note "q asked: $q"
		tm send-keys -t "$1" y
	fi
	check "q quits with status 0" wait_screen "$1" 'sandtop-exited-0' 10
}
# f_pane_joined_has SESSION REGEX: the pane, wrapped lines joined, matches.
f_pane_joined_has() { tm capture-pane -p -J -t "$1" | grep -Eq -- "$2"; }
# f_sandtop_pid LOGNAME: the pid of the sandtop started by tui_start with
# that log ("" if none).
f_sandtop_pid() { pgrep -f "^$SANDTOP --log $TEST_TMP/$1.log" | head -1; }
# f_journal_has FILE PHASE ACTION: a record of that phase and action.
f_journal_has() { jq -e --arg p "$2" --arg a "$3" 'select(.phase == $p and .action == $a)' "$1" 2>/dev/null | grep -q .; }
# f_journal_both FILE ACTION: its intent and its result.
f_journal_both() { f_journal_has "$1" intent "$2" && f_journal_has "$1" result "$2"; }
# f_last_tick SESSION: the highest "tick N" on the screen (0 if none).
f_last_tick() { screen "$1" | grep -o 'tick [0-9]*' | awk '{ if ($2 > m) m = $2 } END { print m + 0 }'; }
# f_ticks_past SESSION N T: until a tick above N is on the screen (T s).
f_ticks_past() {
	local i
	for i in $(seq $(($3 * 5))); do [ "$(f_last_tick "$1")" -gt "$2" ] && return 0; sleep 0.2; done
	return 1
}
# f_seen SESSION REGEX T: wait_screen polling every 10 ms, for a message
# that is on screen for about a second (the view's "retry in 1 s").
f_seen() {
	local end=$(($(date +%s%N) + $3 * 1000000000))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		screen "$1" | grep -Eq -- "$2" && return 0
		sleep 0.01
	done
	return 1
}
# f_until T COMMAND...: until COMMAND succeeds (T s, every 0.2 s).
f_until() {
	local t=$1 i
	shift
	for i in $(seq $((t * 5))); do "$@" && return 0; sleep 0.2; done
	return 1
}

# ---- the engine stopped and killed -----------------------------------------------

# f_engine_set HOST P: on the private engine, a reference sandbox P-1 (its
# desktop for the view and the snapshot), P-log writing a tick line every
# 0.2 s (for the logs screen), and P-k-1..3 (the kill-all's set, labelled
# sandtop.set=P-k). Their ids into FK_IDS (the set) and F1_ID (P-1).
f_engine_set() {
	local h=$1 p=$2 i
	sandboxes_up_on "$h" 1 "$p" --wait || { fail "reference sandbox on the private engine"; return 1; }
	docker -H "$h" run -d --name "$p-log" --network none --label sandtop.sandbox=1 sandtop/mini:latest \
		sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done' >/dev/null || { fail "docker run"; return 1; }
	for i in 1 2 3; do
		docker -H "$h" run -d --name "$p-k-$i" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p-k" \
			sandtop/mini:latest sleep 600 >/dev/null || { fail "docker run"; return 1; }
	done
	mapfile -t FK_IDS < <(ks_ids "$h" "$p-k")
	F1_ID=$(docker -H "$h" inspect -f '{{.Id}}' "$p-1")
}
# f_engine_screens HOST P: four screens on that engine, one journal:
# fv the view of P-1, fl the logs of P-log, fs the list on P-1 (for the
# snapshot), fk the list of the set P-k only (a config's label) for the
# kill-all. Then the snapshot is asked and confirmed on fs and the kill-all's
# word typed on fk (its Enter is left to the caller).
f_engine_screens() {
	local h=$1 p=$2
	printf 'label sandtop.set=%s-k\n' "$p" >"$TEST_TMP/k.conf"
	TUI_ENV="COLORTERM=truecolor" tui_start fv 120 40 -H "$h" --no-config --journal "$TEST_TMP/journal.log"
	tui_start fl 120 40 -H "$h" --no-config --journal "$TEST_TMP/journal.log"
	tui_start fs 120 40 -H "$h" --no-config --journal "$TEST_TMP/journal.log"
	tui_start fk 120 40 -H "$h" -c "$TEST_TMP/k.conf" --journal "$TEST_TMP/journal.log"
	wait_screen fv "$p-1" 15 || { fail "not listed"; return 1; }
	open_view fv "$p-1"
	check "the view is live" wait_screen fv "live 1024x768" 20 || return 1
	wait_screen fl "$p-log" 10
	tm send-keys -t fl / && tm send-keys -t fl -l "$p-log" && tm send-keys -t fl Enter l
	check "the logs screen follows" wait_screen fl "logs of $p-log .*following" 10 || return 1
	wait_screen fl "tick [0-9]+" 10
	wait_screen fs "$p-1" 10
	tm send-keys -t fs / && tm send-keys -t fs -l "$p-1" && tm send-keys -t fs Enter
	wait_screen fs "filter $p-1" 5
	check "the kill-all screen lists the set only" wait_screen fk "3 sandboxes: 3 running" 10 || return 1
	tm send-keys -t fs E
	check "the snapshot asks" wait_screen fs "Snapshot $p-1 .*\\(y/N\\)" 5 || return 1
	tm send-keys -t fk F9
	check "the kill-all asks for the word" wait_screen fk "KILL SWITCH: kill all 3 .*type 'kill'" 5 || return 1
	tm send-keys -t fk -l kill
	tm send-keys -t fs y
	wait_screen fs "snapshot of $p-1: taking it" 5
}
# f_engine_common_end P: after the engine came back: every journal record is
# there and the chain intact, every screen still runs and q quits with 0.
f_engine_common_end() {
	local p=$1 s
	"$SANDTOP" journal verify "$TEST_TMP/journal.log" >"$TEST_TMP/verify.txt" 2>&1
	check "the journal is intact ($(head -1 "$TEST_TMP/verify.txt"))" test $? -eq 0
	check "... it has the snapshot asked and how it ended" \
		f_journal_both "$TEST_TMP/journal.log" snapshot
	check "... and the kill-all asked and how it ended" \
		f_journal_both "$TEST_TMP/journal.log" kill-all
	for s in fv fl fs fk; do check "$s: sandtop still runs" f_alive "$s"; done
	tm send-keys -t fk x
	f_quit fk
}

# dockerd SIGSTOP'd while a snapshot, a kill-all, a view and a logs screen
# are in flight: the kernel's kill happens at once, the snapshot ends
# INCOMPLETE and leaves its sandbox thawed, every screen answers keys and
# comes to say the engine does not answer; after SIGCONT the banner goes,
# the engine's late answers are journaled, the view is live again and the
# logs go on.
t_faults_engine_stop() {
	local p="fs${RUN_ID}" h s t0 tick
	engine_start "$FLT_ENGINE" || return 1
	h=$ENGINE_HOST
	f_engine_set "$h" "$p" || return 1
	f_engine_screens "$h" "$p" || return 1
	engine_freeze "$FLT_ENGINE" || { fail "SIGSTOP"; return 1; }
	t0=$(date +%s%N)
	note "dockerd $(engine_pid "$FLT_ENGINE") stopped (SIGSTOP) with the snapshot in flight"
	tm send-keys -t fk Enter
	check "kill-all: 3 ok, the kernel acted" wait_screen fk "kill-all: 3 ok, 0 failed, 0 pending; the kernel acted first" 10
	check "... the engine's silence is said" wait_screen fk "$p-k-[0-9]: killed by the kernel .*engine: no answer within 2 s" 5
	check "... no task of the set is left" test "$(ks_tasks "$FLT_ENGINE" "${FK_IDS[@]}")" = 0
	# with the engine wedged the snapshot holds its sandbox frozen until
	# its engine steps time out (the inspect's 20 s, then the commit's 60 s
	# beside the logs' 60 s: 85 s seen), then thaws it and says which
	# steps the engine did not answer
	check "the snapshot ends, INCOMPLETE, with the engine named" \
		wait_screen fs "snapshot of $p-1: INCOMPLETE: .*(no answer|engine)" 120
	note "the snapshot ended $((($(date +%s%N) - t0) / 1000000)) ms after the SIGSTOP"
	check "... and leaves $p-1 thawed ($(ks_states "$FLT_ENGINE" "$F1_ID"))" test "$(ks_states "$FLT_ENGINE" "$F1_ID")" = THAWED
	f_keys fv "live|stalled|disconnected|ENGINE" "the view, engine stopped"
	f_keys fl "logs of $p-log" "the logs screen, engine stopped"
	f_keys fs "NAME" "the list, engine stopped"
	# the engine's silence: the list's periodic resync (30 s) times out
	for s in fl fv fs; do
		check "$s says the engine does not answer" wait_screen "$s" "ENGINE UNREACHABLE \\(retrying; data is .*\\): no answer from engine" 60
		note "$s: said $((($(date +%s%N) - t0) / 1000000)) ms after the SIGSTOP"
	done
	screen fv | sed -n 2,3p | cut -c1-110 | sed 's/^/    view: /'
	screen fl | sed -n 2,3p | cut -c1-110 | sed 's/^/    logs: /'
	tick=$(f_last_tick fl)
	f_keys fl "logs of $p-log" "the logs screen, 60 s on"
	check "sandtop's own log says nothing hung (no 'blocked' or sanitizer line)" \
		sh -c "! grep -hE 'AddressSanitizer|runtime error' '$TEST_TMP'/f?.log"
	# SIGCONT: it catches up
	engine_thaw "$FLT_ENGINE"
	t0=$(date +%s%N)
	for s in fk fs fl fv; do check "$s: the banner goes after SIGCONT" wait_screen_gone "$s" "ENGINE UNREACHABLE" 30; done
	note "banners gone $((($(date +%s%N) - t0) / 1000000)) ms after the SIGCONT"
	check "the kill-all screen shows the 3 stopped" wait_screen fk "3 sandboxes: 0 running, 0 paused, 3 stopped" 15
	check "the engine's late answers reach the journal" f_until 20 f_journal_has "$TEST_TMP/journal.log" engine kill-all
	check "the view is live again" wait_screen fv "live 1024x768" 30
	check "the logs go on past tick $tick" f_ticks_past fl "$tick" 20
	# (the engine runs what it queued while stopped, the snapshot's commit
	# included, which pauses $p-1 while it takes: wait for it to settle)
	check "the engine agrees: the set exited, $p-1 runs" \
		f_until 60 sh -c "[ \"\$(docker -H '$h' ps -aq --filter label=sandtop.set=$p-k --filter status=exited | wc -l)\" = 3 ] && [ \"\$(docker -H '$h' inspect -f '{{.State.Status}}' '$p-1')\" = running ]"
	note "$p-1 is $(docker -H "$h" inspect -f '{{.State.Status}}' "$p-1" 2>&1); exited of the set: $(docker -H "$h" ps -aq --filter "label=sandtop.set=$p-k" --filter status=exited | wc -l)"
	f_engine_common_end "$p"
}

# dockerd killed -9 with the same four in flight: at once every screen says
# the engine is unreachable, the kernel still kills the set, the snapshot
# ends INCOMPLETE leaving its sandbox thawed, the view and the logs say their
# streams ended because the engine went away; after a restart (which kills
# what the dead engine left running) the screens catch up.
t_faults_engine_kill9() {
	local p="fk${RUN_ID}" h s t0
	engine_start "$FLT_ENGINE" || return 1
	h=$ENGINE_HOST
	f_engine_set "$h" "$p" || return 1
	f_engine_screens "$h" "$p" || return 1
	tm send-keys -t fk Enter
	engine_kill9 "$FLT_ENGINE" || { fail "kill -9"; return 1; }
	t0=$(date +%s%N)
	note "dockerd killed (-9) with the snapshot and the kill-all in flight"
	for s in fk fs fl fv; do check "$s says the engine is unreachable" wait_screen "$s" "ENGINE UNREACHABLE" 15; done
	note "all four said so $((($(date +%s%N) - t0) / 1000000)) ms after the kill"
	check "kill-all: 3 ok" wait_screen fk "kill-all: 3 ok, 0 failed" 10
	check "... no task of the set is left" ks_wait_tasks "$FLT_ENGINE" 5 "${FK_IDS[@]}"
	check "the snapshot ends, INCOMPLETE" wait_screen fs "snapshot of $p-1: INCOMPLETE: " 30
	check "... and leaves $p-1 thawed ($(ks_states "$FLT_ENGINE" "$F1_ID"))" test "$(ks_states "$FLT_ENGINE" "$F1_ID")" = THAWED
	check "the view says its tunnel lost the engine" wait_screen fv "disconnected: exec tunnel: cannot reach engine" 15
	check "the logs screen says the stream ended with the engine" wait_screen fl "stream ended: the engine went away" 10
	f_keys fv "$p-1" "the view, engine dead"
	f_keys fl "logs of $p-log" "the logs screen, engine dead"
	f_keys fs "NAME" "the list, engine dead"
	f_keys fk "NAME" "the kill-all screen, engine dead"
	# a restart: scripts/engine cleans what the dead one left (its
	# containers are killed) and starts it again
	t0=$(date +%s%N)
	"$ROOT/scripts/engine" start "$FLT_ENGINE" >>"$TEST_TMP/engine-restart.log" 2>&1 || { fail "engine restart"; return 1; }
	note "the engine restarted in $((($(date +%s%N) - t0) / 1000000)) ms"
	for s in fk fs fl fv; do check "$s: the banner goes" wait_screen_gone "$s" "ENGINE UNREACHABLE" 45; done
	check "the list catches up: all 5 stopped (the restart killed what was left)" \
		wait_screen fs "5 sandboxes: 0 running, 0 paused, 5 stopped" 15
	check "the view says its sandbox is exited" wait_screen fv "sandbox is exited" 15
	f_engine_common_end "$p"
}

# ---- the desktop worker killed --------------------------------------------------

# SIGKILL of sandtop-vnc while frames flow (the demo agent keeps the desktop
# busy), three times: each time the view says the worker was killed and
# comes back live by itself with a new worker; keys answer throughout.
t_faults_worker_kill() {
	local p="${RUN_ID}fw" sp w old=() round
	sandboxes_up 1 "$p" --wait || { fail "sandbox"; return 1; }
	TUI_ENV="COLORTERM=truecolor" tui_start fw 120 40 --no-config --journal "$TEST_TMP/journal.log"
	wait_screen fw "$p-1" 15 || { fail "not listed"; return 1; }
	open_view fw "$p-1"
	check "the view is live" wait_screen fw "live 1024x768" 20 || return 1
	sp=$(f_sandtop_pid fw)
	for round in 1 2 3; do
		w=$(pgrep -P "$sp" -x sandtop-vnc | head -1)
		[ -n "$w" ] || { fail "round $round: no worker under sandtop $sp"; return 1; }
		# mid-frame: wait for a frame to be on its way (the worker writes
		# to sandtop's pipe), then kill it at once
		wait_screen fw "live 1024x768" 10
		kill -KILL "$w"
		old+=("$w")
		check "round $round: the view says the worker was killed" \
			f_seen fw "disconnected: worker killed by signal 9 \\(SIGKILL\\)" 5
		check "round $round: live again by itself" wait_screen fw "live 1024x768" 15
		note "round $round: live ${WAITED_MS} ms after the message"
		w=$(pgrep -P "$sp" -x sandtop-vnc | head -1)
		check "round $round: with a new worker (${w:-none}, killed ${old[*]})" sh -c "[ -n '$w' ] && ! echo ' ${old[*]} ' | grep -q ' $w '"
	done
	f_keys fw "live 1024x768" "the view after three kills"
	check "the log names each kill" test "$(grep -c 'vnc: worker [0-9]* ended: worker killed by signal 9' "$TEST_TMP/fw.log")" -ge 3
	check "sandtop still runs" f_alive fw
}
t_faults_worker_kill_cleanup() { sandboxes_down "${RUN_ID}fw"; }

# ---- the terminal closed ------------------------------------------------------------

# tmux kill-session (the pane's processes get SIGHUP) while a snapshot holds
# its sandbox and a stop waits out a sandbox that ignores SIGTERM: sandtop
# exits, the journal has each action asked and how it ended, the snapshot's
# sandbox is not left frozen or paused.
t_faults_hangup() {
	local p="${RUN_ID}fh" sp id t0 i st
	sandboxes_up 1 "$p" --wait || { fail "sandbox"; return 1; }
	# PID 1 without a handler: SIGTERM does nothing, the stop waits 10 s
	docker run -d --name "$p-t" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p" \
		sandtop/mini:latest sleep 600 >/dev/null || { fail "docker run"; return 1; }
	id=$(docker inspect -f '{{.Id}}' "$p-1")
	tui_start fh 160 40 --no-config --journal "$TEST_TMP/journal.log"
	wait_screen fh "$p-t" 15 || { fail "not listed"; return 1; }
	sp=$(f_sandtop_pid fh)
	tm send-keys -t fh / && tm send-keys -t fh -l "$p-" && tm send-keys -t fh Enter
	wait_screen fh "filter $p-" 5
	tm send-keys -t fh End S
	check "the stop asks" wait_screen fh "Stop .*$p-t.*\\(y/N\\)" 5
	tm send-keys -t fh y
	check "... SIGTERM sent by the kernel, the stop pending" wait_screen fh "stop: 0 ok, 0 failed, 1 pending" 5
	tm send-keys -t fh x Home E
	check "the snapshot asks" wait_screen fh "Snapshot $p-1 .*\\(y/N\\)" 5
	tm send-keys -t fh y
	wait_screen fh "snapshot of $p-1: taking it" 5
	tm kill-session -t fh
	t0=$(date +%s%N)
	for i in $(seq 300); do kill -0 "$sp" 2>/dev/null || break; sleep 0.1; done
	check "sandtop ($sp) exits after the hangup" sh -c "! kill -0 $sp 2>/dev/null"
	note "gone $((($(date +%s%N) - t0) / 1000000)) ms after the session was killed"
	grep -E 'SIGHUP|exiting|cut short|snapshot' "$TEST_TMP/fh.log" | tail -n 4 | cut -c1-160 | sed 's/^/    log: /'
	"$SANDTOP" journal verify "$TEST_TMP/journal.log" >"$TEST_TMP/verify.txt" 2>&1
	check "the journal is intact ($(head -1 "$TEST_TMP/verify.txt"))" test $? -eq 0
	check "... it has the stop asked and how it ended" \
		f_journal_both "$TEST_TMP/journal.log" stop
	check "... and the snapshot asked and how it ended" \
		f_journal_both "$TEST_TMP/journal.log" snapshot
	jq -c 'select(.phase == "result") | [.action, .targets[0].result // .detail]' "$TEST_TMP/journal.log" | cut -c1-200 | sed 's/^/    result: /'
	check "... the stop's says it was left unfinished" \
		sh -c "jq -r 'select(.phase == \"result\" and .action == \"stop\") | .targets[0].result' '$TEST_TMP/journal.log' | grep -q 'unfinished: sandtop exited first'"
	st=$(cat "/sys/fs/cgroup/freezer/system.slice/docker-$id.scope/freezer.state" "/sys/fs/cgroup/freezer/docker/$id/freezer.state" 2>/dev/null | head -1)
	check "the snapshot's sandbox is not left frozen (freezer: ${st:-?})" test "$st" = THAWED
	check "... nor paused (engine: $(docker inspect -f '{{.State.Status}}' "$p-1"))" \
		test "$(docker inspect -f '{{.State.Status}}' "$p-1")" = running
}
t_faults_hangup_cleanup() { sandboxes_down "${RUN_ID}fh"; docker rm -f "${RUN_ID}fh-t" >/dev/null 2>&1; true; }

# ---- the journal's disk read-only ----------------------------------------------------

# f_kill_on_screen SESSION NAME: filter the list to NAME (the filter typed
# before cleared), select it (End: the last row), SIGKILL it through the menu
# and confirm; then until the engine says it is not running (3 s): the ms it
# took in KILL_MS (-1 if it still runs).
f_kill_on_screen() {
	local s=$1 n=$2 t0 i
	tm send-keys -t "$s" / && tm send-keys -t "$s" C-u && tm send-keys -t "$s" -l "$n" && tm send-keys -t "$s" Enter
	wait_screen "$s" "filter $n" 5
	tm send-keys -t "$s" x End K
	wait_screen "$s" "SIGKILL" 5 && tm send-keys -t "$s" Enter
	wait_screen "$s" "Send SIGKILL to $n\\? \\(y/N\\)" 5 || { KILL_MS=-1; return 1; }
	t0=$(date +%s%N)
	tm send-keys -t "$s" y
	KILL_MS=-1
	for i in $(seq 60); do
		if [ "$(docker inspect -f '{{.State.Running}}' "$n")" = false ]; then
			KILL_MS=$((($(date +%s%N) - t0) / 1000000))
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# f_kill_read_only SESSION NAME WHAT: f_kill_on_screen with the journal's disk
# read-only: the kill goes ahead at once, and the screen says the journal's
# trouble (WHAT: the case, in the checks' names).
f_kill_read_only() {
	f_kill_on_screen "$1" "$2"
	check "$3: the kill goes ahead at once ($KILL_MS ms)" test "$KILL_MS" -ge 0 -a "$KILL_MS" -lt 3000
	check "$3: the screen says the journal's trouble and retries" \
		wait_screen "$1" "JOURNAL: [0-9]+ records? not written: .*Read-only file system; retrying" 5
}

# The journal's disk read-only, two ways. (Full: t_killswitch_log_full.)
# 1. A small tmpfs mounted read-only before the screen starts (a remount
#    read-only under an open journal is refused, "mount point is busy"): a
#    kill goes ahead at once, the screen says the journal's trouble and keeps
#    the record; remounted read-write, it is written and the banner goes.
# 2. A small ext4 image mounted errors=remount-ro whose error the test
#    triggers (/sys/fs/ext4/DEV/trigger_fs_error: what a failing disk does,
#    under the open journal; the kernel keeps it read-only until unmounted):
#    a kill goes ahead at once, the screen says so, and at q the records the
#    journal never took are printed on the terminal, not lost.
t_faults_journal_ro() {
	local p="${RUN_ID}fj" mnt="$TEST_TMP/jfs" ext="$TEST_TMP/jext" dev i
	mkdir -p "$mnt" && mount -t tmpfs -o size=1m tmpfs "$mnt" || { fail "mount a tmpfs"; return 1; }
	for i in 1 2 3 4; do
		docker run -d --name "$p-$i" --network none --label sandtop.sandbox=1 --label "sandtop.set=$p" \
			sandtop/mini:latest sleep 600 >/dev/null || { fail "docker run"; return 1; }
	done
	"$SANDTOP" pause "$p-1" --journal "$mnt/journal.log" --reason "t_faults: a first record" >/dev/null 2>&1
	check "a first record on the tmpfs" grep -q '"action":"pause"' "$mnt/journal.log"
	mount -o remount,ro "$mnt" || { fail "remount read-only"; return 1; }
	check "the tmpfs is read-only" sh -c "! touch '$mnt/x' 2>/dev/null"
	printf 'label sandtop.set=%s\n' "$p" >"$TEST_TMP/j.conf"
	tui_start fj 160 40 -c "$TEST_TMP/j.conf" --journal "$mnt/journal.log"
	wait_screen fj "$p-4" 15 || { fail "not listed"; return 1; }
	tm send-keys -t fj / && tm send-keys -t fj -l "$p-[12]" && tm send-keys -t fj Enter
	f_kill_read_only fj "$p-2" "read-only journal"
	screen fj | grep -o 'JOURNAL: .*' | head -1 | cut -c1-120 | sed 's/^/    /'
	f_keys fj "NAME" "the list with the journal read-only"
	mount -o remount,rw "$mnt" || { fail "remount read-write"; return 1; }
	check "read-write again: the banner goes" wait_screen_gone fj "JOURNAL:" 15
	"$SANDTOP" journal verify "$mnt/journal.log" >"$TEST_TMP/verify.txt" 2>&1
	check "the journal is intact ($(head -1 "$TEST_TMP/verify.txt"))" test $? -eq 0
	check "... with the kill asked and its result, written late" f_journal_both "$mnt/journal.log" kill
	f_quit fj

	# 2. read-only under the open journal, for good
	truncate -s 16M "$TEST_TMP/ext.img" && mkfs.ext4 -q "$TEST_TMP/ext.img" && mkdir -p "$ext" &&
		mount -o loop,errors=remount-ro "$TEST_TMP/ext.img" "$ext" || { fail "mount an ext4 image"; return 1; }
	dev=$(basename "$(findmnt -n -o SOURCE "$ext")")
	[ -w "/sys/fs/ext4/$dev/trigger_fs_error" ] || { fail "no /sys/fs/ext4/$dev/trigger_fs_error"; return 1; }
	tui_start fe 160 40 -c "$TEST_TMP/j.conf" --journal "$ext/journal.log"
	wait_screen fe "$p-4" 15 || { fail "not listed"; return 1; }
	f_kill_on_screen fe "$p-3"
	check "a kill journaled on the ext4 image" f_until 5 f_journal_both "$ext/journal.log" kill
	echo 1 >"/sys/fs/ext4/$dev/trigger_fs_error"
	check "the kernel made it read-only ($(findmnt -n -o OPTIONS "$ext" | cut -d, -f1))" sh -c "! touch '$ext/x' 2>/dev/null"
	f_kill_read_only fe "$p-4" "read-only under the open journal"
	f_keys fe "NAME" "the list with the journal's disk gone read-only"
	f_quit fe
	check "... and prints the records the journal never took" f_pane_joined_has fe '"unwritten":true.*"action":"kill"'
	screen fe | grep -E 'sandtop: the journal|sandtop-exited' | cut -c1-140 | sed 's/^/    /'
}
t_faults_journal_ro_cleanup() {
	local i
	for i in 1 2 3 4; do docker rm -f "${RUN_ID}fj-$i" >/dev/null 2>&1; done
	tm kill-server 2>/dev/null # the screens' journals must be closed before the unmounts
	sleep 0.5
	mountpoint -q "$TEST_TMP/jfs" && umount "$TEST_TMP/jfs"
	mountpoint -q "$TEST_TMP/jext" && umount "$TEST_TMP/jext"
	true
}

# ---- 200 sandboxes come and go --------------------------------------------------------

# f_churn_keys SESSION PID_OF_THE_JOB: while the job runs, keys every 2 s;
# the worst latency into CHURN_WORST, the samples into CHURN_ALL.
f_churn_keys() {
	local s=$1 job=$2
	CHURN_WORST=0 CHURN_ALL=""
	while kill -0 "$job" 2>/dev/null; do
		if key_latency "$s" '?' 'Everywhere'; then
			CHURN_ALL="$CHURN_ALL $LATENCY_MS"
			[ "$LATENCY_MS" -gt "$CHURN_WORST" ] && CHURN_WORST=$LATENCY_MS
			key_latency "$s" q 'NAME' || { CHURN_WORST=99999; note "q: no list within 2 s"; }
		else
			CHURN_WORST=99999
			note "?: no help within 2 s"
		fi
		f_alive "$s" || break
		sleep 2
	done
}

# 200 sandtop/mini sandboxes (sleep, --network none, a label of the test's
# own, which a config's label selector keeps the screen to) started four at
# a time and then removed, while the screen is open: no crash, keys answer
# throughout, and the count settles to the engine's truth each time.
t_faults_churn() {
	local p="${RUN_ID}fc" job n
	printf 'label sandtop.set=%s\n' "$p" >"$TEST_TMP/c.conf"
	tui_start fc 160 50 -c "$TEST_TMP/c.conf" --journal "$TEST_TMP/journal.log"
	check "the screen starts empty" wait_screen fc "0 sandboxes: 0 running" 15 || return 1
	seq 200 | xargs -P 4 -I{} docker run -d --name "$p-{}" --network none --label sandtop.sandbox=1 \
		--label "sandtop.set=$p" sandtop/mini:latest sleep 3600 >"$TEST_TMP/run.out" 2>"$TEST_TMP/run.err" &
	job=$!
	f_churn_keys fc "$job"
	wait "$job"
	note "starting 200: key to screen (ms):$CHURN_ALL"
	check "keys answered within 2 s while 200 started (worst $CHURN_WORST ms)" test "$CHURN_WORST" -lt 2000
	n=$(docker ps -q --filter "label=sandtop.set=$p" | wc -l)
	check "the engine runs $n of them" test "$n" -ge 190
	check "the count settles to the engine's: $n running" wait_screen fc "^sandtop +$n sandboxes: $n running" 30
	docker ps -aq --filter "label=sandtop.set=$p" | xargs -r -P 4 -n 10 docker rm -f >/dev/null 2>&1 &
	job=$!
	f_churn_keys fc "$job"
	wait "$job"
	note "removing them: key to screen (ms):$CHURN_ALL"
	check "keys answered within 2 s while they went (worst $CHURN_WORST ms)" test "$CHURN_WORST" -lt 2000
	check "the count settles to none" wait_screen fc "^sandtop +0 sandboxes: 0 running" 30
	check "sandtop still runs" f_alive fc
	f_quit fc
}
t_faults_churn_cleanup() { docker ps -aq --filter "label=sandtop.set=${RUN_ID}fc" | xargs -r docker rm -f >/dev/null 2>&1; true; }

# ---- a resize storm -----------------------------------------------------------------------

# 80 resizes in quick succession of a screen with the view open and of one
# with the wall open, ending at 150x45: both still run, and what they draw
# is the last size's: the view's picture keeps the desktop's aspect in the
# rows left (1024x768 into 150x42 cells of 1x2 pixels: 112x42, centred at
# column 19), the top line is 150 wide, the wall has the tiles 150x45 holds.
t_faults_resize_storm() {
	local p="wall-${RUN_ID}fr" i sizes=("20 5" "300 90" "80 24" "1 1" "200 60" "40 10" "133 41" "10 3") s
	view_up "$p" || return 1
	WALL_SET=$p
	TUI_ENV="COLORTERM=truecolor" tui_start rv 120 40
	TUI_ENV="COLORTERM=truecolor" tui_start rw 120 40
	wait_screen rv "$VIEW_NAME" 15 || { fail "not listed"; return 1; }
	open_view rv "$VIEW_NAME"
	check "the view is live" wait_screen rv "live 1024x768" 20 || return 1
	wait_screen rw "$VIEW_NAME" 10
	tm send-keys -t rw / && tm send-keys -t rw -l "$p-" && tm send-keys -t rw Enter
	wait_screen rw "filter $p-" 5
	press rw w "the wall is live" "$p-1 +live 1024x768" 20
	for i in $(seq 10); do
		for s in "${sizes[@]}"; do
			tm resize-window -t rv -x "${s% *}" -y "${s#* }"
			tm resize-window -t rw -x "${s% *}" -y "${s#* }"
		done
	done
	tm resize-window -t rv -x 150 -y 45
	tm resize-window -t rw -x 150 -y 45
	check "the view survived the storm" f_alive rv
	check "the wall survived the storm" f_alive rw
	check "the view is live at the last size" wait_screen rv "live 1024x768" 15
	# until the frame for the last size comes, the view shows the one it
	# has, centred: ci67 read a 5x2 one, of an earlier size, and failed, having
	# waited only for the colours
	check "the view's picture is drawn for 150x45: 112x42 at column 19, the blocks" \
		wait_picture rv "box 112x42+19+2 $BLOCKS" 10
	note "picture: $PICTURE"
	check "the view's top line is 150 wide" test "$(screen rv | head -1 | sed 's/ *$//' | wc -L)" -eq 150
	check "the wall is live at the last size" wait_screen rw "$p-1 +live 1024x768" 15
	wall_expect rw 1 150 45
	check "the wall holds the tiles 150x45 holds ($(wall_tiles rw) of 1)" test "$(wall_tiles rw)" -eq "$WALL_N"
	check "the wall's top line is 150 wide" test "$(screen rw | head -1 | sed 's/ *$//' | wc -L)" -eq 150
	f_keys rv "live 1024x768" "the view after the storm"
	f_keys rw "wall: " "the wall after the storm"
}
t_faults_resize_storm_cleanup() { sandboxes_down "wall-${RUN_ID}fr"; }

# ---- the sandbox's x11vnc replaced by a hostile server ---------------------------------

# The hostile server. A fake is right here: x11vnc will not send malformed
# messages, and an agent that owns its sandbox can kill x11vnc and listen on
# its port. It runs on the host inside the sandbox's network namespace
# (nsenter), on 127.0.0.1:5900 where x11vnc was, so sandtop reaches it by
# the real path: the engine's exec, the sandbox's relay, the real worker.
# Each connection: a valid RFB 3.8 handshake (no security, a 1024x768
# ServerInit), the client's first requests read, then the next of these:
#   0 a message type that does not exist (0xfe), then garbage
#   1 a raw rectangle of 65535x65535 at 0,0
#   2 a NewFBSize rectangle of 65535x65535
#   3 a ServerCutText of 0xffffffff bytes
#   4 SetColourMapEntries of 65535 colours from 65535
#   5 2 MiB of random bytes
F_HOSTILE_PY='
import os, random, socket, struct, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 5900)); s.listen(8)
print("listening", flush=True)
n = 0
def fb(w, h, enc): return struct.pack(">BBH", 0, 0, 1) + struct.pack(">HHHHi", 0, 0, w, h, enc)
bad = [lambda: b"\xfe" + os.urandom(64),
       lambda: fb(65535, 65535, 0) + os.urandom(4096),
       lambda: fb(65535, 65535, -223),
       lambda: struct.pack(">BxxxI", 3, 0xffffffff) + os.urandom(4096),
       lambda: struct.pack(">BxHH", 1, 65535, 65535) + os.urandom(4096),
       lambda: os.urandom(2 << 20)]
while True:
    c, _ = s.accept(); c.settimeout(5)
    try:
        c.sendall(b"RFB 003.008\n"); c.recv(12)
        c.sendall(b"\x01\x01"); c.recv(1); c.sendall(b"\0\0\0\0"); c.recv(1)
        name = b"hostile"
        pf = struct.pack(">BBBBHHHBBBxxx", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        c.sendall(struct.pack(">HH", 1024, 768) + pf + struct.pack(">I", len(name)) + name)
        time.sleep(0.3)
        try: c.recv(4096)
        except socket.timeout: pass
        m = n % len(bad); n += 1
        print("connection", n, "sends variant", m, flush=True)
        c.sendall(bad[m]())
        time.sleep(1)
    except OSError as e:
        print("connection", n, "ended:", e, flush=True)
    c.close()
'

t_faults_hostile_x11vnc() {
	local p="${RUN_ID}fx" name pid vp sp i n
	sandboxes_up 1 "$p" --wait || { fail "sandbox"; return 1; }
	name="$p-1"
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	TUI_ENV="COLORTERM=truecolor" tui_start fx 120 40 --no-config --journal "$TEST_TMP/journal.log"
	wait_screen fx "$name" 15 || { fail "not listed"; return 1; }
	open_view fx "$name"
	check "the view is live on the real x11vnc" wait_screen fx "live 1024x768" 20 || return 1
	# the sandbox's loop that restarts x11vnc and x11vnc, both with SIGKILL
	# (x11vnc can hang for good in its SIGTERM handler: see t_view_states)
	docker exec "$name" sh -c 'p=$(pgrep -x x11vnc); pp=$(ps -o ppid= -p "$p"); kill -9 $pp $p' ||
		{ fail "could not stop the sandbox's x11vnc"; return 1; }
	for i in $(seq 50); do docker exec "$name" pgrep -x x11vnc >/dev/null || break; sleep 0.1; done
	nsenter --net="/proc/$pid/ns/net" python3 -c "$F_HOSTILE_PY" >"$TEST_TMP/hostile.out" 2>&1 &
	echo $! >"$TEST_TMP/hostile.pid"
	for i in $(seq 50); do grep -q listening "$TEST_TMP/hostile.out" && break; sleep 0.1; done
	check "the hostile server listens where x11vnc was" grep -q listening "$TEST_TMP/hostile.out"
	sp=$(f_sandtop_pid fx)
	check "the view reports the error" wait_screen fx "disconnected: " 15
	note "$(screen fx | grep -o 'disconnected: .*' | head -1 | sed 's/ *$//')"
	# every variant once (the view retries with a growing wait)
	for i in $(seq 90); do [ "$(grep -c '^connection .* sends' "$TEST_TMP/hostile.out")" -ge 7 ] && break; sleep 1; done
	n=$(grep -c '^connection .* sends' "$TEST_TMP/hostile.out")
	check "the view came back for every variant ($n connections)" test "$n" -ge 6
	grep 'vnc: worker [0-9]* ended' "$TEST_TMP/fx.log" | sed 's/.*vnc: worker [0-9]* ended: //' | sort | uniq -c | sed 's/^/    worker ended: /'
	check "every worker ended cleanly (an exit status, never a signal)" \
		sh -c "grep -q 'vnc: worker [0-9]* ended' '$TEST_TMP/fx.log' && ! grep 'vnc: worker [0-9]* ended' '$TEST_TMP/fx.log' | grep -q 'killed by signal'"
	check "no worker is left defunct under sandtop" sh -c "! ps -o stat= --ppid $sp | grep -q Z"
	check "sandtop still runs" f_alive fx
	f_keys fx "$name" "the view against the hostile server"
	check "nothing of the server reached sandtop's log unsanitized" sh -c "! grep -q \$'\\x1b' '$TEST_TMP/fx.log'"
}
t_faults_hostile_x11vnc_cleanup() {
	[ -f "$TEST_TMP/hostile.pid" ] && kill "$(cat "$TEST_TMP/hostile.pid")" 2>/dev/null
	sandboxes_down "${RUN_ID}fx"
	true
}
