# t_logs: the logs screen (l) and `sandtop logs` on real containers: both streams marked, sanitized, followed, searched, wrapped, bounded.

# The sandtop process inside tmux session $1 (for /proc readings).
logs_pid() { pgrep -P "$(tm list-panes -t "$1" -F '#{pane_pid}')" -x sandtop | head -1; }
logs_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
logs_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
logs_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Start the screen (WxH) with the list filtered to container $2, and open its logs.
logs_open() {
	local s=$1 name=$2
	tui_start "$s" "${3:-100}" "${4:-30}"
	wait_screen "$s" "$name" 10 || { fail "$name is not listed"; return 1; }
	tm send-keys -t "$s" / "$name" Enter
	sleep 0.3
	tm send-keys -t "$s" l
	wait_screen "$s" "logs of $name" 3 || { fail "l did not open the logs of $name"; return 1; }
}
# The header line of the logs screen.
logs_header() { screen "$1" | grep -m1 'logs of '; }

# Both streams, marked and sanitized; new lines while following; search
# with n/N; timestamps and wrap toggles; scrolling stops following and G
# follows again; the container's end is said.
t_logs_screen() {
	local n="logs-${RUN_ID}-scr"
	docker run -d --name "$n" --label sandtop.sandbox=1 sandtop/mini:latest sh -c '
		echo out-hello; echo err-hello >&2
		printf "esc \033[31mred\033[0m bidi \342\200\256evil \033]0;title\007end\n"
		echo "needle alpha"; echo "needle beta" >&2; sleep 0.3; echo "needle gamma"
		echo "LONG-START-$(seq -s - 1 60)-LONG-END"
		seq 1 30 | sed "s/^/filler-/"
		i=0; while [ ! -e /tmp/stop ]; do i=$((i+1)); echo "tick $i"; sleep 0.3; done' >/dev/null ||
		{ fail "could not start $n"; return; }
	logs_open lg "$n" 100 30 || return
	check "it opens following the end" wait_screen lg 'live · following' 3
	check "... of the past too" wait_screen lg '^out filler-30$' 3
	press lg g "stdout is marked out" '^out out-hello' 3
	check "stderr is marked err" wait_screen lg '^err err-hello' 1
	check "stderr's mark is red" bash -c "tmux -L $TMUX_SOCK capture-pane -p -e -t lg | grep 'err-hello' | grep -Eq $'\\e\\\\[[0-9;]*31m'"
	check "escape sequences and a bidi override are shown, not obeyed" wait_screen lg '^out esc ␛red␛ bidi �evil ␛end' 1
	check "no escape of the container's reaches the terminal" \
		bash -c "! tmux -L $TMUX_SOCK capture-pane -p -e -t lg | grep -aq -e $'\\e\\\\]0;title' -e $'\\u202e'"
	press lg G "G: live and following again" 'live · following' 2
	check "new lines appear while following" wait_screen lg '^out tick 3$' 5
	check "... and go on" wait_screen lg '^out tick 8$' 5
	tm send-keys -t lg / needle Enter
	check "/ finds the newest match first" wait_screen lg '/needle: match 3 of 3' 2
	check "... and stops following" bash -c "tmux -L $TMUX_SOCK capture-pane -p -t lg | grep -q '· scrolled'"
	check "the match is highlighted" bash -c "tmux -L $TMUX_SOCK capture-pane -p -e -t lg | grep -a 'gamma' | grep -aq $'\\e\\\\[[0-9;]*7m'"
	press lg N "N goes to the previous match" '/needle: match 2 of 3' 2
	# (the engine copies stdout and stderr apart: "needle beta", on stderr,
	# may come before or after "needle alpha")
	check "... highlighted there, not on the last any more" bash -c "tmux -L $TMUX_SOCK capture-pane -p -e -t lg | grep -a 'needle' | grep -a $'\\e\\\\[[0-9;]*7mneedle' | grep -aqv gamma"
	press lg n "n goes to the next one" '/needle: match 3 of 3' 2
	press lg "N N N" "past the first: 'no match above'" 'no match above' 2
	check "... on the first" wait_screen lg '/needle: match 1 of 3' 1
	press lg G "G follows again" 'live · following' 2
	local before
	before=$(screen lg | grep -Eo '^out tick [0-9]+' | tail -1)
	sleep 1
	check "... showing the newest lines (after '$before')" bash -c "[ \"\$(tmux -L $TMUX_SOCK capture-pane -p -t lg | grep -Eo '^out tick [0-9]+' | tail -1)\" != '$before' ]"
	press lg t "t shows the engine's timestamps" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z out tick ' 2
	press_gone lg t "t again hides them" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T.* out tick ' 2
	press lg g "g goes to the oldest line (and stops following)" '^err err-hello' 2
	check "a long line is cut at the edge, marked" bash -c "tmux -L $TMUX_SOCK capture-pane -p -t lg | grep -q 'LONG-START.*…\$'"
	check "... its end is not shown" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t lg | grep -q 'LONG-END'"
	press lg w "w wraps it: its end is shown" 'LONG-END' 2
	press_gone lg w "w again cuts it" 'LONG-END' 2
	press lg End "End follows" 'live · following' 2
	press lg Up "scrolling up stops following" '· scrolled: [0-9]+ lines? below' 2
	press lg End "End follows again" 'live · following' 2
	docker exec "$n" sh -c ": >/tmp/stop"
	check "the container's end: 'stream ended: the container stopped'" wait_screen lg 'stream ended: the container stopped' 5
	note "$(logs_header lg)"
	press lg q "q goes back to the list" 'NAME.*STATE' 2
}
t_logs_screen_cleanup() { docker rm -f "logs-${RUN_ID}-scr" >/dev/null 2>&1; }

# A paused sandbox (the engine's pause) shows its past and says so, and goes
# on when unpaused; one frozen through the kernel (sandtop pause on a local
# engine) shows its past too.
t_logs_paused() {
	local n="logs-${RUN_ID}-pz"
	docker run -d --name "$n" --label sandtop.sandbox=1 sandtop/mini:latest sh -c '
		echo past-1; echo past-2 >&2; echo past-3
		i=0; while :; do i=$((i+1)); echo "later $i"; sleep 0.5; done' >/dev/null || { fail "could not start $n"; return; }
	sleep 1
	docker pause "$n" >/dev/null || { fail "docker pause failed"; return; }
	logs_open lp "$n" 100 30 || return
	check "a paused sandbox shows its past" wait_screen lp '^out past-3' 3
	check "... and says it is paused" wait_screen lp 'paused: showing the past' 2
	note "$(logs_header lp)"
	local last
	last=$(screen lp | grep -Eo '^out later [0-9]+' | tail -1)
	sleep 1.5
	check "nothing new comes while paused" test "$(screen lp | grep -Eo '^out later [0-9]+' | tail -1)" = "$last"
	docker unpause "$n" >/dev/null
	check "unpaused: live again" wait_screen lp 'live · following' 3
	check "... and new lines come" bash -c "for i in \$(seq 40); do l=\$(tmux -L $TMUX_SOCK capture-pane -p -t lp | grep -Eo '^out later [0-9]+' | tail -1); [ \"\$l\" != '$last' ] && exit 0; sleep 0.1; done; exit 1"
	tm send-keys -t lp q
	"$SANDTOP" pause "$n" --audit-log "$TEST_TMP/audit.log" >"$TEST_TMP/freeze.txt" 2>&1 ||
		{ fail "sandtop pause failed: $(cat "$TEST_TMP/freeze.txt")"; return; }
	check "the list says frozen" wait_screen lp "$n .*frozen" 5
	press lp l "a frozen sandbox shows its past" '^out past-3' 3
	check "... and says it is frozen" wait_screen lp 'frozen: showing the past' 3
	note "$(logs_header lp)"
	"$SANDTOP" unpause "$n" --audit-log "$TEST_TMP/audit.log" >/dev/null 2>&1
}
t_logs_paused_cleanup() {
	"$SANDTOP" unpause "logs-${RUN_ID}-pz" --audit-log /dev/null >/dev/null 2>&1
	docker rm -f "logs-${RUN_ID}-pz" >/dev/null 2>&1
}

# 100000 lines of 124 bytes: only the ring (10000) is kept, the memory
# stays bounded (the text kept is about 1.3 MB);
# then the CPU while following a container that writes as fast as it can.
t_logs_ring() {
	local n="logs-${RUN_ID}-ring" c="logs-${RUN_ID}-chat" pid rss0 rss1 hwm t0 t1
	docker run -d --name "$n" --label sandtop.sandbox=1 sandtop/mini:latest sh -c '
		while [ ! -e /tmp/go ]; do sleep 0.1; done
		pad=$(seq -s "" 1 60)
		seq 1 100000 | sed "s/^/line-/; s/\$/ $pad/"; sleep 600' >/dev/null || { fail "could not start $n"; return; }
	logs_open lr "$n" 100 30 || return
	pid=$(logs_pid lr)
	rss0=$(logs_rss_kb "$pid")
	docker exec "$n" sh -c ": >/tmp/go"
	check "the last of 100000 lines comes" wait_screen lr '^out line-100000 123456789' 30
	check "the ring keeps 10000, 90000 dropped" wait_screen lr '10000 lines kept, 90000 dropped' 3
	rss1=$(logs_rss_kb "$pid")
	hwm=$(logs_hwm_kb "$pid")
	note "sandtop's RSS: ${rss0} kB before, ${rss1} kB after 100000 lines (peak ${hwm} kB)"
	if grep -q __asan_init "$SANDTOP"; then
		note "(an ASan build keeps freed memory in its quarantine: the bound is checked without ASan)"
	else
		check "memory grew by less than 8 MiB (got $((rss1 - rss0)) kB)" test $((rss1 - rss0)) -lt 8192
	fi
	press lr g "the oldest line kept is line-90001" '^out line-90001 ' 2
	tm send-keys -t lr q
	docker run -d --name "$c" --label sandtop.sandbox=1 sandtop/mini:latest sh -c '
		i=0; while :; do i=$((i+1)); echo "chatty line $i with some text to make it longer"; done' >/dev/null ||
		{ fail "could not start $c"; return; }
	tm send-keys -t lr Escape / "$c" Enter
	sleep 0.3
	press lr l "the chatty one's logs open" "logs of $c" 3
	sleep 1
	t0=$(logs_cpu_ticks "$pid")
	local w0 w1
	w0=$(date +%s%N)
	sleep 5
	t1=$(logs_cpu_ticks "$pid")
	w1=$(date +%s%N)
	local hz pct lines
	hz=$(getconf CLK_TCK)
	pct=$(( (t1 - t0) * 100 * 1000000000 / hz / (w1 - w0) ))
	lines=$(screen lr | grep -Eo '[0-9]+ lines kept, [0-9]+ dropped' | head -1)
	note "following a chatty container: sandtop used ${pct}% of one core over 5 s (${lines}); RSS $(logs_rss_kb "$pid") kB"
	check "following a chatty container stays under one core" test "$pct" -lt 100
	check "the screen still answers (q)" bash -c "tmux -L $TMUX_SOCK send-keys -t lr q; sleep 1; tmux -L $TMUX_SOCK capture-pane -p -t lr | grep -q 'NAME.*STATE'"
	# sandtop logs -f on it: a reader that goes away ends it (exit 0)
	local st
	timeout 20 "$SANDTOP" logs -f "$c" | head -1 >"$TEST_TMP/head.out"
	st=${PIPESTATUS[0]}
	check "logs -f into a pipe closed by its reader ends, exit 0 (got $st)" test "$st" -eq 0
	check "... after its first line" grep -q '^chatty line 1 ' "$TEST_TMP/head.out"
}
t_logs_ring_cleanup() { docker rm -f "logs-${RUN_ID}-ring" "logs-${RUN_ID}-chat" >/dev/null 2>&1; }

# sandtop logs: --tail, the streams apart, sanitized, -t, --since, -f until
# the container exits, SIGINT, no such container, no engine.
t_logs_cli() {
	local n="logs-${RUN_ID}-cli" f="logs-${RUN_ID}-fol" rc t0 out
	docker run -d --name "$n" --label sandtop.sandbox=1 sandtop/mini:latest sh -c '
		echo to-stderr >&2; printf "esc \033[2J bidi \342\200\256x\n"
		sleep 0.5  # the engine copies the two streams apart: the order of lines close in time is its own
		for i in $(seq 1 20); do echo "line $i"; done; sleep 600' >/dev/null || { fail "could not start $n"; return; }
	sleep 1
	"$SANDTOP" logs "$n" --tail 5 >"$TEST_TMP/tail.out" 2>"$TEST_TMP/tail.err"
	check "--tail 5: exit 0" test $? -eq 0
	check "--tail 5 prints exactly the last 5 lines" diff <(seq 16 20 | sed 's/^/line /') "$TEST_TMP/tail.out"
	"$SANDTOP" logs "$n" >"$TEST_TMP/all.out" 2>"$TEST_TMP/all.err"
	check "stderr lines go to stderr" test "$(cat "$TEST_TMP/all.err")" = to-stderr
	check "stdout has the rest (21 lines)" test "$(wc -l <"$TEST_TMP/all.out")" -eq 21
	check "no escape byte reaches the output" bash -c "! grep -aq $'\\e' '$TEST_TMP/all.out'"
	check "... it is shown as ␛, the bidi override as �" grep -q '^esc ␛ bidi �x$' "$TEST_TMP/all.out"
	out=$("$SANDTOP" logs "$n" -n 1 -t)
	check "-t: the engine's timestamp first ($out)" bash -c "echo '$out' | grep -Eq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]+Z line 20\$'"
	check "--since 1h: everything" test "$("$SANDTOP" logs "$n" --since 1h 2>/dev/null | wc -l)" -eq 21
	check "--since a unix time to come: nothing" test -z "$("$SANDTOP" logs "$n" --since $(( $(date +%s) + 3600 )) 2>&1)"
	"$SANDTOP" logs "$n" --since yesterday >/dev/null 2>"$TEST_TMP/since.err"
	check "--since garbage: exit 2" test $? -eq 2
	note "$(cat "$TEST_TMP/since.err")"
	"$SANDTOP" logs "logs-${RUN_ID}-nosuch" >/dev/null 2>"$TEST_TMP/nosuch.err"
	check "no such container: exit 1" test $? -eq 1
	check "... said" grep -q 'no such container' "$TEST_TMP/nosuch.err"
	"$SANDTOP" logs "$n" -H "unix://$TEST_TMP/no-engine.sock" >/dev/null 2>"$TEST_TMP/noeng.err"
	check "no engine: exit 3" test $? -eq 3
	note "$(cat "$TEST_TMP/noeng.err")"
	# -f until the container exits
	docker run -d --name "$f" --label sandtop.sandbox=1 sandtop/mini:latest sh -c \
		'echo f1; sleep 1; echo f2 >&2; sleep 1; echo f3' >/dev/null || { fail "could not start $f"; return; }
	t0=$(date +%s%N)
	"$SANDTOP" logs -f "$f" >"$TEST_TMP/f.out" 2>"$TEST_TMP/f.err"
	rc=$?
	local ms=$((($(date +%s%N) - t0) / 1000000))
	check "-f ends with the container, exit 0 (got $rc after $ms ms)" test $rc -eq 0
	check "... after following it (>= 1.5 s)" test "$ms" -ge 1500
	check "... every line" test "$(tr '\n' ' ' <"$TEST_TMP/f.out")" = "f1 f3 "
	check "... the stderr one on stderr" test "$(cat "$TEST_TMP/f.err")" = f2
	# SIGINT ends -f cleanly
	"$SANDTOP" logs -f "$n" >"$TEST_TMP/int.out" 2>&1 &
	local bg=$!
	sleep 1
	kill -INT "$bg"
	t0=$(date +%s%N)
	wait "$bg"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "SIGINT ends -f: exit 0 (got $rc after $ms ms)" test $rc -eq 0
	check "... what came before it was printed" grep -q '^line 20$' "$TEST_TMP/int.out"
}
t_logs_cli_cleanup() { docker rm -f "logs-${RUN_ID}-cli" "logs-${RUN_ID}-fol" >/dev/null 2>&1; }
