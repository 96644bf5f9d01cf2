/* scale: fitting a desktop into a grid of half-block cells, and the box-filter downscale of its changed region. */
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

/* Source span [*a, *b) of destination index i of n over a source of size s. */
static void span(int i, int n, int s, int *a, int *b)
{
	*a = (int)((int64_t)i * s / n);
	*b = (int)((int64_t)(i + 1) * s / n);
	if (*b <= *a)
		*b = *a + 1; /* scaling up: repeat the pixel */
}

/* ceil(a / b) for a >= 0, b > 0 */
static int64_t ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* The destination indices [*i0, *i1) of n whose spans (see span()) meet
 * source positions [p0, p1) of a size s: the first span that ends after p0
 * up to the first that starts at or after p1. Span i starts at
 * floor(i s / n) and ends at floor((i + 1) s / n), or one later when that is
 * no further (scaling up). */
static void covering(int p0, int p1, int n, int s, int *i0, int *i1)
{
	int64_t a = ceil_div((int64_t)(p0 + 1) * n, s) - 1; /* ends after p0 */
	int64_t b = ceil_div((int64_t)p0 * n, s);           /* starts at p0 or later */
	int64_t e = ceil_div((int64_t)p1 * n, s);
	*i0 = (int)(a < b ? a : b);
	*i1 = (int)(e > n ? n : e);
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
	for (int j = dj0; j < dj1; j++) {
		int ya, yb;
		span(j, dh, sh, &ya, &yb);
		if (yb > sh)
			yb = sh;
		for (int i = di0; i < di1; i++) {
			int xa, xb;
			span(i, dw, sw, &xa, &xb);
			if (xb > sw)
				xb = sw;
			uint64_t sr = 0, sg = 0, sb = 0;
			for (int y = ya; y < yb; y++) {
				const uint8_t *p = src + (size_t)y * stride + (size_t)xa * 4;
				for (int x = xa; x < xb; x++, p += 4) {
					sr += p[0];
					sg += p[1];
					sb += p[2];
				}
			}
			uint64_t n = (uint64_t)(yb - ya) * (uint64_t)(xb - xa);
			uint8_t *d = dst + ((size_t)j * dw + i) * 3;
			d[0] = (uint8_t)((sr + n / 2) / n);
			d[1] = (uint8_t)((sg + n / 2) / n);
			d[2] = (uint8_t)((sb + n / 2) / n);
		}
	}
}
