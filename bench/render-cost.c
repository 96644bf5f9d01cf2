/* render-cost: CPU per rendered frame of a desktop pane and the fidelity of what it shows, sandtop's renderer against chafa, on the same frames. */
/*
 * usage: render-cost [-c COLS] [-r ROWS] [-p PASSES] FRAMES.xwd
 *        render-cost [-c COLS] [-r ROWS] [-p PASSES] --synth N
 *        render-cost --selftest   (bench/fidelity.c's checks, then exit)
 *
 * FRAMES.xwd is any number of XWD screen dumps (xwd -root) one after the
 * other, all of one size; --synth N makes N 1280x800 frames instead (text
 * rows scrolling in a terminal window, another window moving). Every
 * renderer gets the same frames, PASSES times over, each pass starting on a
 * blank pane. CPU is CLOCK_PROCESS_CPUTIME_ID (chafa draws with threads).
 *
 * sandtop: vr_downscale of the rectangle that changed since the previous
 * frame (what a VNC update carries; computing it is not timed) into the
 * fitted pane, then vr_emit (cell diff, cursor moves, SGR elision).
 * chafa: chafa_canvas_draw_all_pixels + chafa_canvas_print of the whole
 * frame (it has no diffing), vhalf symbols, same cell grid.
 *
 * Real pixels (the large view where the terminal shows kitty graphics or
 * sixel images): the pane's pixels with cells of CELL_W x CELL_H, the same
 * frames. sandtop: vr_downscale of the changed rectangle into them, then
 * (tui/view.c's path) a sixel image of the cells whose pixels changed, or
 * a kitty frame edit of the pixels that changed. chafa: the whole frame
 * drawn and printed in its sixel or kitty mode, same pixels. Fidelity:
 * each image decoded (libsixel; bench/kittyread.c) against the frame
 * box-downscaled to those pixels.
 *
 * Fidelity (bench/fidelity.c), on the first pass, outside the timed part:
 * each renderer's output of each frame is read back by a terminal model
 * into the picture the pane then shows (2 pixels a cell; sandtop's cells
 * left from earlier frames included) and compared with the frame
 * box-downscaled (exact area average) to the same grid: SSIM of luma and
 * mean absolute error per channel, the mean over the frames.
 */
#include <chafa.h>
#include <errno.h>
#include <sixel.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "bench/fidelity.h"
#include "bench/kittyread.h"
#include "vnc/render.h"

struct frame {
	uint8_t *px; /* R, G, B, 255 per pixel: both sandtop's and chafa's input */
	int rx, ry, rw, rh; /* what changed since the previous frame */
};

static int W, H;
static struct frame *fr;
static int nfr;
static float **ref; /* each frame box-downscaled to the pane's pixels (fid_reference) */
static float **pref; /* and to the pixels of the sixel pane */
#define CELL_W 8 /* a cell in pixels, for the sixel pane */
#define CELL_H 16

static void die(const char *msg)
{
	fprintf(stderr, "render-cost: %s\n", msg);
	exit(1);
}

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- XWD ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 8-bit channel value of a pixel under a mask of up to 16 bits. */
static uint8_t chan(uint32_t v, uint32_t mask)
{
	int sh = __builtin_ctz(mask), bits = __builtin_popcount(mask);
	uint32_t c = (v & mask) >> sh;
	return (uint8_t)(bits >= 8 ? c >> (bits - 8) : c * 255 / ((1u << bits) - 1));
}

/* Parse the XWD dump at p (n bytes left) into a new frame; returns the
 * bytes it took, 0 at a clean end, or dies on anything unexpected. */
static size_t xwd_one(const uint8_t *p, size_t n, struct frame *f)
{
	if (n == 0)
		return 0;
	if (n < 100)
		die("xwd: truncated header");
	uint32_t h[25];
	for (int i = 0; i < 25; i++)
		h[i] = be32(p + 4 * i);
	uint32_t hsize = h[0], version = h[1], format = h[2], w = h[4], ht = h[5], order = h[7],
		 bpp = h[11], bpl = h[12], rmask = h[14], gmask = h[15], bmask = h[16], ncolors = h[19];
	if (version != 7 || format != 2)
		die("xwd: not a version 7 ZPixmap dump");
	if (hsize < 100 || hsize > 4096 || w < 1 || w > 8192 || ht < 1 || ht > 8192 || ncolors > 65536)
		die("xwd: implausible header");
	if ((bpp != 32 && bpp != 24) || bpl < w * (bpp / 8) || bpl > w * 4 + 64)
		die("xwd: only 24/32 bits per pixel");
	if (!rmask || !gmask || !bmask || __builtin_popcount(rmask) > 16 || __builtin_popcount(gmask) > 16 ||
	    __builtin_popcount(bmask) > 16)
		die("xwd: bad colour masks");
	size_t off = (size_t)hsize + (size_t)ncolors * 12, need = off + (size_t)bpl * ht;
	if (n < need)
		die("xwd: truncated image");
	if (W == 0) {
		W = (int)w;
		H = (int)ht;
	} else if ((int)w != W || (int)ht != H) {
		die("xwd: frames of different sizes");
	}
	f->px = malloc((size_t)w * ht * 4);
	if (!f->px)
		die("out of memory");
	int bytes = (int)bpp / 8;
	for (uint32_t y = 0; y < ht; y++) {
		const uint8_t *s = p + off + (size_t)y * bpl;
		uint8_t *d = f->px + (size_t)y * w * 4;
		for (uint32_t x = 0; x < w; x++, s += bytes, d += 4) {
			uint32_t v = 0;
			for (int k = 0; k < bytes; k++)
				v |= (uint32_t)s[order == 0 ? k : bytes - 1 - k] << (8 * k);
			d[0] = chan(v, rmask);
			d[1] = chan(v, gmask);
			d[2] = chan(v, bmask);
			d[3] = 255;
		}
	}
	return need;
}

static void load_xwd(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		die(strerror(errno));
	size_t cap = 1 << 24, n = 0;
	uint8_t *all = malloc(cap);
	for (;;) {
		if (n == cap && !(all = realloc(all, cap *= 2)))
			die("out of memory");
		size_t k = fread(all + n, 1, cap - n, fp);
		if (k == 0)
			break;
		n += k;
	}
	fclose(fp);
	size_t pos = 0;
	for (;;) {
		struct frame f = { 0 };
		size_t k = xwd_one(all + pos, n - pos, &f);
		if (k == 0)
			break;
		fr = realloc(fr, sizeof *fr * (size_t)(nfr + 1));
		fr[nfr++] = f;
		pos += k;
	}
	free(all);
	if (nfr < 2)
		die("need at least 2 frames");
}

/* ---- synthetic frames ---- */

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void rect(uint8_t *px, int x0, int y0, int w, int h, uint32_t rgb)
{
	for (int y = y0 < 0 ? 0 : y0; y < y0 + h && y < H; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x0 + w && x < W; x++) {
			uint8_t *p = px + ((size_t)y * W + x) * 4;
			p[0] = (uint8_t)(rgb >> 16);
			p[1] = (uint8_t)(rgb >> 8);
			p[2] = (uint8_t)rgb;
			p[3] = 255;
		}
}

/* A terminal of 6x13 glyphs whose text scrolls a line a frame, and a
 * second window sliding across; all deterministic. */
static void synth(int n)
{
	W = 1280;
	H = 800;
	enum { GW = 6, GH = 13, TCOLS = 120, TROWS = 50 };
	fr = calloc((size_t)n, sizeof *fr);
	nfr = n;
	for (int i = 0; i < n; i++) {
		uint8_t *px = malloc((size_t)W * H * 4);
		fr[i].px = px;
		rect(px, 0, 0, W, H, 0x1f2a36);                 /* root */
		rect(px, 0, 0, W, 20, 0xdcdcdc);                /* toolbar */
		rect(px, 20, 30, TCOLS * GW + 4, TROWS * GH + 24, 0x4a5a6a); /* frame */
		rect(px, 22, 50, TCOLS * GW, TROWS * GH, 0xffffff);
		for (int r = 0; r < TROWS; r++) {
			uint32_t s = (uint32_t)(r + i) * 2654435761u | 1; /* line r + i of the text */
			int len = 20 + (int)(rng(&s) % (TCOLS - 20));
			for (int c = 0; c < len; c++) {
				uint32_t g = rng(&s);
				if ((g & 7) == 0)
					continue; /* a space */
				for (int k = 0; k < 5; k++) /* a few strokes of the glyph */
					if (g >> (3 + k) & 1)
						rect(px, 22 + c * GW + (int)(g >> (8 + 2 * k) & 3), 50 + r * GH + 2 + 2 * k,
						     (int)(g >> (18 + k) & 1) + 1, 2, 0x000000);
			}
		}
		int wx = 760 + (i * 7) % 400, wy = 120 + (i * 3) % 300;
		rect(px, wx, wy, 400, 260, 0x3c78b4);
		rect(px, wx + 2, wy + 20, 396, 238, 0xf0f0e8);
		rect(px, wx + 20, wy + 40 + (i % 10) * 13, 300, 9, 0x202020);
	}
}

/* ---- dirty rectangles: the bounding box of what changed ---- */

static void dirty_rects(void)
{
	fr[0].rx = fr[0].ry = 0;
	fr[0].rw = W;
	fr[0].rh = H;
	for (int i = 1; i < nfr; i++) {
		int x0 = W, y0 = H, x1 = -1, y1 = -1;
		for (int y = 0; y < H; y++) {
			const uint32_t *a = (const uint32_t *)(void *)(fr[i - 1].px + (size_t)y * W * 4);
			const uint32_t *b = (const uint32_t *)(void *)(fr[i].px + (size_t)y * W * 4);
			for (int x = 0; x < W; x++)
				if (a[x] != b[x]) {
					if (x < x0)
						x0 = x;
					if (x > x1)
						x1 = x;
					if (y < y0)
						y0 = y;
					y1 = y;
				}
		}
		if (x1 < 0) {
			fr[i].rx = fr[i].ry = fr[i].rw = fr[i].rh = 0;
		} else {
			fr[i].rx = x0;
			fr[i].ry = y0;
			fr[i].rw = x1 - x0 + 1;
			fr[i].rh = y1 - y0 + 1;
		}
	}
}

/* ---- the measurements ---- */

/* Fidelity scores summed over the frames of one pass. */
struct fid_acc {
	struct fid_score sum;
	double min_ssim;
	long frames;
};

struct result {
	double ms, max_ms, bytes, cells;
	long frames;
	struct fid_acc fid; /* what the terminal shows, against the reference */
	struct fid_acc pre; /* sandtop only: its downscaled picture, before the terminal */
};

static void fid_add(struct fid_acc *a, float **refs, const uint8_t *px, int frame, int w, int h)
{
	struct fid_score s = fid_compare(refs[frame], px, w, h);
	if (a->frames == 0 || s.ssim < a->min_ssim)
		a->min_ssim = s.ssim;
	a->sum.ssim += s.ssim;
	for (int ch = 0; ch < 3; ch++)
		a->sum.mae[ch] += s.mae[ch];
	a->frames++;
}

static void add_frame(struct result *r, double ms, size_t bytes, size_t cells)
{
	r->ms += ms;
	if (ms > r->max_ms)
		r->max_ms = ms;
	r->bytes += (double)bytes;
	r->cells += (double)cells;
	r->frames++;
}

/* Read a renderer's output of one frame back (the model's errors end the
 * run: no figure from output it does not understand). */
static void term_feed(struct fid_term *t, const char *s, size_t n, const char *who)
{
	char err[200];
	if (fid_term_feed(t, s, n, err, sizeof err) < 0) {
		fprintf(stderr, "render-cost: %s: the terminal model: %s\n", who, err);
		exit(1);
	}
}

static void print_row(const char *name, const struct result *r, double ref_ms)
{
	printf("  %-44s %8.3f %8.3f %10.0f %8.0f", name, r->ms / r->frames, r->max_ms, r->bytes / r->frames,
	       r->cells / r->frames);
	if (ref_ms > 0)
		printf("  %6.1fx", ref_ms / (r->ms / r->frames));
	printf("\n");
}

static void fid_row(const char *name, const struct fid_acc *a)
{
	double n = (double)a->frames;
	printf("  %-44s %7.4f %8.4f %6.2f %6.2f %6.2f\n", name, a->sum.ssim / n, a->min_ssim, a->sum.mae[0] / n,
	       a->sum.mae[1] / n, a->sum.mae[2] / n);
}

/* sandtop: downscale the changed rectangle, emit the changed cells (or, with
 * full, everything every frame). With score, one more pass, not timed,
 * for the fidelity. */
static struct result run_ours(int cols, int rows, enum vr_mode mode, bool full, int passes, bool score)
{
	struct result r = { 0 };
	int dw = cols, dh = 2 * rows;
	uint8_t *dst = calloc((size_t)dw * dh, 3);
	struct buf out;
	buf_init(&out, (size_t)1 << 24);
	struct fid_term *term = fid_term_new(cols, rows, 1, 0);
	if (!term)
		die("out of memory");
	for (int p = 0; p < passes + score; p++) {
		struct vr_screen *s = vr_screen_new();
		for (int i = 0; i < nfr; i++) {
			const struct frame *f = &fr[i];
			buf_reset(&out);
			double t0 = cpu_ms();
			if (full || i == 0) {
				vr_downscale(f->px, W, H, (size_t)W * 4, dst, dw, dh, 0, 0, W, H);
				if (full)
					vr_screen_invalidate(s);
			} else if (f->rw > 0) {
				vr_downscale(f->px, W, H, (size_t)W * 4, dst, dw, dh, f->rx, f->ry, f->rw, f->rh);
			}
			size_t cells = vr_emit(s, dst, cols, rows, 1, 0, mode, &out);
			double t = cpu_ms() - t0;
			if (out.overflow)
				die("output buffer overflow");
			if (p < passes) {
				add_frame(&r, t, out.len, cells);
				continue;
			}
			fid_term_begin(term);
			term_feed(term, out.data ? out.data : "", out.len, "sandtop");
			const uint8_t *shown = fid_term_pixels(term);
			/* the model against the emitter's contract: in truecolor every
			 * cell shows exactly its colours */
			for (size_t k = 0; mode == VR_TRUECOLOR && k < (size_t)dw * dh * 3; k++)
				if (shown[k] != dst[k])
					die("the terminal model disagrees with sandtop's emitter (truecolor)");
			fid_add(&r.fid, ref, shown, i, dw, dh);
			fid_add(&r.pre, ref, dst, i, dw, dh);
		}
		vr_screen_free(s);
	}
	fid_term_free(term);
	buf_free(&out);
	free(dst);
	return r;
}

/* One frame through chafa, timed: its output (the caller frees it) and the
 * CPU it took in *ms. */
static GString *chafa_frame(ChafaCanvas *cv, ChafaTermInfo *ti, int i, double *ms)
{
	double t0 = cpu_ms();
	chafa_canvas_draw_all_pixels(cv, CHAFA_PIXEL_RGBA8_UNASSOCIATED, fr[i].px, W, H, W * 4);
	GString *gs = chafa_canvas_print(cv, ti);
	*ms = cpu_ms() - t0;
	return gs;
}

/* chafa: the whole frame drawn and printed. With score, one more pass, not
 * timed, for the fidelity; every cell of the pane must be printed. */
static struct result run_chafa(int cols, int rows, ChafaCanvasMode mode, int passes, bool score)
{
	struct result r = { 0 };
	struct fid_term *term = fid_term_new(cols, rows, 0, 0);
	if (!term)
		die("out of memory");
	ChafaSymbolMap *sm = chafa_symbol_map_new();
	chafa_symbol_map_add_by_tags(sm, CHAFA_SYMBOL_TAG_VHALF);
	ChafaCanvasConfig *cfg = chafa_canvas_config_new();
	chafa_canvas_config_set_geometry(cfg, cols, rows);
	chafa_canvas_config_set_canvas_mode(cfg, mode);
	chafa_canvas_config_set_symbol_map(cfg, sm);
	chafa_canvas_config_set_optimizations(cfg, CHAFA_OPTIMIZATION_REUSE_ATTRIBUTES);
	gchar *envp[] = { "TERM=xterm-256color", "COLORTERM=truecolor", NULL };
	ChafaTermInfo *ti = chafa_term_db_detect(chafa_term_db_get_default(), envp);
	for (int p = 0; p < passes + score; p++) {
		ChafaCanvas *cv = chafa_canvas_new(cfg);
		for (int i = 0; i < nfr; i++) {
			double t;
			GString *gs = chafa_frame(cv, ti, i, &t);
			if (p == 0 && i == 0 && getenv("RENDER_COST_DUMP"))
				fwrite(gs->str, 1, gs->len, stderr);
			if (p < passes) {
				add_frame(&r, t, gs->len, (size_t)cols * rows);
			} else {
				fid_term_begin(term);
				term_feed(term, gs->str, gs->len, "chafa");
				if (fid_term_cells(term) != (size_t)cols * rows)
					die("chafa printed a frame that does not fill the pane");
				fid_add(&r.fid, ref, fid_term_pixels(term), i, cols, 2 * rows);
			}
			g_string_free(gs, TRUE);
		}
		chafa_canvas_unref(cv);
	}
	fid_term_free(term);
	chafa_term_info_unref(ti);
	chafa_canvas_config_unref(cfg);
	chafa_symbol_map_unref(sm);
	return r;
}

/* A sixel image decoded (libsixel), rw x rh drawn at (x, y) of shown, a
 * w x h picture: what the terminal shows after it. */
static void sixel_show(const char *s, size_t n, uint8_t *shown, int w, int h, int x, int y, int rw, int rh,
                       const char *who)
{
	unsigned char *idx = NULL, *pal = NULL;
	int dw = 0, dh = 0, nc = 0;
	if (SIXEL_FAILED(sixel_decode_raw((unsigned char *)(uintptr_t)s, (int)n, &idx, &dw, &dh, &pal, &nc, NULL)) ||
	    dw != rw || dh != rh || x + rw > w || y + rh > h) {
		fprintf(stderr, "render-cost: %s: a sixel image of %dx%d, not %dx%d\n", who, dw, dh, rw, rh);
		exit(1);
	}
	for (int r = 0; r < rh; r++)
		for (int c = 0; c < rw; c++)
			memcpy(shown + ((size_t)(y + r) * w + (size_t)(x + c)) * 3, pal + (size_t)idx[r * rw + c] * 3, 3);
	free(idx);
	free(pal);
}

/* The pixel protocols, as in tui/view.c. */
enum proto { SIXEL, KITTY };

/* sandtop's large view in real pixels: the changed rectangle downscaled
 * into the pane's pw x ph pixels, then a sixel image of the cells that
 * changed, or a kitty edit of the pixels that changed (the image placed
 * whole on the first frame). */
static struct result run_ours_pixels(enum proto proto, int pw, int ph, int passes, bool score)
{
	struct result r = { 0 };
	size_t n = (size_t)pw * ph * 3;
	uint8_t *dst = calloc(n, 1), *last = calloc(n, 1), *shown = calloc(n, 1);
	struct buf out;
	buf_init(&out, (size_t)1 << 26);
	if (!dst || !last || !shown)
		die("out of memory");
	for (int p = 0; p < passes + score; p++) {
		for (int i = 0; i < nfr; i++) {
			const struct frame *f = &fr[i];
			struct err e = { 0 };
			buf_reset(&out);
			double t0 = cpu_ms();
			if (i == 0)
				vr_downscale(f->px, W, H, (size_t)W * 4, dst, pw, ph, 0, 0, W, H);
			else if (f->rw > 0)
				vr_downscale(f->px, W, H, (size_t)W * 4, dst, pw, ph, f->rx, f->ry, f->rw, f->rh);
			int x = 0, y = 0, rw = pw, rh = ph, cw = proto == KITTY ? 1 : CELL_W, ch = proto == KITTY ? 1 : CELL_H;
			if (i == 0 || vr_changed_cells(last, dst, pw, ph, cw, ch, &x, &y, &rw, &rh)) {
				size_t row = (size_t)pw * 3;
				const uint8_t *at = dst + (size_t)y * row + (size_t)x * 3;
				int rc = proto == SIXEL ? vr_sixel(at, row, rw, rh, VR_SIXEL_COLOURS, &out, &e)
					: i == 0 ? vr_kitty_place(at, row, rw, rh, 1, &out, &e)
					: vr_kitty_edit(at, row, x, y, rw, rh, 1, &out, &e);
				if (rc < 0)
					die(e.msg);
				memcpy(last, dst, n);
			}
			double t = cpu_ms() - t0;
			if (p < passes) {
				add_frame(&r, t, out.len, 0);
				continue;
			}
			if (out.len && proto == SIXEL)
				sixel_show(out.data, out.len, shown, pw, ph, x, y, rw, rh, "sandtop");
			else if (out.len && kitty_read(out.data, out.len, shown, pw, ph) < 0)
				die("sandtop's kitty image does not read back");
			fid_add(&r.fid, pref, shown, i, pw, ph);
		}
	}
	buf_free(&out);
	free(dst);
	free(last);
	free(shown);
	return r;
}

/* chafa's sixel or kitty mode: the whole frame drawn and printed, cols x
 * rows cells of CELL_W x CELL_H pixels. */
static struct result run_chafa_pixels(enum proto proto, int cols, int rows, int passes, bool score)
{
	struct result r = { 0 };
	int pw = cols * CELL_W, ph = rows * CELL_H;
	uint8_t *shown = calloc((size_t)pw * ph, 3);
	if (!shown)
		die("out of memory");
	ChafaCanvasConfig *cfg = chafa_canvas_config_new();
	chafa_canvas_config_set_geometry(cfg, cols, rows);
	chafa_canvas_config_set_cell_geometry(cfg, CELL_W, CELL_H);
	chafa_canvas_config_set_pixel_mode(cfg, proto == SIXEL ? CHAFA_PIXEL_MODE_SIXELS : CHAFA_PIXEL_MODE_KITTY);
	chafa_canvas_config_set_canvas_mode(cfg, CHAFA_CANVAS_MODE_TRUECOLOR);
	/* terminals chafa knows to take sixel images, kitty graphics */
	gchar *envp[] = { proto == SIXEL ? "TERM=mlterm" : "TERM=xterm-kitty", NULL };
	ChafaTermInfo *ti = chafa_term_db_detect(chafa_term_db_get_default(), envp);
	if (!chafa_term_info_have_seq(ti, proto == SIXEL ? CHAFA_TERM_SEQ_BEGIN_SIXELS
	                                                 : CHAFA_TERM_SEQ_BEGIN_KITTY_IMMEDIATE_IMAGE_V1))
		die("chafa's terminal database has no image sequence for the terminal");
	for (int p = 0; p < passes + score; p++) {
		ChafaCanvas *cv = chafa_canvas_new(cfg);
		for (int i = 0; i < nfr; i++) {
			double t;
			GString *gs = chafa_frame(cv, ti, i, &t);
			if (p < passes) {
				add_frame(&r, t, gs->len, 0);
			} else if (proto == KITTY) {
				if (kitty_read(gs->str, gs->len, shown, pw, ph) < 0)
					die("chafa's kitty image does not read back");
				fid_add(&r.fid, pref, shown, i, pw, ph);
			} else {
				const char *d = memchr(gs->str, 0x1b, gs->len);   /* the image, from its DCS */
				sixel_show(d ? d : gs->str, d ? gs->len - (size_t)(d - gs->str) : gs->len, shown, pw, ph, 0, 0,
				           pw, ph, "chafa");
				fid_add(&r.fid, pref, shown, i, pw, ph);
			}
			g_string_free(gs, TRUE);
		}
		chafa_canvas_unref(cv);
	}
	chafa_term_info_unref(ti);
	chafa_canvas_config_unref(cfg);
	free(shown);
	return r;
}

int main(int argc, char **argv)
{
	int max_cols = 160, max_rows = 48, passes = 5, nsynth = 0;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			max_cols = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			max_rows = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			passes = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--selftest")) {
			char err[300];
			if (fid_selftest(err, sizeof err) < 0)
				die(err);
			printf("fidelity self-test: passed\n");
			return 0;
		} else if (!strcmp(argv[i], "--synth") && i + 1 < argc)
			nsynth = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			die("usage: render-cost [-c COLS] [-r ROWS] [-p PASSES] FRAMES.xwd | --synth N");
	}
	if (passes < 1 || max_cols < 1 || max_rows < 1)
		die("bad numbers");
	if (nsynth >= 2)
		synth(nsynth);
	else if (path)
		load_xwd(path);
	else
		die("no frames (FRAMES.xwd or --synth N)");
	dirty_rects();

	int cols, rows;
	vr_fit(W, H, max_cols, max_rows, &cols, &rows);
	double area = 0;
	int unchanged = 0;
	for (int i = 1; i < nfr; i++) {
		area += (double)fr[i].rw * fr[i].rh;
		unchanged += fr[i].rw == 0;
	}
	printf("frames:    %d of %dx%d (%s); changed rectangle (bounding box) %.0f%% of the\n", nfr, W, H,
	       nsynth ? "synthetic" : "captured", 100.0 * area / ((double)W * H * (nfr - 1)));
	printf("           desktop on average, %d frames unchanged; %d passes over them\n", unchanged, passes);
	printf("pane:      %dx%d cells (%dx%d px) fitted into %dx%d\n", cols, rows, cols, 2 * rows, max_cols, max_rows);
	ChafaCanvasConfig *c0 = chafa_canvas_config_new();
	float wf = chafa_canvas_config_get_work_factor(c0);
	chafa_canvas_config_unref(c0);
	printf("chafa:     %d.%d.%d, %d threads, vhalf symbols, REUSE_ATTRIBUTES, work factor %.1f\n",
	       CHAFA_MAJOR_VERSION, CHAFA_MINOR_VERSION, CHAFA_MICRO_VERSION, chafa_get_n_actual_threads(),
	       (double)wf);
	printf("CPU:       CLOCK_PROCESS_CPUTIME_ID around each frame's rendering (all threads)\n\n");

	/* the reference pictures: not timed */
	ref = calloc((size_t)nfr, sizeof *ref);
	for (int i = 0; ref && i < nfr; i++) {
		ref[i] = malloc(sizeof(float) * 3 * (size_t)cols * 2 * (size_t)rows);
		if (!ref[i])
			die("out of memory");
		fid_reference(fr[i].px, W, H, (size_t)W * 4, ref[i], cols, 2 * rows);
	}
	if (!ref)
		die("out of memory");

	/* warm up caches and lazy set-up in both */
	run_ours(cols, rows, VR_TRUECOLOR, false, 1, false);
	run_chafa(cols, rows, CHAFA_CANVAS_MODE_TRUECOLOR, 1, false);

	struct result ch = run_chafa(cols, rows, CHAFA_CANVAS_MODE_TRUECOLOR, passes, true);
	struct result ch256 = run_chafa(cols, rows, CHAFA_CANVAS_MODE_INDEXED_240, passes, true);
	struct result tc = run_ours(cols, rows, VR_TRUECOLOR, false, passes, true);
	struct result c256 = run_ours(cols, rows, VR_256, false, passes, true);
	struct result tcfull = run_ours(cols, rows, VR_TRUECOLOR, true, passes, true);
	struct result c256full = run_ours(cols, rows, VR_256, true, passes, true);
	double ref_ms = ch.ms / ch.frames;
	printf("  %-44s %8s %8s %10s %8s  %7s\n", "renderer", "ms/frame", "max ms", "bytes/frm", "cells", "chafa/x");
	print_row("sandtop truecolor (dirty rect + cell diff)", &tc, ref_ms);
	print_row("sandtop 256 colours (dirty rect + cell diff)", &c256, ref_ms);
	print_row("sandtop truecolor, full redraw every frame", &tcfull, ref_ms);
	print_row("sandtop 256 colours, full redraw every frame", &c256full, ref_ms);
	print_row("chafa truecolor (draw_all_pixels + print)", &ch, ref_ms);
	print_row("chafa 240 colours (draw_all_pixels + print)", &ch256, ref_ms);
	double ratio = ref_ms / (tc.ms / tc.frames), ratio256 = ref_ms / (c256.ms / c256.frames);
	double ratio240 = (ch256.ms / ch256.frames) / (c256.ms / c256.frames);
	printf("\nratio chafa / sandtop, truecolor:   %.1f  (goal >= 50: %s)\n", ratio, ratio >= 50 ? "met" : "NOT met");
	printf("ratio chafa / sandtop, 256 colours: %.1f  (chafa truecolor against sandtop 256)\n", ratio256);
	printf("ratio chafa 240 / sandtop 256:      %.1f\n", ratio240);
	printf("bytes chafa / sandtop, truecolor:   %.1f\n", (ch.bytes / ch.frames) / (tc.bytes / tc.frames));

	printf("\nfidelity: the picture each renderer leaves in the pane (its output read back, 2 pixels a cell)\n");
	printf("against each frame box-downscaled (exact area average) to the same %dx%d pixels; the mean\n", cols,
	       2 * rows);
	printf("over the %d frames, SSIM of luma (8x8 windows), mean absolute error per channel (0..255)\n\n", nfr);
	printf("  %-44s %7s %8s %6s %6s %6s\n", "renderer", "SSIM", "min SSIM", "MAE R", "MAE G", "MAE B");
	fid_row("sandtop truecolor (dirty rect + cell diff)", &tc.fid);
	fid_row("sandtop 256 colours (dirty rect + cell diff)", &c256.fid);
	fid_row("sandtop truecolor, full redraw every frame", &tcfull.fid);
	fid_row("sandtop 256 colours, full redraw every frame", &c256full.fid);
	fid_row("chafa truecolor (half blocks)", &ch.fid);
	fid_row("chafa 240 colours (half blocks)", &ch256.fid);
	fid_row("(sandtop's downscale, before the terminal)", &tc.pre);
	double s_tc = tc.fid.sum.ssim / tc.fid.frames, s_ch = ch.fid.sum.ssim / ch.fid.frames;
	double s_256 = c256.fid.sum.ssim / c256.fid.frames, s_240 = ch256.fid.sum.ssim / ch256.fid.frames;
	printf("\nratio SSIM sandtop / chafa, truecolor:   %.4f  (goal >= 1: %s)\n", s_tc / s_ch,
	       s_tc >= s_ch ? "met" : "NOT met");
	printf("ratio SSIM sandtop / chafa, 256 colours: %.4f  (sandtop 256 against chafa 240; goal >= 1: %s)\n",
	       s_256 / s_240, s_256 >= s_240 ? "met" : "NOT met");

	/* real pixels: the pane of cols x rows cells in cells of CELL_W x CELL_H,
	 * the desktop fitted into those pixels (aspect kept) and rounded to
	 * whole cells, the same size for both */
	int gw, gh;
	vr_frame_size(W, H, max_cols * CELL_W, max_rows * CELL_H / 2, &gw, &gh);
	int scols = gw / CELL_W, srows = 2 * gh / CELL_H, pw = scols * CELL_W, ph = srows * CELL_H;
	pref = calloc((size_t)nfr, sizeof *pref);
	for (int i = 0; pref && i < nfr; i++) {
		pref[i] = malloc(sizeof(float) * 3 * (size_t)pw * (size_t)ph);
		if (!pref[i])
			die("out of memory");
		fid_reference(fr[i].px, W, H, (size_t)W * 4, pref[i], pw, ph);
	}
	if (!pref)
		die("out of memory");
	run_ours_pixels(SIXEL, pw, ph, 1, false);
	printf("\nreal pixels: the pane %dx%d cells of %dx%d px, %dx%d px; CPU and fidelity as above, each\n", scols,
	       srows, CELL_W, CELL_H, pw, ph);
	printf("image read back (libsixel; bench/kittyread.c) against the frame box-downscaled to the same pixels\n");
	static const char *const names[] = {[SIXEL] = "sixel", [KITTY] = "kitty"};
	static const char *const what[] = {[SIXEL] = "changed cells", [KITTY] = "changed pixels"};
	for (enum proto p = SIXEL; p <= KITTY; p++) {
		struct result ours = run_ours_pixels(p, pw, ph, passes, true);
		struct result chafa = run_chafa_pixels(p, scols, srows, passes, true);
		char name[64];
		printf("\n  %-44s %8s %8s %10s %8s  %7s\n", "renderer", "ms/frame", "max ms", "bytes/frm", "", "chafa/x");
		double ref_ms = chafa.ms / chafa.frames;
		snprintf(name, sizeof name, "sandtop %s (dirty rect, %s)", names[p], what[p]);
		print_row(name, &ours, ref_ms);
		snprintf(name, sizeof name, "chafa %s (draw_all_pixels + print)", names[p]);
		print_row(name, &chafa, ref_ms);
		printf("\n  %-44s %7s %8s %6s %6s %6s\n", "renderer", "SSIM", "min SSIM", "MAE R", "MAE G", "MAE B");
		snprintf(name, sizeof name, "sandtop %s", names[p]);
		fid_row(name, &ours.fid);
		snprintf(name, sizeof name, "chafa %s", names[p]);
		fid_row(name, &chafa.fid);
		double s_ours = ours.fid.sum.ssim / ours.fid.frames, s_chafa = chafa.fid.sum.ssim / chafa.fid.frames;
		printf("\nratio chafa / sandtop, %s:      %.1f\n", names[p], ref_ms / (ours.ms / ours.frames));
		printf("ratio SSIM sandtop / chafa, %s: %.4f\n", names[p], s_ours / s_chafa);
	}
	return 0;
}
