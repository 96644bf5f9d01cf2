/* queue: the journal's records written: the queue (qrec.c) formatted, chained and appended durably when the log can be had, or printed when it never can. */
#include "journal/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/jsonstr.h"
#include "base/xalloc.h"

/* room kept after the targets for reason, detail and the rest of the line */
#define TAIL_RESERVE (16 * 1024)
/* one append (write + fsync) takes queued records up to about this much */
#define BATCH_MAX (4 * 1024 * 1024)
/* journal_drain's pause between tries */
#define DRAIN_SLEEP_MS 20

/* ---- formatting --------------------------------------------------------- */

/* From "ts" to "duration_ms", without braces; op 0: null. b starts empty
 * but for the line's head (the cap on targets counts from b's start). */
static void format_body(const struct journal *a, const struct journal_qrec *q, uint64_t op, struct buf *b)
{
	buf_printf(b, "\"ts\":\"%s\",\"op\":", q->ts);
	if (op)
		buf_printf(b, "%" PRIu64, op);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"phase\":");
	jsonstr_put(b, q->phase, JOURNAL_STR_MAX);
	buf_puts(b, ",\"action\":");
	jsonstr_put(b, q->action, JOURNAL_STR_MAX);
	buf_printf(b, ",\"armed\":%s,\"who\":%s,\"targets\":[", q->armed ? "true" : "false", a->who);
	size_t i;
	for (i = 0; i < q->ntargets; i++) {
		const struct journal_target *t = &q->targets[i];
		size_t mark = b->len;
		buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		jsonstr_put(b, t->id, JOURNAL_STR_MAX);
		buf_puts(b, ",\"name\":");
		jsonstr_put(b, t->name, JOURNAL_STR_MAX);
		buf_puts(b, ",\"result\":");
		jsonstr_put(b, t->result, JOURNAL_STR_MAX);
		buf_puts(b, "}");
		if (b->overflow || b->len > JOURNAL_LINE_MAX - TAIL_RESERVE) {
			/* no room: take this one back and count the rest */
			b->len = mark;
			b->data[mark] = '\0';
			b->overflow = false;
			break;
		}
	}
	buf_puts(b, "]");
	if (i < q->ntotal)
		buf_printf(b, ",\"targets_omitted\":%zu", q->ntotal - i);
	buf_puts(b, ",\"reason\":");
	jsonstr_put(b, q->reason, JOURNAL_STR_MAX);
	buf_puts(b, ",\"detail\":");
	jsonstr_put(b, q->detail, JOURNAL_STR_MAX);
	if (q->duration_ms >= 0)
		buf_printf(b, ",\"duration_ms\":%" PRId64, q->duration_ms);
	else
		buf_puts(b, ",\"duration_ms\":null");
}

/* The whole chained line, newline included, into b; hash becomes its hash
 * (it comes in as prev). written: now, said on a record that waited. */
static int format_line(const struct journal *a, const struct journal_qrec *q, uint64_t seq,
		       char hash[JOURNAL_HEX_LEN + 1], const char *written, struct buf *b)
{
	buf_printf(b, JOURNAL_LINE_HEAD "%" PRIu64 ",", seq);
	format_body(a, q, q->op ? q->op : seq, b);
	if (q->late)
		buf_printf(b, ",\"written\":\"%s\"", written);
	buf_printf(b, ",\"prev\":\"%s\"", hash);
	if (b->overflow || journal_sha256_hex(b->data, b->len, hash) < 0)
		return -1;
	buf_printf(b, ",\"hash\":\"%s\"}\n", hash);
	return b->overflow ? -1 : 0;
}

/* ---- appending ---------------------------------------------------------- */

/* One append of the oldest queued records: the lines chained in memory,
 * one write, one fsync, then the head file. Returns 0; 1 when the records
 * are in the log but the head file was not replaced; -1 when nothing was
 * written (the file is as it was, the records stay queued). */
static int write_batch(struct journal *a, struct err *e)
{
	char now[96];
	journal_fmt_ts(now);
	struct buf all, b;
	buf_init(&all, BATCH_MAX + JOURNAL_LINE_MAX);
	buf_init(&b, JOURNAL_LINE_MAX);
	uint64_t seq = a->seq;
	char hash[JOURNAL_HEX_LEN + 1];
	memcpy(hash, a->hash, sizeof hash);
	size_t k = 0;
	for (struct journal_qrec *q = a->qhead; q && (k == 0 || all.len < BATCH_MAX); q = q->next, k++) {
		buf_reset(&b);
		char h[JOURNAL_HEX_LEN + 1];
		memcpy(h, hash, sizeof h);
		if (format_line(a, q, seq + 1, h, now, &b) < 0 || buf_append(&all, b.data, b.len) < 0) {
			if (k > 0)
				break; /* this one goes in the next batch */
			buf_free(&b);
			buf_free(&all);
			return err_set(e, JOURNAL_E_IO, "cannot format the record");
		}
		memcpy(hash, h, sizeof hash);
		seq++;
	}
	buf_free(&b);
	size_t done, len = all.len;
	int wr = journal_io_write_all(a->fd, all.data, all.len, &done);
	buf_free(&all);
	if (wr < 0) {
		int en = errno;
		if (done > 0 && ftruncate(a->fd, a->size) < 0)
			return err_set(e, JOURNAL_E_IO, "append failed: %s; could not cut the partial record off "
				       "again: %s", strerror(en), strerror(errno));
		return err_set(e, JOURNAL_E_IO, "append failed: %s", strerror(en));
	}
	if (journal_io_fsync(a->fd) < 0) {
		int en = errno;
		/* not known to be on disk: take it back so the chain stays whole */
		if (ftruncate(a->fd, a->size) < 0)
			return err_set(e, JOURNAL_E_IO, "fsync failed: %s; could not take the record back: %s",
				       strerror(en), strerror(errno));
		journal_io_fsync(a->fd);
		return err_set(e, JOURNAL_E_IO, "fsync failed: %s", strerror(en));
	}
	a->size += (off_t)len;
	a->seq = seq;
	memcpy(a->hash, hash, sizeof hash);
	while (k--)
		journal_q_pop(a);
	if (journal_head_write(a, a->seq, a->hash, e) < 0) {
		a->head_stale = true;
		err_set(e, e->code, "record %" PRIu64 " written, but %s", a->seq, e->msg);
		return 1;
	}
	a->head_stale = false;
	return 0;
}

int journal_q_write(struct journal *a, struct err *e)
{
	int rc = 0;
	while (a->nq) {
		int w = write_batch(a, e);
		if (w < 0)
			return -1;
		if (w > 0)
			rc = -1; /* go on: the next batch's head may take */
	}
	if (rc == 0 && a->head_stale) {
		if (journal_head_write(a, a->seq, a->hash, e) < 0)
			return err_set(e, e->code, "record %" PRIu64 " written, but %s", a->seq, e->msg);
		a->head_stale = false;
	}
	if (rc < 0 && !a->head_stale)
		rc = 0; /* a later batch replaced the head after all */
	return rc;
}

void journal_set_problem(struct journal *a, const struct err *e)
{
	if (!e)
		a->problem[0] = '\0';
	else if (e->code == JOURNAL_E_CHAIN)
		snprintf(a->problem, sizeof a->problem, "journal damaged: %s (sandtop journal verify)", e->msg);
	else
		snprintf(a->problem, sizeof a->problem, "%s", e->msg);
	if (e) /* what waits now says, when written, that it waited */
		for (struct journal_qrec *q = a->qhead; q; q = q->next)
			q->late = true;
}

static bool rec_ok(const struct journal_rec *r)
{
	return r && r->action && *r->action && r->phase && *r->phase && (!r->ntargets || r->targets);
}

int journal_write(struct journal *a, const struct journal_rec *r, struct err *e)
{
	if (!rec_ok(r))
		return err_set(e, JOURNAL_E_ARG, "journal: a record needs an action and a phase");
	struct journal_qrec *q = journal_q_push(a, r, false);
	int rc = journal_attach(a, JOURNAL_LOCK_TRIES, e);
	if (rc == 0) {
		rc = journal_q_write(a, e);
		journal_unlock(a);
	}
	if (a->nq) {
		journal_q_drop_last(a, q); /* the caller is told; older queued records stay */
		rc = -1;
	}
	journal_set_problem(a, rc < 0 ? e : NULL);
	if (rc < 0)
		err_set(e, e->code, "journal: %s", e->msg);
	return rc;
}

size_t journal_flush(struct journal *a, struct err *e)
{
	if (!a)
		return 0;
	if (a->fd >= 0 && a->nq == 0 && !a->head_stale) {
		a->problem[0] = '\0';
		return 0;
	}
	struct err le = {0};
	int rc = journal_attach(a, 0, &le);
	if (rc == 0) {
		rc = journal_q_write(a, &le);
		journal_unlock(a);
	}
	journal_set_problem(a, rc < 0 ? &le : NULL);
	if (a->nq && e)
		err_set(e, le.code, "%s", a->problem);
	return a->nq;
}

int journal_submit(struct journal *a, const struct journal_rec *r, struct err *e)
{
	if (!a)
		return err_set(e, JOURNAL_E_ARG, "no journal");
	if (!rec_ok(r))
		return err_set(e, JOURNAL_E_ARG, "journal: a record needs an action and a phase");
	journal_q_push(a, r, false);
	return journal_flush(a, e) ? 1 : 0;
}

size_t journal_queued(const struct journal *a)
{
	return a ? a->nq : 0;
}

const char *journal_problem(const struct journal *a)
{
	return a && a->problem[0] ? a->problem : NULL;
}

size_t journal_drain(struct journal *a, int wait_ms, FILE *fp)
{
	if (!a)
		return 0;
	int64_t end = clock_mono_ms() + (wait_ms > 0 ? wait_ms : 0);
	for (;;) {
		if (journal_flush(a, NULL) == 0)
			return 0;
		int64_t left = end - clock_mono_ms();
		if (left <= 0)
			break;
		if (left > DRAIN_SLEEP_MS)
			left = DRAIN_SLEEP_MS;
		struct timespec ts = { 0, (long)left * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (!fp)
		fp = stderr;
	size_t n = a->nq;
	struct buf b;
	buf_init(&b, JOURNAL_LINE_MAX);
	while (a->nq) {
		buf_reset(&b);
		buf_puts(&b, "{\"unwritten\":true,\"log\":");
		jsonstr_put(&b, a->path, 4096);
		buf_puts(&b, ",\"problem\":");
		jsonstr_put(&b, a->problem[0] ? a->problem : NULL, sizeof a->problem);
		buf_puts(&b, ",");
		format_body(a, a->qhead, a->qhead->op, &b);
		buf_puts(&b, "}\n");
		fwrite(b.data, 1, b.len, fp);
		journal_q_pop(a);
	}
	buf_free(&b);
	fflush(fp);
	return n;
}
