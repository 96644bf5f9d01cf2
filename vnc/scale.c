/* scale: fitting a desktop into a grid of half-block cells, and the area-weighted box downscale of its changed region. */
#include "vnc/render.h"

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

/* Sums of the channels of one source row's part of a box, added to
 * f (its first pixel), m (those between) and l (its last; a part of one
 * pixel has only f). */
struct parts {
	uint64_t f[3], m[3], l[3];
};

static inline void row_parts(const uint8_t *p, int len, struct parts *s)
{
	s->f[0] += p[0];
	s->f[1] += p[1];
	s->f[2] += p[2];
	if (len == 1)
		return;
	uint32_t r = 0, g = 0, b = 0;
	const uint8_t *q = p + 4, *e = p + (size_t)(len - 1) * 4;
	for (; q < e; q += 4) {
		r += q[0];
		g += q[1];
		b += q[2];
	}
	s->m[0] += r;
	s->m[1] += g;
	s->m[2] += b;
	s->l[0] += e[0];
	s->l[1] += e[1];
	s->l[2] += e[2];
}

/* The parts weighed along x into sum, times wy: the weights are separable,
 * so rows of one weight are summed first and weighed once. */
static inline void weigh(const struct parts *s, uint64_t wa, uint64_t wb, uint64_t n, uint64_t wy, uint64_t sum[3])
{
	for (int c = 0; c < 3; c++)
		sum[c] += wy * (wa * s->f[c] + n * s->m[c] + wb * s->l[c]);
}

void vr_downscale(const uint8_t *src, int sw, int sh, size_t stride,
                  uint8_t *dst, int dw, int dh, int rx, int ry, int rw, int rh)
{
	if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0)
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
		const uint8_t *top = src + (size_t)ya * stride, *bottom = src + (size_t)(yb - 1) * stride;
		for (int i = di0; i < di1; i++) {
			int xa, xb, wxa, wxb;
			span(i, dw, sw, &xa, &xb, &wxa, &wxb);
			/* a part of one pixel weighs its whole box: s, as f alone */
			uint64_t wa = (uint64_t)wxa, wb = (uint64_t)wxb, n = (uint64_t)dw;
			size_t off = (size_t)xa * 4;
			int len = xb - xa;
			uint64_t sum[3] = {0, 0, 0};
			struct parts edge = {0};
			row_parts(top + off, len, &edge);
			if (yb - ya == 1) {
				weigh(&edge, wa, wb, n, (uint64_t)wya, sum);
			} else {
				weigh(&edge, wa, wb, n, (uint64_t)wya, sum);
				struct parts mid = {0}, last = {0};
				for (int y = ya + 1; y < yb - 1; y++)
					row_parts(src + (size_t)y * stride + off, len, &mid);
				row_parts(bottom + off, len, &last);
				weigh(&mid, wa, wb, n, (uint64_t)dh, sum);
				weigh(&last, wa, wb, n, (uint64_t)wyb, sum);
			}
			uint8_t *d = dst + ((size_t)j * dw + i) * 3;
			for (int c = 0; c < 3; c++)
				d[c] = (uint8_t)((double)(sum[c] + total / 2) * inv + 0x1p-40);
		}
	}
}
