# t_engine.sh: the engine goes away and comes back while sandtop runs.

# Stopping dockerd shows the banner; starting it again restores the list
# with no restart of sandtop.
t_engine_down_and_back() {
	local p="${RUN_ID}eng"
	docker run -d --name "$p-1" --label sandtop.sandbox=1 sandtop/mini:latest sleep 600 >/dev/null
	tui_start eng 140 30
	check "listed" wait_screen eng "$p-1" 10
	local pid
	pid=$(tm list-panes -t eng -F '#{pane_pid}')
	"$ROOT/scripts/dockerd-stop" >"$TEST_TMP/dockerd-stop.log" 2>&1
	check "the banner says the engine is unreachable" wait_screen eng 'ENGINE UNREACHABLE' 10
	note "banner after ${WAITED_MS} ms"
	check "the last-known list is still shown" wait_screen eng "$p-1" 1
	"$SANDTOP" ps >/dev/null 2>&1
	local rc=$?
	check "ps exits 3 while the engine is down (got $rc)" [ $rc -eq 3 ]
	tm send-keys -t eng j
	sleep 0.3
	check "sandtop still answers and runs" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t eng | grep -q sandtop-exited"
	"$ROOT/scripts/dockerd-start" >"$TEST_TMP/dockerd-start.log" 2>&1 || fail "dockerd did not start again"
	check "the banner goes away by itself" wait_screen_gone eng 'ENGINE UNREACHABLE' 20
	note "recovered ${WAITED_MS} ms after dockerd answered"
	check "the sandbox is listed again" wait_screen eng "$p-1" 5
	check "same sandtop process" [ "$pid" = "$(tm list-panes -t eng -F '#{pane_pid}')" ]
	docker start "$p-1" >/dev/null 2>&1
	check "events flow again after the reconnect" wait_screen eng "$p-1 .*running" 3
}
t_engine_down_and_back_cleanup() {
	"$ROOT/scripts/dockerd-start" >/dev/null 2>&1
	docker rm -f "${RUN_ID}eng-1" >/dev/null 2>&1
}
