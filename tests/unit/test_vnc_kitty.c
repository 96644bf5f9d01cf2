/* test_vnc_kitty: kitty graphics images decoded back as a terminal would read them: their commands, chunks and pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/err.h"
#include "vnc/render.h"

/* ---- a reader of the commands, as the protocol defines them ---- */

#define CMDS_MAX 4096

/* One command: its keys ("a=T,i=7,...", NUL-terminated) and its payload. */
struct cmd {
	char keys[256];
	const char *data;
	size_t len;
};

/* Split out into commands "ESC _ G keys ; payload ESC \": every byte of
 * out must belong to one. Returns the count. */
static size_t read_cmds(const struct buf *out, struct cmd *c, size_t max)
{
	size_t n = 0, i = 0;
	while (i < out->len) {
		assert_true(n < max);
		assert_true(out->len - i >= 5);
		assert_memory_equal(out->data + i, "\033_G", 3);
		i += 3;
		const char *end = memmem(out->data + i, out->len - i, "\033\\", 2);
		assert_non_null(end);
		size_t body = (size_t)(end - (out->data + i));
		const char *semi = memchr(out->data + i, ';', body);
		size_t klen = semi ? (size_t)(semi - (out->data + i)) : body;
		assert_true(klen < sizeof c[n].keys);
		memcpy(c[n].keys, out->data + i, klen);
		c[n].keys[klen] = '\0';
		c[n].data = semi ? semi + 1 : end;
		c[n].len = semi ? (size_t)(end - semi - 1) : 0;
		n++;
		i += body + 2;
	}
	return n;
}

/* The value of key k in keys ("k=V"), or -1 when it is not there. */
static long key(const char *keys, char k)
{
	for (const char *p = keys; *p; p++) {
		if ((p == keys || p[-1] == ',') && p[0] == k && p[1] == '=')
			return strtol(p + 2, NULL, 10);
	}
	return -1;
}

/* The pixels an image's chunks carry, c[0] its first: base64 joined,
 * decoded, inflated. Checks the chunking rules on the way: at most 4096
 * bytes of base64 each, whole groups of four, m=1 on all but the last, no
 * answer asked (q=2) on every one, the others' keys `more` then m and q.
 * *n: commands used. Caller frees. */
static uint8_t *pixels_of(const struct cmd *c, size_t ncmds, const char *more, size_t want, size_t *n)
{
	size_t b64len = 0, i = 0;
	char *b64 = NULL;
	for (;; i++) {
		assert_true(i < ncmds);
		assert_true(c[i].len <= 4096);
		assert_int_equal(c[i].len % 4, 0);
		assert_int_equal(key(c[i].keys, 'q'), 2);
		b64 = realloc(b64, b64len + c[i].len + 1);
		assert_non_null(b64);
		memcpy(b64 + b64len, c[i].data, c[i].len);
		b64len += c[i].len;
		long m = key(c[i].keys, 'm');
		assert_true(m == 0 || m == 1);
		if (i > 0) {
			char keys[64];
			snprintf(keys, sizeof keys, "%s%sm=%ld,q=2", more, *more ? "," : "", m);
			assert_string_equal(c[i].keys, keys);
		}
		if (m == 0)
			break;
	}
	*n = i + 1;
	uint8_t *z = malloc(b64len);
	assert_non_null(z);
	int zlen = EVP_DecodeBlock(z, (const unsigned char *)b64, (int)b64len);
	assert_true(zlen >= 0);
	/* EVP_DecodeBlock counts a zero byte for each '=' of padding */
	for (size_t k = b64len; k > 0 && b64[k - 1] == '='; k--)
		zlen--;
	uint8_t *px = malloc(want + 1);
	assert_non_null(px);
	uLongf got = (uLongf)want + 1;
	assert_int_equal(uncompress(px, &got, z, (uLong)zlen), Z_OK);
	assert_int_equal(got, want);
	free(z);
	free(b64);
	return px;
}

/* ---- pictures ---- */

/* A w x h picture, rows stride bytes apart: flat areas and a noisy band
 * (so that it compresses to more than one chunk when large). */
static uint8_t *picture(int w, int h, size_t stride, unsigned seed)
{
	uint8_t *p = malloc((size_t)h * stride);
	assert_non_null(p);
	memset(p, 0xEE, (size_t)h * stride);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint8_t *q = p + (size_t)y * stride + (size_t)x * 3;
			if (y < h / 2) {
				q[0] = (uint8_t)(40 + x / 16);
				q[1] = 80;
				q[2] = (uint8_t)(200 - y / 8);
			} else {
				seed = seed * 1103515245u + 12345u;
				q[0] = (uint8_t)(seed >> 16);
				q[1] = (uint8_t)(seed >> 8);
				q[2] = (uint8_t)seed;
			}
		}
	return p;
}

/* The rows of a w x h part at (x, y) of a picture, packed. */
static uint8_t *packed(const uint8_t *p, size_t stride, int x, int y, int w, int h)
{
	uint8_t *o = malloc((size_t)w * (size_t)h * 3);
	assert_non_null(o);
	for (int r = 0; r < h; r++)
		memcpy(o + (size_t)r * (size_t)w * 3, p + (size_t)(y + r) * stride + (size_t)x * 3, (size_t)w * 3);
	return o;
}

/* ---- tests ---- */

static void test_place(void **state)
{
	(void)state;
	static struct cmd c[CMDS_MAX];
	/* a 300x200 part of a 320x240 picture: its rows are not packed */
	int W = 320, H = 240, w = 300, h = 200;
	size_t stride = (size_t)W * 3;
	uint8_t *p = picture(W, H, stride, 7);
	struct buf out;
	buf_init(&out, 8u << 20);
	struct err e = {0};
	assert_int_equal(vr_kitty_place(p + stride * 10 + 3 * 5, stride, w, h, 42, &out, &e), 0);
	size_t n = read_cmds(&out, c, CMDS_MAX), used;
	assert_true(n > 3);   /* the delete, then several chunks: the noise does not compress */
	/* the earlier image of that id goes first, then the new one at the cursor */
	assert_string_equal(c[0].keys, "a=d,d=I,i=42,q=2");
	assert_int_equal(key(c[1].keys, 'i'), 42);
	assert_int_equal(key(c[1].keys, 'f'), 24);
	assert_int_equal(key(c[1].keys, 's'), w);
	assert_int_equal(key(c[1].keys, 'v'), h);
	assert_int_equal(key(c[1].keys, 'C'), 1);
	assert_non_null(strstr(c[1].keys, "a=T,"));
	assert_non_null(strstr(c[1].keys, "o=z,"));
	uint8_t *got = pixels_of(c + 1, n - 1, "", (size_t)w * (size_t)h * 3, &used);
	assert_int_equal(used, n - 1);
	uint8_t *want = packed(p, stride, 5, 10, w, h);
	assert_memory_equal(got, want, (size_t)w * (size_t)h * 3);
	free(want);
	free(got);
	buf_free(&out);
	free(p);
}

static void test_edit(void **state)
{
	(void)state;
	static struct cmd c[CMDS_MAX];
	int W = 64, H = 48;
	size_t stride = (size_t)W * 3;
	uint8_t *p = picture(W, H, stride, 3);
	struct buf out;
	buf_init(&out, 1u << 20);
	struct err e = {0};
	/* a part with noise in it: more than one chunk */
	int x = 2, y = 4, w = 60, h = 40;
	assert_int_equal(vr_kitty_edit(p + stride * (size_t)y + 3 * (size_t)x, stride, x, y, w, h, 5, &out, &e), 0);
	size_t n = read_cmds(&out, c, CMDS_MAX), used;
	assert_true(n >= 3);
	assert_non_null(strstr(c[0].keys, "a=f,"));
	assert_int_equal(key(c[0].keys, 'i'), 5);
	assert_int_equal(key(c[0].keys, 'r'), 1);   /* the image's own frame, edited in place */
	assert_int_equal(key(c[0].keys, 'x'), x);
	assert_int_equal(key(c[0].keys, 'y'), y);
	assert_int_equal(key(c[0].keys, 's'), w);
	assert_int_equal(key(c[0].keys, 'v'), h);
	/* every chunk of the frame names it: kitty 0.26 needs that */
	uint8_t *got = pixels_of(c, n, "a=f,i=5,r=1", (size_t)(w * h * 3), &used);
	uint8_t *want = packed(p, stride, x, y, w, h);
	assert_memory_equal(got, want, (size_t)(w * h * 3));
	/* then the terminal is told to show the edited frame */
	assert_int_equal(n, used + 1);
	assert_string_equal(c[used].keys, "a=a,i=5,c=1,q=2");
	free(want);
	free(got);
	buf_free(&out);
	free(p);
}

static void test_delete(void **state)
{
	(void)state;
	struct buf out;
	buf_init(&out, 64);
	assert_int_equal(vr_kitty_delete(9, &out), 0);
	assert_string_equal(out.data, "\033_Ga=d,d=I,i=9,q=2\033\\");
	buf_free(&out);
}

static void test_errors(void **state)
{
	(void)state;
	uint8_t *p = picture(64, 64, 64 * 3, 1);
	struct buf out;
	struct err e = {0};
	/* past the output's cap: nothing of it stays, and the error says so */
	buf_init(&out, 2000);
	assert_int_equal(buf_puts(&out, "before"), 0);
	assert_int_equal(vr_kitty_place(p, 64 * 3, 64, 64, 1, &out, &e), -1);
	assert_int_equal(out.len, strlen("before"));
	assert_non_null(strstr(e.msg, "larger than the output allows"));
	memset(&e, 0, sizeof e);
	assert_int_equal(vr_kitty_edit(p, 64 * 3, 0, 0, 64, 64, 1, &out, &e), -1);
	assert_int_equal(out.len, strlen("before"));
	buf_free(&out);
	/* sizes no image has */
	buf_init(&out, 1u << 20);
	memset(&e, 0, sizeof e);
	assert_int_equal(vr_kitty_place(p, 64 * 3, 0, 64, 1, &out, &e), -1);
	assert_non_null(strstr(e.msg, "0x64"));
	assert_int_equal(vr_kitty_edit(p, 64 * 3, 0, 0, 64, VR_KITTY_MAX + 1, 1, &out, &e), -1);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_place),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
