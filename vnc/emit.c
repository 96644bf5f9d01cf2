/* emit: the diffing half-block emitter: escape sequences for the cells of a pane that changed. */
#include "vnc/render.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/xalloc.h"

/* Each cell remembers the colours of both halves as they were last
 * written (bits 0..47: upper << 24 | lower, 8 bits a channel) and, in
 * 256-colour mode, the indices written (bits 48..63: upper << 8 | lower). */
#define KEY_BITS 48
#define KEY_MASK ((UINT64_C(1) << KEY_BITS) - 1)
#define MAX_SIDE 65535 /* cells per side; far beyond any terminal */
#define CHUNK 8192      /* output is gathered in this much, then appended */

struct vr_screen {
	int cols, rows, y0, x0;
	enum vr_mode mode;
	bool valid;      /* false: the next vr_emit writes every cell */
	uint64_t *cell;  /* cols * rows */
	size_t ncell;    /* allocated entries */
	char chunk[CHUNK];
};

struct vr_screen *vr_screen_new(void)
{
	struct vr_screen *s = xcalloc(1, sizeof *s);
	return s;
}

void vr_screen_free(struct vr_screen *s)
{
	if (!s)
		return;
	free(s->cell);
	free(s);
}

void vr_screen_invalidate(struct vr_screen *s)
{
	s->valid = false;
}

/* ---- output: a local chunk, appended to the caller's buffer in pieces ---- */

#define CELL_MAX 96 /* the most one cell can take: CUP + SGR + glyph */

struct out {
	struct buf *b;
	char *c;
	size_t n;
	bool fail;
};

static void out_flush(struct out *o)
{
	if (o->n && buf_append(o->b, o->c, o->n) < 0)
		o->fail = true;
	o->n = 0;
}

static inline void put(struct out *o, char ch)
{
	o->c[o->n++] = ch;
}

static inline void put2(struct out *o, char a, char b)
{
	o->c[o->n++] = a;
	o->c[o->n++] = b;
}

static inline void put_uint(struct out *o, unsigned v)
{
	char t[10];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		o->c[o->n++] = t[--n];
}

/* "38;2;R;G;B" / "48;2;..." or "38;5;N" / "48;5;N" (lead is '3' or '4'). */
static inline void put_colour(struct out *o, char lead, enum vr_mode mode, const uint8_t *p, unsigned idx)
{
	put2(o, lead, '8');
	if (mode == VR_256) {
		put2(o, ';', '5');
		put(o, ';');
		put_uint(o, idx);
		return;
	}
	put2(o, ';', '2');
	for (int i = 0; i < 3; i++) {
		put(o, ';');
		put_uint(o, p[i]);
	}
}

/* ---- the frame ---- */

static inline uint32_t key24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[2];
}

/* Start a frame: keep the cell memory when the geometry and mode are the
 * same, else resize it and mark everything for redrawing. */
static void frame_begin(struct vr_screen *s, int cols, int rows, int y0, int x0, enum vr_mode mode)
{
	if (s->cols == cols && s->rows == rows && s->y0 == y0 && s->x0 == x0 && s->mode == mode)
		return;
	size_t n = (size_t)cols * (size_t)rows;
	if (n > s->ncell) {
		free(s->cell);
		s->cell = xmalloc(n * sizeof *s->cell);
		s->ncell = n;
	}
	s->cols = cols;
	s->rows = rows;
	s->y0 = y0;
	s->x0 = x0;
	s->mode = mode;
	s->valid = false;
}

size_t vr_emit(struct vr_screen *s, const uint8_t *px, int cols, int rows, int y0, int x0,
               enum vr_mode mode, struct buf *out)
{
	if (cols <= 0 || rows <= 0 || cols > MAX_SIDE || rows > MAX_SIDE || y0 < 0 || x0 < 0 ||
	    y0 > MAX_SIDE || x0 > MAX_SIDE || (mode != VR_TRUECOLOR && mode != VR_256))
		return 0;
	frame_begin(s, cols, rows, y0, x0, mode);
	bool all = !s->valid;
	size_t start = out->len;
	struct out ob = { .b = out, .c = s->chunk, .n = 0, .fail = false }, *o = &ob;

	/* what the terminal has now: colour ids (24-bit colours or indices), -1 unknown */
	int64_t fg = -1, bg = -1;
	int cur_r = -1, cur_c = -1; /* the cursor, absolute; -1: unknown */
	size_t written = 0;
	const size_t line = (size_t)cols * 3;

	for (int r = 0; r < rows; r++) {
		const uint8_t *up = px + (size_t)(2 * r) * line;
		const uint8_t *lo = up + line;
		uint64_t *cell = s->cell + (size_t)r * (size_t)cols;
		for (int c = 0; c < cols; c++, up += 3, lo += 3) {
			uint32_t ku = key24(up), kl = key24(lo);
			uint64_t key = (uint64_t)ku << 24 | kl;
			if (!all && (cell[c] & KEY_MASK) == key)
				continue;
			unsigned iu = 0, il = 0;
			int64_t want_fg, want_bg;
			if (mode == VR_256) {
				iu = vr_rgb_to_256(up[0], up[1], up[2]);
				il = vr_rgb_to_256(lo[0], lo[1], lo[2]);
				uint64_t v = key | (uint64_t)(iu << 8 | il) << KEY_BITS;
				/* all: the cells hold nothing to compare with (fresh memory or invalidated) */
				bool same = !all && (cell[c] >> KEY_BITS) == (iu << 8 | il);
				cell[c] = v;
				if (same)
					continue; /* a new shade, the same index: nothing to write */
				want_fg = iu;
				want_bg = il;
			} else {
				cell[c] = key;
				want_fg = ku;
				want_bg = kl;
			}
			bool space = want_fg == want_bg;

			if (o->n + CELL_MAX > CHUNK)
				out_flush(o);
			/* the cursor: CSI n C within a row, CUP elsewhere */
			int R = y0 + r, C = x0 + c;
			if (cur_r == R && cur_c < C) {
				put2(o, '\033', '[');
				put_uint(o, (unsigned)(C - cur_c));
				put(o, 'C');
			} else if (cur_r != R || cur_c != C) {
				put2(o, '\033', '[');
				put_uint(o, (unsigned)R + 1);
				put(o, ';');
				put_uint(o, (unsigned)C + 1);
				put(o, 'H');
			}
			/* colours that differ from what is set */
			bool set_fg = !space && fg != want_fg, set_bg = bg != want_bg;
			if (set_fg || set_bg) {
				put2(o, '\033', '[');
				if (set_fg)
					put_colour(o, '3', mode, up, iu);
				if (set_fg && set_bg)
					put(o, ';');
				if (set_bg)
					put_colour(o, '4', mode, lo, il);
				put(o, 'm');
				if (set_fg)
					fg = want_fg;
				bg = want_bg;
			}
			if (space) {
				put(o, ' ');
			} else {
				put(o, '\xe2');
				put2(o, '\x96', '\x80');
			}
			cur_r = R;
			cur_c = C + 1;
			written++;
		}
	}
	if (written) {
		if (o->n + 4 > CHUNK)
			out_flush(o);
		put2(o, '\033', '[');
		put2(o, '0', 'm');
	}
	out_flush(o);
	if (o->fail) {
		/* the buffer is full: take back what this frame added and redraw
		 * everything next time */
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		s->valid = false;
		return 0;
	}
	s->valid = true;
	return written;
}
