/* out: the worker's two outputs: protocol messages on fd 1 and sanitized, capped log lines on fd 2. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "vnc/proto.h"
#include "vnc/worker/worker.h"

#define WK_LOG_MAX 400        /* lines per worker process */
#define WK_LOG_TEXT 320       /* bytes of formatted text before sanitizing */

static int log_lines;
static bool locked;
static long my_pid;

void wk_set_locked(void)
{
	locked = true;
}

_Noreturn void wk_exit(int code)
{
	if (locked)
		_exit(code);
	exit(code);
}

int wk_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* UTC "2026-11-27T09:03:50Z" without the time-zone machinery (no files). */
static void stamp(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec;
	gmtime_r(&t, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void wk_vlog(const char *level, const char *fmt, va_list ap)
{
	if (log_lines > WK_LOG_MAX)
		return;
	if (!my_pid)
		my_pid = (long)getpid();
	char raw[WK_LOG_TEXT];
	int n;
	if (log_lines++ == WK_LOG_MAX) {
		n = snprintf(raw, sizeof raw, "log limit reached (%d lines): further messages dropped",
		             WK_LOG_MAX);
		level = "warn";
	} else {
		n = vsnprintf(raw, sizeof raw, fmt, ap);
	}
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1;
	while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--; /* libvncclient ends its lines with \n */
	char line[64 + 3 * WK_LOG_TEXT + 2];
	char ts[80];
	stamp(ts, sizeof ts);
	int h = snprintf(line, sizeof line, "%s %s sandtop-vnc[%ld]: ", ts, level, my_pid);
	if (h < 0 || (size_t)h >= sizeof line)
		return;
	size_t m = sanitize_text(raw, len, line + h, sizeof line - (size_t)h - 1);
	m += (size_t)h;
	line[m++] = '\n';
	(void)wk_write_all(2, line, m); /* a log that cannot be written is not worth dying for */
}

void wk_log(const char *level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	wk_vlog(level, fmt, ap);
	va_end(ap);
}

/* fd 1 broke: main is gone or not reading what it asked for. */
static _Noreturn void out_gone(void)
{
	int e = errno;
	if (e != EPIPE)
		wk_log("error", "writing to main failed: %s", strerror(e));
	wk_exit(e == EPIPE ? WK_EXIT_OK : WK_EXIT_FAILED);
}

void wk_send_hdr(uint16_t type, uint32_t len)
{
	struct vp_hdr h = {.magic = VP_MAGIC, .type = type, .flags = 0, .len = len};
	if (wk_write_all(1, &h, sizeof h) < 0)
		out_gone();
}

void wk_send_more(const void *p, size_t n)
{
	if (n && wk_write_all(1, p, n) < 0)
		out_gone();
}

void wk_send(uint16_t type, const void *payload, size_t len)
{
	/* one write when small (a state): main may read it in one go */
	char small[sizeof(struct vp_hdr) + sizeof(struct vp_state)];
	struct vp_hdr h = {.magic = VP_MAGIC, .type = type, .flags = 0, .len = (uint32_t)len};
	if (len <= sizeof small - sizeof h) {
		memcpy(small, &h, sizeof h);
		if (len)
			memcpy(small + sizeof h, payload, len);
		if (wk_write_all(1, small, sizeof h + len) < 0)
			out_gone();
		return;
	}
	wk_send_hdr(type, (uint32_t)len);
	wk_send_more(payload, len);
}

static void vstate(uint32_t code, int w, int h, const char *fmt, va_list ap)
{
	struct vp_state st;
	memset(&st, 0, sizeof st);
	st.code = code;
	if (w > 0 && h > 0 && w <= VP_MAX_FB_W && h <= VP_MAX_FB_H) {
		st.fb_w = (uint32_t)w; /* main rejects an out-of-range size: only real ones */
		st.fb_h = (uint32_t)h;
	}
	vsnprintf(st.reason, sizeof st.reason, fmt, ap);
	wk_send(VP_STATE, &st, sizeof st);
}

void wk_state(uint32_t code, int w, int h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vstate(code, w, h, fmt, ap);
	va_end(ap);
}

_Noreturn void wk_fail(int w, int h, const char *fmt, ...)
{
	char reason[VP_REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	wk_log("warn", "failed: %s", reason);
	wk_state(VP_FAILED, w, h, "%s", reason);
	wk_exit(WK_EXIT_FAILED);
}
