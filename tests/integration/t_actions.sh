# t_actions.sh: the Engine API actions and evidence calls on the real engine (driver: test_docker_actions_engine).

# The checks live in the unit-test binary test_docker_actions_engine (built
# next to sandtop by `make tests`); it skips unless it is told which
# containers to act on, and checks every state with `docker inspect`.
# Every container, network and image made here is named act*.

# run_actions_driver TEST_OUT EXPECTED_OK_TESTS...: run the driver with the
# environment already exported, and check that exactly these tests passed.
run_actions_driver() {
	local bin out=$1
	shift
	bin="$(dirname "$SANDTOP")/tests/test_docker_actions_engine"
	[ -x "$bin" ] || { fail "missing $bin (make tests for this variant)"; return; }
	(cd "$ROOT" && "$bin") >"$out" 2>&1
	local rc=$?
	sed 's/^/    | /' "$out"
	check "the action tests pass (exit $rc)" [ $rc -eq 0 ]
	local t
	for t in "$@"; do
		check "$t passed" grep -q "OK \] $t\$" "$out"
	done
}

# pause/unpause, kill while paused, stop escalating to SIGKILL, remove of a
# running container, network disconnect, an exited and a vanished
# container, logs: on busybox containers (sandtop/mini).
t_actions_engine() {
	local p="act${RUN_ID}"
	docker image inspect sandtop/mini:latest >/dev/null 2>&1 || "$ROOT/scripts/mini-image" >/dev/null ||
		{ fail "no sandtop/mini image"; return; }
	docker network create "$p-unet" >/dev/null || { fail "network create"; return; }
	docker run -d --name "$p-run" sandtop/mini:latest sleep 600 >/dev/null &&
		docker run -d --name "$p-term" sandtop/mini:latest sh -c 'trap "" TERM; while :; do sleep 1; done' >/dev/null &&
		docker run -d --name "$p-keep" sandtop/mini:latest sh -c 'echo out-marker; echo err-marker >&2; exec sleep 600' >/dev/null &&
		docker run -d --name "$p-net" --network "$p-unet" sandtop/mini:latest sleep 600 >/dev/null &&
		docker run -d --name "$p-dead" sandtop/mini:latest true >/dev/null ||
		{ fail "could not start the containers"; return; }
	docker wait "$p-dead" >/dev/null
	sleep 0.3 # the -keep markers reach the log
	SANDTOP_TEST_ACT="$p" run_actions_driver "$TEST_TMP/actions.out" \
		test_pause_unpause_kill_paused test_stop_escalates test_remove_running_and_logs \
		test_network_disconnect test_stopped test_vanished
}
t_actions_engine_cleanup() {
	local p="act${RUN_ID}"
	docker rm -f "$p-run" "$p-term" "$p-keep" "$p-net" "$p-dead" >/dev/null 2>&1
	docker network rm "$p-unet" >/dev/null 2>&1
}

# The snapshot evidence of a reference sandbox (read-only root, tmpfs /tmp):
# a file written to /tmp is in the exec archive and not in the committed
# image; tar's failures, a cut archive, exec refused while paused, the raw
# inspect body and the logs.
t_actions_snapshot() {
	local p="acts${RUN_ID}"
	"$ROOT/scripts/sandboxes" up 1 --prefix "$p" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; fail "could not start a sandbox"; return; }
	SANDTOP_TEST_CONTAINER="$p-1" run_actions_driver "$TEST_TMP/snapshot.out" \
		test_snapshot_tmpfs test_archive_edges
}
t_actions_snapshot_cleanup() {
	local p="acts${RUN_ID}"
	docker rm -f "$p-1-ls" >/dev/null 2>&1
	docker rmi "$p-1-img:t1" >/dev/null 2>&1
	sandboxes_down "$p"
}
