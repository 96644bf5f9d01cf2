/* logs: a container's log for evidence: the engine's stream cut into prefixed lines (docker/logparse), the newest max_bytes kept. */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/logparse.h"

/* Lines longer than this reach the evidence in several pieces, whole. */
#define LOGS_PIECE_MAX (64u << 10)
/* no output line is shorter than this (prefix or not, a timestamp such as
 * "2026-01-01T00:00:00Z " and "\n" take 22 bytes): tail=max/16+2 lines hold
 * at least the newest max bytes */
#define LOGS_LINE_MIN 16

struct logs {
	dk_logs_cb cb;
	void *ud;
	size_t max;       /* bytes to keep */
	bool tty;         /* raw stream, no frames */
	char *keep;       /* the newest bytes, up to 2 * max */
	size_t len, cap;
	bool dropped;     /* older bytes were let go */
	size_t read;      /* bytes taken from the engine */
	bool capped;      /* stopped at DK_LOGS_READ_MAX */
	bool bad;         /* the frames made no sense */
	struct dk_logparse lp;
	char id[DK_ID_MAX + 1];
};

static void logs_free(void *p)
{
	struct logs *l = p;
	if (l) {
		free(l->keep);
		dk_lp_free(&l->lp);
	}
	free(l);
}

/* Keep the newest bytes: past 2 * max, the oldest are let go (the buffer
 * then holds the newest max, so moving costs O(1) per byte). */
static void keep(struct logs *l, const char *p, size_t n)
{
	size_t limit = 2 * l->max;
	while (n > 0) {
		if (l->len == limit) {
			memmove(l->keep, l->keep + l->len - l->max, l->max);
			l->len = l->max;
			l->dropped = true;
		}
		if (l->len == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64u << 10;
			if (l->cap > limit)
				l->cap = limit;
			l->keep = xrealloc(l->keep, l->cap);
		}
		size_t k = l->cap - l->len < n ? l->cap - l->len : n;
		memcpy(l->keep + l->len, p, k);
		l->len += k;
		p += k;
		n -= k;
	}
}

/* One piece of a line as the evidence has it: "NAME TIMESTAMP text\n"
 * (no NAME for a tty; the '\n' unless the stream ended inside the line). */
static void on_piece(void *ud, const struct dk_lp_piece *pc)
{
	static const char *const names[] = {"", "stdout ", "stderr ", "engine "};
	struct logs *l = ud;
	if (pc->first && !l->tty)
		keep(l, names[pc->stream], strlen(names[pc->stream]));
	if (pc->ts_len) {
		keep(l, pc->ts, pc->ts_len);
		keep(l, " ", 1);
	}
	keep(l, pc->text, pc->len);
	if (pc->last && !pc->unterminated)
		keep(l, "\n", 1);
}

static int on_logs_data(struct dk_req *r, const char *p, size_t n)
{
	struct logs *l = r->ctx;
	if (l->read + n > DK_LOGS_READ_MAX) {
		l->capped = true;
		return -1;
	}
	l->read += n;
	if (dk_lp_feed(&l->lp, p, n) < 0) {
		l->bad = true;
		return -1;
	}
	return 0;
}

static void logs_done(struct dk_req *r, int rc, const struct err *e)
{
	struct logs *l = r->ctx;
	struct err ok;
	err_clear(&ok);
	if (rc < 0 && l->bad) {
		err_set(&ok, ERR_PARSE, "the engine's log stream lost its framing after %zu bytes", l->read);
		e = &ok;
	} else if (rc < 0 && l->capped) {
		rc = 0;
		err_set(&ok, ERR_OK, "log stream over %u MiB: cut there, the newest lines are missing", DK_LOGS_READ_MAX >> 20);
	}
	/* the lines not finished go in as they are (rc is 0 when capped) */
	bool mid_frame = rc == 0 && dk_lp_finish(&l->lp);
	if (mid_frame && !l->capped)
		snprintf(ok.msg, sizeof ok.msg, "the log stream ended inside a frame");
	if (rc < 0) {
		l->cb(l->ud, -1, e, NULL, 0, false);
		return;
	}
	const char *data = l->keep ? l->keep : "";
	size_t len = l->len;
	bool truncated = l->dropped || l->capped;
	if (len > l->max) {
		data += len - l->max;
		len = l->max;
		truncated = true;
	}
	if (truncated && !l->tty) {
		/* start at a whole line (unless the kept part is one line) */
		const char *nl = memchr(data, '\n', len);
		if (nl && (size_t)(nl - data) + 1 < len) {
			len -= (size_t)(nl - data) + 1;
			data = nl + 1;
		}
	}
	l->cb(l->ud, 0, &ok, data, len, truncated);
}

/* Config.Tty is known: ask for the log itself. */
static void tty_done(struct dk_req *r, int rc, const struct err *e)
{
	struct logs *l = r->ctx;
	struct err perr;
	if (rc == 0 && dk_parse_tty(r->body.data, r->body.len, &l->tty, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	if (rc < 0) {
		l->cb(l->ud, -1, e, NULL, 0, false);
		return;
	}
	r->ctx = NULL; /* the next request owns l now */
	dk_lp_init(&l->lp, l->tty, true, LOGS_PIECE_MAX, on_piece, l);
	char *suffix = xasprintf("/logs?stdout=1&stderr=1&timestamps=1&tail=%zu", l->max / LOGS_LINE_MIN + 2);
	char *path = dk_escaped_path("/containers/", l->id, suffix);
	free(suffix);
	struct dk_req *lr = dk_req_new(r->c, "GET", path, true);
	free(path);
	lr->timeout_ms = DK_LOGS_TIMEOUT_MS;
	lr->ctx = l;
	lr->ctx_free = logs_free;
	lr->on_data = on_logs_data;
	lr->done = logs_done;
	dk_req_submit(lr);
}

void dk_logs(struct dk_client *c, const char *id, size_t max_bytes, dk_logs_cb cb, void *ud)
{
	bool bad = !id || !*id || strlen(id) > DK_ID_MAX || max_bytes == 0 || max_bytes > ((size_t)1 << 40);
	struct logs *l = xcalloc(1, sizeof *l);
	l->cb = cb;
	l->ud = ud;
	l->max = max_bytes;
	if (!bad)
		snprintf(l->id, sizeof l->id, "%s", id);
	char *path = dk_escaped_path("/containers/", bad ? "-" : id, "/json");
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->timeout_ms = DK_ACTION_TIMEOUT_MS;
	r->ctx = l;
	r->ctx_free = logs_free;
	r->done = tty_done;
	if (bad) {
		struct err e;
		err_set(&e, ERR_USAGE, "no container given, its id too long, or max_bytes out of range");
		dk_req_reject(r, &e);
		return;
	}
	dk_req_submit(r);
}
