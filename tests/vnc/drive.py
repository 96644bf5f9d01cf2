#!/usr/bin/env python3
"""drive: run one sandtop-vnc worker the way main does and check what it says.

usage: drive.py CHECK --worker PATH --log FILE [options]

The worker gets pipes on fd 0 (our messages) and fd 1 (its messages), and
FILE (opened O_APPEND) as fd 2. Every message it sends is validated against
vnc/proto.h (magic, flags, type, exact length rules, limits); what it sent
is printed. Exit status 0 = the check passed.

checks:
  good       fake server "good": CONNECTING, LIVE 64x48, a VP_FRAME whose
             cells are the block colours, a VP_SHOT equal to the picture,
             no STALLED over 7 s (the liveness ping is answered), then EOF on
             fd 0 -> exit 0
  pace       fake server "anim": frames arrive at about the grid's rate;
             fps 0 stops them
  resize     64x48 -> 1024x768 -> 32x24 after lockdown: each announced, framed
  huge       65535x65535 ServerInit -> VP_FAILED "larger" fast, small max RSS
  max        4096x4096 (the cap) works: LIVE, a frame, a full VP_SHOT
  garbage    every garbage --variant (or one): VP_FAILED then exit 1, no signal
  stall      -> VP_FAILED "read timeout" within ~6 s
  eof        -> VP_FAILED "closed"
  silent     -> STALLED after ~5 s, LIVE again when the server speaks
  authfail   -> VP_FAILED "authentication" (no password file; a wrong one)
  rfb33      an RFB 3.3 server (it picks the security type) -> refused unanswered
  probe      --probe open|exec|connect|mmap-exec -> killed by SIGSYS (31)
  probe-silent
             the same against servers that never send a byte (a socketpair
             handed over as --fd 3, the default path, and a TCP listener):
             the lockdown comes before the first byte is read, so the probe
             still dies of SIGSYS at once (after the handshake it would
             wait 5 s for a protocol version and fail)
  input      --input: pointer clamped to the desktop and keys reach the
             server; without --input nothing does
  badmsg     a bad magic from main -> exit 2
  sandbox    --container C: the worker on an exec relay (--fd) to the
             sandbox's x11vnc: LIVE with the X screen's size, a frame, and a
             VP_SHOT equal to `xwd -root` (see check_sandbox for the region)
"""
import argparse
import contextlib
import os
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_rfb.py")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the tree
import fake_rfb  # noqa: E402 (its BLOCKS and VARIANTS; the server itself runs as a child)

VP_MAGIC = 0x50565453
VP_STATE, VP_FRAME, VP_SHOT = 1, 2, 3
VP_GRID, VP_SHOT_REQ, VP_KEY, VP_POINTER = 10, 11, 12, 13
VP_MAX_COLS, VP_MAX_ROWS, VP_MAX_FB = 4096, 2048, 4096
STATES = {1: "CONNECTING", 2: "LIVE", 3: "STALLED", 4: "FAILED"}
HDR = struct.Struct("<IHHI")
STATE = struct.Struct("<III160s")
FRAMEH = struct.Struct("<IHHII")


class Fail(Exception):
    pass


def say(*a):
    print("   ", *a, flush=True)


class Worker:
    def __init__(self, worker, log, target, extra=(), pass_fds=(), env=None, wrap=()):
        self.t0 = time.monotonic()
        logfd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        argv = list(wrap) + [worker] + list(target) + list(extra)
        say("spawn:", " ".join(argv))
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=logfd, pass_fds=pass_fds, env=env)
        os.close(logfd)
        self.buf = bytearray()
        self.status = None
        self.rusage = None
        self.frames = 0

    def ms(self):
        return int((time.monotonic() - self.t0) * 1000)

    def send(self, typ, payload=b"", magic=VP_MAGIC):
        try:
            self.p.stdin.write(HDR.pack(magic, typ, 0, len(payload)) + payload)
            self.p.stdin.flush()
        except BrokenPipeError:
            pass

    def grid(self, cols, rows, fps_milli):
        self.send(VP_GRID, struct.pack("<HHI", cols, rows, fps_milli))

    def _fill(self, n, deadline):
        fd = self.p.stdout.fileno()
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                return False
            c = os.read(fd, 1 << 20)
            if not c:
                raise EOFError
            self.buf += c  # a bytearray: appending is amortized O(1)
        return True

    def msg(self, timeout):
        """The next message as (type, fields...), None on timeout; EOFError at the end."""
        deadline = time.monotonic() + timeout
        if not self._fill(HDR.size, deadline):
            return None
        magic, typ, flags, ln = HDR.unpack_from(self.buf)
        if magic != VP_MAGIC or flags != 0 or typ not in (VP_STATE, VP_FRAME, VP_SHOT):
            raise Fail("bad header magic=%x type=%d flags=%d" % (magic, typ, flags))
        limit = {VP_STATE: STATE.size, VP_FRAME: FRAMEH.size + VP_MAX_COLS * VP_MAX_ROWS * 6,
                 VP_SHOT: 8 + VP_MAX_FB * VP_MAX_FB * 3}[typ]
        if ln > limit:
            raise Fail("message too long: type %d len %d" % (typ, ln))
        if not self._fill(HDR.size + ln, deadline + 30):
            raise Fail("truncated message type %d" % typ)
        body = bytes(self.buf[HDR.size:HDR.size + ln])
        del self.buf[:HDR.size + ln]
        if typ == VP_STATE:
            if ln != STATE.size:
                raise Fail("state of %d bytes" % ln)
            code, w, h, reason = STATE.unpack(body)
            if code not in STATES or (w or h) and not (1 <= w <= VP_MAX_FB and 1 <= h <= VP_MAX_FB):
                raise Fail("bad state %d %dx%d" % (code, w, h))
            if b"\0" not in reason:
                raise Fail("reason not NUL-terminated")
            reason = reason.split(b"\0")[0].decode("utf-8", "replace")
            say("%6d ms  STATE %s %dx%d %r" % (self.ms(), STATES[code], w, h, reason))
            return ("state", STATES[code], w, h, reason)
        if typ == VP_FRAME:
            seq, cols, rows, fw, fh = FRAMEH.unpack_from(body)
            if not (1 <= cols <= VP_MAX_COLS and 1 <= rows <= VP_MAX_ROWS) or \
                    ln != FRAMEH.size + cols * rows * 6 or not (1 <= fw <= VP_MAX_FB and 1 <= fh <= VP_MAX_FB):
                raise Fail("bad frame header %d %dx%d len %d" % (seq, cols, rows, ln))
            self.frames += 1
            if self.frames <= 3 or self.frames % 10 == 0:
                say("%6d ms  FRAME seq %d %dx%d cells of a %dx%d desktop" % (self.ms(), seq, cols, rows, fw, fh))
            return ("frame", seq, cols, rows, fw, fh, body[FRAMEH.size:])
        w, h = struct.unpack_from("<II", body)
        if not (1 <= w <= VP_MAX_FB and 1 <= h <= VP_MAX_FB) or ln != 8 + w * h * 3:
            raise Fail("bad shot %dx%d len %d" % (w, h, ln))
        say("%6d ms  SHOT %dx%d" % (self.ms(), w, h))
        return ("shot", w, h, body[8:])

    def until(self, pred, timeout, what):
        """Messages until pred(m) is true; returns m. Fails on timeout or EOF."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                m = self.msg(max(0, left))
            except EOFError:
                raise Fail("worker closed fd 1 while waiting for %s" % what)
            if m is None:
                raise Fail("no %s within %.1f s" % (what, timeout))
            if pred(m):
                return m

    def drain_to_eof(self, timeout):
        deadline = time.monotonic() + timeout
        msgs = []
        while True:
            try:
                m = self.msg(max(0, deadline - time.monotonic()))
            except EOFError:
                return msgs
            if m is None:
                raise Fail("worker still writing after %.1f s" % timeout)
            msgs.append(m)

    def wait(self, timeout):
        """Reap the worker, reading (and dropping) what it still writes: like
        main, never let it block on a full fd 1."""
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        open_ = True
        while time.monotonic() < deadline:
            pid, st, ru = os.wait4(self.p.pid, os.WNOHANG)
            if pid:
                self.status, self.rusage = st, ru
                self.p.returncode = 0  # reaped by us
                return st
            if open_ and select.select([fd], [], [], 0.02)[0]:
                open_ = bool(os.read(fd, 1 << 20))
            elif not open_:
                time.sleep(0.02)
        raise Fail("worker did not exit within %.1f s" % timeout)

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.p.pid, signal.SIGKILL)
                self.wait(5)
            except (ProcessLookupError, ChildProcessError, Fail):
                pass

    def describe_exit(self):
        st = self.status
        if os.WIFSIGNALED(st):
            return "killed by signal %d" % os.WTERMSIG(st)
        return "exit %d" % os.WEXITSTATUS(st)


class Fake:
    def __init__(self, mode, *args):
        self.p = subprocess.Popen([sys.executable, FAKE, mode] + list(args), stdout=subprocess.PIPE,
                                  text=True)
        self.port = int(self.p.stdout.readline())
        self.lines = []

    def close(self):
        try:
            self.p.kill()
        except ProcessLookupError:
            pass
        out = self.p.stdout.read()
        self.p.wait()
        self.lines = out.splitlines()
        return self.lines


def expect_exit(w, code=None, sig=None, timeout=10):
    w.wait(timeout)
    say("worker:", w.describe_exit(), "max RSS %d KiB" % w.rusage.ru_maxrss)
    if sig is not None:
        if not (os.WIFSIGNALED(w.status) and os.WTERMSIG(w.status) == sig):
            raise Fail("expected death by signal %d, got %s" % (sig, w.describe_exit()))
    elif not (os.WIFEXITED(w.status) and os.WEXITSTATUS(w.status) == code):
        raise Fail("expected exit %d, got %s" % (code, w.describe_exit()))


def live(w, timeout=10):
    return w.until(lambda m: m[0] == "state" and m[1] in ("LIVE", "FAILED"), timeout, "LIVE")


def must_live(w, size=None, timeout=10):
    m = live(w, timeout)
    if m[1] != "LIVE":
        raise Fail("FAILED instead of LIVE: %s" % m[4])
    if size and (m[2], m[3]) != size:
        raise Fail("LIVE with %dx%d, expected %dx%d" % (m[2], m[3], size[0], size[1]))
    return m


def failed_with(w, words, timeout):
    t = time.monotonic()
    m = w.until(lambda m: m[0] == "state" and m[1] in ("FAILED",), timeout, "FAILED")
    took = time.monotonic() - t
    if not any(x in m[4] for x in words):
        raise Fail("FAILED reason %r lacks %r" % (m[4], words))
    return m, took


def end_ok(w, timeout=3):
    """EOF on the worker's fd 0: it must exit 0 within timeout."""
    w.p.stdin.close()
    expect_exit(w, code=0, timeout=timeout)


def not_live_nor_failed(msgs, what):
    """A probe must kill the worker before it says LIVE or FAILED."""
    for m in msgs:
        if m[0] == "state" and m[1] in ("LIVE", "FAILED"):
            raise Fail("%sstate %s %r: the probe did not kill it" % (what, m[1], m[4]))


def log_clean(log):
    with open(log, "rb") as f:
        text = f.read()
    bad = [k for k in (b"AddressSanitizer", b"LeakSanitizer", b"runtime error", b"\x1b") if k in text]
    if bad:
        raise Fail("log contains %r" % bad)


# ---- checks ----

def fake_target(f):
    return ["--tcp", "127.0.0.1:%d" % f.port]


@contextlib.contextmanager
def against(a, mode, *fake_args, extra=(), wrap=()):
    """A fake server in mode (fake_args its options) and a worker on it
    (extra its options, wrap what runs it), yielded as (f, w); both are
    ended on the way out, what the server printed then in f.lines."""
    f = Fake(mode, *fake_args)
    w = Worker(a.worker, a.log, fake_target(f), extra, wrap=wrap)
    try:
        yield f, w
    finally:
        w.kill()
        f.close()


def gnu_time(a):
    """A wrap for Worker that has GNU time write the worker's own peak RSS,
    and the file it goes to (own_max_rss reads it)."""
    rss_file = a.log + ".rss"
    return ["/usr/bin/time", "-f", "%M", "-o", rss_file], rss_file


def block_at(x, y, shift=0):
    return fake_rfb.BLOCKS[((y // 16) * 4 + x // 16 + shift) % len(fake_rfb.BLOCKS)]


def check_good(a):
    with against(a, "good") as (f, w):
        w.grid(80, 24, 10000)
        m = w.until(lambda m: m[0] == "state", 5, "CONNECTING")
        if m[1] != "CONNECTING":
            raise Fail("first state is %s" % m[1])
        must_live(w, (64, 48))
        t = time.monotonic()
        fr = w.until(lambda m: m[0] == "frame", 3, "a frame")
        say("first frame %.0f ms after LIVE" % ((time.monotonic() - t) * 1000))
        _, seq, cols, rows, fw, fh, px = fr
        if seq != 1 or (fw, fh) != (64, 48):
            raise Fail("frame seq %d of %dx%d" % (seq, fw, fh))
        # 80x24 fits a 64x48 desktop as 64x24 cells = 64x48 pixels: 1:1
        if (cols, rows) != (64, 24):
            raise Fail("fitted %dx%d, expected 64x24" % (cols, rows))
        bad = 0
        for y in range(rows * 2):
            for x in range(cols):
                got = tuple(px[(y * cols + x) * 3:(y * cols + x) * 3 + 3])
                if got != block_at(x, y):
                    bad += 1
        if bad:
            raise Fail("%d pixels of the frame differ from the blocks" % bad)
        say("frame pixels: all 12 block colours exact")
        # a smaller grid: re-fit, a full frame at the next tick
        w.grid(16, 6, 10000)
        fr = w.until(lambda m: m[0] == "frame", 3, "a re-fitted frame")
        _, seq, cols, rows, _, _, px = fr
        say("grid 16x6 -> %dx%d cells, seq %d" % (cols, rows, seq))
        if (cols, rows) != (16, 6) or seq != 2:
            raise Fail("re-fit gave %dx%d seq %d" % (cols, rows, seq))
        # each cell column covers 4 desktop pixels of one block: exact colours
        for cy in range(rows):
            for cx in range(cols):
                for half in (0, 1):
                    i = ((cy * 2 + half) * cols + cx) * 3
                    want = block_at(cx * 4, (cy * 2 + half) * 4)
                    if tuple(px[i:i + 3]) != want:
                        raise Fail("downscaled cell %d,%d is %r, want %r" % (cx, cy, tuple(px[i:i + 3]), want))
        w.send(VP_SHOT_REQ)
        sh = w.until(lambda m: m[0] == "shot", 3, "a shot")
        _, sw, shh, data = sh
        want = b"".join(bytes(block_at(x, y)) for y in range(48) for x in range(64))
        if (sw, shh) != (64, 48) or data != want:
            raise Fail("shot differs from the picture")
        say("shot: 64x48, equal to the picture")
        # quiet screen: the worker pings after 2 s and the server answers: no STALLED
        deadline = time.monotonic() + 7
        while time.monotonic() < deadline:
            m = w.msg(deadline - time.monotonic())
            if m and m[0] == "state" and m[1] != "LIVE":
                raise Fail("state %s on a quiet but healthy server" % m[1])
        end_ok(w)
    lines = f.lines
    pings = [l for l in lines if l.startswith("FBUR 0 0 0 1 1")]
    say("fake server saw %d update requests, %d of them 1x1 pings" %
        (len([l for l in lines if l.startswith("FBUR")]), len(pings)))
    if not pings:
        raise Fail("no liveness ping reached the server")
    log_clean(a.log)


def check_pace(a):
    with against(a, "anim") as (f, w):
        w.grid(64, 24, 2000)  # 2 fps while the server could send 4
        must_live(w)
        w.until(lambda m: m[0] == "frame", 3, "a frame")
        n0, t0 = w.frames, time.monotonic()
        end = t0 + 4
        while time.monotonic() < end:
            w.msg(end - time.monotonic())
        rate = (w.frames - n0) / (time.monotonic() - t0)
        say("2 fps asked: %.2f frames/s" % rate)
        if not 1.2 <= rate <= 2.6:
            raise Fail("rate %.2f not about 2" % rate)
        w.grid(64, 24, 0)
        time.sleep(0.3)
        while w.msg(0.05):
            pass
        n1 = w.frames
        end = time.monotonic() + 2
        while time.monotonic() < end:
            m = w.msg(end - time.monotonic())
            if m and m[0] == "state" and m[1] != "LIVE":
                raise Fail("state %s while hidden" % m[1])
        say("fps 0: %d frames in 2 s" % (w.frames - n1))
        if w.frames != n1:
            raise Fail("frames while hidden")
        end_ok(w)
    log_clean(a.log)


def own_max_rss(path):
    """The worker's own peak RSS in KiB, as GNU time measured it. (wait4's
    ru_maxrss would include this Python process: the child's high-water
    mark starts at its parent's size when it is forked.)"""
    with open(path) as f:
        return int(f.read().split()[-1])


def check_resize(a):
    """Desktop resizes after lockdown (the framebuffer is reallocated under
    seccomp): each one is announced with VP_STATE LIVE and the new size,
    then a frame and a shot of the new size."""
    with against(a, "resize") as (f, w):
        w.grid(100, 30, 10000)
        must_live(w, (64, 48))
        w.until(lambda m: m[0] == "frame" and (m[4], m[5]) == (64, 48), 3, "a 64x48 frame")
        for size, colour in (((1024, 768), fake_rfb.BLOCKS[1]), ((32, 24), fake_rfb.BLOCKS[2])):
            m = w.until(lambda m: m[0] == "state", 5, "the resize to %dx%d" % size)
            if m[1] != "LIVE" or (m[2], m[3]) != size:
                raise Fail("expected LIVE %dx%d, got %s %dx%d" % (size + (m[1], m[2], m[3])))
            fr = w.until(lambda m: m[0] == "frame" and (m[4], m[5]) == size, 5, "a %dx%d frame" % size)
            if fr[6] != bytes(colour) * (fr[2] * fr[3] * 2):
                raise Fail("the %dx%d frame is not the new desktop" % size)
            say("resized to %dx%d: frame of %dx%d cells in the new colour" % (size + (fr[2], fr[3])))
        w.send(VP_SHOT_REQ)
        sh = w.until(lambda m: m[0] == "shot", 3, "a shot")
        if sh[1:3] != (32, 24) or sh[3] != bytes(fake_rfb.BLOCKS[2]) * (32 * 24):
            raise Fail("shot after the resizes differs")
        end_ok(w)
    log_clean(a.log)


def check_huge(a):
    wrap, rss_file = gnu_time(a)
    with against(a, "huge", wrap=wrap) as (f, w):
        w.grid(80, 24, 10000)
        t = time.monotonic()
        m, _ = failed_with(w, ["larger"], 5)
        took = time.monotonic() - w.t0
        say("FAILED %.0f ms after start: %r" % (took * 1000, m[4]))
        if m[2] or m[3]:
            raise Fail("FAILED carries a size %dx%d" % (m[2], m[3]))
        expect_exit(w, code=1)
        rss = own_max_rss(rss_file)
        say("worker's own max RSS (GNU time): %d KiB" % rss)
        if took > 2:
            raise Fail("took %.1f s" % took)
        if rss > a.max_rss:
            raise Fail("max RSS %d KiB > %d KiB" % (rss, a.max_rss))
    log_clean(a.log)


def check_garbage(a):
    variants = [a.variant] if a.variant is not None else range(len(fake_rfb.VARIANTS))
    bad = []
    for v in variants:
        say("variant %d: %s" % (v, fake_rfb.VARIANTS[v]))
        with against(a, "garbage", "--variant", str(v)) as (f, w):
            w.grid(80, 24, 10000)
            t = time.monotonic()
            try:
                m = w.until(lambda m: m[0] == "state" and m[1] == "FAILED", 12, "FAILED")
                say("  FAILED after %.0f ms: %r" % ((time.monotonic() - t) * 1000, m[4]))
                expect_exit(w, code=1)
            except Fail as e:
                bad.append("variant %d: %s" % (v, e))
                say("  FAIL:", e)
    log_clean(a.log)
    if bad:
        raise Fail("; ".join(bad))


def check_max(a):
    """The largest desktop allowed works within the worker's RLIMIT_AS:
    4096x4096, a frame, and a 48 MiB VP_SHOT."""
    wrap, rss_file = gnu_time(a)
    with against(a, "max", wrap=wrap) as (f, w):
        w.grid(160, 48, 10000)
        must_live(w, (4096, 4096), timeout=10)
        fr = w.until(lambda m: m[0] == "frame", 20, "a frame")
        if fr[6] != bytes(fake_rfb.BLOCKS[0]) * (fr[2] * fr[3] * 2):
            raise Fail("frame is not the desktop's colour")
        w.send(VP_SHOT_REQ)
        sh = w.until(lambda m: m[0] == "shot", 30, "a shot")
        if sh[1:3] != (4096, 4096) or sh[3] != bytes(fake_rfb.BLOCKS[0]) * (4096 * 4096):
            raise Fail("shot differs")
        say("shot 4096x4096 equal to the desktop")
        end_ok(w, timeout=5)
        say("worker's own max RSS (GNU time): %d KiB" % own_max_rss(rss_file))
    log_clean(a.log)


def simple_failure(a, mode, words, limit, *fake_args, extra=()):
    with against(a, mode, *fake_args, extra=extra) as (f, w):
        w.grid(80, 24, 10000)
        t = time.monotonic()
        m, _ = failed_with(w, words, limit + 3)
        took = time.monotonic() - t
        say("FAILED %.0f ms after the grid: %r" % (took * 1000, m[4]))
        if took > limit:
            raise Fail("took %.1f s (limit %.1f s)" % (took, limit))
        expect_exit(w, code=1)
    log_clean(a.log)


def check_authfail(a):
    """VNC authentication refused: without a password file, and with one
    (the worker answers the challenge; the server says no)."""
    simple_failure(a, "authfail", ["none was given"], 3)
    pw = a.log + ".pw"
    with open(pw, "w") as f:
        f.write("secret\nnot this line\n")
    simple_failure(a, "authfail", ["authentication failed"], 3, extra=["--password-file", pw])


def check_rfb33(a):
    """An RFB 3.3 server (it, not the client, picks the security type, e.g.
    TLS) is refused before libvncclient answers it."""
    with against(a, "rfb33") as (f, w):
        w.grid(80, 24, 10000)
        m, _ = failed_with(w, ["3.3 is not supported"], 5)
        expect_exit(w, code=1)
    lines = f.lines
    if any(l.startswith("CLIENT") for l in lines):
        raise Fail("the worker answered the 3.3 server: %r" % lines)
    log_clean(a.log)


def check_silent(a):
    """Silence for 11 s: a ping at 2 s, STALLED at 5 s, another ping while
    stalled at 10 s, LIVE again when the server speaks."""
    with against(a, "silent", "--silent-for", "11") as (f, w):
        w.grid(80, 24, 10000)
        must_live(w)
        w.until(lambda m: m[0] == "frame", 3, "the first frame")
        t = time.monotonic()
        m = w.until(lambda m: m[0] == "state" and m[1] != "LIVE", 8, "STALLED")
        took = time.monotonic() - t
        say("STALLED %.1f s after the first frame: %r" % (took, m[4]))
        if m[1] != "STALLED" or not 4 <= took <= 6.5 or "no answer" not in m[4]:
            raise Fail("expected STALLED after about 5 s")
        m = w.until(lambda m: m[0] == "state", 10, "LIVE again")
        if m[1] != "LIVE":
            raise Fail("%s after STALLED" % m[1])
        say("LIVE again %.1f s after the first frame" % (time.monotonic() - t))
        w.until(lambda m: m[0] == "frame", 3, "a frame after the stall")
        end_ok(w)
    lines = f.lines
    pings = [l for l in lines if l.startswith("IGNORED fbur 0 0 0 1 1")]
    say("pings the silent server ignored: %d" % len(pings))
    if len(pings) < 2:
        raise Fail("expected a ping before STALLED and another while stalled")
    log_clean(a.log)


def check_probe(a):
    with against(a, "good", extra=["--probe", a.probe]) as (f, w):
        w.grid(80, 24, 10000)
        msgs = w.drain_to_eof(10)
        not_live_nor_failed(msgs, "")
        expect_exit(w, sig=signal.SIGSYS)


def check_probe_silent(a):
    for how in ("fd", "tcp"):
        ours = None
        lsock = None
        if how == "fd":
            # the worker gets one end; nobody ever writes to the other
            ours, theirs = socket.socketpair()
            w = Worker(a.worker, a.log, ["--fd", str(theirs.fileno())], ["--probe", a.probe],
                       pass_fds=[theirs.fileno()])
            theirs.close()
        else:
            lsock = socket.socket()
            lsock.bind(("127.0.0.1", 0))
            lsock.listen(1)
            w = Worker(a.worker, a.log, ["--tcp", "127.0.0.1:%d" % lsock.getsockname()[1]], ["--probe", a.probe])
        try:
            t = time.monotonic()
            msgs = w.drain_to_eof(10)
            not_live_nor_failed(msgs, how + ": ")
            expect_exit(w, sig=signal.SIGSYS)
            took = time.monotonic() - t
            say("%s: killed by SIGSYS %.0f ms after the start, the server silent" % (how, took * 1000))
            if took > 3:
                raise Fail("%s: took %.1f s: the worker waited for the server before locking down" % (how, took))
        finally:
            w.kill()
            if ours:
                ours.close()
            if lsock:
                lsock.close()


def check_input(a):
    for allowed in (True, False):
        with against(a, "good", extra=["--input"] if allowed else []) as (f, w):
            w.grid(80, 24, 10000)
            must_live(w)
            w.until(lambda m: m[0] == "frame", 3, "a frame")
            w.send(VP_POINTER, struct.pack("<iiI", -5, 99999, 1))
            w.send(VP_POINTER, struct.pack("<iiI", 10, 20, 0))
            w.send(VP_KEY, struct.pack("<II", 0xff0d, 1))
            w.send(VP_KEY, struct.pack("<II", 0xff0d, 0))
            time.sleep(0.5)
            end_ok(w)
        lines = f.lines
        ev = [l for l in lines if l.startswith(("POINTER", "KEY"))]
        say("--input" if allowed else "view-only", "server saw:", ev)
        want = ["POINTER 0 47 1", "POINTER 10 20 0", "KEY 65293 1", "KEY 65293 0"] if allowed else []
        if ev != want:
            raise Fail("expected %r" % want)
    log_clean(a.log)


def check_badmsg(a):
    with against(a, "good") as (f, w):
        w.grid(80, 24, 10000)
        must_live(w)
        w.send(VP_GRID, b"\0" * 8, magic=0x12345678)
        w.drain_to_eof(5)
        expect_exit(w, code=2)


# ---- the real sandbox ----

def parse_xwd(b):
    """An XWD (X11 window dump) of a 24/32-bit TrueColor screen -> (w, h, rgb bytes)."""
    hdr = struct.unpack(">25I", b[:100])
    (hsize, version, fmt, depth, w, h, _xoff, byte_order, _unit, _bit_order, _pad, bpp,
     bpl, _vclass, rmask, gmask, bmask, _bprgb, _cmap, ncolors) = hdr[:20]
    if version != 7 or fmt != 2 or bpp != 32:
        raise Fail("unsupported xwd: version %d format %d bpp %d" % (version, fmt, bpp))
    off = hsize + ncolors * 12
    data = b[off:off + bpl * h]
    if len(data) < bpl * h:
        raise Fail("short xwd")
    order = "little" if byte_order == 0 else "big"

    def shift(m):
        return (m & -m).bit_length() - 1
    rs, gs, bs = shift(rmask), shift(gmask), shift(bmask)
    out = bytearray(w * h * 3)
    o = 0
    for y in range(h):
        row = data[y * bpl:y * bpl + w * 4]
        for x in range(0, w * 4, 4):
            v = int.from_bytes(row[x:x + 4], order)
            out[o] = (v >> rs) & 255
            out[o + 1] = (v >> gs) & 255
            out[o + 2] = (v >> bs) & 255
            o += 3
    return w, h, bytes(out)


def dexec(c, cmd, **kw):
    return subprocess.run(["docker", "exec", c, "sh", "-c", cmd], check=True, capture_output=True, **kw).stdout


RELAY = "exec 3<>/dev/tcp/127.0.0.1/5900 || exit 1; cat <&3 & cat >&3; kill $! 2>/dev/null"


def relay_worker(a, c, extra=()):
    """A worker on an exec relay to the sandbox's x11vnc, as main runs it:
    a socketpair, one end the stdin/stdout of `docker exec -i`, the other
    the worker's --fd."""
    ours, theirs = socket.socketpair()
    relay = subprocess.Popen(["docker", "exec", "-i", c, "bash", "-c", RELAY], stdin=theirs, stdout=theirs)
    theirs.close()
    w = Worker(a.worker, a.log, ["--fd", str(ours.fileno())] + list(extra), pass_fds=[ours.fileno()])
    ours.close()
    return w, relay


def check_sandbox(a):
    """Phase 1: with the demo agent at work, frames keep coming for 6 s and
    the state stays LIVE. Phase 2: the shot must equal `xwd -root` of the
    same screen, exactly. The demo agent changes the screen every second, so
    it is stopped first, and frames must settle (x11vnc's copy of the screen
    lags the X server briefly after a connect). The pointer goes to the
    bottom-right corner, because x11vnc may draw the cursor into the picture
    it serves and xwd does not: the 32x32 corner box is left out of the
    comparison (its difference is reported). The fluxbox toolbar clock
    shows seconds, so xwd runs just before and just after the shot and
    every pixel must equal one of the two; x11vnc may still lag a clock
    tick, so a mismatch is retried twice."""
    c = a.container
    env = "XAUTHORITY=/tmp/.Xauthority DISPLAY=:1"
    geo = dexec(c, env + " xdpyinfo | sed -n 's/.*dimensions: *\\([0-9]*x[0-9]*\\).*/\\1/p'").decode().strip()
    sw, sh = map(int, geo.split("x"))
    say("X screen %dx%d" % (sw, sh))
    for _ in range(50):  # healthy means X answers; x11vnc may come a moment later
        if subprocess.run(["docker", "exec", c, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5900"],
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.2)
    if dexec(c, "pgrep -f '[s]andbox-demo-agent' || true").strip():
        w, relay = relay_worker(a, c)
        try:
            w.grid(160, 48, 10000)
            must_live(w, (sw, sh), timeout=15)
            end = time.monotonic() + 6
            while time.monotonic() < end:
                m = w.msg(end - time.monotonic())
                if m and m[0] == "state":
                    raise Fail("state %s while the agent works" % m[1])
            say("agent at work: %d frames in 6 s at 10 fps" % w.frames)
            if w.frames < 3:
                raise Fail("too few frames")
            end_ok(w, timeout=5)
        finally:
            w.kill()
            relay.kill()
            relay.wait()
    dexec(c, "pkill -f '[s]andbox-demo-agent'; true")  # [s]: not this sh -c itself
    dexec(c, env + " xdotool mousemove %d %d" % (sw - 1, sh - 1))
    time.sleep(1.5)
    say("demo agent stopped, pointer in the corner")
    for attempt in range(3):
        w, relay = relay_worker(a, c)
        try:
            w.grid(160, 48, 10000)
            must_live(w, (sw, sh), timeout=15)
            fr = w.until(lambda m: m[0] == "frame", 5, "a frame")
            say("frame %dx%d cells" % (fr[2], fr[3]))
            # x11vnc's copy of the screen can lag the X server for a moment
            # after a client connects: wait until no frame came for 1 s
            settle = time.monotonic() + 8
            while time.monotonic() < settle:
                m = w.msg(1.0)
                if m is None:
                    break
            before = dexec(c, env + " xwd -root -silent")
            w.send(VP_SHOT_REQ)
            shot = w.until(lambda m: m[0] == "shot", 10, "a shot")
            after = dexec(c, env + " xwd -root -silent")
            end_ok(w, timeout=5)
        finally:
            w.kill()
            relay.kill()
            relay.wait()
        xw_w, xw_h, ref = parse_xwd(before)
        _, _, ref2 = parse_xwd(after)
        _, shw, shh, data = shot
        if (xw_w, xw_h) != (shw, shh):
            raise Fail("shot %dx%d, xwd %dx%d" % (shw, shh, xw_w, xw_h))
        out_box = in_box = 0
        box = [shw, shh, -1, -1]
        for y in range(shh):
            r = slice(y * shw * 3, (y + 1) * shw * 3)
            a_row, b_row, c_row = data[r], ref[r], ref2[r]
            if a_row == b_row or a_row == c_row:
                continue
            for x in range(shw):
                px = a_row[x * 3:x * 3 + 3]
                if px != b_row[x * 3:x * 3 + 3] and px != c_row[x * 3:x * 3 + 3]:
                    if x >= shw - 32 and y >= shh - 32:
                        in_box += 1
                    else:
                        out_box += 1
                        box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
        say("attempt %d: %d pixels equal neither xwd outside the cursor corner%s, %d inside it" %
            (attempt + 1, out_box, " (within %d,%d-%d,%d)" % tuple(box) if out_box else "", in_box))
        if out_box == 0:
            log_clean(a.log)
            return
    raise Fail("the shot differs from xwd -root")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("check")
    ap.add_argument("--worker", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--variant", type=int)
    ap.add_argument("--probe", default="open")
    ap.add_argument("--container")
    ap.add_argument("--max-rss", type=int, default=65536, help="KiB (huge)")
    a = ap.parse_args()
    checks = {
        "good": check_good, "pace": check_pace, "resize": check_resize, "huge": check_huge, "max": check_max, "garbage": check_garbage,
        "stall": lambda a: simple_failure(a, "stall", ["read timeout"], 6.5),
        "eof": lambda a: simple_failure(a, "eof", ["closed"], 2),
        "authfail": check_authfail, "rfb33": check_rfb33,
        "silent": check_silent, "probe": check_probe, "probe-silent": check_probe_silent, "input": check_input,
        "badmsg": check_badmsg, "sandbox": check_sandbox,
    }
    if a.check not in checks:
        sys.exit("unknown check %s" % a.check)
    try:
        checks[a.check](a)
    except Fail as e:
        print("drive %s: FAIL: %s" % (a.check, e), flush=True)
        sys.exit(1)
    print("drive %s: ok" % a.check, flush=True)


if __name__ == "__main__":
    main()
