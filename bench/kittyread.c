/* kittyread: kitty graphics commands read back into the picture a terminal then shows, for bench/render-cost's fidelity. */
#include "bench/kittyread.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The number after "name=" in the keys k[0..len), or def. */
static long key(const char *k, size_t len, char name, long def)
{
	for (size_t i = 0; i + 2 < len; i++)
		if ((i == 0 || k[i - 1] == ',') && k[i] == name && k[i + 1] == '=')
			return k[i + 2] >= '0' && k[i + 2] <= '9' ? strtol(k + i + 2, NULL, 10) : k[i + 2];
	return def;
}

/* Append the bytes of one chunk's base64 (each chunk is whole groups of
 * four: chafa pads each one) to raw: 0, or -1 when it is not base64. */
static int decode_chunk(const char *b64, size_t len, unsigned char **raw, size_t *rlen)
{
	unsigned char *r = realloc(*raw, *rlen + len / 4 * 3 + 3);
	if (!r)
		return -1;
	*raw = r;
	int n = EVP_DecodeBlock(r + *rlen, (const unsigned char *)b64, (int)len);
	for (size_t k = len; n > 0 && k > 0 && b64[k - 1] == '='; k--)
		n--;   /* EVP_DecodeBlock counts the padding */
	if (n < 0)
		return -1;
	*rlen += (size_t)n;
	return 0;
}

/* One image's data, its chunks decoded and joined: inflated when o=z,
 * drawn at (x, y) of shown. */
static int draw(const unsigned char *raw, size_t n, long f, long o, long sw, long sv, long x, long y, uint8_t *shown,
                int w, int h)
{
	long bpp = f == 24 ? 3 : f == 32 ? 4 : 0;
	if (!bpp || sw < 1 || sv < 1 || x < 0 || y < 0 || x + sw > w || y + sv > h) {
		fprintf(stderr, "kittyread: an image f=%ld of %ldx%ld at %ld,%ld in a picture of %dx%d\n", f, sw, sv, x, y, w,
		        h);
		return -1;
	}
	size_t want = (size_t)(sw * sv * bpp);
	unsigned char *px = malloc(want);
	uLongf got = (uLongf)want;
	bool ok = px != NULL;
	if (ok && o == 'z') {
		ok = uncompress(px, &got, raw, (uLong)n) == Z_OK && got == want;
	} else if (ok) {
		ok = n == want;
		if (ok)
			memcpy(px, raw, want);
	}
	if (ok)
		for (long r = 0; r < sv; r++)
			for (long c = 0; c < sw; c++)
				memcpy(shown + ((size_t)(y + r) * (size_t)w + (size_t)(x + c)) * 3,
				       px + ((size_t)r * (size_t)sw + (size_t)c) * (size_t)bpp, 3);
	else
		fprintf(stderr, "kittyread: an image's data does not decode to %ldx%ld pixels\n", sw, sv);
	free(px);
	return ok ? 0 : -1;
}

int kitty_read(const char *s, size_t n, uint8_t *shown, int w, int h)
{
	unsigned char *raw = NULL;
	size_t len = 0;
	long f = 0, o = 0, sw = 0, sv = 0, x = 0, y = 0;
	bool open = false;
	const char *end = s + n;
	for (const char *p = s; (p = memmem(p, (size_t)(end - p), "\033_G", 3)) != NULL;) {
		const char *k = p + 3, *st = memmem(k, (size_t)(end - k), "\033\\", 2);
		if (!st)
			break;
		const char *semi = memchr(k, ';', (size_t)(st - k));
		size_t klen = (size_t)((semi ? semi : st) - k);
		p = st + 2;
		long a = key(k, klen, 'a', 't');
		if (!open && (a == 'd' || a == 'a' || a == 'q' || a == 'p'))
			continue;   /* deletes, animation control: nothing drawn */
		if (!open) {
			f = key(k, klen, 'f', 32), o = key(k, klen, 'o', 0);
			sw = key(k, klen, 's', 0), sv = key(k, klen, 'v', 0);
			x = a == 'f' ? key(k, klen, 'x', 0) : 0, y = a == 'f' ? key(k, klen, 'y', 0) : 0;
			open = true;
		}
		int rc = semi ? decode_chunk(semi + 1, (size_t)(st - semi - 1), &raw, &len) : 0;
		if (rc == 0 && key(k, klen, 'm', 0) == 0) {
			rc = draw(raw, len, f, o, sw, sv, x, y, shown, w, h);
			len = 0;
			open = false;
		}
		if (rc < 0) {
			fprintf(stderr, "kittyread: a chunk that is not base64, or an image that does not draw\n");
			free(raw);
			return -1;
		}
	}
	free(raw);
	return open ? -1 : 0;
}
