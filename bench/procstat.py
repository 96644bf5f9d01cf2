#!/usr/bin/env python3
"""procstat.py: CPU-time snapshots of process groups, and their differences.

  procstat.py snap [--tree NAME=PID]... [--pid NAME=PID]... > snap.json
      Records, for every process of each group, utime+stime (fields 14 and
      15 of /proc/PID/stat), the reaped children's cutime+cstime (16, 17) and
      the start time (22, to tell a reused pid apart). Group "daemons" is
      always there: every dockerd, containerd and containerd-shim* process
      (by command name or command line, like `pgrep -f containerd-shim`).
      --tree NAME=PID: PID and all its descendants; --pid NAME=PID: PID alone.
      Also records the machine's total busy time from /proc/stat.
  procstat.py diff START.json END.json
      Prints one JSON object: wall seconds, per group CPU seconds (processes
      in both snapshots: the difference; processes that appeared: all their
      time since they started; processes that went away: counted as lost),
      reaped children's seconds, and the machine's busy share of its cores.
  procstat.py rss PID
      Prints "VmRSS_kB VmHWM_kB" of PID (from /proc/PID/status).
"""
import json
import os
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def read_stat(pid):
    """(comm, ppid, utime+stime, cutime+cstime, starttime) in ticks, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    # comm may hold spaces and parentheses: split after the last ')'
    lp, rp = s.index("("), s.rindex(")")
    comm = s[lp + 1:rp]
    rest = s[rp + 2:].split()
    # rest[0] is field 3 (state): field N is rest[N - 3]
    ppid = int(rest[1])
    own = int(rest[11]) + int(rest[12])       # fields 14, 15
    children = int(rest[13]) + int(rest[14])  # fields 16, 17
    start = int(rest[19])                     # field 22
    return comm, ppid, own, children, start


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def all_procs():
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = read_stat(int(d))
            if st:
                out[int(d)] = st
    return out


def is_daemon(pid, comm):
    if comm in ("dockerd", "containerd") or comm.startswith("containerd-shim"):
        return True
    # comm is cut at 15 characters: look at the command line for the shims
    return comm.startswith("containerd-") and "containerd-shim" in cmdline(pid)


def tree(procs, root):
    kids = {}
    for pid, st in procs.items():
        kids.setdefault(st[1], []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        if p in procs:
            out.append(p)
            todo.extend(kids.get(p, []))
    return out


def machine_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
    return sum(v[:8]) - idle


def snap(args):
    procs = all_procs()
    groups = {"daemons": [p for p, st in procs.items() if is_daemon(p, st[0])]}
    i = 0
    while i < len(args):
        kind, spec = args[i], args[i + 1]
        name, pid = spec.split("=", 1)
        pid = int(pid)
        if kind == "--tree":
            groups[name] = tree(procs, pid)
        elif kind == "--pid":
            groups[name] = [pid] if pid in procs else []
        else:
            sys.exit(f"procstat: unknown option {kind}")
        i += 2
    snapd = {
        "t": time.clock_gettime(time.CLOCK_MONOTONIC),
        "busy": machine_busy(),
        "groups": {
            g: {str(p): {"comm": procs[p][0], "own": procs[p][2],
                         "children": procs[p][3], "start": procs[p][4]}
                for p in pids}
            for g, pids in groups.items()
        },
    }
    json.dump(snapd, sys.stdout)
    print()


def diff(a_file, b_file):
    with open(a_file) as f:
        a = json.load(f)
    with open(b_file) as f:
        b = json.load(f)
    wall = b["t"] - a["t"]
    # boot-relative start of the window, in ticks, for processes that appeared
    out = {"wall_s": round(wall, 3),
           "machine_busy_pct_of_all_cores": round(
               100.0 * (b["busy"] - a["busy"]) / CLK_TCK / wall / NCPU, 1),
           "groups": {}}
    for g in sorted(set(a["groups"]) | set(b["groups"])):
        ga, gb = a["groups"].get(g, {}), b["groups"].get(g, {})
        own = children = 0
        new = lost = 0
        for pid, pb in gb.items():
            pa = ga.get(pid)
            if pa and pa["start"] == pb["start"]:
                own += pb["own"] - pa["own"]
                children += pb["children"] - pa["children"]
            else:
                own += pb["own"]
                children += pb["children"]
                new += 1
        for pid, pa in ga.items():
            pb = gb.get(pid)
            if not pb or pb["start"] != pa["start"]:
                lost += 1
        out["groups"][g] = {"cpu_s": round(own / CLK_TCK, 2),
                            "children_cpu_s": round(children / CLK_TCK, 2),
                            "procs": len(gb), "appeared": new, "vanished": lost,
                            "comms": sorted({p["comm"] for p in gb.values()})}
    json.dump(out, sys.stdout)
    print()


def rss(pid):
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                vals[k] = int(v.split()[0])
    print(vals.get("VmRSS", 0), vals.get("VmHWM", 0))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "snap":
        snap(sys.argv[2:])
    elif cmd == "diff" and len(sys.argv) == 4:
        diff(sys.argv[2], sys.argv[3])
    elif cmd == "rss" and len(sys.argv) == 3:
        rss(int(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
