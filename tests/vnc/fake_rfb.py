#!/usr/bin/env python3
"""fake_rfb: a small, deliberately hostile RFB 3.8 server for the sandtop-vnc worker tests.

A fake server is used only because the real x11vnc will not produce these
faults (a 65535x65535 desktop, garbage rectangles, a stall in the middle of
a message, EOF mid-message, silence). The good path is also checked against
a real x11vnc in a reference sandbox (tests/integration/t_vnc_worker.sh).

usage: fake_rfb.py MODE [--variant N] [--silent-for S] [--lifetime S] [--unix PATH] [--forever 1]

Listens on 127.0.0.1 on an ephemeral port (or on the unix socket PATH),
prints the port (or PATH) as the first line of stdout, serves ONE connection,
then exits; with --forever 1, serves every connection (each in a child) until
--lifetime seconds passed. Later stdout lines report
what the client sent ("KEY sym down", "POINTER x y mask", "FBUR inc x y w h").

Modes (after a valid 3.8 handshake with security type None unless noted):
  good      64x48 desktop of known colour blocks (BLOCKS below); a raw
            FramebufferUpdate answers every non-incremental request;
            incremental requests are left pending (a static screen, like x11vnc)
  anim      as good, but one block changes colour every 0.25 s (answers the
            pending incremental request)
  huge      ServerInit says 65535x65535, then waits
  max       the largest desktop allowed, 4096x4096, one raw update of BLOCKS[0]
  resize    64x48 blocks, then every 0.5 s a NewFBSize: 1024x768 of BLOCKS[1],
            then 32x24 of BLOCKS[2] (full requests answered at the current size)
  garbage   one FramebufferUpdate of garbage; --variant N picks it (VARIANTS)
  stall     a raw FramebufferUpdate that stops after 1000 of its 12288 pixel bytes
  eof       the same, then closes the connection
  silent    answers the first full request, then nothing (not even pings) for
            --silent-for seconds, then answers again
  authfail  offers only VNC authentication and rejects any answer
  rfb33     speaks RFB 3.3 and picks security type 18 (TLS) itself: where
            libvncclient would follow it past the client's pinned schemes
"""
import os
import random
import signal
import socket
import struct
import sys
import time

W, H = 64, 48
# 4 x 3 blocks of 16 x 16 pixels, row by row: (R, G, B)
BLOCKS = [
    (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255),
    (255, 255, 0), (0, 255, 255), (255, 0, 255), (0, 0, 0),
    (128, 64, 32), (32, 128, 64), (64, 32, 128), (200, 200, 200),
]

ENC = {"raw": 0, "copyrect": 1, "rre": 2, "corre": 4, "hextile": 5, "zlib": 6,
       "tight": 7, "zlibhex": 8, "ultra": 9, "trle": 15, "zrle": 16, "ultrazip": 0xFFFF0009,
       "newfbsize": -223 & 0xFFFFFFFF, "cursor": -239 & 0xFFFFFFFF, "xcursor": -240 & 0xFFFFFFFF,
       "lastrect": -224 & 0xFFFFFFFF}

VARIANTS = [
    "bad encoding number",
    "raw rect out of bounds",
    "raw rect cut short by random bytes then EOF",
    "unknown message type",
    "hextile (not announced) of random bytes",
    "zrle of random zlib bytes",
    "tight of random bytes",
    "rre of random bytes",
    "corre of random bytes",
    "ultra of random bytes",
    "ultrazip of random bytes",
    "trle of random bytes",
    "rich cursor (not announced) of random bytes",
    "newfbsize to 65535x65535",
    "zlib of random bytes",
    "65535 rectangles of random headers",
    "random bytes instead of a message",
]


def image(shift=0):
    """W x H list of (r, g, b) rows: the block pattern (block colours rotated by shift)."""
    rows = []
    for y in range(H):
        row = []
        for x in range(W):
            row.append(BLOCKS[((y // 16) * 4 + x // 16 + shift) % len(BLOCKS)])
        rows.append(row)
    return rows


class Conn:
    def __init__(self, s):
        self.s = s
        # the client's pixel format; libvncclient always asks 32 bpp
        self.bpp, self.big, self.shifts = 32, False, (16, 8, 0)
        self.encodings = []

    def recv_exact(self, n):
        b = b""
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return b

    def send(self, b):
        self.s.sendall(b)

    def pixel(self, rgb):
        r, g, b = rgb
        v = (r << self.shifts[0]) | (g << self.shifts[1]) | (b << self.shifts[2])
        return v.to_bytes(self.bpp // 8, "big" if self.big else "little")

    def raw_rect(self, img, x, y, w, h):
        head = struct.pack(">HHHHI", x, y, w, h, ENC["raw"])
        px = b"".join(self.pixel(img[yy][xx]) for yy in range(y, y + h) for xx in range(x, x + w))
        return head + px

    def update(self, rects):
        return struct.pack(">BxH", 0, len(rects)) + b"".join(rects)

    def handshake(self, w=W, h=H, auth="none"):
        self.send(b"RFB 003.008\n")
        self.recv_exact(12)
        if auth == "vnc":
            self.send(bytes([1, 2]))
            self.recv_exact(1)
            self.send(os.urandom(16))
            self.recv_exact(16)
            reason = b"no such password"
            self.send(struct.pack(">I", 1) + struct.pack(">I", len(reason)) + reason)
            return False
        self.send(bytes([1, 1]))  # one type: None
        self.recv_exact(1)
        self.send(struct.pack(">I", 0))  # SecurityResult OK
        self.recv_exact(1)  # ClientInit
        pf = struct.pack(">BBBBHHHBBBxxx", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        name = b"fake \x1b[31mdesktop"
        self.send(struct.pack(">HH", w, h) + pf + struct.pack(">I", len(name)) + name)
        return True

    def read_client_msg(self):
        """One client message; returns ('fbur', inc, x, y, w, h) or other tuples."""
        t = self.recv_exact(1)[0]
        if t == 0:  # SetPixelFormat
            b = self.recv_exact(19)
            bpp, depth, big, tc, rm, gm, bm, rs, gs, bs = struct.unpack(">BBBBHHHBBB", b[3:16])
            self.bpp, self.big, self.shifts = bpp, bool(big), (rs, gs, bs)
            return ("pf", bpp, big, rs, gs, bs)
        if t == 2:  # SetEncodings
            n = struct.unpack(">xH", self.recv_exact(3))[0]
            self.encodings = list(struct.unpack(">%di" % n, self.recv_exact(4 * n)))
            return ("enc", self.encodings)
        if t == 3:
            inc, x, y, w, h = struct.unpack(">BHHHH", self.recv_exact(9))
            return ("fbur", inc, x, y, w, h)
        if t == 4:
            down, sym = struct.unpack(">BxxI", self.recv_exact(7))
            return ("key", sym, down)
        if t == 5:
            mask, x, y = struct.unpack(">BHH", self.recv_exact(5))
            return ("pointer", x, y, mask)
        if t == 6:
            n = struct.unpack(">xxxI", self.recv_exact(7))[0]
            self.recv_exact(min(n, 1 << 20))
            return ("cut",)
        raise ValueError("unknown client message %d" % t)

    def msg_or_none(self):
        """read_client_msg, or None when the socket's timeout comes first."""
        try:
            return self.read_client_msg()
        except socket.timeout:
            return None


def report(*a):
    print(*a, flush=True)


def report_input(m):
    """Report the key or pointer event m (None or another message: nothing)."""
    if m and m[0] == "key":
        report("KEY", m[1], m[2])
    elif m and m[0] == "pointer":
        report("POINTER", m[1], m[2], m[3])


def fbur_within(m, w, h):
    """Report the update request m; its (inc, x, y, w, h) clipped to a w x h desktop."""
    report("FBUR", *m[1:])
    inc, x, y, rw, rh = m[1:]
    x, y = min(x, w), min(y, h)
    return inc, x, y, min(rw, w - x), min(rh, h - y)


def wait_fbur(c, want_full=True):
    """Read client messages until a (non-incremental if want_full) update request."""
    while True:
        m = c.read_client_msg()
        if m[0] == "fbur":
            report("FBUR", *m[1:])
            if not want_full or m[1] == 0:
                return m
        report_input(m)


def serve_static(c, anim):
    """good / anim: answer full requests with the picture; anim changes it."""
    img = image()
    c.s.settimeout(0.25 if anim else None)
    pending, shift, last = False, 0, time.monotonic()
    while True:
        m = c.msg_or_none()
        if m and m[0] == "fbur":
            inc, x, y, w, h = fbur_within(m, W, H)
            if inc == 0 and w > 0 and h > 0:
                c.send(c.update([c.raw_rect(img, x, y, w, h)]))
            else:
                pending = True
        report_input(m)
        if anim and time.monotonic() - last >= 0.25:
            last = time.monotonic()
            shift += 1
            img = image(shift)
            if pending:
                pending = False
                c.send(c.update([c.raw_rect(img, 0, 0, W, H)]))


def serve_resize(c):
    stages = [(W, H, None), (1024, 768, BLOCKS[1]), (32, 24, BLOCKS[2])]
    stage, last = 0, time.monotonic()
    c.s.settimeout(0.1)
    while True:
        m = c.msg_or_none()
        w, h, colour = stages[stage]
        if m and m[0] == "fbur":
            inc, x, y, rw, rh = fbur_within(m, w, h)
            if inc == 0 and rw > 0 and rh > 0:
                if colour is None:
                    c.send(c.update([c.raw_rect(image(), x, y, rw, rh)]))
                else:
                    head = struct.pack(">HHHHI", x, y, rw, rh, ENC["raw"])
                    c.send(c.update([head + c.pixel(colour) * (rw * rh)]))
        if stage + 1 < len(stages) and time.monotonic() - last >= 0.5:
            stage, last = stage + 1, time.monotonic()
            w, h, _ = stages[stage]
            c.send(c.update([struct.pack(">HHHHI", 0, 0, w, h, ENC["newfbsize"])]))
            report("RESIZE", w, h)


def garbage(c, v, rng):
    rnd = lambda n: bytes(rng.getrandbits(8) for _ in range(n))
    hdr = lambda x, y, w, h, e: struct.pack(">HHHHI", x, y, w, h, e)
    one = lambda r: c.update([r])
    if v == 0:
        c.send(one(hdr(0, 0, 8, 8, 0x7FFF1234) + rnd(256)))
    elif v == 1:
        c.send(one(hdr(60, 40, 100, 100, ENC["raw"]) + rnd(4096)))
    elif v == 2:
        c.send(one(hdr(0, 0, W, H, ENC["raw"]) + rnd(3000)))
        c.s.shutdown(socket.SHUT_WR)
    elif v == 3:
        c.send(bytes([200]) + rnd(64))
    elif v in (4, 6, 7, 8, 9, 11, 12, 14):
        enc = {4: "hextile", 6: "tight", 7: "rre", 8: "corre", 9: "ultra", 11: "trle",
               12: "cursor", 14: "zlib"}[v]
        c.send(one(hdr(0, 0, 32, 32, ENC[enc]) + rnd(20000)))
    elif v == 5:
        c.send(one(hdr(0, 0, 32, 32, ENC["zrle"]) + struct.pack(">I", 5000) + rnd(5000)))
    elif v == 10:
        c.send(one(hdr(0, 0, 32, 32, ENC["ultrazip"]) + rnd(20000)))
    elif v == 13:
        c.send(one(hdr(0, 0, 65535, 65535, ENC["newfbsize"])))
    elif v == 15:
        c.send(struct.pack(">BxH", 0, 65535) + rnd(65535 * 12 // 4))
    else:
        c.send(rnd(50000))


def serve(s, mode, opt, lifetime):
    deadline = time.monotonic() + lifetime
    c = Conn(s)
    try:
        if mode == "huge":
            c.handshake(65535, 65535)
            s.settimeout(lifetime)
            while s.recv(4096):
                pass
            return
        if mode == "max":
            c.handshake(4096, 4096)
            m = wait_fbur(c)
            px = c.pixel(BLOCKS[0])
            c.send(c.update([struct.pack(">HHHHI", 0, 0, 4096, 4096, ENC["raw"]) + px * (4096 * 4096)]))
            s.settimeout(lifetime)
            while True:
                m = c.read_client_msg()
                if m[0] == "fbur" and m[1] == 0:
                    x, y, w, h = m[2:]
                    c.send(c.update([struct.pack(">HHHHI", x, y, w, h, ENC["raw"]) + px * (w * h)]))
        if mode == "rfb33":
            c.send(b"RFB 003.003\n")
            c.recv_exact(12)
            report("CLIENT ANSWERED VERSION")
            c.send(struct.pack(">I", 18))
            s.settimeout(3)
            while s.recv(4096):
                report("CLIENT SENT MORE")
            return
        if mode == "authfail":
            c.handshake(auth="vnc")
            time.sleep(0.5)
            return
        c.handshake()
        if mode in ("good", "anim"):
            serve_static(c, mode == "anim")
        elif mode == "resize":
            serve_resize(c)
        elif mode == "garbage":
            v = int(opt["--variant"])
            wait_fbur(c)
            garbage(c, v, random.Random(v))
            s.settimeout(2)
            while s.recv(4096):  # let the client fail; then close
                pass
        elif mode in ("stall", "eof"):
            wait_fbur(c)
            full = c.update([c.raw_rect(image(), 0, 0, W, H)])
            c.send(full[:4 + 12 + 1000])
            if mode == "eof":
                time.sleep(0.2)
                return
            time.sleep(max(0, deadline - time.monotonic()))
        elif mode == "silent":
            m = wait_fbur(c)
            c.send(c.update([c.raw_rect(image(), 0, 0, W, H)]))
            quiet_until = time.monotonic() + float(opt["--silent-for"])
            s.settimeout(0.1)
            while time.monotonic() < quiet_until:
                try:
                    m = c.read_client_msg()  # read (so the client can write) but never answer
                    report("IGNORED", *m)
                except socket.timeout:
                    pass
            s.settimeout(None)
            report("SPEAKING")
            c.send(c.update([c.raw_rect(image(1), 0, 0, W, H)]))
            serve_static(c, False)
        else:
            sys.exit("unknown mode " + mode)
    except (EOFError, ConnectionError, socket.timeout, BrokenPipeError):
        pass
    finally:
        s.close()


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    mode = args[0]
    opt = {"--variant": "0", "--silent-for": "8", "--lifetime": "60", "--unix": "", "--forever": "0"}
    for i in range(1, len(args) - 1, 2):
        opt[args[i]] = args[i + 1]
    lifetime = float(opt["--lifetime"])
    if opt["--unix"]:
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(opt["--unix"])
        ls.listen(8)
        report(opt["--unix"])
    else:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        report(ls.getsockname()[1])
    end = time.monotonic() + lifetime
    if opt["--forever"] == "1":
        # every connection served alike, each in its own process, until lifetime
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        while time.monotonic() < end:
            ls.settimeout(max(0.1, end - time.monotonic()))
            try:
                s, _ = ls.accept()
            except socket.timeout:
                return
            if os.fork() == 0:
                ls.close()
                serve(s, mode, opt, lifetime)
                os._exit(0)
            s.close()
        return
    ls.settimeout(lifetime)
    try:
        s, _ = ls.accept()
    except socket.timeout:
        return
    ls.close()
    serve(s, mode, opt, lifetime)


if __name__ == "__main__":
    main()
