/* scale: fitting a desktop into a grid of half-block cells, and the area-weighted box downscale of its changed region. */
#include "vnc/render.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void vr_fit(int fb_w, int fb_h, int max_cols, int max_rows, int *cols, int *rows)
{
	*cols = *rows = 0;
	if (fb_w <= 0 || fb_h <= 0 || max_cols <= 0 || max_rows <= 0)
		return;
	/* a cell is one pixel wide and two tall: rows = cols * fb_h / (2 fb_w) */
	int64_t c = max_cols;
	int64_t r = (c * fb_h + fb_w) / (2 * (int64_t)fb_w); /* rounded */
	if (r > max_rows) {
		r = max_rows;
		c = (r * 2 * fb_w + fb_h / 2) / fb_h;
		if (c > max_cols)
			c = max_cols;
	}
	*cols = c < 1 ? 1 : (int)c;
	*rows = r < 1 ? 1 : (int)r;
}

void vr_frame_size(int fb_w, int fb_h, int grid_cols, int grid_rows, int *cols, int *rows)
{
	int mc = grid_cols < fb_w ? grid_cols : fb_w;   /* never more pixels than the desktop has */
	int half = fb_h / 2 > 0 ? fb_h / 2 : 1;
	vr_fit(fb_w, fb_h, mc, grid_rows < half ? grid_rows : half, cols, rows);
}

/* Destination index i of n over a source of size s covers, in units of
 * 1/n of a source pixel, [i s, (i+1) s): source pixels [*a, *b), the first
 * weighing *wa units, the last *wb, those between n each (one pixel alone
 * weighs s, the whole box). The weights of a box add up to s. */
static void span(int i, int n, int s, int *a, int *b, int *wa, int *wb)
{
	int64_t lo = (int64_t)i * s, hi = lo + s;
	*a = (int)(lo / n);
	*b = (int)((hi + n - 1) / n);
	if (*b - *a == 1) {
		*wa = *wb = s;
		return;
	}
	*wa = (int)((int64_t)(*a + 1) * n - lo);
	*wb = (int)(hi - (int64_t)(*b - 1) * n);
}

/* The destination indices [*i0, *i1) of n whose boxes (see span()) meet
 * source positions [p0, p1) of a size s: box i meets pixel x when
 * i s < (x + 1) n and (i + 1) s > x n. */
static void covering(int p0, int p1, int n, int s, int *i0, int *i1)
{
	int64_t e = ((int64_t)p1 * n + s - 1) / s;
	*i0 = (int)((int64_t)p0 * n / s);
	*i1 = (int)(e > n ? n : e);
}

/* The weighed column sums of one destination row's band of source rows
 * [ya, yb) (the first weighing wya units, the last wyb, those between n
 * each; one row alone weighs its whole box), over len bytes of each row
 * from off: 4 lanes a pixel (R, G, B and the pad, kept so the loops run
 * over plain bytes). A lane is at most 255 times the band's weight, the
 * source's height in all: below 2^24 for a source at most 65535 high. */
static void band_sums(const uint8_t *src, size_t stride, int ya, int yb, uint32_t wya, uint32_t wyb,
                      uint32_t n, size_t off, size_t len, uint32_t *restrict cs)
{
	const uint8_t *restrict top = src + (size_t)ya * stride + off;
	const uint8_t *restrict bot = src + (size_t)(yb - 1) * stride + off;
	size_t k = 0;
	if (yb - ya == 1) {
		for (; k < len; k++)
			cs[k] = wya * top[k];
		return;
	}
	/* 16 lanes at a time, down the whole band, in single floats, which the
	 * compiler vectorises at -O2 (32-bit integer multiplies it cannot with
	 * SSE2): every product and sum is an integer below 2^24, so exact */
	float fn = (float)n, fa = (float)wya, fb = (float)wyb;
	for (; k + 16 <= len; k += 16) {
		uint32_t acc[16] = {0};
		for (int y = ya + 1; y < yb - 1; y++) {
			const uint8_t *restrict p = src + (size_t)y * stride + off + k;
			for (int t = 0; t < 16; t++)
				acc[t] += p[t];
		}
		for (int t = 0; t < 16; t++)
			cs[k + t] = (uint32_t)(int32_t)((float)(int32_t)acc[t] * fn + (float)top[k + t] * fa +
			                                (float)bot[k + t] * fb);
	}
	for (; k < len; k++) {
		uint32_t acc = 0;
		for (int y = ya + 1; y < yb - 1; y++)
			acc += src[(size_t)y * stride + off + k];
		cs[k] = acc * n + wya * top[k] + wyb * bot[k];
	}
}

void vr_downscale(const uint8_t *src, int sw, int sh, size_t stride,
                  uint8_t *dst, int dw, int dh, int rx, int ry, int rw, int rh)
{
	/* a source at most 65535 high keeps band_sums exact (RFB's sizes are 16 bits) */
	if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || sh > 65535)
		return;
	/* clip the dirty rectangle to the source */
	int x0 = rx < 0 ? 0 : rx, y0 = ry < 0 ? 0 : ry;
	int x1 = (int64_t)rx + rw > sw ? sw : rx + rw, y1 = (int64_t)ry + rh > sh ? sh : ry + rh;
	if (x0 >= x1 || y0 >= y1)
		return;
	/* destination pixels whose boxes meet it */
	int di0, di1, dj0, dj1;
	covering(x0, x1, dw, sw, &di0, &di1);
	covering(y0, y1, dh, sh, &dj0, &dj1);
	/* the source columns under them */
	int ca, cb, a, b, wa, wb;
	span(di0, dw, sw, &ca, &b, &wa, &wb);
	span(di1 - 1, dw, sw, &a, &cb, &wa, &wb);
	size_t len = (size_t)(cb - ca) * 4;
	uint32_t *cs = xmalloc(len * sizeof *cs);
	/* the boxes along x, the same in every row: found once */
	struct xbox { uint32_t f, l, wa, wb; } *xs = xmalloc((size_t)(di1 - di0) * sizeof *xs);
	for (int i = di0; i < di1; i++) {
		int xa, xb, wxa, wxb;
		span(i, dw, sw, &xa, &xb, &wxa, &wxb);
		xs[i - di0] = (struct xbox){ (uint32_t)(xa - ca) * 4, (uint32_t)(xb - 1 - ca) * 4, (uint32_t)wxa,
		                             xb - xa > 1 ? (uint32_t)wxb : 0 };
	}
	/* every box weighs sw x sh units in all: a sum over it, plus half of
	 * that for rounding, times its reciprocal (cheaper than dividing); the
	 * quotient's steps are 1/(sw sh) >= 2^-32 apart and a double's error
	 * at most 2^-44, so 2^-40 added keeps an exact integer from falling
	 * short of itself */
	uint64_t total = (uint64_t)sw * (uint64_t)sh;
	double inv = 1.0 / (double)total;
	for (int j = dj0; j < dj1; j++) {
		int ya, yb, wya, wyb;
		span(j, dh, sh, &ya, &yb, &wya, &wyb);
		band_sums(src, stride, ya, yb, (uint32_t)wya, (uint32_t)wyb, (uint32_t)dh, (size_t)ca * 4, len, cs);
		uint8_t *d = dst + ((size_t)j * dw + di0) * 3;
		for (int i = 0; i < di1 - di0; i++, d += 3) {
			const struct xbox *x = &xs[i];
			const uint32_t *f = cs + x->f, *l = cs + x->l;
			uint64_t sum[3];
			for (int c = 0; c < 3; c++)
				sum[c] = (uint64_t)x->wa * f[c];
			if (x->wb) {
				uint64_t m[3] = {0, 0, 0};
				for (const uint32_t *q = f + 4; q < l; q += 4)
					for (int c = 0; c < 3; c++)
						m[c] += q[c];
				for (int c = 0; c < 3; c++)
					sum[c] += (uint64_t)dw * m[c] + (uint64_t)x->wb * l[c];
			}
			for (int c = 0; c < 3; c++)
				d[c] = (uint8_t)((double)(sum[c] + total / 2) * inv + 0x1p-40);
		}
	}
	free(xs);
	free(cs);
}
