# t_vnc_worker.sh: the sandtop-vnc worker on its own, against a hostile fake RFB server and a real sandbox's x11vnc.
#
# The worker is the one next to $SANDTOP (the san build's is ASan/UBSan:
# run_test fails a test whose logs hold a sanitizer report). Each check is
# tests/vnc/drive.py, which spawns the worker like main does, validates
# every message against vnc/proto.h and prints what it saw; its logs go to
# $TEST_TMP/worker-*.log. tests/vnc/fake_rfb.py is the fake server.

vw_worker() { printf '%s/sandtop-vnc' "$(dirname "$SANDTOP")"; }
# vw_drive CHECK [ARGS...]: one drive.py check; its output, indented.
vw_drive() {
	local c=$1
	shift
	python3 "$ROOT/tests/vnc/drive.py" "$c" --worker "$(vw_worker)" \
		--log "$TEST_TMP/worker-$c.log" "$@" 2>&1 | sed 's/^/  /'
	return "${PIPESTATUS[0]}"
}

# A well-behaved server: LIVE 64x48, a frame whose cells are the block
# colours (1:1 and downscaled), a shot equal to the picture, no STALLED on a
# quiet screen (the 2 s liveness ping is answered), exit 0 on EOF of fd 0.
# Then resizes (64x48 -> 1024x768 -> 32x24) after lockdown.
t_vnc_worker_good() {
	check "the worker exists" [ -x "$(vw_worker)" ]
	check "good server: LIVE, exact colours, shot, pings" vw_drive good
	check "resizes after lockdown: announced, re-fitted" vw_drive resize
}

# Frames at about the grid's rate while the server could send more; none
# at fps 0.
t_vnc_worker_pace() {
	check "frames paced by the grid's fps; none when hidden" vw_drive pace
}

# ServerInit 65535x65535: refused before any allocation (own max RSS, from
# GNU time, stays small); VP_FAILED says "larger" at once. And the cap
# itself works: 4096x4096 goes LIVE, a frame, a 48 MiB shot, within the
# worker's RLIMIT_AS.
t_vnc_worker_huge() {
	check "65535x65535 refused fast, no big allocation" vw_drive huge --max-rss 65536
	check "4096x4096 (the cap) works" vw_drive max
}

# Garbage after a valid handshake (bad encodings, out-of-bounds rects,
# random decoder input for every compiled-in decoder, an oversized resize):
# VP_FAILED then exit 1, never a crash or a sanitizer report. An RFB 3.3
# server (which, not the client, picks the security type: TLS, SASL...) is
# refused before libvncclient answers it.
t_vnc_worker_garbage() {
	check "every garbage variant fails cleanly" vw_drive garbage
	check "an RFB 3.3 server is refused before the handshake" vw_drive rfb33
}

# Stalls and ends: mid-message stall -> "read timeout" within ~6 s; EOF
# mid-message -> "closed"; a server that answers nothing (not even the
# ping) -> STALLED after ~5 s, pinged again while stalled, LIVE again when
# it speaks; a rejected VNC password -> "authentication".
t_vnc_worker_stall() {
	check "stall mid-message: read timeout" vw_drive stall
	check "EOF mid-message: closed" vw_drive eof
	check "silence: STALLED, then LIVE again" vw_drive silent
	check "authentication refused" vw_drive authfail
}

# After lockdown, opening a file, execve, socket+connect and an executable
# mapping kill the worker with SIGSYS (31). The lockdown comes before the
# server's first byte: against servers that never send one (a socketpair
# as --fd, the default path; a silent TCP listener) the probe dies at once.
t_vnc_worker_probes() {
	local p
	for p in open exec connect mmap-exec; do
		check "probe $p: killed by SIGSYS" vw_drive probe --probe "$p"
	done
	check "locked down before the first byte: a probe against a silent server dies at once" \
		vw_drive probe-silent --probe open
}

# --input: pointer events clamped to the desktop, keys forwarded; without
# --input nothing reaches the server. A bad message from main: exit 2.
t_vnc_worker_input() {
	check "input only with --input, clamped" vw_drive input
	check "a bad magic from main: exit 2" vw_drive badmsg
}

# A real reference sandbox through an exec relay (--fd, as main does it):
# frames while the demo agent works, then a shot equal to `xwd -root`.
t_vnc_worker_sandbox() {
	local p="vw${RUN_ID}"
	"$ROOT/scripts/sandboxes" up 1 --prefix "$p" --wait >"$TEST_TMP/sandboxes-$p.log" 2>&1 ||
		{ cat "$TEST_TMP/sandboxes-$p.log"; fail "could not start the sandbox"; return; }
	check "the sandbox's desktop through the worker equals xwd -root" \
		vw_drive sandbox --container "$p-1"
}
t_vnc_worker_sandbox_cleanup() { sandboxes_down "vw${RUN_ID}"; }
