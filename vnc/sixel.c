/* sixel: an RGB picture as a DEC sixel image (libsixel), for terminals that show real pixels. */
#include "vnc/render.h"

#include <sixel.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define SLOTS 1024   /* open-addressing table for up to 256 colours */

/* libsixel's output callback: append to the caller's capped buffer. */
static int put(char *data, int size, void *priv)
{
	struct buf *out = priv;
	return size > 0 && buf_append(out, data, (size_t)size) < 0 ? -1 : 0;
}

/* When the picture has at most max colours (a desktop of flat colours
 * often has), its exact palette (pal, 3 bytes each) and each pixel's index
 * in it; returns the count, or 0 when there are more. */
static int exact_palette(const uint8_t *rgb, size_t n, int max, uint8_t *pal, uint8_t *idx)
{
	uint32_t key[SLOTS];
	uint8_t val[SLOTS];
	memset(key, 0xff, sizeof key);   /* 0xffffffff: empty (never a 24-bit colour) */
	int count = 0;
	uint32_t last = 0xffffffffu;
	uint8_t last_i = 0;
	for (size_t i = 0; i < n; i++, rgb += 3) {
		uint32_t c = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
		if (c != last) {   /* runs of one colour are the common case */
			uint32_t h = (c * 2654435761u) >> 22;   /* 10 bits */
			while (key[h] != c && key[h] != 0xffffffffu)
				h = (h + 1) & (SLOTS - 1);
			if (key[h] == 0xffffffffu) {
				if (count == max)
					return 0;
				key[h] = c;
				val[h] = (uint8_t)count;
				memcpy(pal + (size_t)count * 3, rgb, 3);
				count++;
			}
			last = c;
			last_i = val[h];
		}
		idx[i] = last_i;
	}
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
	int exact = exact_palette(rgb, n, colours, pal, idx);
	sixel_dither_t *dither = NULL;
	sixel_output_t *output = NULL;
	/* libsixel takes the pixels as non-const; it only reads them */
	unsigned char *px = exact ? idx : (unsigned char *)(uintptr_t)rgb;
	SIXELSTATUS st = sixel_dither_new(&dither, exact ? exact : colours, NULL);
	if (SIXEL_SUCCEEDED(st) && exact) {
		sixel_dither_set_palette(dither, pal);
		sixel_dither_set_pixelformat(dither, SIXEL_PIXELFORMAT_PAL8);
	} else if (SIXEL_SUCCEEDED(st)) {
		/* more colours than registers: libsixel's median cut */
		st = sixel_dither_initialize(dither, px, w, h, SIXEL_PIXELFORMAT_RGB888, SIXEL_LARGE_AUTO,
		                             SIXEL_REP_AUTO, SIXEL_QUALITY_AUTO);
	}
	if (SIXEL_SUCCEEDED(st)) {
		/* no error diffusion: a desktop is flat colours and text, and
		 * diffused noise would shimmer from frame to frame */
		sixel_dither_set_diffusion_type(dither, SIXEL_DIFFUSE_NONE);
		st = sixel_output_new(&output, put, out, NULL);
	}
	if (SIXEL_SUCCEEDED(st)) {
		sixel_output_set_encode_policy(output, SIXEL_ENCODEPOLICY_FAST);
		st = sixel_encode(px, w, h, 3, dither, output);
	}
	if (output)
		sixel_output_unref(output);
	if (dither)
		sixel_dither_unref(dither);
	free(idx);
	free(packed);
	if (out->overflow) {
		out->len = before;
		return err_set(e, 1, "the sixel image of %dx%d pixels is larger than the output allows", w, h);
	}
	if (SIXEL_FAILED(st)) {
		out->len = before;
		return err_set(e, 1, "sixel: %s", sixel_helper_format_error(st));
	}
	return 0;
}
