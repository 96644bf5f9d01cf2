/* qrec: the journal's queue in memory: each record a capped deep copy, stamped with the time it was given, kept in order until the log takes it. */
#include "journal/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/xalloc.h"

/* JOURNAL_STR_MAX + 1 bytes format exactly as the whole string (the cut and
 * its ellipsis are decided on them). */
static char *cap_dup(const char *s)
{
	return s ? xstrndup(s, JOURNAL_STR_MAX + 1) : NULL;
}

struct journal_qrec *journal_q_push(struct journal *a, const struct journal_rec *r, bool front)
{
	struct journal_qrec *q = xcalloc(1, sizeof *q);
	q->action = cap_dup(r->action);
	q->phase = cap_dup(r->phase);
	q->reason = cap_dup(r->reason);
	q->detail = cap_dup(r->detail);
	q->op = r->op;
	q->duration_ms = r->duration_ms;
	q->armed = r->armed;
	q->ntotal = r->ntargets;
	q->ntargets = r->ntargets < JOURNAL_TARGETS_MAX ? r->ntargets : JOURNAL_TARGETS_MAX;
	q->targets = xcalloc(q->ntargets ? q->ntargets : 1, sizeof *q->targets);
	for (size_t i = 0; i < q->ntargets; i++) {
		q->targets[i].id = cap_dup(r->targets[i].id);
		q->targets[i].name = cap_dup(r->targets[i].name);
		q->targets[i].result = cap_dup(r->targets[i].result);
	}
	journal_fmt_ts(q->ts);
	if (front) {
		q->next = a->qhead;
		a->qhead = q;
		if (a->qtail == &a->qhead)
			a->qtail = &q->next;
	} else {
		*a->qtail = q;
		a->qtail = &q->next;
	}
	a->nq++;
	return q;
}

static void qrec_free(struct journal_qrec *q)
{
	for (size_t i = 0; i < q->ntargets; i++) {
		free((char *)q->targets[i].id);
		free((char *)q->targets[i].name);
		free((char *)q->targets[i].result);
	}
	free(q->targets);
	free(q->action);
	free(q->phase);
	free(q->reason);
	free(q->detail);
	free(q);
}

void journal_q_pop(struct journal *a)
{
	struct journal_qrec *q = a->qhead;
	a->qhead = q->next;
	if (!a->qhead)
		a->qtail = &a->qhead;
	a->nq--;
	qrec_free(q);
}

void journal_q_drop_last(struct journal *a, struct journal_qrec *q)
{
	struct journal_qrec **p = &a->qhead;
	while (*p && *p != q)
		p = &(*p)->next;
	if (!*p)
		return;
	*p = NULL;
	a->qtail = p;
	a->nq--;
	qrec_free(q);
}

void journal_fmt_ts(char out[96])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts.tv_nsec);
}
