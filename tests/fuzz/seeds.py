#!/usr/bin/env python3
"""seeds: write the fuzz targets' small hand-made seeds into tests/fuzz/seeds/TARGET/ (the fixtures the runner also passes are named in tests/fuzz/run). Run again after a format changes."""
import hashlib
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(ROOT, "tests", "fixtures")


def put(target, name, data):
    d = os.path.join(HERE, "seeds", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def fixture(*path):
    with open(os.path.join(FIX, *path), "rb") as f:
        return f.read()


def frame(stream, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return struct.pack(">BxxxI", stream, len(payload)) + payload


HEX = "e0d287590e6a3e1070a24c058c5d72877336110b486fbc624c09874e5725c2c5"

# ---- json: the answers the fixtures do not cover ----
put("json", "exec_id", json.dumps({"Id": HEX}))
put("json", "image_id", json.dumps({"Id": "sha256:" + HEX}))
put("json", "exec_inspect", json.dumps({"ID": HEX, "Running": False, "ExitCode": 0,
    "ProcessConfig": {"entrypoint": "sh", "arguments": ["-c", "x11vnc -display :0"]}}))
put("json", "image_labels", json.dumps({"Id": "sha256:" + HEX, "Config": {"Labels": {
    "sandtop.vnc": "exec:5900", "sandtop.ttl": "3600", "other": "x"}}}))
put("json", "error", json.dumps({"message": "No such container: \u001b[31mx"}))

# ---- stats: two samples of one container (previous, NUL, current) ----
s1 = json.loads(fixture("stats_running.json"))
s2 = json.loads(fixture("stats_running.json"))
s2["cpu_stats"]["cpu_usage"]["total_usage"] += 50000000
s2["cpu_stats"]["system_cpu_usage"] += 2000000000
put("stats", "two_samples", json.dumps(s1) + "\0" + json.dumps(s2))

# ---- stream: flags, piece size, chunk seed (2 bytes), then the stream ----
for name, flags, body in [
    ("frames", 0, frame(1, "hello\nwor") + frame(2, "err line\n") + frame(1, "ld\n") + frame(3, "engine: gone")),
    ("frames_ts", 2, frame(1, "2026-01-01T00:00:00.123456789Z hello\n2026-01-01T00:00:01Z x\n") + frame(2, "2026-01-01T00:00:02Z e\n")),
    ("tty", 1, b"plain \xc3\xa9 text\r\nmore\nno end"),
    ("tty_ts", 3, b"2026-01-01T00:00:00.000000001Z a\n" + b"x" * 200 + b"\n"),
    ("bad_header", 0, frame(1, "ok\n") + b"\x05\x00\x00\x00\x00\x00\x00\x01z"),
    ("long_utf8", 0, frame(1, "\u00e9\u4e2d\U0001f600" * 40 + "\n")),
]:
    put("stream", name, bytes([flags, 10, 1, 7]) + body)

# ---- http: flags, capture cap, then the engine's answer ----
up = b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
body = json.dumps({"message": "container abc is not running"}).encode()
for name, flags, data in [
    ("upgraded", 0, up + frame(1, "RFB 003.008\n") + frame(2, "warning\n")),
    ("upgraded_gone", 2, up + frame(1, "x" * 100)),
    ("ok200", 4, b"HTTP/1.0 200 OK\r\n\r\n" + frame(1, "out")),
    ("capture", 1, up + frame(1, "S 12 345 sh\nE 1 0\n") + frame(2, "err")),
    ("capture_cut", 1, up + frame(1, "y" * 300)),
    ("conflict", 0, b"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body),
    ("chunked", 1, b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"),
    ("no_http", 0, b"SSH-2.0-OpenSSH\r\n\r\n"),
]:
    put("http", name, bytes([flags, 4]) + data)

# ---- vnc: chunk seed, then the worker's messages (host byte order: little endian here) ----
MAGIC = 0x50565453


def vp(typ, payload):
    return struct.pack("<IHHI", MAGIC, typ, 0, len(payload)) + payload


def state(code, w, h, reason):
    r = reason.encode()[:159]
    return vp(1, struct.pack("<III", code, w, h) + r + b"\0" * (160 - len(r)))


def vframe(seq, cols, rows, w, h):
    return vp(2, struct.pack("<IHHII", seq, cols, rows, w, h) + bytes(range(256)) * (cols * rows * 6 // 256) + bytes(cols * rows * 6 % 256))


def shot(w, h):
    return vp(3, struct.pack("<II", w, h) + bytes([7]) * (w * h * 3))


put("vnc", "session", b"\x05" + state(1, 0, 0, "connecting") + state(2, 1024, 768, "live") + vframe(1, 4, 2, 1024, 768) + vframe(2, 2, 1, 1024, 768) + shot(3, 2) + state(3, 1024, 768, "stalled"))
put("vnc", "failed", b"\x01" + state(4, 0, 0, "server said \x1b[2Jno"))
put("vnc", "bad_magic", b"\x02" + b"XXXX" + b"\x01\x00\x00\x00" + b"\x00" * 4)
put("vnc", "cut", b"\x03" + vframe(1, 3, 3, 640, 480)[:40])

# ---- keymap ----
put("keymap", "small", "# a comment\nbind q quit\nbind -t list C-x kill -n \"kill it\"\nunbind -t list k\nbind -t view F5 refresh\nbind \u00e9 help\n")

# ---- config: every setting ----
put("config", "all", """# sandtop config
refresh 0.5
columns name cpu mem% net io pids uptime ttl owner task
sort cpu desc
keymap vi
stats-source cgroup
label sandtop.sandbox=1
engine local unix:///var/run/docker.sock
engine remote tcp://10.0.0.2:2375
mouse off
wall-tile 40x12
logs-ring 5000
activity-window 60
engine-timeout 2.5
journal ~/audit.log
colour running bright-green on 236 bold underline
colour alert 196 on default reverse
""")
put("config", "bad", "refresh -1\ncolumns nope\nsort\nunknown thing\ncolour x y\nkeymap \"unterminated\n")

# ---- profile: every key ----
put("profile", "all", """# a profile
image = sandtop/sandbox:latest
memory = 1.5g
cpus = 0.5
pids = 256
shm = 64m
tmp_size = 128MiB
home_size = 256m
network = sandnet
ttl = 7200
owner = ops
task = review the \u00e9 patch
label = team=blue
label = com.example/x=1
env = LANG=C.UTF-8
env = TZ=UTC
""")
put("profile", "bad", "memory = 1\ncpus = 0\nnetwork = host\nenv = API_TOKEN=x\nlabel = sandtop.ttl=1\nnope\n")

# ---- agent: the stop script's output, NUL, the continue script's ----
put("agent", "stop_cont", "I 1 100 tini\nK 7 150 Xvfb\nK 8 151 x11vnc\nS 20 300 agent\nS 21 301 python3\nA 22 302 T sh\nF 23 303 su\nE 2 0\n\0C 20\nG 21\nE\n")
put("agent", "not_script", "OCI runtime exec failed: exec failed: unable to start container process\n")

# ---- journal: a chain of two records, NUL, its head file ----
def record(seq, prev, rest):
    head = '{"seq":%d,%s,"prev":"%s"' % (seq, rest, prev)
    h = hashlib.sha256(head.encode()).hexdigest()
    return head + ',"hash":"%s"}' % h, h


zero = "0" * 64
l1, h1 = record(1, zero, '"t":"2026-01-01T00:00:00Z","user":"ops","action":"kill","target":"sb1"')
l2, h2 = record(2, h1, '"t":"2026-01-01T00:00:01Z","user":"ops","action":"freeze","target":"sb\\u00e92"')
put("journal", "chain", l1 + "\n" + l2 + "\n\0" + "2 " + h2 + "\n")
put("journal", "torn", l1 + "\n" + l2[:40])

# ---- procfs: sections cut at "\n%%\n" (tests/fuzz/fuzz_procfs.c) ----
SEP = "\n%%\n"
v1_mounts = """31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
34 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
35 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
36 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
37 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"""
v1_cgroup = "8:pids:/docker/c1\n7:blkio:/docker/c1\n6:freezer:/docker/c1\n4:memory:/docker/c1\n2:cpuacct:/docker/c1\n0::/docker/c1"
v2_mounts = "27 21 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate"
stat = fixture("cgroup", "v1", "proc", "stat").decode()
meminfo = "MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n"
netdev = fixture("cgroup", "v1", "proc", "4242", "net", "dev").decode()
pstat = "4243 (Xvfb) S 1 4243 4243 0 -1 4194560 100 0 0 0 25 13 0 0 20 0 1 0 345 10000 100 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0"
v1 = [v1_mounts, v1_cgroup, netdev, stat, meminfo, "123456789\n", "612000\n",
      "cache 0\nrss 500000\ntotal_inactive_file 4096\n", "268435456\n",
      "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\nTotal 12288\n",
      "3\n", "100\n", "THAWED\n", "4242\n4243\n", "Xvfb\n", pstat]
v2 = [v2_mounts, "0::/docker/c1", netdev, stat, meminfo, "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n",
      "612000\n", "anon 500000\nfile 8192\ninactive_file 4096\n", "max\n",
      "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n", "3\n", "max\n", "populated 1\nfrozen 0\n",
      "4242\n4243\n", "Xvfb\n", pstat]
status = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t10001\t10001\t10001\t10001\nNoNewPrivs:\t1\nSeccomp:\t2\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n"
pmounts = "600 500 0:50 / / ro,relatime - overlay overlay rw\n601 600 0:51 / /proc/sys ro,relatime - proc proc rw\n602 600 0:52 / /proc/kcore rw - tmpfs tmpfs ro\n603 600 0:53 / /sys/fire\\134mware ro - tmpfs tmpfs ro"
lsm = "docker-default (enforce)\n"
for v in (v1, v2):
    v += [status, pmounts, lsm]
    v[1] = "10:name=systemd:/docker/" + HEX + "\n" + v[1]  # the isolation check's "still the container's"
put("procfs", "v1", SEP.join(v1))
put("procfs", "v2", SEP.join(v2))
print("seeds written under", os.path.join(HERE, "seeds"), file=sys.stderr)
