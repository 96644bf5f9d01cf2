# t_tui.sh: the interactive screen under tmux against real sandboxes and the docker CLI.

# The list shows the sandboxes, follows pause/unpause/stop/remove through the
# engine's events (well inside the 30 s full resync: 5 s is allowed for a
# loaded machine, the time seen is noted), and answers keys.
t_tui_follows_events() {
	local p="${RUN_ID}tui"
	sandboxes_up 3 "$p" || { fail "could not start sandboxes"; return; }
	tui_start tui 160 30
	check "the three sandboxes are listed" wait_screen tui "$p-3" 10
	check "all three rows say running" bash -c "[ \$(tmux -L $TMUX_SOCK capture-pane -p -t tui | grep -E '$p-[123] ' | grep -c running) -eq 3 ]"
	check "the status bar names the engine" wait_screen tui 'docker.sock' 2
	# runc 1.1 sometimes fails to freeze a sandbox whose agent is forking
	# ("unable to freeze"); that is the engine's answer, not sandtop's
	# display, so ask again (seen once in this test's runs here)
	local try
	for try in 1 2 3; do
		docker pause "$p-2" >/dev/null 2>"$TEST_TMP/pause.err" && break
		note "docker pause failed (try $try): $(head -c 200 "$TEST_TMP/pause.err")"
		sleep 0.5
	done
	check "pause shows within 5 s" wait_screen tui "$p-2 .*paused" 5
	note "pause visible after ${WAITED_MS} ms"
	docker unpause "$p-2" >/dev/null
	# the first word after "paused" is "running": the kernel's freezer was
	# read while it was paused, and that sample must not say "frozen" now
	wait_screen_gone tui "$p-2 .*paused" 5
	check "unpause shows within 5 s, as running (not a stale frozen)" bash -c \
		"tmux -L $TMUX_SOCK capture-pane -p -t tui | grep -E '$p-2 ' | grep -q running"
	note "unpause visible after ${WAITED_MS} ms"
	docker kill "$p-3" >/dev/null
	check "a killed sandbox shows exited within 5 s" wait_screen tui "$p-3 .*exited" 5
	note "exit visible after ${WAITED_MS} ms"
	docker rm -f "$p-3" >/dev/null
	check "a removed sandbox disappears within 5 s" wait_screen_gone tui "$p-3 " 5
	note "removal visible after ${WAITED_MS} ms"
	docker run -d --name "$p-plain" sandtop/mini:latest sleep 600 >/dev/null
	sleep 0.5
	check "a non-sandbox container is not listed" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t tui | grep -q '$p-plain'"
	press tui a "'a' shows every container" "$p-plain" 2
	press_gone tui a "'a' again hides it" "$p-plain" 2
	tm send-keys -t tui '?'
	check "'?' opens the help screen" wait_screen tui 'quit' 2
	tm send-keys -t tui q
	press tui q "q quits with status 0" 'sandtop-exited-0' 3
}
t_tui_follows_events_cleanup() { sandboxes_down "${RUN_ID}tui"; docker rm -f "${RUN_ID}tui-plain" >/dev/null 2>&1; }

# Resize, tiny terminals and NO_COLOR.
t_tui_resize_and_color() {
	local p="${RUN_ID}rs"
	docker run -d --name "$p-1" --label sandtop.sandbox=1 --label sandtop.owner=carol sandtop/mini:latest sleep 600 >/dev/null
	tui_start rs 120 30
	check "listed at 120x30" wait_screen rs "$p-1" 10
	check "state is coloured when colours are allowed" bash -c "tmux -L $TMUX_SOCK capture-pane -p -e -t rs | grep '$p-1' | grep -Eq $'\e\\[([0-9]+;)*3[0-7](;|m)'"
	local size
	for size in "10 3" "1 1" "20 4" "40 8" "300 100"; do
		tm resize-window -t rs -x "${size% *}" -y "${size#* }"
		sleep 0.3
		check "still running at ${size/ /x}" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t rs | grep -q sandtop-exited"
	done
	tm resize-window -t rs -x 120 -y 30
	check "the list is back at 120x30" wait_screen rs "$p-1" 3
	tm send-keys -t rs q
	wait_screen rs 'sandtop-exited-0' 3 || fail "did not quit"
	tm kill-session -t rs
	tm new-session -d -s nc -x 120 -y 30 "env NO_COLOR=1 LANG=C.UTF-8 TERM=tmux-256color $SANDTOP --log $TEST_TMP/nc.log; sleep 30"
	check "listed with NO_COLOR" wait_screen nc "$p-1" 10
	check "NO_COLOR: no colour sequences at all" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -e -t nc | grep -Eq $'\e\\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)'"
}
t_tui_resize_and_color_cleanup() { docker rm -f "${RUN_ID}rs-1" >/dev/null 2>&1; }

# Back goes where a screen was opened from, and q in the list quits only
# there: v (view) w (wall) q q is the list again, still running.
t_tui_back() {
	local p="nav${RUN_ID}"
	docker run -d --name "$p-1" --label sandtop.sandbox=1 --network none sandtop/mini:latest sleep 600 >/dev/null ||
		{ fail "docker run"; return 1; }
	tui_start nv 160 30
	wait_screen nv "$p-1" 10 || { fail "not listed"; return 1; }
	tm send-keys -t nv / && tm send-keys -t nv -l "$p" && tm send-keys -t nv Enter v
	check "v opens the view (no list header)" wait_screen_gone nv "NAME" 3
	press nv w "w opens the wall from the view" "^$p-1 +no desktop" 3
	press nv q "q leaves the wall for the view it came from" "^$p-1 {40,}no desktop" 3
	press nv q "q leaves the view for the list" "NAME" 3
	check "... still running" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t nv | grep -q sandtop-exited"
	press nv q "q in the list quits (nothing frozen or paused)" "sandtop-exited-0" 5
}
t_tui_back_cleanup() { docker rm -f "nav${RUN_ID}-1" >/dev/null 2>&1; true; }

# The ACT column: an agent whose desktop changes is active, one doing
# nothing is idle, one spinning with a still desktop is stuck (a window of
# 8 s through the config file, so the test need not wait 30; longer than
# the image's health check interval, 5 s, whose exec is not work).
t_tui_activity() {
	local p="act${RUN_ID}"
	docker run -d --name "$p-1" --label sandtop.sandbox=1 sandtop/sandbox:latest >/dev/null &&
	docker run -d --name "$p-2" --label sandtop.sandbox=1 -e SANDBOX_DEMO_AGENT=0 sandtop/sandbox:latest >/dev/null &&
	docker run -d --name "$p-3" --label sandtop.sandbox=1 -e SANDBOX_DEMO_AGENT=0 sandtop/sandbox:latest >/dev/null ||
		{ fail "docker run"; return 1; }
	sleep 4   # the desktops up
	docker exec -d "$p-3" sh -c 'while :; do :; done'
	printf 'activity-window 8\ncolumns name state act cpu\n' >"$TEST_TMP/config"
	tui_listed ac 160 30 "$p-3" -c "$TEST_TMP/config" || return 1
	tm send-keys -t ac / && tm send-keys -t ac -l "$p" && tm send-keys -t ac Enter
	check "the agent that draws is active" wait_screen ac "$p-1 +running +active " 20
	check "the one doing nothing is idle" wait_screen ac "$p-2 +running +idle " 20
	check "the one spinning with a still desktop is stuck" wait_screen ac "$p-3 +running +stuck " 20
	# idle through health checks: it stays so for two of them
	local k
	for k in $(seq 1 12); do
		screen ac | grep -qE "$p-2 +running +idle " || { fail "idle lost after $k s: $(screen ac | grep -E "$p-2 ")"; break; }
		sleep 1
	done
	note "$(screen ac | grep -E "$p-[123] ")"
}
t_tui_activity_cleanup() { docker rm -f "act${RUN_ID}-1" "act${RUN_ID}-2" "act${RUN_ID}-3" >/dev/null 2>&1; true; }
