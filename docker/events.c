/* events: the /events stream (container and network events), split into lines, with reconnect and backoff. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"

#define EV_BACKOFF_MIN_MS 250
#define EV_BACKOFF_MAX_MS 5000

struct dk_events {
	dk_event_cb on_event;
	dk_events_state_cb on_state;
	void *ud;
	struct dk_req *req;     /* the open stream, or NULL */
	struct buf line;        /* partial line carried between chunks */
	bool skipping;          /* dropping an overlong line up to its '\n' */
	int backoff_ms;
	int64_t retry_at;       /* mono ms of the next connect; -1 none */
};

static void ev_connect(struct dk_client *c, struct dk_events *ev);
static const struct dk_part_ops ev_ops;

static void ev_line(struct dk_events *ev, const char *p, size_t n)
{
	struct dk_event e;
	struct err err;
	if (n == 0)
		return;
	if (dk_parse_event(p, n, &e, &err) < 0) {
		log_msg(LOG_WARN, "events: dropped a line: %s", err.msg);
		return;
	}
	ev->on_event(ev->ud, &e);
}

static int ev_data(struct dk_req *r, const char *p, size_t n)
{
	struct dk_events *ev = dk_client_part(r->c, DK_PART_EVENTS);
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (ev->skipping) {
			/* drop the rest of an overlong line */
		} else if (buf_append(&ev->line, p, take) < 0) {
			log_msg(LOG_WARN, "events: dropped a line over %u bytes", DK_EVENT_LINE_MAX);
			ev->skipping = true;
			buf_reset(&ev->line);
		}
		if (!nl)
			break;
		if (!ev->skipping)
			ev_line(ev, ev->line.data, ev->line.len);
		ev->skipping = false;
		buf_reset(&ev->line);
		p = nl + 1;
		n -= take + 1;
	}
	return 0;
}

static void ev_open(struct dk_req *r)
{
	struct dk_events *ev = dk_client_part(r->c, DK_PART_EVENTS);
	ev->backoff_ms = EV_BACKOFF_MIN_MS;
	ev->on_state(ev->ud, true, NULL);
}

static void ev_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_events *ev = dk_client_part(r->c, DK_PART_EVENTS);
	struct err closed;
	ev->req = NULL;
	buf_reset(&ev->line);
	ev->skipping = false;
	if (rc == 0) {
		/* the engine ended the stream (shutdown): treat as a drop */
		err_set(&closed, ERR_TRANSPORT, "engine closed the event stream");
		e = &closed;
	}
	ev->retry_at = clock_mono_ms() + ev->backoff_ms;
	ev->backoff_ms = ev->backoff_ms * 2 > EV_BACKOFF_MAX_MS ? EV_BACKOFF_MAX_MS : ev->backoff_ms * 2;
	ev->on_state(ev->ud, false, e);
}

static void ev_connect(struct dk_client *c, struct dk_events *ev)
{
	ev->retry_at = -1;
	char *path = dk_escaped_path("/events?filters=", "{\"type\":[\"container\",\"network\"]}", "");
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->stream = true;
	r->on_data = ev_data;
	r->on_open = ev_open;
	r->done = ev_done;
	ev->req = r;
	dk_req_submit(r);
}

void dk_events_start(struct dk_client *c, dk_event_cb on_event, dk_events_state_cb on_state, void *ud)
{
	if (dk_client_part(c, DK_PART_EVENTS))
		dk_events_stop(c);
	struct dk_events *ev = xcalloc(1, sizeof *ev);
	ev->on_event = on_event;
	ev->on_state = on_state;
	ev->ud = ud;
	ev->backoff_ms = EV_BACKOFF_MIN_MS;
	buf_init(&ev->line, DK_EVENT_LINE_MAX);
	dk_client_part_set(c, DK_PART_EVENTS, ev, &ev_ops);
	ev_connect(c, ev);
}

void dk_events_stop(struct dk_client *c)
{
	struct dk_events *ev = dk_client_part(c, DK_PART_EVENTS);
	if (!ev)
		return;
	dk_client_part_set(c, DK_PART_EVENTS, NULL, NULL);
	if (ev->req)
		dk_req_cancel(ev->req);
	buf_free(&ev->line);
	free(ev);
}

/* the reconnect timer: connect when due, else lower *timeout_ms to it */
static void ev_timer(struct dk_client *c, int64_t now_ms, int *timeout_ms)
{
	struct dk_events *ev = dk_client_part(c, DK_PART_EVENTS);
	if (!ev || ev->retry_at < 0)
		return;
	if (now_ms >= ev->retry_at) {
		ev_connect(c, ev);
		return;
	}
	int left = (int)(ev->retry_at - now_ms);
	if (*timeout_ms < 0 || left < *timeout_ms)
		*timeout_ms = left;
}

static size_t ev_pollfds(struct dk_client *c, struct pollfd *fds, size_t base, size_t max, int64_t now_ms,
                         int *timeout_ms)
{
	(void)fds;
	(void)base;
	(void)max;
	ev_timer(c, now_ms, timeout_ms);
	return 0;
}

static void ev_run(struct dk_client *c, int64_t now_ms)
{
	int t = -1;
	ev_timer(c, now_ms, &t);
}

static const struct dk_part_ops ev_ops = {.pollfds = ev_pollfds, .run = ev_run, .free = dk_events_stop};
