/* test_vnc_render: fitting, box downscale, 256-colour quantizing, the diffing emitter, sixel images and PNG writing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <png.h>
#include <sixel.h>

#include "base/buf.h"
#include "base/err.h"
#include "vnc/render.h"


/* ---- helpers ------------------------------------------------------------ */

/* A sw x sh source of 4-byte pixels, rows `stride` bytes apart; the pad
 * byte and the bytes past each row hold junk that must never count. */
static uint8_t *src_new(int sw, int sh, size_t stride)
{
	uint8_t *s = malloc((size_t)sh * stride);
	assert_non_null(s);
	memset(s, 0xEE, (size_t)sh * stride);
	for (int y = 0; y < sh; y++)
		for (int x = 0; x < sw; x++)
			s[(size_t)y * stride + (size_t)x * 4 + 3] = 0xAB;
	return s;
}

static void src_set(uint8_t *s, size_t stride, int x, int y, uint8_t r, uint8_t g, uint8_t b)
{
	uint8_t *p = s + (size_t)y * stride + (size_t)x * 4;
	p[0] = r;
	p[1] = g;
	p[2] = b;
}

/* Deterministic pseudo-random bytes (xorshift32). */
static uint32_t rnd(uint32_t *st)
{
	uint32_t x = *st;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *st = x;
}

static void src_fill_random(uint8_t *s, int sw, int sh, size_t stride, uint32_t seed)
{
	for (int y = 0; y < sh; y++)
		for (int x = 0; x < sw; x++) {
			uint32_t v = rnd(&seed);
			src_set(s, stride, x, y, (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16));
		}
}

static const uint8_t *dpx(const uint8_t *d, int dw, int x, int y)
{
	return d + ((size_t)y * (size_t)dw + (size_t)x) * 3;
}

static void assert_px(const uint8_t *p, uint8_t r, uint8_t g, uint8_t b)
{
	if (p[0] != r || p[1] != g || p[2] != b)
		fail_msg("pixel (%u,%u,%u), want (%u,%u,%u)", p[0], p[1], p[2], r, g, b);
}

/* ---- vr_fit ------------------------------------------------------------- */

/* spec "FWxFH in MCxMR = WCxWR": vr_fit of a desktop of FWxFH pixels into
 * at most MCxMR cells gives WCxWR. */
static void expect_fit(const char *spec)
{
	int fw, fh, mc, mr, wc, wr, c = -7, r = -7;
	if (sscanf(spec, "%dx%d in %dx%d = %dx%d", &fw, &fh, &mc, &mr, &wc, &wr) != 6)
		fail_msg("bad spec %s", spec);
	vr_fit(fw, fh, mc, mr, &c, &r);
	if (c != wc || r != wr)
		fail_msg("vr_fit %s: got %dx%d", spec, c, r);
}

static void test_fit(void **state)
{
	(void)state;
	/* rows 160 * 800 / 2560 = 50 > 48, so rows 48, cols 48 * 2560 / 800 = 153.6 */
	expect_fit("1280x800 in 160x48 = 154x48");
	/* 4:3: 48 rows = 96 px tall, 128 px wide */
	expect_fit("1024x768 in 160x48 = 128x48");
	/* width-bound: 200 * 800 / 2560 = 62.5, rounded */
	expect_fit("1280x800 in 200x100 = 200x63");
	/* a square desktop is square in pixels: 96 x 96 */
	expect_fit("2x2 in 160x48 = 96x48");
	expect_fit("1x1 in 1x1 = 1x1");
	/* 10 x 1: 160 px wide, 16 px (8 cells) tall */
	expect_fit("10x1 in 160x48 = 160x8");
	/* extremes: never 0 */
	expect_fit("1x10000 in 160x48 = 1x48");
	expect_fit("10000x1 in 160x48 = 160x1");
	expect_fit("1280x800 in 1x1 = 1x1");
	/* degenerate inputs give 0 x 0 */
	expect_fit("0x800 in 160x48 = 0x0");
	expect_fit("1280x0 in 160x48 = 0x0");
	expect_fit("-1x800 in 160x48 = 0x0");
	expect_fit("1280x800 in 0x48 = 0x0");
	expect_fit("1280x800 in 160x-3 = 0x0");
}

/* Over many sizes: within the limits, as big as one of them allows, and the
 * aspect kept to within a cell. */
static void test_fit_property(void **state)
{
	(void)state;
	static const int fbs[][2] = { { 1280, 800 }, { 1024, 768 }, { 1920, 1080 }, { 3840, 2160 },
				      { 800, 1280 }, { 320, 200 }, { 7, 3 }, { 3, 7 } };
	for (size_t i = 0; i < sizeof fbs / sizeof fbs[0]; i++)
		for (int mc = 1; mc <= 300; mc += 7)
			for (int mr = 1; mr <= 120; mr += 5) {
				int fw = fbs[i][0], fh = fbs[i][1], c, r;
				vr_fit(fw, fh, mc, mr, &c, &r);
				assert_true(c >= 1 && c <= mc && r >= 1 && r <= mr);
				assert_true(c == mc || r == mr);
				/* ideal rows for these cols, ideal cols for these rows */
				double ir = (double)c * fh / (2.0 * fw), ic = 2.0 * r * fw / fh;
				bool near = (ir - r <= 1.0 && r - ir <= 1.0) || (ic - c <= 1.0 && c - ic <= 1.0);
				if (!near && !(c == 1 || r == 1))
					fail_msg("%dx%d in %dx%d: %dx%d", fw, fh, mc, mr, c, r);
			}
}

/* ---- vr_downscale ------------------------------------------------------- */

static void test_downscale_average(void **state)
{
	(void)state;
	/* 4x2 -> 2x1: two 2x2 boxes */
	size_t stride = 4 * 4 + 12;
	uint8_t *s = src_new(4, 2, stride);
	src_set(s, stride, 0, 0, 0, 100, 1);
	src_set(s, stride, 1, 0, 10, 100, 2);
	src_set(s, stride, 0, 1, 20, 101, 2);
	src_set(s, stride, 1, 1, 31, 101, 2);
	src_set(s, stride, 2, 0, 255, 0, 0);
	src_set(s, stride, 3, 0, 255, 0, 1);
	src_set(s, stride, 2, 1, 255, 0, 0);
	src_set(s, stride, 3, 1, 254, 1, 1);
	uint8_t d[2 * 3];
	vr_downscale(s, 4, 2, stride, d, 2, 1, 0, 0, 4, 2);
	assert_px(dpx(d, 2, 0, 0), 15, 101, 2); /* 61/4 = 15.25, 402/4 = 100.5 rounds up, 7/4 = 1.75 */
	assert_px(dpx(d, 2, 1, 0), 255, 0, 1);  /* 1019/4 = 254.75, 1/4, 2/4 = 0.5 up */
	free(s);

	/* 5x1 -> 2x1: boxes [0,2.5) and [2.5,5): pixel 2 is cut in half */
	s = src_new(5, 1, 20);
	for (int x = 0; x < 5; x++)
		src_set(s, 20, x, 0, (uint8_t)(10 * (x + 1)), (uint8_t)x, 200);
	uint8_t e[2 * 3];
	vr_downscale(s, 5, 1, 20, e, 2, 1, 0, 0, 5, 1);
	assert_px(dpx(e, 2, 0, 0), 18, 1, 200);  /* (10 + 20 + 30/2) / 2.5, (0 + 1 + 2/2) / 2.5 = 0.8 */
	assert_px(dpx(e, 2, 1, 0), 42, 3, 200);  /* (30/2 + 40 + 50) / 2.5, (2/2 + 3 + 4) / 2.5 = 3.2 */
	free(s);

	/* 3x1 -> 2x1: boxes [0,1.5) and [1.5,3): pixel 1 shared */
	s = src_new(3, 1, 12);
	src_set(s, 12, 0, 0, 9, 9, 9);
	src_set(s, 12, 1, 0, 100, 0, 255);
	src_set(s, 12, 2, 0, 201, 1, 254);
	vr_downscale(s, 3, 1, 12, e, 2, 1, 0, 0, 3, 1);
	assert_px(dpx(e, 2, 0, 0), 39, 6, 91);   /* (2*9 + 100) / 3 = 39.3, 18/3, (18 + 255) / 3 */
	assert_px(dpx(e, 2, 1, 0), 167, 1, 254); /* (100 + 2*201) / 3 = 167.3, 2/3 up, 763/3 = 254.3 */
	free(s);
}

static void test_downscale_one_pixel(void **state)
{
	(void)state;
	/* 3x3 -> 1x1 is the mean of all nine */
	uint8_t *s = src_new(3, 3, 3 * 4);
	for (int i = 0; i < 9; i++)
		src_set(s, 12, i % 3, i / 3, (uint8_t)(10 * i), (uint8_t)(255 - i), (uint8_t)(i & 1));
	uint8_t d[3];
	vr_downscale(s, 3, 3, 12, d, 1, 1, 0, 0, 3, 3);
	assert_px(d, 40, 251, 0); /* 360/9; (2295-36)/9 = 251; 4/9 */
	free(s);
	/* 1x1 -> 1x1 copies */
	s = src_new(1, 1, 4);
	src_set(s, 4, 0, 0, 1, 2, 3);
	vr_downscale(s, 1, 1, 4, d, 1, 1, 0, 0, 1, 1);
	assert_px(d, 1, 2, 3);
	free(s);
}

static void test_downscale_upscale(void **state)
{
	(void)state;
	/* a 2x1 source into 4x2 repeats each pixel */
	uint8_t *s = src_new(2, 1, 8);
	src_set(s, 8, 0, 0, 1, 2, 3);
	src_set(s, 8, 1, 0, 200, 100, 50);
	uint8_t d[4 * 2 * 3];
	vr_downscale(s, 2, 1, 8, d, 4, 2, 0, 0, 2, 1);
	for (int y = 0; y < 2; y++) {
		assert_px(dpx(d, 4, 0, y), 1, 2, 3);
		assert_px(dpx(d, 4, 1, y), 1, 2, 3);
		assert_px(dpx(d, 4, 2, y), 200, 100, 50);
		assert_px(dpx(d, 4, 3, y), 200, 100, 50);
	}
	free(s);
}

/* Count destination pixels that are no longer the sentinel. */
static int changed(const uint8_t *d, int n, uint8_t sentinel, int *first)
{
	int k = 0;
	*first = -1;
	for (int i = 0; i < n * 3; i++)
		if (d[i] != sentinel) {
			if (*first < 0)
				*first = i / 3;
			k++;
			while (i % 3 != 2)
				i++;
		}
	return k;
}

static void test_downscale_dirty_only(void **state)
{
	(void)state;
	/* 8x8 -> 4x4: 2x2 boxes; a black source against a 0x77 sentinel */
	uint8_t *s = src_new(8, 8, 32);
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++)
			src_set(s, 32, x, y, 0, 0, 0);
	uint8_t d[16 * 3];
	int first;

	memset(d, 0x77, sizeof d);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 2, 2, 1, 1); /* inside box (1,1) */
	assert_int_equal(changed(d, 16, 0x77, &first), 1);
	assert_int_equal(first, 1 * 4 + 1);

	memset(d, 0x77, sizeof d);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 3, 1, 2, 2); /* x 3..4, y 1..2: boxes x 1..2, y 0..1 */
	assert_int_equal(changed(d, 16, 0x77, &first), 4);
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 4; x++) {
			bool in = x >= 1 && x <= 2 && y <= 1;
			assert_int_equal(dpx(d, 4, x, y)[0], in ? 0 : 0x77);
		}

	/* clipping: partly outside, entirely outside, empty, negative, huge */
	memset(d, 0x77, sizeof d);
	vr_downscale(s, 8, 8, 32, d, 4, 4, -5, -5, 8, 8); /* [0,3) x [0,3) */
	assert_int_equal(changed(d, 16, 0x77, &first), 4);
	assert_int_equal(dpx(d, 4, 1, 1)[0], 0);
	memset(d, 0x77, sizeof d);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 8, 0, 5, 5);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 0, 100, 5, 5);
	vr_downscale(s, 8, 8, 32, d, 4, 4, -10, -10, 10, 10);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 2, 2, 0, 4);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 2, 2, -3, 4);
	assert_int_equal(changed(d, 16, 0x77, &first), 0);
	vr_downscale(s, 8, 8, 32, d, 4, 4, 6, 6, 0x7fffffff, 0x7fffffff);
	assert_int_equal(changed(d, 16, 0x77, &first), 1);
	assert_int_equal(first, 15);
	vr_downscale(s, 8, 8, 32, d, 4, 4, -10, -10, 0x7fffffff, 0x7fffffff);
	assert_int_equal(changed(d, 16, 0x77, &first), 16);
	/* degenerate sizes write nothing */
	memset(d, 0x77, sizeof d);
	vr_downscale(s, 0, 8, 32, d, 4, 4, 0, 0, 8, 8);
	vr_downscale(s, 8, 8, 32, d, 0, 4, 0, 0, 8, 8);
	assert_int_equal(changed(d, 16, 0x77, &first), 0);
	free(s);
}

/* Updating frame A's result with only the rectangle where B differs gives
 * B's full result, for random rectangles. */
static void dirty_equals_full(int sw, int sh, int dw, int dh, int rounds, uint32_t seed)
{
	size_t stride = (size_t)sw * 4 + 4;
	uint8_t *s = src_new(sw, sh, stride);
	size_t dn = (size_t)dw * (size_t)dh * 3;
	uint8_t *inc = malloc(dn), *full = malloc(dn);
	assert_non_null(inc);
	assert_non_null(full);
	src_fill_random(s, sw, sh, stride, seed);
	vr_downscale(s, sw, sh, stride, inc, dw, dh, 0, 0, sw, sh);
	for (int k = 0; k < rounds; k++) {
		int rx = (int)(rnd(&seed) % (uint32_t)sw), ry = (int)(rnd(&seed) % (uint32_t)sh);
		int rw = 1 + (int)(rnd(&seed) % (uint32_t)(sw - rx)), rh = 1 + (int)(rnd(&seed) % (uint32_t)(sh - ry));
		if (k % 3 == 0)
			rw = rh = 1; /* single pixels find box edges */
		for (int y = ry; y < ry + rh; y++)
			for (int x = rx; x < rx + rw; x++) {
				uint32_t v = rnd(&seed);
				src_set(s, stride, x, y, (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16));
			}
		vr_downscale(s, sw, sh, stride, inc, dw, dh, rx, ry, rw, rh);
		vr_downscale(s, sw, sh, stride, full, dw, dh, 0, 0, sw, sh);
		if (memcmp(inc, full, dn) != 0)
			fail_msg("%dx%d -> %dx%d: rect %d,%d %dx%d: the update differs from a full redo",
				 sw, sh, dw, dh, rx, ry, rw, rh);
	}
	free(s);
	free(inc);
	free(full);
}

/* Source and destination sizes, how many random updates, the seed. */
static const struct { int sw, sh, dw, dh, updates, seed; } dirty_cases[] = {
	/* integer ratios */
	{8, 8, 4, 4, 200, 1},
	{12, 9, 3, 3, 200, 2},
	{7, 5, 7, 5, 100, 3},
	{1280, 800, 160, 100, 20, 4},
	/* non-integer ratios: boxes of different widths */
	{3, 3, 2, 2, 200, 5},
	{5, 7, 2, 3, 200, 6},
	{1280, 800, 154, 96, 60, 7},
	/* scaling up: several destination pixels share a source pixel */
	{2, 3, 3, 5, 200, 8},
	{1, 1, 4, 4, 10, 9},
};

static void test_downscale_dirty_equals_full(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof dirty_cases / sizeof *dirty_cases; i++)
		dirty_equals_full(dirty_cases[i].sw, dirty_cases[i].sh, dirty_cases[i].dw, dirty_cases[i].dh,
		                  dirty_cases[i].updates, dirty_cases[i].seed);
}

/* The part of destination pixel i (of n) that source pixel x covers, in
 * units of 1/n of a source pixel: [x n, (x + 1) n) against [i s, (i + 1) s). */
static int64_t overlap(int64_t x, int64_t i, int64_t n, int64_t s)
{
	int64_t lo = x * n > i * s ? x * n : i * s;
	int64_t hi = (x + 1) * n < (i + 1) * s ? (x + 1) * n : (i + 1) * s;
	return hi > lo ? hi - lo : 0;
}

/* Every destination pixel is the exact area average of the source under
 * it, rounded half up: checked against a sum over every source pixel, for
 * sizes whose boxes are narrow, wide, tall (a band of many rows), partly
 * covered and scaled up. */
static void test_downscale_exact(void **state)
{
	(void)state;
	static const struct { int sw, sh, dw, dh; } cases[] = {
		{1280, 800, 154, 96}, {37, 23, 5, 7}, {3000, 4, 2, 1}, {6, 3000, 1, 2},
		{801, 1203, 160, 97}, {9, 9, 9, 9}, {3, 2, 7, 5}, {1, 700, 3, 3},
		{700, 1, 3, 3}, {257, 1031, 3, 1}, {33, 65, 16, 32},
	};
	uint32_t seed = 99;
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		int sw = cases[k].sw, sh = cases[k].sh, dw = cases[k].dw, dh = cases[k].dh;
		size_t stride = (size_t)sw * 4 + 8;
		uint8_t *s = src_new(sw, sh, stride);
		src_fill_random(s, sw, sh, stride, seed + (uint32_t)k);
		uint8_t *d = malloc((size_t)dw * (size_t)dh * 3);
		assert_non_null(d);
		vr_downscale(s, sw, sh, stride, d, dw, dh, 0, 0, sw, sh);
		uint64_t total = (uint64_t)sw * (uint64_t)sh;
		for (int j = 0; j < dh; j++)
			for (int i = 0; i < dw; i++) {
				uint64_t sum[3] = {0, 0, 0};
				int xa = (int)((int64_t)i * sw / dw), xb = (int)(((int64_t)i + 1) * sw / dw) + 1;
				int ya = (int)((int64_t)j * sh / dh), yb = (int)(((int64_t)j + 1) * sh / dh) + 1;
				for (int y = ya; y < yb && y < sh; y++)
					for (int x = xa; x < xb && x < sw; x++) {
						int64_t w = overlap(x, i, dw, sw) * overlap(y, j, dh, sh);
						for (int c = 0; c < 3; c++)
							sum[c] += (uint64_t)w * s[(size_t)y * stride + (size_t)x * 4 + c];
					}
				const uint8_t *got = dpx(d, dw, i, j);
				for (int c = 0; c < 3; c++)
					if (got[c] != (sum[c] + total / 2) / total)
						fail_msg("%dx%d -> %dx%d: pixel %d,%d channel %d is %u, not %u", sw, sh, dw,
						         dh, i, j, c, got[c], (unsigned)((sum[c] + total / 2) / total));
			}
		free(s);
		free(d);
	}
	/* a source beyond RFB's 16-bit sizes is not drawn */
	uint8_t *s = src_new(1, 65536, 4), d[3] = {7, 7, 7};
	vr_downscale(s, 1, 65536, 4, d, 1, 1, 0, 0, 1, 65536);
	assert_int_equal(d[0], 7);
	free(s);
}

/* ---- vr_rgb_to_256 ------------------------------------------------------ */

static int wdist(int r, int g, int b, int cr, int cg, int cb)
{
	return (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb);
}

static void xterm_rgb(int i, int *r, int *g, int *b)
{
	static const int lv[6] = { 0, 95, 135, 175, 215, 255 };
	if (i >= 232) {
		*r = *g = *b = 8 + 10 * (i - 232);
		return;
	}
	i -= 16;
	*r = lv[i / 36];
	*g = lv[i / 6 % 6];
	*b = lv[i % 6];
}

/* Colours and the xterm index each must map to. */
static const struct { uint8_t r, g, b; int want; } rgb_cases[] = {
	/* cube corners */
	{0, 0, 0, 16}, {255, 255, 255, 231}, {255, 0, 0, 196}, {0, 255, 0, 46},
	{0, 0, 255, 21}, {255, 255, 0, 226}, {0, 255, 255, 51}, {255, 0, 255, 201},
	/* exact cube entries */
	{95, 135, 175, 16 + 36 * 1 + 6 * 2 + 3}, {215, 95, 0, 16 + 36 * 4 + 6 * 1 + 0},
	/* greys: exact ramp entries, and greys between cube levels */
	{8, 8, 8, 232}, {238, 238, 238, 255}, {128, 128, 128, 244}, {118, 118, 118, 243},
	{100, 100, 100, 241},                        /* 98 beats the cube's 95 */
	{135, 135, 135, 16 + 36 * 2 + 6 * 2 + 2},    /* cube grey, exact */
	/* nearest level per channel around the midpoints 47.5 and 115 */
	{47, 255, 255, 16 + 0 + 30 + 5}, {48, 255, 255, 16 + 36 + 30 + 5},
	{114, 255, 255, 16 + 36 + 30 + 5}, {116, 255, 255, 16 + 72 + 30 + 5},
	{200, 30, 30, 16 + 36 * 4},
};

static void test_rgb_to_256(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rgb_cases / sizeof *rgb_cases; i++) {
		int got = vr_rgb_to_256(rgb_cases[i].r, rgb_cases[i].g, rgb_cases[i].b);
		if (got != rgb_cases[i].want)
			fail_msg("(%d,%d,%d) -> %d, want %d", rgb_cases[i].r, rgb_cases[i].g, rgb_cases[i].b, got,
			         rgb_cases[i].want);
	}
	/* never the 16 user colours */
	assert_true(vr_rgb_to_256(1, 2, 3) >= 16);
}

/* Against a brute-force search over 16..255 with the same distance. */
static void test_rgb_to_256_nearest(void **state)
{
	(void)state;
	for (int r = 0; r < 256; r += 3)
		for (int g = 0; g < 256; g += 5)
			for (int b = 0; b < 256; b += 2) {
				int best = 1 << 30, cr, cg, cb;
				for (int i = 16; i < 256; i++) {
					xterm_rgb(i, &cr, &cg, &cb);
					int d = wdist(r, g, b, cr, cg, cb);
					if (d < best)
						best = d;
				}
				int got = vr_rgb_to_256((uint8_t)r, (uint8_t)g, (uint8_t)b);
				xterm_rgb(got, &cr, &cg, &cb);
				if (got < 16 || wdist(r, g, b, cr, cg, cb) != best)
					fail_msg("(%d,%d,%d) -> %d, not nearest", r, g, b, got);
			}
}

/* ---- vr_emit ------------------------------------------------------------ */

#define RED 255, 0, 0
#define BLUE 0, 0, 255
#define GREEN 0, 255, 0

/* An RGB image of cols x 2 rows pixels of one colour. */
static uint8_t *img_new(int cols, int rows, uint8_t r, uint8_t g, uint8_t b)
{
	size_t n = (size_t)cols * 2 * (size_t)rows;
	uint8_t *p = malloc(n * 3);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		p[3 * i] = r;
		p[3 * i + 1] = g;
		p[3 * i + 2] = b;
	}
	return p;
}

static void img_set(uint8_t *p, int cols, int x, int y, uint8_t r, uint8_t g, uint8_t b)
{
	uint8_t *q = p + ((size_t)y * (size_t)cols + (size_t)x) * 3;
	q[0] = r;
	q[1] = g;
	q[2] = b;
}

/* Run vr_emit into a fresh buffer; check the count and the exact bytes. */
static void expect_emit(struct vr_screen *s, const uint8_t *px, int cols, int rows, int y0, int x0,
			enum vr_mode mode, size_t want_cells, const char *want)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	size_t n = vr_emit(s, px, cols, rows, y0, x0, mode, &b);
	if (strlen(want) != b.len || (b.len && memcmp(b.data, want, b.len) != 0)) {
		/* show both with escapes visible */
		char got[4096] = "", exp[4096] = "";
		for (size_t i = 0, k = 0; i < b.len && k + 5 < sizeof got; i++)
			k += (size_t)snprintf(got + k, sizeof got - k, b.data[i] == '\033' ? "\\e" : "%c", b.data[i]);
		for (size_t i = 0, k = 0; want[i] && k + 5 < sizeof exp; i++)
			k += (size_t)snprintf(exp + k, sizeof exp - k, want[i] == '\033' ? "\\e" : "%c", want[i]);
		fail_msg("emitted\n  %s\nwant\n  %s", got, exp);
	}
	assert_int_equal(n, want_cells);
	buf_free(&b);
}

#define UPPER "\xe2\x96\x80"

/* 2x1 cells: (0) red over blue, (1) green over green. */
static void two_cells(uint8_t px[2 * 2 * 3])
{
	img_set(px, 2, 0, 0, RED);
	img_set(px, 2, 0, 1, BLUE);
	img_set(px, 2, 1, 0, GREEN);
	img_set(px, 2, 1, 1, GREEN);
}

static void test_emit_tiny(void **state)
{
	(void)state;
	uint8_t px[2 * 2 * 3];
	two_cells(px);
	struct vr_screen *s = vr_screen_new();
	expect_emit(s, px, 2, 1, 2, 3, VR_TRUECOLOR, 2,
		    "\033[3;4H" "\033[38;2;255;0;0;48;2;0;0;255m" UPPER "\033[48;2;0;255;0m" " " "\033[0m");
	/* the same frame again: nothing at all */
	expect_emit(s, px, 2, 1, 2, 3, VR_TRUECOLOR, 0, "");
	vr_screen_free(s);

	s = vr_screen_new();
	expect_emit(s, px, 2, 1, 2, 3, VR_256, 2,
		    "\033[3;4H" "\033[38;5;196;48;5;21m" UPPER "\033[48;5;46m" " " "\033[0m");
	expect_emit(s, px, 2, 1, 2, 3, VR_256, 0, "");
	vr_screen_free(s);
	vr_screen_free(NULL);
}

/* A new screen, in true colour, shown the frame px of cols x rows cells at
 * (y0, x0): every cell drawn, as want exactly. The caller frees it. */
static struct vr_screen *screen_showing(const uint8_t *px, int cols, int rows, int y0, int x0, const char *want)
{
	struct vr_screen *s = vr_screen_new();
	expect_emit(s, px, cols, rows, y0, x0, VR_TRUECOLOR, (size_t)cols * (size_t)rows, want);
	return s;
}

static void test_emit_one_cell(void **state)
{
	(void)state;
	/* 4x3 cells of grey; then cell (row 1, col 2) gets a red upper half */
	uint8_t *px = img_new(4, 3, 10, 20, 30);
	/* a uniform frame: one SGR, then spaces, a CUP at each row start */
	struct vr_screen *s = screen_showing(px, 4, 3, 0, 0,
	                                     "\033[1;1H\033[48;2;10;20;30m    \033[2;1H    \033[3;1H    \033[0m");

	img_set(px, 4, 2, 2, RED);
	expect_emit(s, px, 4, 3, 0, 0, VR_TRUECOLOR, 1,
		    "\033[2;3H\033[38;2;255;0;0;48;2;10;20;30m" UPPER "\033[0m");
	expect_emit(s, px, 4, 3, 0, 0, VR_TRUECOLOR, 0, "");
	/* every change is written exactly, the smallest too (the picture is the
	 * desktop's, not a 6-bit approximation): 10,20,30 -> 11,23,28 and 8,21,31 */
	img_set(px, 4, 0, 0, 11, 23, 28);
	img_set(px, 4, 3, 5, 8, 21, 31);
	expect_emit(s, px, 4, 3, 0, 0, VR_TRUECOLOR, 2,
		    "\033[1;1H\033[38;2;11;23;28;48;2;10;20;30m" UPPER
		    "\033[3;4H\033[38;2;10;20;30;48;2;8;21;31m" UPPER "\033[0m");
	expect_emit(s, px, 4, 3, 0, 0, VR_TRUECOLOR, 0, "");
	/* one level more is a change too */
	img_set(px, 4, 3, 5, 9, 21, 31);
	expect_emit(s, px, 4, 3, 0, 0, VR_TRUECOLOR, 1,
		    "\033[3;4H\033[38;2;10;20;30;48;2;9;21;31m" UPPER "\033[0m");
	vr_screen_free(s);
	free(px);
}

static void test_emit_gaps_and_elision(void **state)
{
	(void)state;
	uint8_t *px = img_new(8, 2, 0, 0, 0);
	struct vr_screen *s = screen_showing(px, 8, 2, 5, 10, "\033[6;11H\033[48;2;0;0;0m        \033[7;11H        \033[0m");

	/* three cells in row 0 (cols 1, 2, 6) red over blue, one in row 1 (col 0)
	 * blue over red: one SGR for the run, CSI C over the gap, CUP to the
	 * next row, then both colours change */
	for (int c = 1; c < 8; c += c == 2 ? 4 : 1) {
		img_set(px, 8, c, 0, RED);
		img_set(px, 8, c, 1, BLUE);
		if (c == 6)
			break;
	}
	img_set(px, 8, 0, 2, BLUE);
	img_set(px, 8, 0, 3, RED);
	expect_emit(s, px, 8, 2, 5, 10, VR_TRUECOLOR, 4,
		    "\033[6;12H\033[38;2;255;0;0;48;2;0;0;255m" UPPER UPPER
		    "\033[3C" UPPER
		    "\033[7;11H\033[38;2;0;0;255;48;2;255;0;0m" UPPER "\033[0m");

	/* a space sets only the bg; the fg stays set for the next cell */
	img_set(px, 8, 0, 0, GREEN);
	img_set(px, 8, 0, 1, BLUE);
	img_set(px, 8, 1, 0, 0, 0, 0);
	img_set(px, 8, 1, 1, 0, 0, 0);
	img_set(px, 8, 2, 0, GREEN);
	expect_emit(s, px, 8, 2, 5, 10, VR_TRUECOLOR, 3,
		    "\033[6;11H\033[38;2;0;255;0;48;2;0;0;255m" UPPER
		    "\033[48;2;0;0;0m "
		    "\033[48;2;0;0;255m" UPPER "\033[0m");

	/* 256 colours: elision works on indices */
	vr_screen_invalidate(s);
	uint8_t px2[3 * 2 * 3];
	for (int c = 0; c < 3; c++) {
		img_set(px2, 3, c, 0, RED);
		img_set(px2, 3, c, 1, BLUE);
	}
	img_set(px2, 3, 2, 1, 0, 0, 250); /* another shade, the same index */
	expect_emit(s, px2, 3, 1, 0, 0, VR_256, 3, "\033[1;1H\033[38;5;196;48;5;21m" UPPER UPPER UPPER "\033[0m");
	/* a new shade with the same index writes nothing */
	img_set(px2, 3, 1, 0, 240, 0, 0);
	expect_emit(s, px2, 3, 1, 0, 0, VR_256, 0, "");
	/* halves with one index make a space, though their shades differ */
	img_set(px2, 3, 0, 1, 250, 0, 0);
	expect_emit(s, px2, 3, 1, 0, 0, VR_256, 1, "\033[1;1H\033[48;5;196m \033[0m");
	vr_screen_free(s);
	free(px);
}

static void test_emit_truecolor_space(void **state)
{
	(void)state;
	/* halves of one colour: a space with it as bg */
	uint8_t px[1 * 2 * 3];
	img_set(px, 1, 0, 0, 252, 1, 2);
	img_set(px, 1, 0, 1, 252, 1, 2);
	struct vr_screen *s = vr_screen_new();
	expect_emit(s, px, 1, 1, 0, 0, VR_TRUECOLOR, 1, "\033[1;1H\033[48;2;252;1;2m \033[0m");
	/* halves a shade apart: both colours, an upper half block */
	img_set(px, 1, 0, 0, 255, 0, 0);
	expect_emit(s, px, 1, 1, 0, 0, VR_TRUECOLOR, 1, "\033[1;1H\033[38;2;255;0;0;48;2;252;1;2m" UPPER "\033[0m");
	vr_screen_free(s);
}

static void test_emit_redraws(void **state)
{
	(void)state;
	uint8_t px[2 * 2 * 3];
	two_cells(px);
	const char *at_0_0 = "\033[1;1H\033[38;2;255;0;0;48;2;0;0;255m" UPPER "\033[48;2;0;255;0m \033[0m";
	struct vr_screen *s = vr_screen_new();
	expect_emit(s, px, 2, 1, 0, 0, VR_TRUECOLOR, 2, at_0_0);
	expect_emit(s, px, 2, 1, 0, 0, VR_TRUECOLOR, 0, "");
	/* invalidate: everything again */
	vr_screen_invalidate(s);
	expect_emit(s, px, 2, 1, 0, 0, VR_TRUECOLOR, 2, at_0_0);
	/* moved origin: everything, at the new place */
	expect_emit(s, px, 2, 1, 0, 1, VR_TRUECOLOR, 2,
		    "\033[1;2H\033[38;2;255;0;0;48;2;0;0;255m" UPPER "\033[48;2;0;255;0m \033[0m");
	expect_emit(s, px, 2, 1, 9, 1, VR_TRUECOLOR, 2,
		    "\033[10;2H\033[38;2;255;0;0;48;2;0;0;255m" UPPER "\033[48;2;0;255;0m \033[0m");
	/* a mode change */
	expect_emit(s, px, 2, 1, 9, 1, VR_256, 2, "\033[10;2H\033[38;5;196;48;5;21m" UPPER "\033[48;5;46m \033[0m");
	/* a size change: 1x1 of the same picture's first column */
	uint8_t one[2 * 3] = { RED, BLUE };
	expect_emit(s, one, 1, 1, 9, 1, VR_256, 1, "\033[10;2H\033[38;5;196;48;5;21m" UPPER "\033[0m");
	/* nonsense geometry writes nothing and changes nothing */
	expect_emit(s, one, 0, 1, 9, 1, VR_256, 0, "");
	expect_emit(s, one, 1, 1, -1, 1, VR_256, 0, "");
	expect_emit(s, one, 1, 1, 9, 1, VR_256, 0, "");
	vr_screen_free(s);
}

static void test_emit_overflow(void **state)
{
	(void)state;
	uint8_t *px = img_new(40, 10, 1, 2, 3);
	img_set(px, 40, 5, 5, RED);
	struct vr_screen *s = vr_screen_new();
	struct buf small;
	buf_init(&small, 64);
	assert_true(buf_puts(&small, "keep") == 0);
	/* too big for the buffer: nothing of the frame stays, all redrawn later */
	assert_int_equal(vr_emit(s, px, 40, 10, 0, 0, VR_TRUECOLOR, &small), 0);
	assert_true(small.overflow);
	assert_int_equal(small.len, 4);
	assert_string_equal(small.data, "keep");
	buf_free(&small);
	struct buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(vr_emit(s, px, 40, 10, 0, 0, VR_TRUECOLOR, &b), 400);
	assert_false(b.overflow);
	buf_free(&b);
	/* a large frame, bigger than the emitter's own chunk, comes out whole */
	uint8_t *big = img_new(200, 60, 0, 0, 0);
	for (int y = 0; y < 120; y++)
		for (int x = 0; x < 200; x++)
			img_set(big, 200, x, y, (uint8_t)(x * 7 + y), (uint8_t)(y * 13), (uint8_t)(x ^ y));
	buf_init(&b, 1 << 22);
	assert_int_equal(vr_emit(s, big, 200, 60, 0, 0, VR_TRUECOLOR, &b), 12000);
	assert_true(b.len > 8192 * 2);
	assert_int_equal(memcmp(b.data + b.len - 4, "\033[0m", 4), 0);
	assert_int_equal(strlen(b.data), b.len);
	buf_free(&b);
	vr_screen_free(s);
	free(px);
	free(big);
}

/* ---- vr_png_write ------------------------------------------------------- */

static void png_roundtrip(int w, int h, uint32_t seed)
{
	size_t n = (size_t)w * (size_t)h * 3;
	uint8_t *rgb = malloc(n);
	assert_non_null(rgb);
	for (size_t i = 0; i < n; i++)
		rgb[i] = (uint8_t)rnd(&seed);
	FILE *fp = tmpfile();
	assert_non_null(fp);
	struct err e = { 0 };
	assert_int_equal(vr_png_write(fp, rgb, w, h, &e), 0);
	assert_int_equal(e.code, 0);
	rewind(fp);

	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_stdio(&img, fp));
	assert_int_equal(img.width, (png_uint_32)w);
	assert_int_equal(img.height, (png_uint_32)h);
	assert_int_equal(img.format, PNG_FORMAT_RGB); /* 8-bit RGB, no alpha */
	uint8_t *back = malloc(n);
	assert_non_null(back);
	assert_true(png_image_finish_read(&img, NULL, back, 0, NULL));
	assert_memory_equal(back, rgb, n);
	png_image_free(&img);
	fclose(fp);
	free(rgb);
	free(back);
}

static void test_png_roundtrip(void **state)
{
	(void)state;
	png_roundtrip(1, 1, 11);
	png_roundtrip(5, 3, 12);
	png_roundtrip(320, 200, 13); /* more than stdio's buffer */
}

static void test_png_errors(void **state)
{
	(void)state;
	uint8_t *rgb = malloc(300 * 200 * 3);
	assert_non_null(rgb);
	uint32_t seed = 77;
	for (size_t i = 0; i < 300 * 200 * 3; i++)
		rgb[i] = (uint8_t)rnd(&seed); /* incompressible: more than stdio buffers */
	struct err e = { 0 };
	FILE *fp = fopen("/dev/full", "wb");
	assert_non_null(fp);
	/* a big image fails inside libpng's writes, a small one at the flush */
	assert_int_equal(vr_png_write(fp, rgb, 300, 200, &e), -1);
	assert_int_equal(e.code, 1);
	assert_non_null(strstr(e.msg, "No space left on device"));
	clearerr(fp);
	err_clear(&e);
	assert_int_equal(vr_png_write(fp, rgb, 2, 2, &e), -1);
	assert_non_null(strstr(e.msg, "No space left on device"));
	fclose(fp);

	fp = tmpfile();
	assert_non_null(fp);
	err_clear(&e);
	assert_int_equal(vr_png_write(fp, rgb, 0, 5, &e), -1);
	assert_true(e.msg[0] != '\0');
	err_clear(&e);
	/* wider than libpng's limit: its error, not a crash */
	assert_int_equal(vr_png_write(fp, rgb, 2000000, 1, &e), -1);
	assert_true(e.msg[0] != '\0');
	fclose(fp);
	free(rgb);
}

/* ---- sixel ---- */

/* A w x h picture of four flat quadrants: red, green, blue, white. */
static uint8_t *quadrants(int w, int h)
{
	static const uint8_t col[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
	uint8_t *px = malloc((size_t)w * (size_t)h * 3);
	assert_non_null(px);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			memcpy(px + ((size_t)y * (size_t)w + (size_t)x) * 3, col[(y >= h / 2) * 2 + (x >= w / 2)], 3);
	return px;
}

/* out's sixel image decoded by libsixel's own decoder, asserted to be
 * w x h: each pixel's register in *pix, the registers (3 bytes each) in
 * *pal; the caller frees both. Returns the register count. */
static int decode(const struct buf *out, int w, int h, unsigned char **pix, unsigned char **pal)
{
	int dw = 0, dh = 0, nc = 0;
	assert_true(SIXEL_SUCCEEDED(sixel_decode_raw((unsigned char *)out->data, (int)out->len, pix, &dw, &dh, pal,
	                                             &nc, NULL)));
	assert_int_equal(dw, w);
	assert_int_equal(dh, h);
	return nc;
}

/* What a terminal would show: the image decoded by libsixel's own decoder
 * has the picture's size and every pixel its colour (four colours fit any
 * palette exactly). */
static void test_sixel_roundtrip(void **state)
{
	(void)state;
	int w = 37, h = 25; /* neither a multiple of the 6-pixel band */
	uint8_t *px = quadrants(w, h);
	struct buf out;
	buf_init(&out, 1u << 20);
	struct err e = {0};
	assert_int_equal(vr_sixel(px, (size_t)w * 3, w, h, 256, &out, &e), 0);
	assert_true(out.len > 4);
	assert_memory_equal(out.data, "\033P", 2);
	assert_memory_equal(out.data + out.len - 2, "\033\\", 2);
	unsigned char *pix = NULL, *pal = NULL;
	decode(&out, w, h, &pix, &pal);
	int wrong = 0;
	for (int i = 0; i < w * h; i++)
		if (memcmp(pal + (size_t)pix[i] * 3, px + (size_t)i * 3, 3) != 0)
			wrong++;
	assert_int_equal(wrong, 0);
	free(pix);
	free(pal);
	free(px);
	buf_free(&out);
}

/* A photograph (a gradient of 16384 colours): libsixel's palette; the
 * decoded picture stays close (mean error per channel under 8 of 255). */
static void test_sixel_many_colours(void **state)
{
	(void)state;
	int w = 128, h = 128;
	uint8_t *px = malloc((size_t)w * (size_t)h * 3);
	assert_non_null(px);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint8_t *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
			p[0] = (uint8_t)(x * 2);
			p[1] = (uint8_t)(y * 2);
			p[2] = (uint8_t)(x + y);
		}
	struct buf out;
	buf_init(&out, 1u << 20);
	struct err e = {0};
	assert_int_equal(vr_sixel(px, (size_t)w * 3, w, h, 256, &out, &e), 0);
	unsigned char *pix = NULL, *pal = NULL;
	int nc = decode(&out, w, h, &pix, &pal);
	assert_true(nc <= 256);
	long sum = 0;
	for (int i = 0; i < w * h; i++)
		for (int c = 0; c < 3; c++)
			sum += labs((long)pal[(size_t)pix[i] * 3 + (size_t)c] - px[(size_t)i * 3 + (size_t)c]);
	assert_true(sum < 8L * w * h * 3);
	free(pix);
	free(pal);
	free(px);
	buf_free(&out);
}

/* A desktop's picture of more colours than registers (10 flat colours and
 * 300 rare blends): the frequent colours exactly, each blend as the
 * nearest of them. */
static void test_sixel_desktop_palette(void **state)
{
	(void)state;
	int w = 100, h = 100;
	uint8_t *px = malloc((size_t)w * (size_t)h * 3);
	assert_non_null(px);
	for (int i = 0; i < w * h; i++) {
		uint8_t *p = px + (size_t)i * 3;
		int flat = i / 1000;   /* 10 bands of 1000 pixels */
		p[0] = (uint8_t)(flat * 25);
		p[1] = (uint8_t)(250 - flat * 25);
		p[2] = 100;
		if (i % 33 == 0 && i / 33 < 300)   /* a blend: one step off its band's colour */
			p[2] = (uint8_t)(101 + (i / 33) % 2);
	}
	struct buf out;
	buf_init(&out, 1u << 20);
	struct err e = {0};
	assert_int_equal(vr_sixel(px, (size_t)w * 3, w, h, 8, &out, &e), 0);   /* 8 registers for 10 flat colours */
	unsigned char *pix = NULL, *pal = NULL;
	assert_int_equal(decode(&out, w, h, &pix, &pal), 8);
	int exact = 0;
	for (int i = 0; i < w * h; i++) {
		const uint8_t *got = pal + (size_t)pix[i] * 3, *want = px + (size_t)i * 3;
		/* exact to the register's precision (percents: within 1.3) */
		exact += abs(got[0] - want[0]) <= 1 && abs(got[1] - want[1]) <= 1 && abs(got[2] - want[2]) <= 1;
		/* anything else is the nearest flat colour: a neighbouring band's,
		 * 25 off in red and green, or its own for a blend */
		for (int c = 0; c < 3; c++)
			assert_true(abs(got[c] - want[c]) <= 26);
	}
	assert_true(exact >= 8 * 1000 - 300);   /* the 8 most frequent bands are shown exactly */
	free(pix);
	free(pal);
	free(px);
	buf_free(&out);
}

/* A part of a picture (rows stride bytes apart): the image is that part. */
static void test_sixel_part(void **state)
{
	(void)state;
	int w = 40, h = 30;
	uint8_t *px = quadrants(w, h);
	struct buf out;
	buf_init(&out, 1u << 20);
	struct err e = {0};
	/* the 12x9 part at (16, 12): the four colours meet at (20, 15) */
	assert_int_equal(vr_sixel(px + (12 * (size_t)w + 16) * 3, (size_t)w * 3, 12, 9, 256, &out, &e), 0);
	unsigned char *pix = NULL, *pal = NULL;
	decode(&out, 12, 9, &pix, &pal);
	for (int y = 0; y < 9; y++)
		for (int x = 0; x < 12; x++)
			assert_memory_equal(pal + (size_t)pix[y * 12 + x] * 3, px + ((size_t)(12 + y) * (size_t)w + 16 + (size_t)x) * 3, 3);
	free(pix);
	free(pal);
	free(px);
	buf_free(&out);
}

/* What changed, in whole cells from the top-left, cut at the edges. */
static void test_changed_cells(void **state)
{
	(void)state;
	int w = 50, h = 40, x, y, rw, rh;
	uint8_t *a = quadrants(w, h), *b = quadrants(w, h);
	assert_false(vr_changed_cells(a, b, w, h, 8, 16, &x, &y, &rw, &rh));
	b[(17 * (size_t)w + 9) * 3] ^= 1;   /* pixel (9, 17): cell (1, 1) */
	assert_true(vr_changed_cells(a, b, w, h, 8, 16, &x, &y, &rw, &rh));
	assert_int_equal(x, 8);
	assert_int_equal(y, 16);
	assert_int_equal(rw, 8);
	assert_int_equal(rh, 16);
	b[(39 * (size_t)w + 49) * 3 + 2] ^= 1;   /* and the last pixel: to the edges (50, 40) */
	assert_true(vr_changed_cells(a, b, w, h, 8, 16, &x, &y, &rw, &rh));
	assert_int_equal(x, 8);
	assert_int_equal(y, 16);
	assert_int_equal(rw, 42);
	assert_int_equal(rh, 24);
	free(a);
	free(b);
}

/* A picture the terminal cannot take, or output past the cap: an error,
 * and the buffer as it was. */
static void test_sixel_errors(void **state)
{
	(void)state;
	uint8_t *px = quadrants(64, 64);
	struct buf out;
	buf_init(&out, 100);
	buf_puts(&out, "keep");
	struct err e = {0};
	assert_int_equal(vr_sixel(px, 0, 0, 10, 256, &out, &e), -1);
	assert_int_equal(vr_sixel(px, 30, 10, VR_SIXEL_MAX + 1, 256, &out, &e), -1);
	assert_int_equal(out.len, 4);
	assert_int_equal(vr_sixel(px, 64 * 3, 64, 64, 256, &out, &e), -1);   /* more than 100 bytes */
	assert_non_null(strstr(e.msg, "larger than the output allows"));
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);
	free(px);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_property),
		cmocka_unit_test(test_downscale_average),
		cmocka_unit_test(test_downscale_one_pixel),
		cmocka_unit_test(test_downscale_upscale),
		cmocka_unit_test(test_downscale_dirty_only),
		cmocka_unit_test(test_downscale_dirty_equals_full),
		cmocka_unit_test(test_downscale_exact),
		cmocka_unit_test(test_rgb_to_256),
		cmocka_unit_test(test_rgb_to_256_nearest),
		cmocka_unit_test(test_emit_tiny),
		cmocka_unit_test(test_emit_one_cell),
		cmocka_unit_test(test_emit_gaps_and_elision),
		cmocka_unit_test(test_emit_truecolor_space),
		cmocka_unit_test(test_emit_redraws),
		cmocka_unit_test(test_emit_overflow),
		cmocka_unit_test(test_sixel_roundtrip),
		cmocka_unit_test(test_sixel_many_colours),
		cmocka_unit_test(test_sixel_desktop_palette),
		cmocka_unit_test(test_sixel_part),
		cmocka_unit_test(test_changed_cells),
		cmocka_unit_test(test_sixel_errors),
		cmocka_unit_test(test_png_roundtrip),
		cmocka_unit_test(test_png_errors),
	};
	return cmocka_run_group_tests_name("vnc_render", tests, NULL, NULL);
}
