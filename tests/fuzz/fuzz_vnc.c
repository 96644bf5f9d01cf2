/* fuzz_vnc: main's reader of the VNC worker's messages (vnc/session.c vs_handle: header, sizes, state, frame, screenshot), fed through a pipe in chunks of any size, the worker itself replaced by the fuzzer. */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>

/* the reader's statics are what is fuzzed: this target compiles
 * session.c itself (tests/fuzz/fuzz.mk leaves its object out) */
#include "vnc/session.c"

/* Input: byte 0 seed of the chunk sizes, then what the worker writes. */

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void check(struct vnc_session *s, int ev)
{
	const struct vs_frame *f = vs_frame(s);
	if (ev & VS_EV_FRAME && !f)
		abort();
	if (f) {
		if (f->cols < 1 || f->rows < 1 || f->cols > VP_MAX_COLS || f->rows > VP_MAX_ROWS || f->fb_w < 1 ||
		    f->fb_h < 1 || f->fb_w > VP_MAX_FB_W || f->fb_h > VP_MAX_FB_H)
			abort();
		/* every pixel of the frame is there to read (ASan checks) */
		for (size_t i = 0; i < (size_t)f->cols * f->rows * 6; i++)
			fz_sink += f->px[i];
	}
	if (ev & VS_EV_SHOT) {
		int w, h;
		uint8_t *px = vs_take_shot(s, &w, &h);
		if (!px || w < 1 || h < 1 || w > VP_MAX_FB_W || h > VP_MAX_FB_H)
			abort();
		for (size_t i = 0; i < (size_t)w * h * 3; i++)
			fz_sink += px[i];
		free(px);
	}
	int w, h;
	vs_fb_size(s, &w, &h);
	if (w < 0 || h < 0 || w > VP_MAX_FB_W || h > VP_MAX_FB_H)
		abort();
	if (memchr(vs_reason(s), '\0', sizeof s->reason) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fz_quiet_log();
	uint32_t x = data[0] | 0x100;
	data++;
	size--;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		abort();
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	struct vnc_session *s = xcalloc(1, sizeof *s);
	s->pid = 0; /* no worker to kill or reap */
	s->rfd = p[0];
	s->wfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	s->state = VS_CONNECTING;
	set_reason(s, "starting");
	vs_set_grid(s, 80, 24, 10000);
	size_t off = 0;
	while (off < size && vs_fd(s) >= 0) {
		size_t k = 1 + next_rand(&x) % 4096;
		if (k > size - off)
			k = size - off;
		ssize_t w = write(p[1], data + off, k);
		if (w <= 0)
			abort();
		off += (size_t)w;
		check(s, vs_handle(s));
		if (next_rand(&x) % 8 == 0)
			vs_request_shot(s);
	}
	close(p[1]);
	for (int i = 0; i < 4 && vs_fd(s) >= 0; i++)
		check(s, vs_handle(s));
	if (vs_fd(s) >= 0 || vs_state(s) != VS_DEAD)
		abort(); /* EOF always ends the session */
	vs_key(s, 'a', true);
	vs_pointer(s, 1, 1, 0);
	vs_free(s);
	return 0;
}
