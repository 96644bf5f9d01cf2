/* pump: an open exec tunnel: caller <-> engine bytes, stdout demultiplexed, stderr to the log. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "docker/tunnel/internal.h"

#define TN_PUMP_ROUNDS 8

/* Make room at the end of b (the data moves to the front). */
static size_t room(struct tn_buf *b)
{
	if (b->off == b->len) {
		b->off = b->len = 0;
	} else if (b->off > 0 && b->len == TN_BUF) {
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	return TN_BUF - b->len;
}

static bool has_room(const struct tn_buf *b)
{
	return b->off > 0 || b->len < TN_BUF;
}

/* stdout bytes are waiting for the caller to read */
static bool stdout_waiting(const struct dk_tunnel *t)
{
	return t->down.off < t->down.len && t->mux.left > 0 && t->mux.stream == 1;
}

void tn_open_want(const struct dk_tunnel *t, short *ev, short *mv)
{
	if (t->efd >= 0) {
		if (!t->engine_eof && has_room(&t->down))
			*ev |= POLLIN;
		if (t->up.off < t->up.len && !t->engine_shut)
			*ev |= POLLOUT;
	}
	if (t->mfd >= 0) {
		if (!t->caller_eof && !t->engine_shut && !t->engine_eof && has_room(&t->up))
			*mv |= POLLIN;
		if (!t->m_out && !t->caller_gone && stdout_waiting(t))
			*mv |= POLLOUT;
	}
}

static void tn_stderr(struct dk_tunnel *t, const char *p, size_t n)
{
	if (t->cap)
		t->cap->ops->err(t, p, n);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || t->errlen == sizeof t->errline)
			tn_stderr_flush(t);
		if (p[i] != '\n')
			t->errline[t->errlen++] = p[i];
	}
}

static void caller_left(struct dk_tunnel *t, int en)
{
	if (!t->caller_gone)
		log_msg(LOG_INFO, "tunnel to %s: the caller's end is closed (%s)", t->what, strerror(en));
	t->caller_gone = true;
}

/* Engine bytes in down -> the caller. Returns -1 when the tunnel ended,
 * else 1 when anything moved. */
static int tn_demux(struct dk_tunnel *t)
{
	int moved = 0;
	struct tn_buf *b = &t->down;
	while (b->off < b->len) {
		size_t span;
		const unsigned char *p = (const unsigned char *)b->p + b->off;
		enum dk_mux_kind k = dk_mux_next(&t->mux, p, b->len - b->off, &span);
		if (k == DK_MUX_BAD_STREAM || k == DK_MUX_BAD_SIZE) {
			const unsigned char *h = t->mux.hdr;
			log_msg(LOG_WARN, "tunnel to %s: engine sent a bad frame header %02x %02x %02x %02x size %u", t->what,
			        h[0], h[1], h[2], h[3], (unsigned)h[4] << 24 | (unsigned)h[5] << 16 | (unsigned)h[6] << 8 | h[7]);
			tn_end(t, "the stream lost its framing");
			return -1;
		}
		if (k == DK_MUX_STDOUT && t->cap) {
			if (t->cap->ops->out(t, (const char *)p, span) < 0)
				return -1;
		} else if (k == DK_MUX_STDOUT && !t->caller_gone) {
			if (!t->m_out)
				break;
			ssize_t w = send(t->mfd, p, span, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					t->m_out = false;
				else if (errno != EINTR)
					caller_left(t, errno);
				continue;
			}
			span = (size_t)w;
		} else if (k == DK_MUX_STDERR) {
			tn_stderr(t, (const char *)p, span);
		}
		/* headers were taken by the parser; dropped stdout is taken here */
		if (k != DK_MUX_HEADER)
			dk_mux_took(&t->mux, span);
		b->off += span;
		moved = 1;
	}
	if (b->off == b->len)
		b->off = b->len = 0;
	return moved;
}

/* caller -> up -> engine; returns 1 when anything moved */
static int tn_upstream(struct dk_tunnel *t)
{
	int moved = 0;
	struct tn_buf *b = &t->up;
	if (t->mfd >= 0 && t->m_in && !t->caller_eof && !t->engine_shut && !t->engine_eof && room(b) > 0) {
		ssize_t k = recv(t->mfd, b->p + b->len, TN_BUF - b->len, MSG_DONTWAIT);
		if (k > 0) {
			b->len += (size_t)k;
			moved = 1;
		} else if (k == 0) {
			t->caller_eof = true;
			moved = 1;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			t->m_in = false;
		} else if (errno != EINTR) {
			t->caller_eof = true;
			caller_left(t, errno);
			moved = 1;
		}
	}
	if (t->efd >= 0 && t->e_out && b->off < b->len && !t->engine_shut) {
		ssize_t k = tn_esend(t, b->p + b->off, b->len - b->off);
		if (k > 0) {
			b->off += (size_t)k;
			moved = 1;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			t->e_out = false;
		} else if (k < 0 && errno != EINTR) {
			log_msg(LOG_INFO, "tunnel to %s: engine stopped taking input (%s)", t->what, strerror(errno));
			t->engine_shut = true;
			b->off = b->len = 0;
			moved = 1;
		}
	}
	if (t->caller_eof && b->off == b->len && !t->engine_shut && t->efd >= 0) {
		/* the process sees EOF on its stdin; its output still comes back */
		tn_eshut(t);
		t->engine_shut = true;
		moved = 1;
	}
	return moved;
}

/* engine -> down; returns 1 when anything moved */
static int tn_downstream(struct dk_tunnel *t)
{
	struct tn_buf *b = &t->down;
	if (t->efd < 0 || !t->e_in || t->engine_eof || room(b) == 0)
		return 0;
	ssize_t k = tn_erecv(t, b->p + b->len, TN_BUF - b->len);
	if (k > 0) {
		b->len += (size_t)k;
		return 1;
	}
	if (k == 0) {
		t->engine_eof = true;
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		t->e_in = false;
		return 0;
	}
	if (errno == EINTR)
		return 1;
	log_msg(LOG_INFO, "tunnel to %s: engine connection: %s", t->what, strerror(errno));
	t->engine_eof = true;
	return 1;
}

void tn_pump(struct dk_tunnel *t)
{
	for (int round = 0; round < TN_PUMP_ROUNDS && t->stage == TN_OPEN; round++) {
		int moved = tn_upstream(t);
		moved |= tn_downstream(t);
		int d = tn_demux(t);
		if (d < 0)
			return;
		moved |= d;
		if (t->caller_gone && t->caller_eof && t->mfd >= 0) {
			close(t->mfd);
			t->mfd = -1;
		}
		if (t->engine_eof && (t->down.off == t->down.len || t->caller_gone)) {
			if (dk_mux_mid_frame(&t->mux))
				log_msg(LOG_WARN, "tunnel to %s: engine closed the stream inside a frame", t->what);
			if (t->cap) {
				t->cap->ops->finish(t, 0, NULL);
				return;
			}
			tn_end(t, "the engine closed the stream");
			return;
		}
		if (t->caller_gone && t->engine_shut && t->deadline < 0)
			t->deadline = clock_mono_ms() + TN_LINGER_MS;
		if (!moved)
			break;
	}
}
