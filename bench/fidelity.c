/* fidelity: a half-block terminal model reading renderers' output back into pixels, the box-downscaled reference, SSIM and mean absolute error. */
#include "bench/fidelity.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fid_term {
	int cols, rows, y0, x0;
	int cr, cc;        /* the cursor, absolute, 0-based */
	int fg, bg;        /* 0xRRGGBB, or -1: the terminal's default */
	bool inverse;
	size_t cells;
	uint8_t *px;       /* cols x 2 rows, RGB */
};

/* xterm's 256 colours: 16 system colours, the 6x6x6 cube, 24 greys. */
static const uint32_t sys16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const uint8_t cube[6] = { 0, 95, 135, 175, 215, 255 };

static int xterm256(int n)
{
	if (n < 16)
		return (int)sys16[n];
	if (n < 232) {
		n -= 16;
		return cube[n / 36] << 16 | cube[n / 6 % 6] << 8 | cube[n % 6];
	}
	int g = 8 + 10 * (n - 232);
	return g << 16 | g << 8 | g;
}

struct fid_term *fid_term_new(int cols, int rows, int y0, int x0)
{
	if (cols < 1 || rows < 1 || y0 < 0 || x0 < 0)
		return NULL;
	struct fid_term *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->px = calloc((size_t)cols * 2 * (size_t)rows, 3);
	if (!t->px) {
		free(t);
		return NULL;
	}
	t->cols = cols;
	t->rows = rows;
	t->y0 = y0;
	t->x0 = x0;
	fid_term_begin(t);
	return t;
}

void fid_term_free(struct fid_term *t)
{
	if (!t)
		return;
	free(t->px);
	free(t);
}

void fid_term_begin(struct fid_term *t)
{
	t->cr = t->y0;
	t->cc = t->x0;
	t->fg = t->bg = -1;
	t->inverse = false;
	t->cells = 0;
}

const uint8_t *fid_term_pixels(const struct fid_term *t)
{
	return t->px;
}

size_t fid_term_cells(const struct fid_term *t)
{
	return t->cells;
}

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

/* SGR: the parameters p[0..np) (an empty parameter is 0). */
static int sgr(struct fid_term *t, const int *p, int np, char *err, size_t errlen)
{
	if (np == 0) {
		t->fg = t->bg = -1;
		t->inverse = false;
		return 0;
	}
	for (int i = 0; i < np; i++) {
		int v = p[i];
		if (v == 0) {
			t->fg = t->bg = -1;
			t->inverse = false;
		} else if (v == 7 || v == 27) {
			t->inverse = v == 7;
		} else if (v == 39 || v == 49) {
			*(v == 39 ? &t->fg : &t->bg) = -1;
		} else if ((v == 38 || v == 48) && i + 2 < np && p[i + 1] == 5 && p[i + 2] >= 0 && p[i + 2] < 256) {
			*(v == 38 ? &t->fg : &t->bg) = xterm256(p[i + 2]);
			i += 2;
		} else if ((v == 38 || v == 48) && i + 4 < np && p[i + 1] == 2 && p[i + 2] < 256 && p[i + 3] < 256 &&
			   p[i + 4] < 256) {
			*(v == 38 ? &t->fg : &t->bg) = p[i + 2] << 16 | p[i + 3] << 8 | p[i + 4];
			i += 4;
		} else {
			return FAIL("SGR parameter %d (at %d of %d) not in the model", v, i, np);
		}
	}
	return 0;
}

/* A CSI sequence with parameters p[0..np) (missing ones -1) and final f. */
static int csi(struct fid_term *t, const int *p, int np, char f, char *err, size_t errlen)
{
	int a = np > 0 && p[0] > 0 ? p[0] : 1, b = np > 1 && p[1] > 0 ? p[1] : 1;
	switch (f) {
	case 'm': {
		int q[32];
		for (int i = 0; i < np; i++)
			q[i] = p[i] < 0 ? 0 : p[i];
		return sgr(t, q, np, err, errlen);
	}
	case 'H': case 'f': t->cr = a - 1; t->cc = b - 1; return 0;
	case 'A': t->cr -= a; return 0;
	case 'B': t->cr += a; return 0;
	case 'C': t->cc += a; return 0;
	case 'D': t->cc -= a; return 0;
	case 'G': t->cc = a - 1; return 0;
	case 'd': t->cr = a - 1; return 0;
	default: return FAIL("CSI ... %c not in the model", f);
	}
}

/* Draw one cell at the cursor: which half shows the foreground. */
enum glyph { G_SPACE, G_UPPER, G_LOWER, G_FULL };

static int draw(struct fid_term *t, enum glyph g, char *err, size_t errlen)
{
	int r = t->cr - t->y0, c = t->cc - t->x0;
	if (r < 0 || r >= t->rows || c < 0 || c >= t->cols)
		return FAIL("a cell drawn at row %d, column %d, outside the %dx%d pane at %d,%d", t->cr, t->cc,
			    t->cols, t->rows, t->y0, t->x0);
	int fg = t->inverse ? t->bg : t->fg, bg = t->inverse ? t->fg : t->bg;
	bool fg_up = g == G_UPPER || g == G_FULL, fg_lo = g == G_LOWER || g == G_FULL;
	int up = fg_up ? fg : bg, lo = fg_lo ? fg : bg;
	if (up < 0 || lo < 0)
		return FAIL("a cell drawn with the terminal's default colour at row %d, column %d", t->cr, t->cc);
	uint8_t *pu = t->px + ((size_t)(2 * r) * t->cols + c) * 3, *pl = pu + (size_t)t->cols * 3;
	pu[0] = (uint8_t)(up >> 16);
	pu[1] = (uint8_t)(up >> 8);
	pu[2] = (uint8_t)up;
	pl[0] = (uint8_t)(lo >> 16);
	pl[1] = (uint8_t)(lo >> 8);
	pl[2] = (uint8_t)lo;
	t->cc++;
	t->cells++;
	return 0;
}

int fid_term_feed(struct fid_term *t, const char *s, size_t n, char *err, size_t errlen)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char ch = u[i];
		if (ch == 0x1b) {
			if (i + 1 >= n || u[i + 1] != '[')
				return FAIL("ESC not followed by [ at byte %zu", i);
			int p[32], np = 0, cur = -1;
			size_t j = i + 2;
			for (; j < n && ((u[j] >= '0' && u[j] <= '9') || u[j] == ';'); j++) {
				if (u[j] == ';') {
					if (np == 31)
						return FAIL("too many parameters at byte %zu", i);
					p[np++] = cur;
					cur = -1;
				} else {
					cur = (cur < 0 ? 0 : cur) * 10 + (u[j] - '0');
					if (cur > 65535)
						return FAIL("parameter too large at byte %zu", i);
				}
			}
			if (j > i + 2)
				p[np++] = cur;
			if (j >= n || u[j] < 0x40 || u[j] > 0x7e)
				return FAIL("a CSI sequence the model cannot read at byte %zu", i);
			if (csi(t, p, np, (char)u[j], err, errlen) < 0)
				return -1;
			i = j + 1;
		} else if (ch == '\n') {
			t->cr++;
			t->cc = 0;
			i++;
		} else if (ch == '\r') {
			t->cc = 0;
			i++;
		} else if (ch == ' ') {
			if (draw(t, G_SPACE, err, errlen) < 0)
				return -1;
			i++;
		} else if (ch == 0xe2 && i + 2 < n && u[i + 1] == 0x96 &&
			   (u[i + 2] == 0x80 || u[i + 2] == 0x84 || u[i + 2] == 0x88)) {
			enum glyph g = u[i + 2] == 0x80 ? G_UPPER : u[i + 2] == 0x84 ? G_LOWER : G_FULL;
			if (draw(t, g, err, errlen) < 0)
				return -1;
			i += 3;
		} else {
			return FAIL("byte 0x%02x at %zu: not a glyph or control the model knows", ch, i);
		}
	}
	return 0;
}

/* ---- the reference ---- */

/* The source span of destination pixel i of d over s source pixels:
 * [i*s/d, (i+1)*s/d), as the first source pixel and the weight of each. */
struct span {
	int first, n;
	double *w;
};

static struct span *spans(int s, int d)
{
	struct span *sp = calloc((size_t)d, sizeof *sp);
	if (!sp)
		abort();
	for (int i = 0; i < d; i++) {
		double a = (double)i * s / d, b = (double)(i + 1) * s / d;
		int x0 = (int)floor(a), x1 = (int)ceil(b);
		if (x1 > s)
			x1 = s;
		sp[i].first = x0;
		sp[i].n = x1 - x0;
		sp[i].w = malloc(sizeof(double) * (size_t)sp[i].n);
		if (!sp[i].w)
			abort();
		for (int x = x0; x < x1; x++)
			sp[i].w[x - x0] = (fmin(b, x + 1.0) - fmax(a, (double)x)) / (b - a);
	}
	return sp;
}

static void spans_free(struct span *sp, int d)
{
	for (int i = 0; i < d; i++)
		free(sp[i].w);
	free(sp);
}

void fid_reference(const uint8_t *src, int sw, int sh, size_t stride, float *dst, int dw, int dh)
{
	struct span *hx = spans(sw, dw), *vy = spans(sh, dh);
	double *rowbuf = malloc(sizeof(double) * 3 * (size_t)dw * (size_t)sh);
	if (!rowbuf)
		abort();
	for (int y = 0; y < sh; y++) /* across: every source row to dw pixels */
		for (int i = 0; i < dw; i++) {
			const uint8_t *p = src + (size_t)y * stride + (size_t)hx[i].first * 4;
			double acc[3] = { 0, 0, 0 };
			for (int k = 0; k < hx[i].n; k++, p += 4)
				for (int ch = 0; ch < 3; ch++)
					acc[ch] += hx[i].w[k] * p[ch];
			for (int ch = 0; ch < 3; ch++)
				rowbuf[((size_t)y * dw + i) * 3 + ch] = acc[ch];
		}
	for (int j = 0; j < dh; j++) /* down */
		for (int i = 0; i < dw; i++) {
			double acc[3] = { 0, 0, 0 };
			for (int k = 0; k < vy[j].n; k++)
				for (int ch = 0; ch < 3; ch++)
					acc[ch] += vy[j].w[k] * rowbuf[((size_t)(vy[j].first + k) * dw + i) * 3 + ch];
			for (int ch = 0; ch < 3; ch++)
				dst[((size_t)j * dw + i) * 3 + ch] = (float)acc[ch];
		}
	free(rowbuf);
	spans_free(hx, dw);
	spans_free(vy, dh);
}

/* ---- the scores ---- */

static double luma(double r, double g, double b)
{
	return 0.299 * r + 0.587 * g + 0.114 * b;
}

struct fid_score fid_compare(const float *ref, const uint8_t *px, int w, int h)
{
	struct fid_score sc = { 0 };
	if (w < 1 || h < 1)
		return sc;
	size_t n = (size_t)w * h;
	double *yr = malloc(sizeof(double) * n * 2), *yp = yr + n;
	if (!yr)
		abort();
	for (size_t i = 0; i < n; i++) {
		const float *r = ref + 3 * i;
		const uint8_t *p = px + 3 * i;
		for (int ch = 0; ch < 3; ch++)
			sc.mae[ch] += fabs((double)p[ch] - r[ch]);
		yr[i] = luma(r[0], r[1], r[2]);
		yp[i] = luma(p[0], p[1], p[2]);
	}
	for (int ch = 0; ch < 3; ch++)
		sc.mae[ch] /= (double)n;

	const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
	int win = 8;
	if (win > w)
		win = w;
	if (win > h)
		win = h;
	double m = (double)win * win, sum = 0;
	long nwin = 0;
	for (int y = 0; y + win <= h; y++)
		for (int x = 0; x + win <= w; x++) {
			double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
			for (int k = 0; k < win; k++) {
				const double *a = yr + (size_t)(y + k) * w + x, *b = yp + (size_t)(y + k) * w + x;
				for (int l = 0; l < win; l++) {
					sa += a[l];
					sb += b[l];
					saa += a[l] * a[l];
					sbb += b[l] * b[l];
					sab += a[l] * b[l];
				}
			}
			double ma = sa / m, mb = sb / m;
			double va = saa / m - ma * ma, vb = sbb / m - mb * mb, cab = sab / m - ma * mb;
			sum += ((2 * ma * mb + c1) * (2 * cab + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
			nwin++;
		}
	sc.ssim = sum / (double)nwin;
	free(yr);
	return sc;
}

/* ---- self-test ---- */

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			snprintf(err, errlen, __VA_ARGS__); \
			fid_term_free(t); \
			return -1; \
		} \
	} while (0)

int fid_selftest(char *err, size_t errlen)
{
	char e[200];
	struct fid_term *t = fid_term_new(3, 1, 1, 0);
	CHECK(t, "out of memory");
	/* ▀ with a truecolor foreground and a 256-colour background (red); in
	 * inverse ▀ again (red above); inverse off, ▄ (red above) */
	const char ok[] = "\033[2;1H\033[38;2;1;2;3;48;5;196m\xe2\x96\x80\033[7m\xe2\x96\x80"
			  "\033[27m\xe2\x96\x84\033[0m";
	CHECK(fid_term_feed(t, ok, sizeof ok - 1, e, sizeof e) == 0, "model: %s", e);
	const uint8_t *p = fid_term_pixels(t);
	const uint8_t want[18] = { 1, 2, 3, 255, 0, 0, 255, 0, 0, 255, 0, 0, 1, 2, 3, 1, 2, 3 };
	CHECK(memcmp(p, want, 18) == 0, "model: wrong pixels (upper row %u,%u,%u %u,%u,%u %u,%u,%u)", p[0], p[1],
	      p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
	CHECK(fid_term_cells(t) == 3, "model: %zu cells, want 3", fid_term_cells(t));
	static const char *const bad[] = {
		"\033[1;1H\033[48;2;0;0;0m ", /* above the pane (it starts at row 1) */
		"\033[2;1H\033[48;2;0;0;0m    ", /* a fourth cell: beyond its right edge */
		"\033[2;1H\033[0m ",           /* the default background */
		"\033[2;1H\033[48;2;0;0;0mx",  /* a glyph the model does not know */
		"\033[2;1H\033[4m",            /* underline */
		"\033[2J",                     /* erase */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		fid_term_begin(t);
		CHECK(fid_term_feed(t, bad[i], strlen(bad[i]), e, sizeof e) < 0, "model: accepted bad input %zu", i);
	}
	fid_term_free(t);
	t = NULL;

	/* the reference: 2x2 pixels of 0 and 255 to 1x1 is their mean; 3 to 2
	 * across weighs the middle pixel half to each side */
	uint8_t src[4 * 3] = { 0, 0, 0, 0, 90, 90, 90, 0, 255, 255, 255, 0 };
	float d[6];
	fid_reference(src, 3, 1, 12, d, 2, 1);
	CHECK(fabs(d[0] - 30.0) < 1e-3 && fabs(d[3] - 200.0) < 1e-3, "reference: %.3f %.3f, want 30 200", d[0],
	      d[3]);

	/* SSIM: 1 for the same picture, lower for a changed one, symmetric */
	enum { N = 16 };
	uint8_t a[N * N * 3], b[N * N * 3];
	float fa[N * N * 3], fb[N * N * 3];
	for (int i = 0; i < N * N * 3; i++) {
		a[i] = (uint8_t)((i / 3 % N) * 16 + (i / 3 / N) * 3);
		b[i] = (uint8_t)((i / 3 / N) % 2 ? a[i] : 255 - a[i]);
		fa[i] = a[i];
		fb[i] = b[i];
	}
	struct fid_score s1 = fid_compare(fa, a, N, N), s2 = fid_compare(fa, b, N, N), s3 = fid_compare(fb, a, N, N);
	CHECK(fabs(s1.ssim - 1) < 1e-9 && s1.mae[0] == 0, "SSIM of a picture with itself: %.6f", s1.ssim);
	CHECK(s2.ssim < 0.5 && fabs(s2.ssim - s3.ssim) < 1e-9, "SSIM of a changed picture: %.6f, %.6f", s2.ssim,
	      s3.ssim);
	return 0;
}
