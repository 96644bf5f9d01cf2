# t_questions: every question and menu of the screen, cancelled the ways a person cancels them, leaves nothing armed: a later y does nothing.

# On an engine of the test's own: a question that stayed armed could be the
# kill switch, and the kill switch acts on every sandbox of the engine.
tq_states() { # HOST PREFIX: "running" when every one still runs (and none is frozen)
	local id st f out=""
	for id in $(docker -H "$1" ps -aq --no-trunc --filter "label=sandtop.set=$2"); do
		st=$(docker -H "$1" inspect -f '{{.State.Status}}' "$id")
		f=$(find /sys/fs/cgroup/freezer -maxdepth 3 -type d -name "$id" 2>/dev/null | head -1)
		[ "$st" = running ] && [ "$(cat "$f/freezer.state" 2>/dev/null)" = FROZEN ] && st=frozen
		out="$out $st"
	done
	echo "$out" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
tq_records() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

t_questions_cancel() {
	local p="tq${RUN_ID}" log="$TEST_TMP/audit.log" keys cancel before n=0 bad=0
	engine_start tq || return 1
	minis_up "$ENGINE_HOST" "$p" 1 2 3 || return 1
	tui_listed tq 200 40 "$p-3" -H "$ENGINE_HOST" --audit-log "$log" || return 1
	# each case: the keys that open a question, the keys a person cancels it with
	local cases=(
		"K|Escape"            # the reported bug: the menu, Esc
		"K|Enter n"           # SIGKILL chosen, then no
		"K|Down Enter Escape" # SIGTERM chosen, then Esc
		"K|q"                 # any other key closes the menu
		"p|Escape"  "p|n"  "p|Enter"
		"S|Escape"  "R|x"  "Q|Escape"  "E|Escape"
		"D|Escape"  "D|r e m Enter"
		"F8|Escape" "F8|f r e e Enter" "F9|Escape" "F9|k i l Enter"
		"A|Escape"
	)
	for c in "${cases[@]}"; do
		keys=${c%%|*} cancel=${c#*|}
		before=$(tq_records "$log")
		# shellcheck disable=SC2086
		tm send-keys -t tq $keys
		sleep 0.3
		# shellcheck disable=SC2086
		tm send-keys -t tq $cancel
		sleep 0.3
		tm send-keys -t tq y
		sleep 0.6
		n=$((n + 1))
		if screen tq | grep -Eq "\(y/N\)|type '|Send which signal"; then
			bad=$((bad + 1)); note "'$keys' then '$cancel': a question is still open: $(screen tq | grep -E "\(y/N\)|type '|Send which" | head -1)"
		fi
		if [ "$(tq_records "$log")" != "$before" ]; then
			bad=$((bad + 1)); note "'$keys' then '$cancel' then y: something was done: $(tail -1 "$log" | cut -c1-160)"
		fi
		if [ "$(tq_states "$ENGINE_HOST" "$p")" != running ]; then
			bad=$((bad + 1)); note "'$keys' then '$cancel' then y: the sandboxes are now: $(tq_states "$ENGINE_HOST" "$p")"
			"$SANDTOP" thaw --label "sandtop.set=$p" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/other.log" >/dev/null 2>&1
		fi
		if screen tq | grep -q "ARMED"; then
			bad=$((bad + 1)); note "'$keys' then '$cancel' then y: sandtop is armed"
		fi
	done
	check "$n questions and menus cancelled, then y: nothing happened, nothing left open or armed" test $bad -eq 0
	check "the cancellations are said" wait_screen tq "cancelled" 2
	# p still asks afterwards (not armed), and y then acts
	press tq "Home p" "after all that, p still asks" "Pause $p-1\\? \\(y/N\\)" 5
	press tq y "... and y pauses" "pause: 1 ok" 10
	# the quit question (a frozen sandbox): Esc stays, then y does nothing
	press tq "x q" "q with a frozen sandbox asks" "1 sandbox frozen .*Quit\\? \\(y/N\\)" 5
	tm send-keys -t tq Escape
	sleep 0.3
	tm send-keys -t tq y
	sleep 0.5
	check "Esc, then y: still running" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t tq | grep -q sandtop-exited"
	tm send-keys -t tq q
	wait_screen tq "Quit\\? \\(y/N\\)" 5
	press tq y "q, y: quits" "sandtop-exited-0" 5
}

# The small things of everyday use: names sort naturally, a tagged row is
# marked, the action menu runs what it lists, a single action's outcome is
# said, the hints name the action keys, the kill switch's question counts
# frozen ones apart.
t_questions_everyday() {
	local p="tqe${RUN_ID}"
	engine_start tqe || return 1
	minis_up "$ENGINE_HOST" "$p" 10 2 1 || return 1
	tui_listed te 200 40 "$p-10" -H "$ENGINE_HOST" --audit-log "$TEST_TMP/audit.log" || return 1
	check "names sort naturally: -1, -2, -10" bash -c "tmux -L '$TMUX_SOCK' capture-pane -p -t te | grep -oE '$p-[0-9]+' | tr '\n' ' ' | grep -qx '$p-1 $p-2 $p-10 '"
	check "the hints name the action keys" wait_screen te "m actions .*v desktop .*w wall .*l logs .*K kill .*F9 kill all" 3
	press te "Home Space" "a tagged row is marked" "^\\* +$p-1 " 3
	press te m "m opens the action menu" "Actions \\(Enter runs, Esc closes\\)" 3
	check "... listing each action with its key" wait_screen te "p +pause \\(freeze\\) / unpause" 3
	press_gone te Escape "Esc closes it" "Actions \\(Enter runs" 3
	press te "F2 Down Down Down Down Down Enter" "F2, down to pause, Enter: the same question as p" "Pause $p-1\\? \\(y/N\\)" 3
	press te y "one sandbox's outcome is said on the bottom line" "pause $p-1: frozen by the kernel in [0-9]+ ms" 10
	press te "u F8" "the kill switch's question counts them by state" "freeze all 3 sandboxes \\(2 running, 1 frozen\\)" 5
	tm send-keys -t te Escape
}
