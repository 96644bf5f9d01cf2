# t_tunnel.sh: the exec tunnel on the real engine: x11vnc in a reference sandbox through bash's /dev/tcp relay.

# The checks live in the unit-test binary test_docker_tunnel_engine (built
# next to sandtop by `make tests`), which skips unless SANDTOP_TEST_CONTAINER
# names a running sandbox: here it gets one. It reads the RFB greeting and
# the security types through the tunnel, sees the relay's processes in the
# sandbox (docker top) and sees them gone once the caller closes its end or
# the tunnel is closed; it checks stdin EOF and stdout framing with 1 MiB
# through cat, and ERR_NOTFOUND for a container that does not exist.
t_tunnel_vnc() {
	local p="tun${RUN_ID}"
	local bin
	bin="$(dirname "$SANDTOP")/tests/test_docker_tunnel_engine"
	[ -x "$bin" ] || { fail "missing $bin (make tests for this variant)"; return; }
	"$ROOT/scripts/sandboxes" up 1 --prefix "$p" --wait >"$TEST_TMP/sandboxes.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes.log"; fail "could not start a sandbox"; return; }
	(cd "$ROOT" && SANDTOP_TEST_CONTAINER="$p-1" "$bin") >"$TEST_TMP/tunnel.out" 2>"$TEST_TMP/tunnel.log"
	local rc=$?
	sed 's/^/    | /' "$TEST_TMP/tunnel.out"
	# cmocka writes its summary to stderr
	check "the tunnel tests pass (exit $rc)" [ $rc -eq 0 ]
	check "none was skipped" bash -c "! grep -q SKIPPED '$TEST_TMP/tunnel.out' '$TEST_TMP/tunnel.log'"
	check "all 4 passed" grep -q 'PASSED  \] 4 test' "$TEST_TMP/tunnel.out" "$TEST_TMP/tunnel.log"
}
t_tunnel_vnc_cleanup() { sandboxes_down "tun${RUN_ID}"; }
