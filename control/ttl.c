/* ttl: the sandtop.ttl budget (parse, time left), the expiry policies, and the enforcer that acts once per sandbox start. */
#include "control/ttl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"

/* At most this many actions are started by one scan: each writes and
 * fsyncs a journal record, so a burst of expiries is spread over turns. */
#define TTL_STARTS_PER_SCAN 8
/* Columns of a sandbox name in a report line. */
#define TTL_NAME_COLS 48

static const char *const policy_names[] = {
	[TTL_FLAG] = "flag", [TTL_PAUSE] = "pause", [TTL_STOP] = "stop", [TTL_KILL] = "kill",
};
/* The action's words: "pausing", "paused" */
static const char *const policy_doing[] = {
	[TTL_FLAG] = "flag only", [TTL_PAUSE] = "pausing", [TTL_STOP] = "stopping", [TTL_KILL] = "killing",
};
static const char *const policy_done[] = {
	[TTL_FLAG] = "flagged", [TTL_PAUSE] = "paused", [TTL_STOP] = "stopped", [TTL_KILL] = "killed",
};

int ttl_policy_parse(const char *word)
{
	for (int p = TTL_FLAG; p <= TTL_KILL; p++)
		if (word && !strcmp(word, policy_names[p]))
			return p;
	return -1;
}

const char *ttl_policy_name(enum ttl_policy p)
{
	return p >= TTL_FLAG && p <= TTL_KILL ? policy_names[p] : "?";
}

/* ---- the enforcer ---- */

enum mark_state {
	M_WATCHING,  /* nothing done for this start */
	M_FLAGGED,   /* expired, reported (flag policy, or shutting down) */
	M_ACTING,    /* run in flight */
	M_DONE,      /* the action succeeded */
	M_FAILED,    /* the engine refused or did not answer: not retried */
	M_REFUSED,   /* the journal refused it: not retried */
};

/* What the enforcer remembers of one sandbox (only those it did or
 * reported something about). */
struct mark {
	char id[65];
	char name[160];          /* sanitized, cut for reports */
	int64_t started_ms;      /* the start st is about */
	enum mark_state st;
	bool bad;                /* its bad label was reported */
	bool saw_down;           /* seen paused or stopped since the action succeeded */
	bool resumed_told;
	bool seen;               /* in the current scan */
	struct act_run *run;     /* M_ACTING */
};

struct ttl_enf {
	struct actions *a;
	enum ttl_policy policy;
	int stop_timeout_s;
	char *label_key, *label_value;   /* the filter; value NULL: the key alone */
	ttl_event_cb cb;
	void *ud;
	bool draining;
	struct mark *marks;
	size_t n, cap;
};

struct ttl_enf *ttl_enf_new(struct actions *a, const struct ttl_enf_opts *o)
{
	struct ttl_enf *t = xcalloc(1, sizeof *t);
	t->a = a;
	t->policy = o->policy;
	t->stop_timeout_s = o->stop_timeout_s < 0 ? 10 : o->stop_timeout_s;
	t->cb = o->cb;
	t->ud = o->ud;
	if (o->label && o->label[0]) {
		const char *eq = strchr(o->label, '=');
		t->label_key = eq ? xstrndup(o->label, (size_t)(eq - o->label)) : xstrdup(o->label);
		t->label_value = eq ? xstrdup(eq + 1) : NULL;
	}
	return t;
}

void ttl_enf_free(struct ttl_enf *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		act_run_free(t->marks[i].run);
	free(t->marks);
	free(t->label_key);
	free(t->label_value);
	free(t);
}

void ttl_enf_drain(struct ttl_enf *t)
{
	t->draining = true;
}

size_t ttl_enf_busy(const struct ttl_enf *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += t->marks[i].run != NULL;
	return n;
}

static void report(struct ttl_enf *t, enum ttl_ev_kind k, const char *id, int64_t ms, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void report(struct ttl_enf *t, enum ttl_ev_kind k, const char *id, int64_t ms, const char *fmt, ...)
{
	char raw[768], safe[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize_text(raw, strlen(raw), safe, sizeof safe);   /* the parts are sanitized; this is the belt */
	log_msg(LOG_INFO, "ttl: %s", safe);
	if (t->cb) {
		struct ttl_event ev = {.kind = k, .id = id, .text = safe, .ms = ms};
		t->cb(t->ud, &ev);
	}
}

static struct mark *mark_find(struct ttl_enf *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->marks[i].id, id))
			return &t->marks[i];
	return NULL;
}

static struct mark *mark_add(struct ttl_enf *t, const struct dk_container *c)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->marks = xrealloc(t->marks, t->cap * sizeof *t->marks);
	}
	struct mark *m = &t->marks[t->n++];
	memset(m, 0, sizeof *m);
	snprintf(m->id, sizeof m->id, "%s", c->id);
	m->started_ms = c->started_at_ms;
	m->seen = true;
	return m;
}

/* The sandbox as reports name it: "NAME (id12)". */
static void mark_name(struct mark *m, const struct dk_container *c)
{
	char name[128];
	sanitize_fit(c->name && c->name[0] ? c->name : "?", TTL_NAME_COLS, name, sizeof name);
	char id[13];
	sanitize_text(c->id, strlen(c->id) < 12 ? strlen(c->id) : 12, id, sizeof id);
	snprintf(m->name, sizeof m->name, "%s (%s)", name, id);
}

bool ttl_enf_wants(const struct ttl_enf *t, const struct dk_container *c)
{
	if (!t->label_key)
		return true;
	const char *v = dk_container_label(c, t->label_key);
	return v && (!t->label_value || !strcmp(v, t->label_value));
}

/* Report the runs that ended since the last scan. */
static void harvest(struct ttl_enf *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct mark *m = &t->marks[i];
		if (!m->run || !act_run_done(m->run))
			continue;
		size_t nr = 0;
		const struct act_result *res = act_run_results(m->run, &nr);
		const char *aerr = act_run_journal_error(m->run);
		char note[ERR_MSG_MAX + 64] = "";
		if (aerr[0])
			snprintf(note, sizeof note, "; the result is not in the journal: %s", aerr);
		if (nr && res[0].state == ACT_OK) {
			m->st = M_DONE;
			bool plain = !res[0].msg[0] || !strcmp(res[0].msg, "ok");
			report(t, TTL_EV_DONE, m->id, res[0].ms, "%s %s in %lld ms%s%s%s%s", policy_done[t->policy], m->name,
				(long long)res[0].ms, plain ? "" : " (", plain ? "" : res[0].msg, plain ? "" : ")", note);
		} else {
			m->st = M_FAILED;
			report(t, TTL_EV_FAILED, m->id, nr ? res[0].ms : 0, "%s %s failed: %s%s", policy_names[t->policy],
				m->name, nr ? res[0].msg : "no result", note);
		}
		act_run_free(m->run);
		m->run = NULL;
	}
}

static const enum act_kind policy_kind[] = {
	[TTL_FLAG] = ACT_COUNT, [TTL_PAUSE] = ACT_PAUSE, [TTL_STOP] = ACT_STOP, [TTL_KILL] = ACT_KILL,
};

/* c's budget of ttl s is spent (ran ms so far) and nothing was done for
 * this start: report it and start the policy's action. */
static void expire(struct ttl_enf *t, struct mark *m, const struct dk_container *c, int64_t ttl, int64_t ran)
{
	int64_t over = ran / 1000 - ttl;
	m->started_ms = c->started_at_ms;
	m->saw_down = m->resumed_told = false;
	if (t->policy == TTL_FLAG) {
		m->st = M_FLAGGED;
		report(t, TTL_EV_EXPIRED, m->id, 0, "expired %s over by %llds (%s=%lld): flag only", m->name,
			(long long)over, TTL_LABEL, (long long)ttl);
		return;
	}
	report(t, TTL_EV_EXPIRED, m->id, 0, "expired %s over by %llds (%s=%lld): %s", m->name, (long long)over,
		TTL_LABEL, (long long)ttl, policy_doing[t->policy]);
	char reason[128];
	snprintf(reason, sizeof reason, "ttl expired: %s=%lld, running %lld s", TTL_LABEL, (long long)ttl,
		(long long)(ran / 1000));
	struct act_opts ao = {.kind = policy_kind[t->policy], .timeout_s = t->stop_timeout_s, .reason = reason,
		.armed = false};
	struct err e = {0};
	struct act_run *r = t->a ? act_start(t->a, &ao, c, 1, &e) : NULL;
	if (!t->a)
		err_set(&e, 1, "no actions context");
	if (!r) {
		m->st = M_REFUSED;
		report(t, TTL_EV_REFUSED, m->id, 0, "%s %s refused: %s", policy_names[t->policy], m->name, e.msg);
		return;
	}
	m->st = M_ACTING;
	m->run = r;
}

/* One container of a scan. *starts counts the actions started; *next is
 * lowered to the ms until c's budget is spent. Returns false when c needs
 * an action but this scan started enough of them. */
static bool visit(struct ttl_enf *t, const struct dk_container *c, int64_t wall_ms, int *starts, int64_t *next)
{
	if (!ttl_enf_wants(t, c))
		return true;
	const char *v = dk_container_label(c, TTL_LABEL);
	int64_t ttl = 0;
	int pr = ttl_parse(v, &ttl);
	if (pr == 0)
		return true;
	struct mark *m = mark_find(t, c->id);
	if (m)
		m->seen = true;
	if (pr < 0) {
		if (!m)
			m = mark_add(t, c);
		if (!m->bad) {
			char val[64];
			m->bad = true;
			mark_name(m, c);
			sanitize_fit(v, 24, val, sizeof val);
			report(t, TTL_EV_BAD, m->id, 0, "bad %s on %s: '%s' is not a number of seconds; not enforced",
				TTL_LABEL, m->name, val);
		}
		return true;
	}
	if (!c->inspected || c->started_at_ms <= 0)
		return true;
	if (m && m->run)
		return true;                 /* its action is in flight */
	if (m && m->started_ms != c->started_at_ms) {
		m->st = M_WATCHING;          /* a new start: a new budget */
		m->started_ms = c->started_at_ms;
		m->saw_down = m->resumed_told = false;
	}
	bool running = c->state && !strcmp(c->state, "running") && !(t->a && act_frozen(t->a, c));
	if (!running) {
		if (m && m->st == M_DONE)
			m->saw_down = true;
		return true;                 /* paused or stopped: the budget is moot */
	}
	/* spent as the screen shows it: ttl_left below zero */
	if (ttl_left_at(ttl, c->started_at_ms, wall_ms) >= 0) {
		int64_t due = c->started_at_ms + (ttl + 1) * 1000 - wall_ms;
		if (due < 1)
			due = 1;
		if (*next < 0 || due < *next)
			*next = due;
		return true;
	}
	int64_t ran = wall_ms > c->started_at_ms ? wall_ms - c->started_at_ms : 0;
	if (m && m->started_ms == c->started_at_ms && m->st != M_WATCHING) {
		/* the inventory may still say running for a moment after our
		 * action: only a sandbox seen down in between was resumed */
		if (m->st == M_DONE && m->saw_down && !m->resumed_told) {
			m->resumed_told = true;
			report(t, TTL_EV_RESUMED, m->id, 0, "%s is running again past its budget: left alone until it restarts",
				m->name);
		}
		return true;                 /* once per start */
	}
	if (t->policy != TTL_FLAG && *starts >= TTL_STARTS_PER_SCAN)
		return false;
	if (!m)
		m = mark_add(t, c);
	mark_name(m, c);
	if (t->policy != TTL_FLAG)
		(*starts)++;
	expire(t, m, c, ttl, ran);
	return true;
}

int ttl_enf_scan(struct ttl_enf *t, const void *src, size_t n, ttl_get_fn get, int64_t wall_ms)
{
	harvest(t);
	if (t->draining)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->marks[i].seen = false;
	int starts = 0;
	int64_t next = -1;
	bool more = false;
	for (size_t i = 0; i < n; i++) {
		const struct dk_container *c = get(src, i);
		if (c && !visit(t, c, wall_ms, &starts, &next))
			more = true;
	}
	/* forget the sandboxes that are gone (or no longer match), once idle */
	for (size_t i = t->n; i-- > 0;)
		if (!t->marks[i].seen && !t->marks[i].run)
			t->marks[i] = t->marks[--t->n];
	if (more)
		return 0;
	if (next < 0)
		return -1;
	return next > 60000 ? 60000 : (int)next;
}

static const struct dk_container *inv_at(const void *src, size_t i)
{
	return inv_get(src, i);
}

int ttl_enf_tick(struct ttl_enf *t, const struct inventory *inv, int64_t wall_ms)
{
	if (inv_state(inv) != INV_ONLINE) {
		harvest(t);
		return -1;
	}
	return ttl_enf_scan(t, inv, inv_count(inv), inv_at, wall_ms);
}
