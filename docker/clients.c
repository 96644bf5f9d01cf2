/* clients: several engine clients (one per engine) driven in one poll loop, each with its own deadline, so that a wedged engine holds up no other; and a ping to tell one that does not answer. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/docker.h"

size_t dk_clients_pollfds(struct dk_client *const *cs, size_t n, struct pollfd **fds, size_t *cap, size_t base,
                          size_t *counts, int *timeout_ms)
{
	size_t want = base;
	for (size_t i = 0; i < n; i++)
		if (cs[i])
			want += dk_client_pollfds_max(cs[i]);
	if (want > *cap || !*fds) {
		*cap = want * 2 + 8;
		*fds = xrealloc(*fds, *cap * sizeof **fds);
	}
	size_t k = base;
	for (size_t i = 0; i < n; i++) {
		counts[i] = cs[i] ? dk_client_pollfds(cs[i], *fds + k, *cap - k, timeout_ms) : 0;
		k += counts[i];
	}
	return k - base;
}

void dk_clients_dispatch(struct dk_client *const *cs, size_t n, const struct pollfd *fds, size_t base,
                         const size_t *counts)
{
	size_t k = base;
	for (size_t i = 0; i < n; i++) {
		if (cs[i])
			dk_client_dispatch(cs[i], fds + k, counts[i]);
		k += counts[i];
	}
}

size_t dk_clients_run(struct dk_client *const *cs, size_t n, const int64_t *deadline_ms, bool *late)
{
	/* a client past its deadline is dropped from the loop: its fds are no
	 * longer polled (nothing of it runs until the caller drives it again) */
	struct dk_client **live = xcalloc(n ? n : 1, sizeof *live);
	size_t *counts = xcalloc(n ? n : 1, sizeof *counts);
	struct pollfd *fds = NULL;
	size_t cap = 0, nlate = 0;
	for (size_t i = 0; i < n; i++) {
		live[i] = cs[i];
		if (late)
			late[i] = false;
	}
	for (;;) {
		int64_t now = clock_mono_ms();
		int timeout = -1;
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			if (!live[i])
				continue;
			if (dk_client_inflight(live[i]) == 0) {
				live[i] = NULL;
				continue;
			}
			if (now >= deadline_ms[i]) {
				live[i] = NULL;
				nlate++;
				if (late)
					late[i] = true;
				continue;
			}
			int left = (int)(deadline_ms[i] - now);
			if (timeout < 0 || left < timeout)
				timeout = left;
			any = true;
		}
		if (!any)
			break;
		size_t nf = dk_clients_pollfds(live, n, &fds, &cap, 0, counts, &timeout);
		if (poll(fds, nf, timeout) < 0) {
			if (errno != EINTR)
				break;
			for (size_t i = 0; i < nf; i++)
				fds[i].revents = 0;
		}
		dk_clients_dispatch(live, n, fds, 0, counts);
	}
	free(fds);
	free(counts);
	free(live);
	return nlate;
}

/* ---- is the engine there ---- */

static void ping_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_done_cb cb = (dk_done_cb)r->cb;
	cb(r->ud, rc, e);
}

void dk_ping(struct dk_client *c, int timeout_ms, dk_done_cb cb, void *ud)
{
	struct dk_req *r = dk_req_new(c, "GET", "/_ping", false);
	r->done = ping_done;
	r->cb = (void *)cb;
	r->ud = ud;
	r->timeout_ms = timeout_ms;
	dk_req_submit(r);
}
