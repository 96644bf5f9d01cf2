/* kitty: an RGB picture in the kitty graphics protocol (zlib-compressed pixels in base64 chunks), for terminals that show real pixels. */
#include "vnc/render.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <zlib.h>

#include "base/xalloc.h"

/* The protocol's limit on one command's payload: 4096 base64 bytes,
 * which are 3072 of the compressed pixels. */
#define CHUNK_RAW 3072
#define CHUNK_B64 4096

/* The picture's rows, deflated (zlib format) at the fastest level: a
 * desktop's flat colours compress well at any level, and the time is what
 * matters. *len: the compressed size. The caller frees. */
static uint8_t *deflate_rows(const uint8_t *rgb, size_t stride, int w, int h, size_t *len, struct err *e)
{
	size_t row = (size_t)w * 3, n = row * (size_t)h;
	z_stream z = {0};
	if (deflateInit(&z, Z_BEST_SPEED) != Z_OK) {
		err_set(e, 1, "zlib: %s", z.msg ? z.msg : "cannot start deflate");
		return NULL;
	}
	size_t cap = deflateBound(&z, (uLong)n);
	uint8_t *dst = xmalloc(cap);
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	int rc = Z_OK;
	for (int y = 0; y < h && rc == Z_OK; y++) {
		z.next_in = (Bytef *)(uintptr_t)(rgb + (size_t)y * stride);   /* zlib only reads it */
		z.avail_in = (uInt)row;
		rc = deflate(&z, y == h - 1 ? Z_FINISH : Z_NO_FLUSH);
	}
	*len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(dst);
		err_set(e, 1, "zlib: deflate stopped (%d)", rc);
		return NULL;
	}
	return dst;
}

/* One command per chunk of the payload: the first carries keys, the
 * others more (may be ""), every one says whether more follow (m) and
 * asks for no answer (q=2: an answer would arrive on the keyboard's
 * input). */
static int put_chunks(struct buf *out, const char *keys, const char *more, const uint8_t *z, size_t len)
{
	char b64[CHUNK_B64 + 1];
	size_t off = 0;
	do {
		size_t n = len - off < CHUNK_RAW ? len - off : CHUNK_RAW;
		int k = EVP_EncodeBlock((unsigned char *)b64, z + off, (int)n);
		const char *head = off == 0 ? keys : more;
		off += n;
		if (buf_printf(out, "\033_G%s%sm=%d,q=2;", head, *head ? "," : "", off < len) < 0 ||
		    buf_append(out, b64, (size_t)k) < 0 || buf_puts(out, "\033\\") < 0)
			return -1;
	} while (off < len);
	return 0;
}

static int too_large(struct err *e, int w, int h)
{
	return err_set(e, 1, "the kitty image of %dx%d pixels is larger than the output allows", w, h);
}

/* Deflate the picture and append the commands: keys on the first, more
 * on the others. */
static int send_pixels(const uint8_t *rgb, size_t stride, int w, int h, const char *keys, const char *more,
                       struct buf *out, struct err *e)
{
	if (w < 1 || h < 1 || w > VR_KITTY_MAX || h > VR_KITTY_MAX)
		return err_set(e, 1, "a %dx%d picture is not a kitty image", w, h);
	size_t len, before = out->len;
	uint8_t *z = deflate_rows(rgb, stride, w, h, &len, e);
	if (!z)
		return -1;
	int rc = put_chunks(out, keys, more, z, len);
	free(z);
	if (rc < 0) {
		out->len = before;
		return too_large(e, w, h);
	}
	return 0;
}

int vr_kitty_place(const uint8_t *rgb, size_t stride, int w, int h, unsigned id, struct buf *out, struct err *e)
{
	char keys[128];
	snprintf(keys, sizeof keys, "a=T,i=%u,f=24,s=%d,v=%d,o=z,C=1", id, w, h);
	size_t before = out->len;
	if (vr_kitty_delete(id, out) < 0)
		return too_large(e, w, h);
	if (send_pixels(rgb, stride, w, h, keys, "", out, e) < 0) {
		out->len = before;
		return -1;
	}
	return 0;
}

int vr_kitty_edit(const uint8_t *rgb, size_t stride, int x, int y, int w, int h, unsigned id, struct buf *out,
                  struct err *e)
{
	char keys[128], more[64];
	snprintf(keys, sizeof keys, "a=f,i=%u,r=1,x=%d,y=%d,f=24,s=%d,v=%d,o=z", id, x, y, w, h);
	/* the frame's other chunks name it again: kitty 0.26 takes one
	 * without them for a new image's data */
	snprintf(more, sizeof more, "a=f,i=%u,r=1", id);
	size_t before = out->len;
	if (send_pixels(rgb, stride, w, h, keys, more, out, e) < 0)
		return -1;
	/* show the edited frame: without it the terminal may keep drawing
	 * what it had */
	if (buf_printf(out, "\033_Ga=a,i=%u,c=1,q=2\033\\", id) < 0) {
		out->len = before;
		return too_large(e, w, h);
	}
	return 0;
}

int vr_kitty_delete(unsigned id, struct buf *out)
{
	return buf_printf(out, "\033_Ga=d,d=I,i=%u,q=2\033\\", id);
}
