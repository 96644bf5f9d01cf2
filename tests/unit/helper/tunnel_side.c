/* tunnel_side: the caller's side of exec tunnels in the tunnel tests (see tunnel_side.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/tunnel_side.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/xalloc.h"

void side_init(struct side *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->reading = true;
	buf_init(&s->in, 8u << 20);
}

void side_free(struct side *s)
{
	if (s->fd >= 0)
		close(s->fd);
	buf_free(&s->in);
}

void side_on_tunnel(void *ud, int rc, const struct err *e, int fd)
{
	struct side *s = ud;
	s->calls++;
	s->rc = rc;
	s->fd = fd;
	if (rc < 0) {
		assert_int_equal(fd, -1);
		s->e = *e;
	} else {
		assert_null(e);
		assert_true(fd >= 0);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
	if (s->close_in_cb) {
		dk_tunnel_close(s->t);
		s->t = NULL;
	}
}

void side_io(struct side *s)
{
	if (s->fd < 0)
		return;
	while (s->out_off < s->out_len) {
		ssize_t k = write(s->fd, s->out + s->out_off, s->out_len - s->out_off);
		if (k <= 0)
			break;
		s->out_off += (size_t)k;
	}
	if (s->out_off == s->out_len && s->shut_after && !s->shut_done) {
		shutdown(s->fd, SHUT_WR);
		s->shut_done = true;
	}
	char tmp[65536];
	while (s->reading && !s->eof) {
		ssize_t k = read(s->fd, tmp, sizeof tmp);
		if (k > 0)
			buf_append(&s->in, tmp, (size_t)k);
		else if (k == 0)
			s->eof = true;
		else
			break;
	}
}

void side_loop(struct dk_client *c, struct side *sides, size_t nsides, int ms, bool (*done)(const struct side *))
{
	int64_t end = clock_mono_ms() + ms;
	while (clock_mono_ms() < end) {
		bool all = done != NULL;
		for (size_t i = 0; i < nsides; i++)
			all = all && done(&sides[i]);
		if (all)
			return;
		size_t max = dk_client_pollfds_max(c) + nsides;
		struct pollfd *fds = xcalloc(max, sizeof *fds);
		int t = 20;
		size_t n = dk_client_pollfds(c, fds, max - nsides, &t);
		assert_true(n <= dk_client_pollfds_max(c));
		for (size_t i = 0; i < nsides; i++) {
			struct side *s = &sides[i];
			fds[n + i].fd = s->fd;
			fds[n + i].events = (s->reading && !s->eof ? POLLIN : 0) | (s->out_off < s->out_len ? POLLOUT : 0);
			if (!fds[n + i].events)
				fds[n + i].fd = -1; /* a hung-up fd would wake poll at once */
		}
		if (t < 0 || t > 20)
			t = 20;
		poll(fds, n + nsides, t);
		dk_client_dispatch(c, fds, n);
		for (size_t i = 0; i < nsides; i++)
			side_io(&sides[i]);
		free(fds);
	}
}

bool side_called(const struct side *s)
{
	return s->calls > 0;
}

bool side_at_eof(const struct side *s)
{
	return s->eof || (s->calls > 0 && s->rc < 0);
}

char *side_pattern(size_t n)
{
	char *p = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(i * 7 + (i >> 11));
	return p;
}

void side_send(struct side *s, const char *p, size_t n)
{
	s->out = p;
	s->out_len = n;
	s->shut_after = true;
}

void side_assert_echoed(const struct side *s, const char *want, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	assert_true(s->eof);
	assert_int_equal(s->in.len, n + t);
	assert_memory_equal(s->in.data, want, n);
	assert_memory_equal(s->in.data + n, tail, t);
}
