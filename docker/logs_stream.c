/* logs_stream: GET /containers/ID/logs as a live stream of capped lines (docker/logparse), with an end reason and cancel. */
#include "docker/logs_stream.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/logparse.h"

struct dk_logs_stream {
	struct dk_logs_cbs cbs;
	void *ud;
	char id[DK_ID_MAX + 1];
	bool follow, timestamps;
	char *since;          /* owned, or NULL */
	long tail;
	size_t line_max;
	bool tty;
	struct dk_logparse lp;
	bool skip[4];         /* dropping the rest of a cut line, by stream */
	struct dk_req *req;   /* the request in flight (it owns this struct) */
	bool opened;          /* the engine started sending */
	bool in_cb;           /* inside our own dispatch: cancel defers to it */
	bool dead;            /* ended (end was called) */
};

static void ls_free(void *p)
{
	struct dk_logs_stream *s = p;
	if (!s)
		return;
	dk_lp_free(&s->lp);
	free(s->since);
	free(s);
}

static void ls_end(struct dk_logs_stream *s, enum dk_logs_end why, const struct err *e)
{
	if (s->dead)
		return;
	s->dead = true;
	if (s->cbs.end)
		s->cbs.end(s->ud, why, e);
}

/* A piece from the parser: whole lines go out, a cut line's first piece
 * goes out marked and the rest of it is dropped. */
static void on_piece(void *ud, const struct dk_lp_piece *pc)
{
	struct dk_logs_stream *s = ud;
	if (s->dead)
		return;
	if (!pc->first) {
		if (pc->last)
			s->skip[pc->stream] = false;
		return;
	}
	struct dk_log_line l = {.stream = pc->stream, .ts = pc->ts_len ? pc->ts : "", .ts_len = pc->ts_len,
	                        .text = pc->text, .len = pc->len, .cut = !pc->last, .unterminated = pc->unterminated};
	if (pc->last && l.len > 0 && l.text[l.len - 1] == '\r')
		l.len--;      /* a tty's "\r\n" */
	s->skip[pc->stream] = !pc->last;
	if (s->cbs.line)
		s->cbs.line(s->ud, &l);
}

static void on_open(struct dk_req *r)
{
	struct dk_logs_stream *s = r->ctx;
	s->opened = true;
	s->in_cb = true;
	if (s->cbs.open && !s->dead)
		s->cbs.open(s->ud, s->tty);
	s->in_cb = false;
}

static int on_data(struct dk_req *r, const char *p, size_t n)
{
	struct dk_logs_stream *s = r->ctx;
	if (s->dead)
		return -1;
	s->in_cb = true;
	int rc = dk_lp_feed(&s->lp, p, n);
	s->in_cb = false;
	return s->dead || rc < 0 ? -1 : 0;
}

static void logs_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_logs_stream *s = r->ctx;
	struct err own;
	s->req = NULL;
	if (s->dead)
		return;  /* cancelled from a callback: end was called then */
	s->in_cb = true;
	if (s->lp.bad) {
		err_set(&own, ERR_PARSE, "the engine's log stream lost its framing after %zu bytes", s->lp.taken);
		ls_end(s, DK_LOGS_BROKEN, &own);
		return;
	}
	if (rc == 0 || s->opened)
		dk_lp_finish(&s->lp);   /* the lines the stream ended inside */
	if (rc == 0)
		ls_end(s, DK_LOGS_EOF, NULL);
	else
		ls_end(s, s->opened && e->code == ERR_TRANSPORT ? DK_LOGS_LOST : DK_LOGS_FAILED, e);
}

static void inspect_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_logs_stream *s = r->ctx;
	struct err perr;
	s->req = NULL;
	if (rc == 0 && dk_parse_tty(r->body.data, r->body.len, &s->tty, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	if (rc < 0) {
		s->in_cb = true;
		ls_end(s, DK_LOGS_FAILED, e);
		return;   /* the request frees s */
	}
	r->ctx = NULL; /* the logs request owns s now */
	dk_lp_init(&s->lp, s->tty, s->timestamps, s->line_max, on_piece, s);
	char tail[32] = "all";
	if (s->tail >= 0)
		snprintf(tail, sizeof tail, "%ld", s->tail);
	char *since = s->since ? dk_escaped_path("&since=", s->since, "") : xstrdup("");
	char *suffix = xasprintf("/logs?stdout=1&stderr=1%s%s%s&tail=%s", s->follow ? "&follow=1" : "",
		s->timestamps ? "&timestamps=1" : "", since, tail);
	free(since);
	char *path = dk_escaped_path("/containers/", s->id, suffix);
	free(suffix);
	struct dk_req *lr = dk_req_new(r->c, "GET", path, true);
	free(path);
	lr->stream = true;
	lr->ctx = s;
	lr->ctx_free = ls_free;
	lr->on_open = on_open;
	lr->on_data = on_data;
	lr->done = logs_done;
	s->req = lr;
	dk_req_submit(lr);
}

struct dk_logs_stream *dk_logs_stream_open(struct dk_client *c, const char *id, const struct dk_logs_opts *o,
                                           const struct dk_logs_cbs *cbs, void *ud)
{
	struct dk_logs_stream *s = xcalloc(1, sizeof *s);
	s->cbs = *cbs;
	s->ud = ud;
	s->follow = o->follow;
	s->timestamps = o->timestamps;
	s->since = o->since ? xstrdup(o->since) : NULL;
	s->tail = o->tail < 0 ? -1 : o->tail;
	s->line_max = o->line_max ? o->line_max : DK_LOGS_LINE_DEFAULT;
	if (s->line_max < DK_LOGS_LINE_MIN)
		s->line_max = DK_LOGS_LINE_MIN;
	if (s->line_max > DK_LOGS_LINE_CAP)
		s->line_max = DK_LOGS_LINE_CAP;
	bool bad = !id || !*id || strlen(id) > DK_ID_MAX;
	if (!bad)
		snprintf(s->id, sizeof s->id, "%s", id);
	char *path = dk_escaped_path("/containers/", bad ? "-" : id, "/json");
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->timeout_ms = DK_ACTION_TIMEOUT_MS;
	r->ctx = s;
	r->ctx_free = ls_free;
	r->done = inspect_done;
	s->req = r;
	if (bad) {
		struct err e;
		err_set(&e, ERR_USAGE, "no container given, or its id is over %d bytes", DK_ID_MAX);
		dk_req_reject(r, &e);
	} else {
		dk_req_submit(r);
	}
	return s;
}

void dk_logs_stream_cancel(struct dk_logs_stream *s)
{
	if (!s || s->dead)
		return;
	ls_end(s, DK_LOGS_CANCELLED, NULL);
	/* inside our own callbacks the transfer ends on the way out (on_data
	 * answers -1, done sees dead) */
	if (!s->in_cb && s->req)
		dk_req_cancel(s->req);   /* frees s */
}
