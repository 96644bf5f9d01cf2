#!/usr/bin/env python3
"""slowterm: a slow terminal for a program (a link that takes its output at a
fixed rate, as ssh over a thin line does): the program runs in a pty of its
own whose output is read at most BYTES_PER_SEC and kept in OUT; what is
written to the FIFO KEYS is typed into it. It exits with the program.

usage: slowterm.py BYTES_PER_SEC COLS ROWS CELL_W CELL_H OUT KEYS -- CMD...

The pty tells its size in cells and in pixels (COLS*CELL_W x ROWS*CELL_H),
so a program can draw real pixels in it. It answers no query: this is not a
terminal emulator, only the pace of one. Used where the real terminals
(tmux, xterm, kitty) cannot be made slow on purpose.

    slowterm.py check-images OUT
prints the kitty and sixel images in OUT and fails when one is not closed
(a string terminator) before anything else starts inside it.
"""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time


def run(rate, cols, rows, cw, ch, out_path, keys_path, cmd):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, cols * cw, rows * ch))
        os.execvp(cmd[0], cmd)
    keys = os.open(keys_path, os.O_RDWR | os.O_NONBLOCK)   # never at end of file
    out = open(out_path, 'ab', buffering=0)
    start, taken = time.monotonic(), 0
    while True:
        # the bytes the link may carry by now; a link does not save up
        # what it did not carry while idle (at most 0.1 s of it)
        carried = int((time.monotonic() - start) * rate)
        taken = max(taken, carried - rate // 10)
        allowed = carried - taken
        watch = [keys] + ([fd] if allowed > 0 else [])
        r, _, _ = select.select(watch, [], [], 0.01)
        if keys in r:
            data = os.read(keys, 4096)
            if data:
                os.write(fd, data)
        if fd in r:
            try:
                data = os.read(fd, min(allowed, 4096))
            except OSError:   # the program's end (EIO)
                break
            if not data:
                break
            taken += len(data)
            out.write(data)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def check_images(path):
    data = open(path, 'rb').read()
    n, bad = 0, 0
    for m in re.finditer(rb'\x1b(_G|P[0-9;]*q)', data):
        body_start = m.end()
        end = data.find(b'\x1b', body_start)
        n += 1
        if end < 0 or data[end:end + 2] != b'\x1b\\':
            bad += 1
            print('an image at byte %d is not closed before %r' % (m.start(), data[end:end + 8] if end >= 0 else b'EOF'))
    print('%d image commands, %d not closed' % (n, bad))
    return 1 if bad or not n else 0


def main(a):
    if len(a) == 2 and a[0] == 'check-images':
        return check_images(a[1])
    if len(a) < 9 or a[7] != '--':
        sys.stderr.write(__doc__)
        return 2
    return run(int(a[0]), int(a[1]), int(a[2]), int(a[3]), int(a[4]), a[5], a[6], a[8:])


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
