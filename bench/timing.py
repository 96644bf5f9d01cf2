#!/usr/bin/env python3
"""timing.py: how long sandtop takes to show N sandboxes.

  timing.py screen SOCK CONF SESSION W H NAMES_FILE TIMEOUT_S COMMAND
      Starts COMMAND in a new detached tmux session (server SOCK, config
      CONF) of W x H cells, then captures the pane every 20 ms until every
      name of NAMES_FILE (one a line) is on screen as a whole word, and, when
      the screen has a CPU% column (sandtop's, right-aligned) or a "CPU %"
      one (docker stats', left-aligned), until every one of those rows shows
      a number in it. Kills the session. Prints JSON: names_ms, stats_ms (null
      without a CPU% column or on timeout), names_cpu_ms/stats_cpu_ms (the
      process's CPU time by then), polls, rss_kb/hwm_kb of the process at
      the end.
  timing.py ps NAMES_FILE COMMAND...
      Runs COMMAND (e.g. sandtop ps), prints JSON: wall ms, how many of the
      names it printed, exit status and its peak RSS (kB).
"""
import json
import os
import re
import subprocess
import sys
import time

NUM = re.compile(r"^\d+(\.\d+)?%?$")


def now_ms():
    return time.clock_gettime(time.CLOCK_MONOTONIC) * 1000.0


def rss(pid):
    vals = {"VmRSS": 0, "VmHWM": 0}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in vals:
                    vals[k] = int(v.split()[0])
    except OSError:
        pass
    return vals["VmRSS"], vals["VmHWM"]


def cpu_ms(pid):
    """The process's user and system CPU time so far (ms), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK"))
    except (OSError, IndexError, ValueError):
        return None


def stats_shown(lines, names):
    """True/False when the screen has a CPU% column, None when it has none."""
    hdr = next((l for l in lines if ("CPU%" in l or "CPU %" in l) and "NAME" in l), None)
    if hdr is None:
        return None
    left = "CPU %" in hdr  # docker stats: the value starts under the title
    col = hdr.index("CPU %") if left else hdr.index("CPU%") + len("CPU%")
    seen = set()
    for l in lines:
        toks = l.split()
        name = next((t for t in toks[:2] if t in names), None)
        if name is None:
            continue
        cell = l[col:].split()[:1] if left else l[:col].split()[-1:]
        if cell and NUM.match(cell[0]):
            seen.add(name)
    return seen >= names


def screen(sock, conf, session, w, h, names_file, timeout, command):
    names = {l.strip() for l in open(names_file) if l.strip()}
    tm = ["tmux", "-L", sock, "-f", conf]
    t0 = now_ms()
    subprocess.run(tm + ["new-session", "-d", "-s", session, "-x", w, "-y", h,
                         "exec env TERM=tmux-256color " + command], check=True)
    pid = int(subprocess.run(tm + ["display-message", "-p", "-t", session, "#{pane_pid}"],
                             capture_output=True, text=True, check=True).stdout)
    names_ms = stats_ms = names_cpu = stats_cpu = None
    polls = 0
    deadline = t0 + float(timeout) * 1000
    while now_ms() < deadline:
        out = subprocess.run(tm + ["capture-pane", "-p", "-t", session],
                             capture_output=True, text=True).stdout
        polls += 1
        t = now_ms() - t0
        lines = out.splitlines()
        if names_ms is None:
            words = set(out.split())
            if names <= words:
                names_ms = t
                names_cpu = cpu_ms(pid)
        if names_ms is not None:
            s = stats_shown(lines, names)
            if s is None:
                break
            if s:
                stats_ms = t
                stats_cpu = cpu_ms(pid)
                break
        time.sleep(0.02)
    r, hwm = rss(pid)
    subprocess.run(tm + ["kill-session", "-t", session], capture_output=True)
    print(json.dumps({"names_ms": round(names_ms) if names_ms is not None else None,
                      "stats_ms": round(stats_ms) if stats_ms is not None else None,
                      "names_cpu_ms": names_cpu, "stats_cpu_ms": stats_cpu,
                      "polls": polls, "rss_kb": r, "hwm_kb": hwm}))


def ps(names_file, cmd):
    names = {l.strip() for l in open(names_file) if l.strip()}
    t0 = now_ms()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read().decode("utf-8", "replace")
    _, status, ru = os.wait4(p.pid, 0)
    wall = now_ms() - t0
    found = len(names & set(out.split()))
    print(json.dumps({"wall_ms": round(wall), "names": found,
                      "status": os.waitstatus_to_exitcode(status), "maxrss_kb": ru.ru_maxrss}))


def main():
    a = sys.argv[1:]
    if len(a) == 9 and a[0] == "screen":
        screen(*a[1:])
    elif len(a) >= 3 and a[0] == "ps":
        ps(a[1], a[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
