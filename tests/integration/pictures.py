#!/usr/bin/env python3
"""pictures: read what the desktop tests compare: tmux screen dumps with colours, PNG and XWD files.

usage:
  pictures.py cell DUMP ROW COL         colours of one cell of `tmux capture-pane -p -e` output:
                                        prints "CHAR fg=R,G,B bg=R,G,B" (- when default)
  pictures.py picture DUMP ROW0 ROW1 [COL0 COL1]
                                        the picture in screen rows [ROW0, ROW1) (and columns
                                        [COL0, COL1)): the box of cells with a background
                                        colour, then the colour of the centre of each quadrant
                                        (top-left, top-right, bottom-left, bottom-right), each
                                        cell's lower half
  pictures.py stray DUMP ROW0 ROW1      cells of rows [ROW0, ROW1) that hold a picture's
                                        marks: a half block (U+2580, U+2584) or a 24-bit
                                        colour (SGR 38;2 / 48;2); prints the count and the
                                        first few as ROW:COL
  pictures.py xwd-quadrants XWD         the colours at the centres of the four quadrants
  pictures.py png-pixel PNG X Y         prints "R,G,B"
  pictures.py compare PNG XWD MAXDIFF   pixels that differ between a PNG and an XWD dump of
                                        the same desktop; exit 0 when at most MAXDIFF differ
  pictures.py fidelity SCREEN DESKTOP X0 Y0 X1 Y1
                                        a picture in a terminal's X screenshot (SCREEN, an XWD)
                                        against the desktop it shows (DESKTOP, an XWD): the box
                                        of the rows and columns of [X0, X1) x [Y0, Y1) mostly
                                        unlike the colour at (X0, Y0), the terminal's background; the
                                        desktop box-downscaled to the box's size; prints
                                        "box WxH+X+Y mae N.NN" (mean absolute error per colour
                                        channel, 0..255) or "no picture"; DESKTOP "-": the box only
Standard library only (zlib for PNG); 8-bit RGB/RGBA PNGs, 24/32-bit ZPixmap XWDs.
"""
import struct
import sys
import zlib

# the xterm 256-colour palette above 15, for dumps in 256-colour mode
def xterm256(n):
    if n < 16:
        base = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
                (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
                (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        return base[n]
    if n < 232:
        n -= 16
        lv = [0, 95, 135, 175, 215, 255]
        return (lv[n // 36], lv[(n // 6) % 6], lv[n % 6])
    g = 8 + 10 * (n - 232)
    return (g, g, g)


def sgr_params(params):
    """The numbers of an SGR's parameter text ("" is 0, as is a part that is not a number)."""
    return [int(p) if p.isdigit() else 0 for p in params.split(';')] if params else [0]


def sgr(params, st):
    """Follow an SGR in st (a copy of PLAIN): 'fg' and 'bg' the colours (an
    (R, G, B), None for the default), 'tc_fg' and 'tc_bg' whether each is
    a 24-bit one (38;2 / 48;2)."""
    ps = sgr_params(params)
    i = 0
    while i < len(ps):
        p, colour, tc, used = ps[i], None, False, 1
        key = 'fg' if 30 <= p <= 39 or 90 <= p <= 97 else 'bg' if 40 <= p <= 49 or 100 <= p <= 107 else None
        if p == 0:
            st.update(PLAIN)
        elif p in (38, 48) and i + 1 == len(ps):
            key = None
        elif p in (38, 48) and ps[i + 1] == 2:
            colour, tc, used = tuple(ps[i + 2:i + 5]) if i + 4 < len(ps) else None, True, 5
        elif p in (38, 48) and ps[i + 1] == 5:
            colour, used = xterm256(ps[i + 2]) if i + 2 < len(ps) else None, 3
        elif p in (38, 48):
            used = 2
        elif key and p not in (39, 49):
            colour = xterm256(p % 10 + (8 if p >= 90 else 0))
        if key:
            st[key], st['tc_' + key] = colour, tc
        i += used


PLAIN = {'fg': None, 'bg': None, 'tc_fg': False, 'tc_bg': False}


def pieces(line):
    """One dumped line in order: (PARAMS, None) for each SGR (its parameter
    text), (None, CHAR) for each character shown; other CSI sequences are
    dropped."""
    i = 0
    while i < len(line):
        if line[i] == '\x1b' and i + 1 < len(line) and line[i + 1] == '[':
            j = i + 2
            while j < len(line) and not ('@' <= line[j] <= '~'):
                j += 1
            if j < len(line) and line[j] == 'm':
                yield line[i + 2:j], None
            i = j + 1
            continue
        yield None, line[i]
        i += 1


def dump_lines(dump):
    return open(dump, encoding='utf-8', errors='replace').read().split('\n')


def cells_of_line(line, st):
    """The cells of one dumped line: list of (char, fg, bg)."""
    out = []
    for params, c in pieces(line):
        if c is None:
            sgr(params, st)
        else:
            out.append((c, st['fg'], st['bg']))
    return out


def cell(dump, row, col):
    st = dict(PLAIN)
    for r, line in enumerate(dump_lines(dump)):
        cs = cells_of_line(line, st)
        if r == row:
            if col >= len(cs):
                return (' ', st['fg'], st['bg'])
            return cs[col]
    return (' ', None, None)


def stray(dump, r0, r1):
    """Cells in rows [r0, r1) with a half block or a 24-bit colour."""
    st = dict(PLAIN)
    found = []
    for r, line in enumerate(dump_lines(dump)):
        col = 0
        for params, c in pieces(line):
            if c is None:
                sgr(params, st)
                continue
            if r0 <= r < r1 and (c in '\u2580\u2584' or st['tc_bg'] or (st['tc_fg'] and c != ' ')):
                found.append('%d:%d' % (r, col))
            col += 1
        if r >= r1:
            break
    return found


def fmt(c):
    return '-' if c is None else '%d,%d,%d' % c


def png_read(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise SystemExit('%s: not a PNG' % path)
    pos, idat, w = 8, b'', None
    while pos < len(data):
        ln, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if typ == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise SystemExit('%s: only 8-bit RGB(A), non-interlaced' % path)
            bpp = 3 if ctype == 2 else 4
        elif typ == b'IDAT':
            idat += body
        pos += 12 + ln
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    px = [[tuple(r[x * bpp:x * bpp + 3]) for x in range(w)] for r in rows]
    return w, h, px


def xwd_read(path):
    data = open(path, 'rb').read()
    hdr = struct.unpack('>25I', data[:100])
    hsize, _, fmt_, depth, w, h, _, order, _, _, _, bpp, bpl = hdr[:13]
    ncolors = hdr[19]
    if fmt_ != 2 or bpp not in (24, 32):
        raise SystemExit('%s: only ZPixmap 24/32 bpp' % path)
    masks = hdr[14:17]
    off = hsize + ncolors * 12
    step = bpp // 8
    if bpp == 32 and order == 0 and tuple(masks) == (0xff0000, 0xff00, 0xff):
        # the usual layout (B, G, R, pad): whole rows at a time
        px = []
        for y in range(h):
            row = data[off + y * bpl:off + y * bpl + w * 4]
            px.append(list(zip(row[2::4], row[1::4], row[0::4])))
        return w, h, px
    px = []
    for y in range(h):
        row = []
        base = off + y * bpl
        for x in range(w):
            b = data[base + x * step:base + x * step + step]
            v = int.from_bytes(b, 'little' if order == 0 else 'big')
            rgb = []
            for m in masks:
                shift = (m & -m).bit_length() - 1
                rgb.append((v & m) >> shift)
            row.append(tuple(rgb))
        px.append(row)
    return w, h, px

def box_weights(s, d):
    """For each of d destination pixels over s source pixels: [(source index, weight)], the
    exact area each source pixel has in the destination pixel's box (weights add up to s)."""
    out = []
    for i in range(d):
        lo, hi = i * s, (i + 1) * s
        ws, x = [], lo // d
        while x * d < hi:
            a, b = max(lo, x * d), min(hi, (x + 1) * d)
            if b > a:
                ws.append((x, b - a))
            x += 1
        out.append(ws)
    return out


def downscale(px, sw, sh, dw, dh):
    """Box-filter downscale of rows of (R, G, B) to dw x dh, as three lists of floats."""
    wx, wy = box_weights(sw, dw), box_weights(sh, dh)
    planes = []
    for c in range(3):
        rows = []
        for y in range(sh):
            src = [p[c] for p in px[y]]
            rows.append([sum(src[x] * wt for x, wt in ws) / sw for ws in wx])
        plane = []
        for ws in wy:
            acc = [0.0] * dw
            for y, wt in ws:
                r = rows[y]
                for x in range(dw):
                    acc[x] += r[x] * wt
            plane.append([v / sh for v in acc])
        planes.append(plane)
    return planes


def fidelity(screen, desktop, x0, y0, x1, y1):
    w, h, sp = xwd_read(screen)
    bg = sp[y0][x0]
    x1, y1 = min(x1, w), min(y1, h)
    # the picture's rows and columns are those mostly unlike the background
    # (a stray mark, a cursor or a letter is not a picture)
    rows = [y for y in range(y0, y1) if sum(1 for x in range(x0, x1) if sp[y][x] != bg) > 16]
    cols = [x for x in range(x0, x1) if rows and sum(1 for y in rows if sp[y][x] != bg) * 2 > len(rows)]
    rows = [y for y in rows if cols and sum(1 for x in cols if sp[y][x] != bg) * 2 > len(cols)]
    if not rows or not cols:
        print('no picture')
        return 1
    bx0, bx1, by0, by1 = min(cols), max(cols) + 1, min(rows), max(rows) + 1
    bw, bh = bx1 - bx0, by1 - by0
    if desktop == '-':
        print('box %dx%d+%d+%d' % (bw, bh, bx0, by0))
        return 0
    dw, dh, dp = xwd_read(desktop)
    ref = downscale(dp, dw, dh, bw, bh)
    err = 0.0
    for y in range(bh):
        row = sp[by0 + y]
        for c in range(3):
            rr = ref[c][y]
            err += sum(abs(row[bx0 + x][c] - rr[x]) for x in range(bw))
    print('box %dx%d+%d+%d mae %.2f' % (bw, bh, bx0, by0, err / (bw * bh * 3)))
    return 0


def main(a):
    if len(a) == 4 and a[0] == 'cell':
        ch, fg, bg = cell(a[1], int(a[2]), int(a[3]))
        print('%s fg=%s bg=%s' % (ch, fmt(fg), fmt(bg)))
    elif len(a) in (4, 6) and a[0] == 'picture':
        st = dict(PLAIN)
        grid = [cells_of_line(line, st) for line in dump_lines(a[1])]
        r0, r1 = int(a[2]), min(int(a[3]), len(grid))
        c0, c1 = (int(a[4]), int(a[5])) if len(a) == 6 else (0, 1 << 30)
        box = [(r, c) for r in range(r0, r1) for c, cl in enumerate(grid[r]) if cl[2] is not None and c0 <= c < c1]
        if not box:
            print('no picture')
            return 1
        y0, y1 = min(b[0] for b in box), max(b[0] for b in box) + 1
        x0, x1 = min(b[1] for b in box), max(b[1] for b in box) + 1
        h, w = y1 - y0, x1 - x0
        out = []
        for qy in (y0 + h // 4, y0 + 3 * h // 4):
            for qx in (x0 + w // 4, x0 + 3 * w // 4):
                out.append(fmt(grid[qy][qx][2]) if qx < len(grid[qy]) else '-')
        print('box %dx%d+%d+%d %s' % (w, h, x0, y0, ' '.join(out)))
    elif len(a) == 4 and a[0] == 'stray':
        found = stray(a[1], int(a[2]), int(a[3]))
        print(len(found), ' '.join(found[:8]))
        return 0
    elif len(a) == 2 and a[0] == 'xwd-quadrants':
        w, h, px = xwd_read(a[1])
        print(' '.join(fmt(px[y][x]) for y in (h // 4, 3 * h // 4) for x in (w // 4, 3 * w // 4)))
    elif len(a) == 4 and a[0] == 'png-pixel':
        w, h, px = png_read(a[1])
        print(fmt(px[int(a[3])][int(a[2])]))
    elif len(a) == 4 and a[0] == 'compare':
        w1, h1, p1 = png_read(a[1])
        w2, h2, p2 = xwd_read(a[2])
        if (w1, h1) != (w2, h2):
            print('sizes differ: png %dx%d, xwd %dx%d' % (w1, h1, w2, h2))
            return 1
        diff = sum(1 for y in range(h1) for x in range(w1) if p1[y][x] != p2[y][x])
        print('%dx%d, %d pixels differ' % (w1, h1, diff))
        return 0 if diff <= int(a[3]) else 1
    elif len(a) == 7 and a[0] == 'fidelity':
        return fidelity(a[1], a[2], *map(int, a[3:7]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
