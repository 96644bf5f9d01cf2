/* loop: the worker's poll loop: main's messages, reading the server only at render ticks, and the liveness ping. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "vnc/proto.h"
#include "vnc/worker/worker.h"

#define WK_BATCH_MS 20        /* at most this long handling server messages per tick */
#define WK_PING_AFTER_MS 2000 /* quiet this long while shown: ask for one pixel */
#define WK_SHOT_WAIT_MS 5000 /* a screenshot waits this long for a full update */
#define WK_STALL_AFTER_MS 3000 /* and no answer this long after that: STALLED */
#define WK_MIN_PERIOD_MS 10

static struct {
	rfbClient *cl;
	int sock;
	bool input;
	bool input_warned, drop_warned;
	uint32_t fps_milli;       /* 0: hidden, the socket is not read */
	int64_t period_ms;
	int64_t next_tick;        /* a tick is due when now >= next_tick */
	int64_t last_rx;          /* when the server last sent us something */
	int64_t ping_at;          /* when we pinged; 0: no ping outstanding */
	bool stalled;
	bool shot_wanted;         /* a VP_SHOT is owed once a full update came */
	unsigned shot_after;      /* ... more full updates than this */
	int64_t shot_deadline;
	uint8_t in[256];          /* main's bytes not yet handled */
	size_t in_len;
} L;

static int64_t now_ms(void)
{
	return clock_mono_ms();
}

static bool sock_ready(short ev)
{
	struct pollfd p = {.fd = L.sock, .events = ev};
	return poll(&p, 1, 0) > 0 && (p.revents & (ev | POLLHUP | POLLERR));
}

/* The server has not been reading: do not block on a full socket for an
 * event the operator can repeat. */
static bool can_write(void)
{
	if (sock_ready(POLLOUT))
		return true;
	if (!L.drop_warned)
		wk_log("warn", "the VNC server is not reading: input and pings dropped");
	L.drop_warned = true;
	return false;
}

/* A write to the server failed: it is gone. */
static _Noreturn void server_closed(void)
{
	int w, h;
	wk_rfb_fb(&w, &h);
	wk_fail(w, h, "VNC server closed the connection");
}

static void set_fps(uint32_t fps_milli)
{
	int64_t now = now_ms();
	if (fps_milli == 0) {
		L.fps_milli = 0;
		return;
	}
	int64_t period = 1000000 / (int64_t)fps_milli;
	if (period < WK_MIN_PERIOD_MS)
		period = WK_MIN_PERIOD_MS;
	if (L.fps_milli == 0) {
		L.next_tick = now; /* shown again: read at once, judge silence from now */
		L.last_rx = now;
		L.ping_at = 0;
	} else if (L.next_tick > now + period) {
		L.next_tick = now + period;
	}
	L.fps_milli = fps_milli;
	L.period_ms = period;
}

static void on_key(const struct vp_key *k)
{
	if (!can_write()) /* dispatch drops input when started without --input */
		return;
	if (!SendKeyEvent(L.cl, k->keysym, k->down ? TRUE : FALSE))
		server_closed();
}

static void on_pointer(const struct vp_pointer *p)
{
	if (!can_write())
		return;
	int w, h;
	wk_rfb_fb(&w, &h);
	int x = p->x < 0 ? 0 : p->x >= w ? w - 1 : p->x;
	int y = p->y < 0 ? 0 : p->y >= h ? h - 1 : p->y;
	if (!SendPointerEvent(L.cl, x, y, (int)(p->buttons & 0xff)))
		server_closed();
}

/* Exact payload size of a message main may send; -1 for any other type. */
static long expected_len(uint16_t type)
{
	switch (type) {
	case VP_GRID:
		return sizeof(struct vp_grid);
	case VP_SHOT_REQ:
		return 0;
	case VP_KEY:
		return sizeof(struct vp_key);
	case VP_POINTER:
		return sizeof(struct vp_pointer);
	default:
		return -1;
	}
}

static _Noreturn void bad_message(const char *what, const struct vp_hdr *h)
{
	wk_log("error", "bad message from main (%s: magic 0x%08x type %u flags %u len %u): exiting",
	       what, (unsigned)h->magic, (unsigned)h->type, (unsigned)h->flags, (unsigned)h->len);
	wk_exit(WK_EXIT_MAIN);
}

static void dispatch(const struct vp_hdr *h, const uint8_t *body)
{
	if ((h->type == VP_KEY || h->type == VP_POINTER) && !L.input) {
		if (!L.input_warned)
			wk_log("info", "input ignored: this worker was started view-only (no --input)");
		L.input_warned = true;
		return;
	}
	switch (h->type) {
	case VP_GRID: {
		struct vp_grid g;
		memcpy(&g, body, sizeof g);
		if (g.cols < 1 || g.cols > VP_MAX_COLS || g.rows < 1 || g.rows > VP_MAX_ROWS)
			bad_message("grid out of range", h);
		wk_pic_grid(g.cols, g.rows);
		set_fps(g.fps_milli);
		break;
	}
	case VP_SHOT_REQ: {
		/* the picture must be the desktop now, not what a hidden view
		 * last read: ask for all of it and send it once it came */
		int fw, fh;
		if (!wk_rfb_fb(&fw, &fh)) {
			wk_log("warn", "screenshot asked before the desktop is known: ignored");
			break;
		}
		L.shot_wanted = true;
		L.shot_after = wk_rfb_full_updates();
		L.shot_deadline = now_ms() + WK_SHOT_WAIT_MS;
		if (can_write() && !SendFramebufferUpdateRequest(L.cl, 0, 0, fw, fh, FALSE))
			server_closed();
		break;
	}
	case VP_KEY: {
		struct vp_key k;
		memcpy(&k, body, sizeof k);
		on_key(&k);
		break;
	}
	case VP_POINTER: {
		struct vp_pointer p;
		memcpy(&p, body, sizeof p);
		on_pointer(&p);
		break;
	}
	}
}

/* Read what main sent and handle every whole message. */
static void read_main(void)
{
	ssize_t n = read(0, L.in + L.in_len, sizeof L.in - L.in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n < 0)
			wk_log("warn", "reading from main failed: %s", strerror(errno));
		wk_exit(WK_EXIT_OK); /* main closed our input: it is done with this view */
	}
	L.in_len += (size_t)n;
	size_t off = 0;
	while (L.in_len - off >= sizeof(struct vp_hdr)) {
		struct vp_hdr h;
		memcpy(&h, L.in + off, sizeof h);
		long want = expected_len(h.type);
		if (h.magic != VP_MAGIC)
			bad_message("magic", &h);
		if (h.flags != 0 || want < 0)
			bad_message("type", &h);
		if ((long)h.len != want)
			bad_message("length", &h);
		if (L.in_len - off < sizeof h + h.len)
			break;
		dispatch(&h, L.in + off + sizeof h);
		off += sizeof h + h.len;
	}
	memmove(L.in, L.in + off, L.in_len - off);
	L.in_len -= off;
}

/* Handle the server's messages that are here: until one framebuffer
 * update is complete, the data runs out, or WK_BATCH_MS passed. */
static void serve_server(void)
{
	int64_t t0 = now_ms();
	bool done = false;
	for (;;) {
		wk_rfb_handle(L.cl, &done);
		if (done || now_ms() - t0 >= WK_BATCH_MS)
			break;
		if (L.cl->buffered == 0 && !sock_ready(POLLIN))
			break;
	}
	L.last_rx = now_ms();
	L.ping_at = 0;
	if (L.stalled) {
		int w, h;
		wk_rfb_fb(&w, &h);
		L.stalled = false;
		wk_log("info", "the VNC server answers again");
		wk_state(VP_LIVE, w, h, "%s", "");
		wk_pic_announced(w, h);
	}
}

static void ping(int64_t now)
{
	L.ping_at = now;
	/* non-incremental: the server must answer even if nothing changed */
	if (can_write() && !SendFramebufferUpdateRequest(L.cl, 0, 0, 1, 1, FALSE))
		server_closed();
}

/* Send the owed screenshot once a full update came after the request (or,
 * past the deadline, the freshest picture there is, and say so). */
static void shot_if_ready(void)
{
	if (!L.shot_wanted)
		return;
	bool fresh = wk_rfb_full_updates() > L.shot_after;
	if (!fresh && now_ms() < L.shot_deadline)
		return;
	if (!fresh)
		wk_log("warn", "screenshot: no full update within %d ms; sending the last picture", WK_SHOT_WAIT_MS);
	L.shot_wanted = false;
	wk_pic_shot();
}

/* A tick came and went with nothing from the server. */
static void check_silence(int64_t now)
{
	if (L.stalled) {
		/* ask again now and then: the last ping may never have been sent */
		if (now - L.ping_at >= WK_PING_AFTER_MS + WK_STALL_AFTER_MS)
			ping(now);
		return;
	}
	if (L.ping_at == 0 && now - L.last_rx >= WK_PING_AFTER_MS) {
		ping(now);
	} else if (L.ping_at && now - L.ping_at >= WK_STALL_AFTER_MS) {
		int w, h;
		wk_rfb_fb(&w, &h);
		L.stalled = true;
		int s = (int)((now - L.last_rx + 500) / 1000);
		wk_log("warn", "no answer from the VNC server for %d s", s);
		wk_state(VP_STALLED, w, h, "no answer from the VNC server for %d s", s);
	}
}

/* How long a due tick may wait for the server before check_silence. */
static int silence_timeout(int64_t now)
{
	int64_t at = L.stalled ? L.ping_at + WK_PING_AFTER_MS + WK_STALL_AFTER_MS
	           : L.ping_at ? L.ping_at + WK_STALL_AFTER_MS
	                       : L.last_rx + WK_PING_AFTER_MS;
	return at <= now ? 0 : (int)(at - now);
}

_Noreturn void wk_loop(rfbClient *cl, const struct wk_opts *o)
{
	L.cl = cl;
	L.sock = cl->sock;
	L.input = o->input;
	L.last_rx = now_ms();
	for (;;) {
		int64_t now = now_ms();
		bool due = L.fps_milli > 0 && now >= L.next_tick;
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = L.sock, .events = POLLIN}};
		int nfds = 1, timeout = -1;
		if (L.shot_wanted && !due) {
			nfds = 2; /* a screenshot is owed: read whatever the rate */
			timeout = L.cl->buffered > 0 ? 0 : (int)(L.shot_deadline > now ? L.shot_deadline - now : 0);
		} else if (due) {
			nfds = 2; /* the only time the socket is read: that paces the server */
			/* bytes libvncclient already buffered are invisible to poll
			 * (and to its own WaitForMessage): do not wait for more */
			timeout = L.cl->buffered > 0 || wk_pic_pending() ? 0 : silence_timeout(now);
		} else if (L.fps_milli > 0) {
			timeout = (int)(L.next_tick - now);
		}
		int r = poll(p, (nfds_t)nfds, timeout);
		if (r < 0 && errno != EINTR) {
			int w, h;
			wk_rfb_fb(&w, &h);
			wk_fail(w, h, "worker: poll failed: %s", strerror(errno));
		}
		if (r > 0 && p[0].revents)
			read_main(); /* may change the grid, the rate, or ask for a shot */
		if (L.shot_wanted && !due) {
			if (L.cl->buffered > 0 || (r > 0 && nfds == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))))
				serve_server();
			shot_if_ready();
			continue;
		}
		if (!due || L.fps_milli == 0)
			continue;
		now = now_ms();
		bool got = false;
		if (L.cl->buffered > 0 || (r > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))) {
			serve_server();
			got = true;
		}
		shot_if_ready();
		if (wk_pic_render() || got) {
			/* keep the ticks on their grid (data that came late in a
			 * period does not slow the rate); when a whole period was
			 * lost, start the grid again instead of catching up */
			L.next_tick += L.period_ms;
			if (L.next_tick <= now_ms())
				L.next_tick = now_ms() + L.period_ms;
		} else
			check_silence(now);
	}
}
