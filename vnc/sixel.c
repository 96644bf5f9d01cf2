/* sixel: an RGB picture as a DEC sixel image (libsixel), for terminals that show real pixels. */
#include "vnc/render.h"

#include <dlfcn.h>
#include <sixel.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define DISTINCT_MAX 4096   /* more colours than this: a photograph, libsixel's median cut */
#define SLOTS 8192          /* open-addressing table for them */

/* libsixel, opened the first time it is needed: a screen that never shows
 * a sixel image does not carry the library (0.3 MiB resident). */
struct lib {
	__typeof__(sixel_dither_new) *dither_new;
	__typeof__(sixel_dither_set_palette) *dither_set_palette;
	__typeof__(sixel_dither_set_pixelformat) *dither_set_pixelformat;
	__typeof__(sixel_dither_initialize) *dither_initialize;
	__typeof__(sixel_dither_set_diffusion_type) *dither_set_diffusion_type;
	__typeof__(sixel_dither_unref) *dither_unref;
	__typeof__(sixel_output_new) *output_new;
	__typeof__(sixel_output_set_encode_policy) *output_set_encode_policy;
	__typeof__(sixel_output_unref) *output_unref;
	__typeof__(sixel_encode) *encode;
	__typeof__(sixel_helper_format_error) *format_error;
};
static const struct {
	const char *name;
	size_t off;
} syms[] = {
	{"sixel_dither_new", offsetof(struct lib, dither_new)},
	{"sixel_dither_set_palette", offsetof(struct lib, dither_set_palette)},
	{"sixel_dither_set_pixelformat", offsetof(struct lib, dither_set_pixelformat)},
	{"sixel_dither_initialize", offsetof(struct lib, dither_initialize)},
	{"sixel_dither_set_diffusion_type", offsetof(struct lib, dither_set_diffusion_type)},
	{"sixel_dither_unref", offsetof(struct lib, dither_unref)},
	{"sixel_output_new", offsetof(struct lib, output_new)},
	{"sixel_output_set_encode_policy", offsetof(struct lib, output_set_encode_policy)},
	{"sixel_output_unref", offsetof(struct lib, output_unref)},
	{"sixel_encode", offsetof(struct lib, encode)},
	{"sixel_helper_format_error", offsetof(struct lib, format_error)},
};
static struct lib L;
static int lib_state;            /* 0 not tried, 1 loaded, -1 failed (lib_why says why) */
static char lib_why[200];

int vr_sixel_load(struct err *e)
{
	if (lib_state == 0) {
		void *so = dlopen(VR_SIXEL_LIB, RTLD_NOW | RTLD_LOCAL);
		lib_state = so ? 1 : -1;
		if (!so)
			snprintf(lib_why, sizeof lib_why, "%s", dlerror());
		for (size_t i = 0; so && i < sizeof syms / sizeof syms[0]; i++) {
			void *f = dlsym(so, syms[i].name);
			if (!f) {
				snprintf(lib_why, sizeof lib_why, "%s has no %s", VR_SIXEL_LIB, syms[i].name);
				lib_state = -1;
				break;
			}
			memcpy((char *)&L + syms[i].off, &f, sizeof f);   /* POSIX: a function's address as a void * */
		}
	}
	return lib_state > 0 ? 0 : err_set(e, 1, "sixel images need libsixel: %s", lib_why);
}

/* libsixel's output callback: append to the caller's capped buffer. */
static int put(char *data, int size, void *priv)
{
	struct buf *out = priv;
	return size > 0 && buf_append(out, data, (size_t)size) < 0 ? -1 : 0;
}

/* The picture's distinct colours (at most DISTINCT_MAX), how often each
 * appears, and each pixel's: what the palette is chosen from. */
struct census {
	uint32_t key[SLOTS];          /* 0xffffffff: empty (never a 24-bit colour) */
	uint16_t val[SLOTS];
	uint32_t colour[DISTINCT_MAX];
	uint32_t count[DISTINCT_MAX];
	int n;
};

/* Fill c and which[] (each pixel's colour in c); false when the picture
 * has more than DISTINCT_MAX colours (a photograph: libsixel's turn). */
static bool take_census(struct census *c, const uint8_t *rgb, size_t n, uint16_t *which)
{
	memset(c->key, 0xff, sizeof c->key);
	c->n = 0;
	uint32_t last = 0xffffffffu;
	uint16_t last_i = 0;
	for (size_t i = 0; i < n; i++, rgb += 3) {
		uint32_t col = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
		if (col != last) {   /* runs of one colour are the common case */
			uint32_t h = (col * 2654435761u) >> 19;   /* 13 bits */
			while (c->key[h] != col && c->key[h] != 0xffffffffu)
				h = (h + 1) & (SLOTS - 1);
			if (c->key[h] == 0xffffffffu) {
				if (c->n == DISTINCT_MAX)
					return false;
				c->key[h] = col;
				c->val[h] = (uint16_t)c->n;
				c->colour[c->n] = col;
				c->count[c->n++] = 0;
			}
			last = col;
			last_i = c->val[h];
		}
		c->count[last_i]++;
		which[i] = last_i;
	}
	return true;
}

static int more_often(const void *a, const void *b, void *census)
{
	const struct census *c = census;
	uint32_t ca = c->count[*(const uint16_t *)a], cb = c->count[*(const uint16_t *)b];
	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

static int dist2(uint32_t a, uint32_t b)
{
	int dr = (int)(a >> 16 & 0xff) - (int)(b >> 16 & 0xff), dg = (int)(a >> 8 & 0xff) - (int)(b >> 8 & 0xff),
	    db = (int)(a & 0xff) - (int)(b & 0xff);
	return dr * dr + dg * dg + db * db;
}

/* A palette of at most max colours for a picture of a desktop (flat
 * colours, text, few blends): all its colours when they fit, else the
 * most frequent ones, each other colour shown as the nearest of them. pal
 * gets the entries (3 bytes each), idx each pixel's. Returns the count,
 * or 0 for a picture of too many colours. */
static int desktop_palette(const uint8_t *rgb, size_t n, int max, uint8_t *pal, uint8_t *idx)
{
	struct census *c = xmalloc(sizeof *c);
	uint16_t *which = xmalloc(n * sizeof *which);
	int count = 0;
	if (take_census(c, rgb, n, which)) {
		uint16_t order[DISTINCT_MAX], map[DISTINCT_MAX];
		for (int k = 0; k < c->n; k++)
			order[k] = (uint16_t)k;
		if (c->n > max)
			qsort_r(order, (size_t)c->n, sizeof order[0], more_often, c);
		count = c->n < max ? c->n : max;
		for (int k = 0; k < c->n; k++) {
			if (k < count) {
				map[order[k]] = (uint16_t)k;
				continue;
			}
			int best = 0, bd = dist2(c->colour[order[k]], c->colour[order[0]]);
			for (int j = 1; j < count && bd; j++) {
				int d = dist2(c->colour[order[k]], c->colour[order[j]]);
				if (d < bd)
					bd = d, best = j;
			}
			map[order[k]] = (uint16_t)best;
		}
		for (int k = 0; k < count; k++) {
			uint32_t col = c->colour[order[k]];
			pal[k * 3] = (uint8_t)(col >> 16);
			pal[k * 3 + 1] = (uint8_t)(col >> 8);
			pal[k * 3 + 2] = (uint8_t)col;
		}
		for (size_t i = 0; i < n; i++)
			idx[i] = (uint8_t)map[which[i]];
	}
	free(which);
	free(c);
	return count;
}

bool vr_changed_cells(const uint8_t *a, const uint8_t *b, int w, int h, int cw, int ch, int *x, int *y, int *rw,
                      int *rh)
{
	size_t row = (size_t)w * 3;
	int y0 = -1, y1 = -1, x0 = w, x1 = -1;
	for (int yy = 0; yy < h; yy++) {
		const uint8_t *pa = a + (size_t)yy * row, *pb = b + (size_t)yy * row;
		if (!memcmp(pa, pb, row))
			continue;
		if (y0 < 0)
			y0 = yy;
		y1 = yy;
		int l = 0, r = w - 1;
		while (memcmp(pa + (size_t)l * 3, pb + (size_t)l * 3, 3) == 0)
			l++;
		while (memcmp(pa + (size_t)r * 3, pb + (size_t)r * 3, 3) == 0)
			r--;
		if (l < x0)
			x0 = l;
		if (r > x1)
			x1 = r;
	}
	if (y0 < 0)
		return false;
	*x = x0 / cw * cw;
	*y = y0 / ch * ch;
	int xe = (x1 / cw + 1) * cw, ye = (y1 / ch + 1) * ch;
	*rw = (xe < w ? xe : w) - *x;
	*rh = (ye < h ? ye : h) - *y;
	return true;
}

int vr_sixel(const uint8_t *rgb, size_t stride, int w, int h, int colours, struct buf *out, struct err *e)
{
	if (w < 1 || h < 1 || w > VR_SIXEL_MAX || h > VR_SIXEL_MAX)
		return err_set(e, 1, "a %dx%d picture is not a sixel image", w, h);
	if (vr_sixel_load(e) < 0)
		return -1;
	if (colours < 2)
		colours = 2;
	if (colours > 256)
		colours = 256;
	size_t n = (size_t)w * (size_t)h, before = out->len, row = (size_t)w * 3;
	uint8_t *packed = NULL;
	if (stride != row) {   /* a part of a larger picture: libsixel wants its rows packed */
		packed = xmalloc(n * 3);
		for (int y = 0; y < h; y++)
			memcpy(packed + (size_t)y * row, rgb + (size_t)y * stride, row);
		rgb = packed;
	}
	uint8_t pal[256 * 3];
	uint8_t *idx = xmalloc(n);
	int npal = desktop_palette(rgb, n, colours, pal, idx);
	sixel_dither_t *dither = NULL;
	sixel_output_t *output = NULL;
	/* libsixel takes the pixels as non-const; it only reads them */
	unsigned char *px = npal ? idx : (unsigned char *)(uintptr_t)rgb;
	SIXELSTATUS st = L.dither_new(&dither, npal ? npal : colours, NULL);
	if (SIXEL_SUCCEEDED(st) && npal) {
		L.dither_set_palette(dither, pal);
		L.dither_set_pixelformat(dither, SIXEL_PIXELFORMAT_PAL8);
	} else if (SIXEL_SUCCEEDED(st)) {
		/* a photograph: libsixel's median cut */
		st = L.dither_initialize(dither, px, w, h, SIXEL_PIXELFORMAT_RGB888, SIXEL_LARGE_AUTO,
		                             SIXEL_REP_AUTO, SIXEL_QUALITY_AUTO);
	}
	if (SIXEL_SUCCEEDED(st)) {
		/* no error diffusion: a desktop is flat colours and text, and
		 * diffused noise would shimmer from frame to frame */
		L.dither_set_diffusion_type(dither, SIXEL_DIFFUSE_NONE);
		st = L.output_new(&output, put, out, NULL);
	}
	if (SIXEL_SUCCEEDED(st)) {
		L.output_set_encode_policy(output, SIXEL_ENCODEPOLICY_FAST);
		st = L.encode(px, w, h, 3, dither, output);
	}
	if (output)
		L.output_unref(output);
	if (dither)
		L.dither_unref(dither);
	free(idx);
	free(packed);
	if (out->overflow) {
		out->len = before;
		return err_set(e, 1, "the sixel image of %dx%d pixels is larger than the output allows", w, h);
	}
	if (SIXEL_FAILED(st)) {
		out->len = before;
		return err_set(e, 1, "sixel: %s", L.format_error(st));
	}
	return 0;
}
