/* png: writing an RGB image as a PNG file with libpng, every failure an error record. */
#include "vnc/render.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* libpng reports through these; the message is kept for the error record. */
struct png_ctx {
	FILE *fp;
	char msg[128];
	int err; /* errno of a failed write, or 0 */
};

static void on_error(png_structp png, png_const_charp msg)
{
	struct png_ctx *c = png_get_error_ptr(png);
	snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "libpng error");
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
	struct png_ctx *c = png_get_io_ptr(png);
	errno = 0;
	if (fwrite(data, 1, n, c->fp) != n) {
		c->err = errno ? errno : EIO;
		png_error(png, "write failed");
	}
}

static void on_flush(png_structp png)
{
	struct png_ctx *c = png_get_io_ptr(png);
	errno = 0;
	if (fflush(c->fp) != 0) {
		c->err = errno ? errno : EIO;
		png_error(png, "write failed");
	}
}

int vr_png_write(FILE *fp, const uint8_t *rgb, int w, int h, struct err *e)
{
	if (w <= 0 || h <= 0)
		return err_set(e, 1, "png: bad image size %dx%d", w, h);
	/* on the heap: what the callbacks change must survive the longjmp */
	struct png_ctx *c = xcalloc(1, sizeof *c);
	c->fp = fp;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, c, on_error, on_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		free(c);
		return err_set(e, 1, "png: cannot create the writer");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		if (c->err)
			err_set(e, 1, "png: %s: %s", c->msg, strerror(c->err));
		else
			err_set(e, 1, "png: %s", c->msg);
		free(c);
		return -1;
	}
	png_set_write_fn(png, c, on_write, on_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < h; y++)
		png_write_row(png, rgb + (size_t)y * (size_t)w * 3);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(c);
	/* stdio may hold the tail: a full disk shows only now */
	if (fflush(fp) != 0 || ferror(fp))
		return err_set(e, 1, "png: write failed: %s", strerror(errno ? errno : EIO));
	return 0;
}
