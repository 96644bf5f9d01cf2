/* loop: the exec tunnels as a part of the client (DK_PART_TUNNELS): their pollfds, revents, timers and stages in its poll loop, and dk_tunnel_open. */
#include <string.h>

#include "base/xalloc.h"
#include "docker/tunnel/internal.h"

static void want(const struct dk_tunnel *t, short *ev, short *mv)
{
	*ev = *mv = 0;
	switch (t->stage) {
	case TN_CONNECT:
		*ev = POLLOUT;
		break;
	case TN_START:
		if (t->up.off < t->up.len)
			*ev |= POLLOUT;
		if (t->down.len < TN_BUF)
			*ev |= POLLIN;
		break;
	case TN_OPEN:
		tn_open_want(t, ev, mv);
		break;
	default:
		break;
	}
}

static size_t tunnels_nfds(const struct dk_client *c)
{
	struct dk_tunnel_set *s = tn_set(c);
	return s ? 2 * s->n : 0;
}

static size_t tunnels_pollfds(struct dk_client *c, struct pollfd *fds, size_t base, size_t max, int64_t now_ms,
                              int *timeout_ms)
{
	struct dk_tunnel_set *s = tn_set(c);
	size_t n = base;
	for (struct dk_tunnel *t = s ? s->head : NULL; t; t = t->next) {
		t->e_idx = t->m_idx = -1;
		if (t->closed)
			continue;
		short ev, mv;
		want(t, &ev, &mv);
		if (ev && t->efd >= 0 && n < max) {
			t->e_idx = (long)n;
			fds[n++] = (struct pollfd){.fd = t->efd, .events = ev};
		}
		if (mv && t->mfd >= 0 && n < max) {
			t->m_idx = (long)n;
			fds[n++] = (struct pollfd){.fd = t->mfd, .events = mv};
		}
		/* TLS: curl may hold read bytes the socket no longer shows */
		if (t->tls && t->e_in && (ev & POLLIN))
			*timeout_ms = 0;
		if (t->deadline >= 0) {
			int64_t left = t->deadline - now_ms;
			if (left < 0)
				left = 0;
			if (*timeout_ms < 0 || left < *timeout_ms)
				*timeout_ms = (int)left;
		}
	}
	return n - base;
}

static void tunnels_take(struct dk_client *c, const struct pollfd *fds, size_t n)
{
	struct dk_tunnel_set *s = tn_set(c);
	for (struct dk_tunnel *t = s ? s->head : NULL; t; t = t->next) {
		if (t->e_idx >= 0 && (size_t)t->e_idx < n && fds[t->e_idx].fd == t->efd)
			t->e_rev |= fds[t->e_idx].revents;
		if (t->m_idx >= 0 && (size_t)t->m_idx < n && fds[t->m_idx].fd == t->mfd)
			t->m_rev |= fds[t->m_idx].revents;
		t->e_idx = t->m_idx = -1;
	}
}

static void tn_step(struct dk_tunnel *t, int64_t now_ms)
{
	short er = t->e_rev, mr = t->m_rev;
	t->e_rev = t->m_rev = 0;
	if (er & (POLLIN | POLLHUP | POLLERR))
		t->e_in = true;
	if (er & (POLLOUT | POLLHUP | POLLERR))
		t->e_out = true;
	if (mr & (POLLIN | POLLHUP | POLLERR))
		t->m_in = true;
	if (mr & (POLLOUT | POLLHUP | POLLERR))
		t->m_out = true;
	if (t->deadline >= 0 && now_ms >= t->deadline) {
		struct err e;
		int ms = tn_set(t->c)->timeout_ms;
		switch (t->stage) {
		case TN_CREATE:
			err_set(&e, ERR_TRANSPORT, "exec create timed out after %d ms", ms);
			tn_fail(t, &e);
			return;
		case TN_CONNECT:
		case TN_START:
			err_set(&e, ERR_TRANSPORT, "exec start timed out after %d ms", ms);
			tn_fail(t, &e);
			return;
		case TN_OPEN:
			if (t->cap) {
				err_set(&e, ERR_TRANSPORT, "exec output not complete after %d ms", t->cap->timeout_ms);
				t->cap->ops->finish(t, -1, &e);
				return;
			}
			tn_end(t, "the caller left and the process did not end");
			return;
		default:
			t->deadline = -1;
			return;
		}
	}
	if (t->stage == TN_CONNECT) {
		struct err e;
		if (tn_connected(t, &e) < 0) {
			tn_fail(t, &e);
			return;
		}
	}
	if (t->stage == TN_START && !t->closed)
		tn_start_io(t);
	if (t->stage == TN_OPEN && !t->closed)
		tn_pump(t);
}

static void tunnels_run(struct dk_client *c, int64_t now_ms)
{
	struct dk_tunnel_set *s = tn_set(c);
	if (!s || !s->head)
		return;
	s->running++;
	for (struct dk_tunnel *t = s->head; t; t = t->next)
		if (!t->closed)
			tn_step(t, now_ms);
	if (--s->running == 0 && s->sweep) {
		s->sweep = false;
		for (struct dk_tunnel *t = s->head, *next; t; t = next) {
			next = t->next;
			if (t->closed)
				tn_unlink_free(t);
		}
	}
}

static const struct dk_part_ops tunnels_ops = {
	.nfds = tunnels_nfds, .pollfds = tunnels_pollfds, .take = tunnels_take, .run = tunnels_run, .free = tn_free_all,
};

struct dk_tunnel_set *tn_attach(struct dk_client *c)
{
	struct dk_tunnel_set *s = tn_set(c);
	if (!s) {
		s = xcalloc(1, sizeof *s);
		s->timeout_ms = DK_TUNNEL_TIMEOUT_MS;
		dk_client_part_set(c, DK_PART_TUNNELS, s, &tunnels_ops);
	}
	return s;
}

void dk_tunnel_set_timeout_ms(struct dk_client *c, int ms)
{
	tn_attach(c)->timeout_ms = ms;
}

struct dk_tunnel *dk_tunnel_open(struct dk_client *c, const char *id, const char *const *argv, dk_tunnel_cb cb,
                                 void *ud)
{
	if (!c)
		return NULL;
	tn_attach(c);
	return tn_new(c, id, argv, cb, ud);
}
