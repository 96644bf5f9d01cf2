# t_freezer.sh: containment through the cgroup freezer on the real engine: busy sandboxes stop and run again, a frozen one dies on docker kill, a forking one.

# The checks live in the unit-test binary test_freezer_engine (built next to
# sandtop by `make tests`), which skips unless SANDTOP_TEST_FREEZE* name
# running containers: here they get them. Containers are named frz-* and
# carry no sandtop.sandbox label (a watcher of the engine does not list them).
freezer_bin() { printf '%s/tests/test_freezer_engine' "$(dirname "$SANDTOP")"; }
frz_run() { # NAME COMMAND...
	local name=$1; shift
	docker run -d --name "$name" --network none --label sandtop.test=freezer \
		sandtop/mini:latest "$@" >/dev/null
}
frz_down() { # PREFIX
	docker ps -aq --filter "name=^$1" | xargs -r docker rm -f >/dev/null 2>&1 || true
}
# frz_check OUT LOG PASSED SKIPPED: the binary's verdict (cmocka writes its
# summary to stderr) and its measurements.
frz_check() {
	local out=$1 log=$2 passed=$3 skipped=$4
	sed -n 's/^freezer: /    | /p' "$out" "$log"
	check "the freezer tests pass" grep -q "PASSED  \] $passed test" "$out" "$log"
	check "none failed" bash -c "! grep -q 'FAILED  \]' '$out' '$log'"
	if [ "$skipped" = 0 ]; then
		check "none was skipped" bash -c "! grep -q 'SKIPPED \]' '$out' '$log'"
	else
		check "$skipped skipped (the other test's)" grep -q "$skipped SKIPPED TEST" "$out" "$log"
	fi
}

# Five busy loops: frozen within the deadline given (the time is printed;
# its speed is bench/killswitch's) with their CPU stopped for 300 ms,
# thawed and running again; the same through cgroup v2's cgroup.freeze of
# the hybrid host's unified tree; a sixth, frozen, is refused by both
# `docker pause` (runc sees it paused) and `docker unpause` (dockerd thinks
# it runs) and stays frozen, then `docker kill`ed exits 137 at once (runc
# thaws a paused container after SIGKILL); three with children killed
# through the kernel (every task dead, the engine sees exit 137); a pid
# that is not the container's refused.
t_freezer_contain() {
	local p="frz-${RUN_ID}c" bin i names=()
	bin=$(freezer_bin)
	[ -x "$bin" ] || { fail "missing $bin (make tests for this variant)"; return; }
	for i in 1 2 3 4 5; do
		frz_run "$p-$i" sh -c 'while :; do :; done' || { fail "docker run $p-$i"; return; }
		names+=("$p-$i")
	done
	frz_run "$p-kill" sh -c 'while :; do :; done' || { fail "docker run $p-kill"; return; }
	local kills=()
	for i in 1 2 3; do
		frz_run "$p-k$i" sh -c 'for i in 1 2; do (while :; do :; done) & done; while :; do :; done' ||
			{ fail "docker run $p-k$i"; return; }
		kills+=("$p-k$i")
	done
	sleep 1
	(cd "$ROOT" && SANDTOP_TEST_FREEZE="${names[*]}" SANDTOP_TEST_FREEZE_KILL="$p-kill" \
		SANDTOP_TEST_KILL="${kills[*]}" "$bin") >"$TEST_TMP/freezer.out" 2>"$TEST_TMP/freezer.log"
	check "test_freezer_engine exits 0 (exit $?)" [ $? -eq 0 ]
	frz_check "$TEST_TMP/freezer.out" "$TEST_TMP/freezer.log" 5 1
	check "the killed one exited 137" [ "$(docker inspect -f '{{.State.ExitCode}}' "$p-kill")" = 137 ]
	local state
	state=$(docker inspect -f '{{.State.Status}}' "${names[@]}" | sort -u | tr '\n' ' ')
	check "the thawed ones still run (got: $state)" [ "$state" = "running " ]
}
t_freezer_contain_cleanup() { frz_down "frz-${RUN_ID}c"; }

# A loop forking /bin/true (about 1300 processes a second here): the freeze
# written once and polled, then cg_freeze_all (which writes it again while
# the cgroup reads FREEZING), 5 times each; the state reached and the time
# are printed. FROZEN must mean no CPU at all; FREEZING must be said.
t_freezer_forking() {
	local p="frz-${RUN_ID}f" bin
	bin=$(freezer_bin)
	[ -x "$bin" ] || { fail "missing $bin (make tests for this variant)"; return; }
	frz_run "$p" sh -c 'while :; do /bin/true; done' || { fail "docker run $p"; return; }
	sleep 1
	(cd "$ROOT" && SANDTOP_TEST_FREEZE_FORK="$p" "$bin") >"$TEST_TMP/freezer.out" 2>"$TEST_TMP/freezer.log"
	check "test_freezer_engine exits 0 (exit $?)" [ $? -eq 0 ]
	frz_check "$TEST_TMP/freezer.out" "$TEST_TMP/freezer.log" 1 5
	check "the forking one still runs" [ "$(docker inspect -f '{{.State.Status}}' "$p")" = running ]
}
t_freezer_forking_cleanup() { frz_down "frz-${RUN_ID}f"; }
