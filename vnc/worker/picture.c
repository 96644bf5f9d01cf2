/* picture: what the worker makes of the framebuffer: downscaled VP_FRAMEs of the changed region, and full-size VP_SHOTs. */
#include <stdlib.h>
#include <string.h>

#include "vnc/proto.h"
#include "vnc/render.h"
#include "vnc/worker/worker.h"

static struct {
	int gcols, grows;        /* the grid main asked for; 0 before the first VP_GRID */
	int cols, rows;          /* the fitted frame */
	int fb_w, fb_h;          /* the framebuffer size the frame was fitted for */
	uint8_t *payload;        /* struct vp_frame, then px */
	uint8_t *px;             /* cols x (2 rows) RGB pixels, kept up to date by damage */
	uint8_t *sent;           /* the pixels of the last VP_FRAME */
	size_t px_len;
	bool full;               /* re-fit and redo every pixel at the next render */
	uint32_t seq;
	int ann_w, ann_h;        /* the desktop size main was last told (VP_STATE) */
} P = {.full = true};

void wk_pic_announced(int w, int h)
{
	P.ann_w = w;
	P.ann_h = h;
}

void wk_pic_grid(int cols, int rows)
{
	if (cols == P.gcols && rows == P.grows)
		return;
	P.gcols = cols;
	P.grows = rows;
	P.full = true;
}

/* Fit the grid to the desktop and (re)allocate the frame buffers. */
static void refit(int w, int h)
{
	int cols, rows;
	vr_frame_size(w, h, P.gcols, P.grows, &cols, &rows);
	size_t px_len = (size_t)cols * (size_t)rows * 6;
	if (!P.payload || cols != P.cols || rows != P.rows) {
		free(P.payload);
		free(P.sent);
		P.payload = malloc(sizeof(struct vp_frame) + px_len);
		P.sent = malloc(px_len);
		if (!P.payload || !P.sent)
			wk_fail(w, h, "out of memory for a %dx%d frame", cols, rows);
		P.px = P.payload + sizeof(struct vp_frame);
	}
	memset(P.px, 0, px_len);
	P.cols = cols;
	P.rows = rows;
	P.px_len = px_len;
	P.fb_w = w;
	P.fb_h = h;
}

bool wk_pic_pending(void)
{
	return P.full && P.gcols > 0 && wk_rfb_painted();
}

bool wk_pic_render(void)
{
	int w, h, x = 0, y = 0, dw = 0, dh = 0;
	bool resized;
	const uint8_t *fb = wk_rfb_fb(&w, &h);
	bool dirty = wk_rfb_take_damage(&x, &y, &dw, &dh, &resized);
	if (resized)
		P.full = true;
	if (fb && (w != P.ann_w || h != P.ann_h)) {
		wk_log("info", "desktop resized to %dx%d", w, h);
		wk_state(VP_LIVE, w, h, "desktop resized to %dx%d", w, h);
		wk_pic_announced(w, h);
	}
	if (!fb || P.gcols == 0 || !wk_rfb_painted())
		return false; /* damage before that is covered by full */
	if (P.full || w != P.fb_w || h != P.fb_h) {
		refit(w, h);
		x = y = 0;
		dw = w;
		dh = h;
		dirty = true;
	}
	if (!dirty)
		return false;
	vr_downscale(fb, w, h, (size_t)w * 4, P.px, P.cols, P.rows * 2, x, y, dw, dh);
	if (!P.full && memcmp(P.px, P.sent, P.px_len) == 0)
		return false; /* e.g. a ping answered with the same pixel */
	P.full = false;
	struct vp_frame f = {.seq = ++P.seq, .cols = (uint16_t)P.cols, .rows = (uint16_t)P.rows,
	                     .fb_w = (uint32_t)w, .fb_h = (uint32_t)h};
	memcpy(P.payload, &f, sizeof f);
	wk_send(VP_FRAME, P.payload, sizeof f + P.px_len);
	memcpy(P.sent, P.px, P.px_len);
	return true;
}

void wk_pic_shot(void)
{
	static uint8_t chunk[192 * 1024]; /* >= 16 rows of the widest desktop */
	int w, h;
	const uint8_t *fb = wk_rfb_fb(&w, &h);
	if (!fb) {
		wk_log("warn", "screenshot asked before the desktop is known: ignored");
		return;
	}
	struct vp_shot s = {.w = (uint32_t)w, .h = (uint32_t)h};
	size_t row = (size_t)w * 3;
	wk_send_hdr(VP_SHOT, (uint32_t)(sizeof s + row * (size_t)h));
	wk_send_more(&s, sizeof s);
	int per = (int)(sizeof chunk / row);
	for (int y0 = 0; y0 < h; y0 += per) {
		int n = h - y0 < per ? h - y0 : per;
		uint8_t *o = chunk;
		for (int y = y0; y < y0 + n; y++) {
			const uint8_t *p = fb + (size_t)y * (size_t)w * 4;
			for (int x = 0; x < w; x++, p += 4) {
				*o++ = p[0];
				*o++ = p[1];
				*o++ = p[2];
			}
		}
		wk_send_more(chunk, (size_t)(o - chunk));
	}
}
