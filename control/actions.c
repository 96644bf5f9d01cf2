/* actions: what an operator does to sandboxes (one, a set, or all at once): the kernel first on a local engine, the engine second, per-target results, journalled without ever holding up containment. */
#include "control/act_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "journal/journal.h"

#define ACT_TIMEOUT_MS 15000          /* an engine-only target, beyond its own wait */
#define ACT_JOURNAL_RETRY_MS 250        /* records the log could not take are retried this often */

/* ---- the context ---- */

static void run_destroy(struct act_run *r);
static bool run_abandon(struct act_run *r);
static void kernel_up_settle(struct target *t, bool ok, const char *text);
static void engine_call(struct target *t, enum act_kind k);

/* How the kernel's part (act_kernel.c) reports back. */
static const struct actk_up kernel_up = {.settle = kernel_up_settle, .engine_call = engine_call};

struct actions *actions_new(struct dk_client *c, const char *journal_path, bool local)
{
	struct actions *a = xcalloc(1, sizeof *a);
	a->c = c;
	a->up = &kernel_up;
	a->next_op = (uint64_t)clock_wall_ms() * 1000;
	struct err e = {0};
	/* a log that cannot be had now keeps its records in memory and is retried */
	a->journal = journal_path ? journal_open_lazy(journal_path) : NULL;
	if (!journal_path)
		snprintf(a->problem, sizeof a->problem, "no journal");
	if (!local)
		snprintf(a->kproblem, sizeof a->kproblem, "a remote engine: its containers' cgroups are not on this host");
	else if (geteuid() != 0)
		snprintf(a->kproblem, sizeof a->kproblem, "the kernel path needs root");
	else if (!(a->frz = cg_freezer_open("/proc", "", &e)))
		snprintf(a->kproblem, sizeof a->kproblem, "%s", e.msg);
	if (a->kproblem[0])
		log_msg(LOG_WARN, "actions: no kernel path (%s): freeze and kill go through the engine only", a->kproblem);
	return a;
}

void actions_free(struct actions *a)
{
	if (!a)
		return;
	while (a->runs)
		if (!run_abandon(a->runs))
			run_destroy(a->runs);  /* their requests die with the client */
	/* what the log never took is printed, not lost */
	if (a->journal && journal_queued(a->journal))
		journal_drain(a->journal, 2000, stderr);
	journal_close(a->journal);
	cg_freezer_free(a->frz);
	free(a);
}

int act_kernel_state(struct actions *a, const struct dk_container *c)
{
	return cg_state_of(a->frz, c->id, c->pid);
}

bool act_frozen(struct actions *a, const struct dk_container *c)
{
	if (c->state && strcmp(c->state, "running") != 0)
		return false;
	int st = act_kernel_state(a, c);
	return st == CG_FRZ_FROZEN || st == CG_FRZ_FREEZING;
}

bool act_kernel(const struct actions *a)
{
	return a->frz != NULL;
}

const char *act_kernel_problem(const struct actions *a)
{
	return a->kproblem[0] ? a->kproblem : NULL;
}

struct journal *act_journal(struct actions *a)
{
	return a->journal;
}

const char *act_problem(const struct actions *a)
{
	const char *p = a->journal ? journal_problem(a->journal) : NULL;
	if (p) {
		snprintf(((struct actions *)a)->problem, sizeof a->problem, "JOURNAL: %zu record%s not written: %s; retrying",
			journal_queued(a->journal), journal_queued(a->journal) == 1 ? "" : "s", p);
		return a->problem;
	}
	return a->journal || !a->problem[0] ? NULL : a->problem;
}

/* ---- the journal records ---- */

/* One record of r: phase "intent", "result", or "engine" (the late engine
 * answer of target only). Returns 0 written, 1 kept to be written later
 * (e says why), -1 no log. */
static int record(struct act_run *r, const char *phase, const struct target *only, struct err *e)
{
	struct actions *a = r->a;
	if (!a->journal)
		return err_set(e, 1, "%s", a->problem[0] ? a->problem : "no journal");
	struct journal_target *tg = xcalloc(r->n ? r->n : 1, sizeof *tg);
	char **text = xcalloc(r->n ? r->n : 1, sizeof *text);
	size_t nt = 0;
	char detail[128] = "";
	size_t dl = 0;
	if (r->o.kind == ACT_KILL || r->o.kind == ACT_KILL_ALL)
		dl += (size_t)snprintf(detail + dl, sizeof detail - dl, "signal=%s", r->signal);
	else if (r->o.kind == ACT_STOP || r->o.kind == ACT_RESTART)
		dl += (size_t)snprintf(detail + dl, sizeof detail - dl, "timeout=%ds", r->o.timeout_s);
	if (r->kernel && dl < sizeof detail)
		snprintf(detail + dl, sizeof detail - dl, "%scontained=kernel", dl ? " " : "");
	bool with_result = strcmp(phase, "intent") != 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct act_result *res = &r->res[i];
		if (only && only != &r->t[i])
			continue;
		tg[nt].id = res->id;
		tg[nt].name = res->name;
		/* "ok" (or "ok: the story") for a success, the story for a failure */
		const char *story = only ? res->engine_msg : res->msg;
		bool ok = only ? res->engine == ACT_ENG_OK : res->state == ACT_OK;
		if (with_result)
			text[nt] = ok && (!story[0] || !strcmp(story, "ok")) ? xstrdup("ok") :
				ok ? xasprintf("ok: %s", story) : xstrdup(story);
		tg[nt].result = text[nt];
		nt++;
	}
	struct journal_rec rec = {
		.action = act_name(r->o.kind), .phase = phase, .op = r->op, .targets = tg, .ntargets = nt,
		.reason = r->reason[0] ? r->reason : NULL, .armed = r->o.armed, .detail = detail[0] ? detail : NULL,
		.duration_ms = with_result ? clock_mono_ms() - r->started_ms : -1,
	};
	int rc = journal_submit(a->journal, &rec, e);
	for (size_t i = 0; i < nt; i++)
		free(text[i]);
	free(text);
	free(tg);
	return rc;
}

int act_note(struct actions *a, const char *action, const struct dk_container *target, const char *detail,
             bool armed, struct err *e)
{
	if (!a->journal)
		return err_set(e, 1, "%s", a->problem[0] ? a->problem : "no journal");
	struct journal_target t = {.id = target->id, .name = target->name};
	struct journal_rec rec = {.action = action, .phase = "event", .targets = &t, .ntargets = 1,
		.armed = armed, .detail = detail, .duration_ms = -1};
	return journal_submit(a->journal, &rec, e) < 0 ? -1 : 0;
}

static void log_failure(struct act_run *r, const struct err *e)
{
	if (!r->journal_err[0])
		snprintf(r->journal_err, sizeof r->journal_err, "%s", e->msg);
	log_msg(LOG_WARN, "%s (op %llu): not in the journal yet (kept, retried): %s", act_name(r->o.kind),
		(unsigned long long)r->op, e->msg);
}

/* ---- runs ---- */

static void run_unlink(struct act_run *r)
{
	for (struct act_run **p = &r->a->runs; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			return;
		}
}

static void run_destroy(struct act_run *r)
{
	run_unlink(r);
	for (size_t i = 0; i < r->n; i++) {
		for (size_t j = 0; j < r->t[i].nnet; j++)
			free(r->t[i].networks[j]);
		free(r->t[i].networks);
	}
	free(r->t);
	free(r->res);
	free(r);
}

static bool engine_waiting(const struct act_run *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->res[i].engine == ACT_ENG_WAITING)
			return true;
	return false;
}

bool act_run_quiet(const struct act_run *r)
{
	return r->pending == 0 && !engine_waiting(r);
}

/* Write the result record once the run is quiet; free an orphan once
 * nothing of it is in flight. Returns true when r was freed. */
static bool progress(struct act_run *r)
{
	r->gen++;
	if (r->begun && !r->result_logged && act_run_quiet(r)) {
		r->result_logged = true;
		struct err e = {0};
		if (r->a->journal && record(r, "result", NULL, &e) != 0)
			log_failure(r, &e);
		for (size_t i = 0; i < r->n; i++)
			r->t[i].logged_result = true;
		log_msg(LOG_INFO, "action %s (op %llu) done", act_name(r->o.kind), (unsigned long long)r->op);
	}
	if (r->orphaned && r->result_logged && r->engine_out == 0) {
		run_destroy(r);
		return true;
	}
	return false;
}

/* res->msg from the kernel's and the engine's parts. */
static void compose(struct act_result *res)
{
	const char *e = res->engine == ACT_ENG_WAITING ? "waiting" : res->engine_msg;
	if (!res->kernel[0])
		snprintf(res->msg, sizeof res->msg, "%s", res->engine == ACT_ENG_WAITING ? "" : e);
	else if (res->engine == ACT_ENG_NONE)
		snprintf(res->msg, sizeof res->msg, "%s", res->kernel);
	else
		snprintf(res->msg, sizeof res->msg, "%s; engine: %s", res->kernel, e);
}

static void settle(struct target *t, bool ok)
{
	struct act_run *r = t->run;
	if (t->res->state != ACT_PENDING)
		return;
	t->res->state = ok ? ACT_OK : ACT_FAILED;
	t->res->ms = clock_mono_ms() - r->started_ms;
	r->pending--;
}

/* A run still in flight when sandtop ends (q, SIGHUP, SIGTERM): its result
 * record says what stayed undone, so the journal tells how every action it
 * took ended (a stop's kill after the wait never comes: the sandbox may
 * still run). Returns true when that freed r (an orphan done with). */
static bool run_abandon(struct act_run *r)
{
	if (!r->begun || r->result_logged)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		struct act_result *res = &r->res[i];
		if (res->engine == ACT_ENG_WAITING) {
			res->engine = ACT_ENG_SILENT;
			snprintf(res->engine_msg, sizeof res->engine_msg, "no answer before sandtop exited");
			compose(res);
		}
		if (res->state != ACT_PENDING)
			continue;
		settle(&r->t[i], false);
		compose(res);
		size_t n = strlen(res->msg);
		snprintf(res->msg + n, sizeof res->msg - n, "%sunfinished: sandtop exited first", n ? "; " : "");
	}
	return progress(r);   /* writes the result record */
}

/* Settle t (once): ok or failed, with the kernel's text. */
static void kernel_settle(struct target *t, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void kernel_settle(struct target *t, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->res->kernel, sizeof t->res->kernel, fmt, ap);
	va_end(ap);
	t->kernel_settled = true;
	settle(t, ok);
	compose(t->res);
	progress(t->run);
}

static void kernel_up_settle(struct target *t, bool ok, const char *text)
{
	kernel_settle(t, ok, "%s", text);
}

/* The engine's answer for t (ok, or failed with msg). */
static void engine_answer(struct target *t, bool ok, const char *msg)
{
	struct act_run *r = t->run;
	struct act_result *res = t->res;
	bool late = res->engine == ACT_ENG_SILENT;
	res->engine = ok ? ACT_ENG_OK : ACT_ENG_FAILED;
	snprintf(res->engine_msg, sizeof res->engine_msg, "%s", msg[0] ? msg : ok ? "ok" : "failed");
	if (late) {
		size_t n = strlen(res->engine_msg);
		snprintf(res->engine_msg + n, sizeof res->engine_msg - n, " (after %lld ms)",
			(long long)(clock_mono_ms() - t->asked_ms));
	}
	if (!t->kernel_settled)
		settle(t, ok);
	compose(res);
	if (t->logged_result) {
		struct err e = {0};
		if (r->a->journal && record(r, "engine", t, &e) != 0)
			log_failure(r, &e);
	}
	progress(r);
}

static void on_done(void *ud, int rc, const struct err *e)
{
	struct target *t = ud;
	struct act_run *r = t->run;
	t->engine_out = false;
	r->engine_out--;
	if (t->kernel_settled && rc < 0 && e->code == ERR_CONFLICT && r->o.kind != ACT_QUARANTINE)
		engine_answer(t, true, "not running (already ended)");   /* what the kernel did, seen by the engine */
	else if (rc == 0 && t->net_error[0])
		engine_answer(t, false, "a network could not be cut");
	else
		engine_answer(t, rc == 0, rc == 0 ? e->msg : e->msg[0] ? e->msg : "failed");
}

static void ask(struct target *t)
{
	struct act_run *r = t->run;
	t->engine_out = true;
	r->engine_out++;
	if (!t->asked_ms)
		t->asked_ms = clock_mono_ms();
	t->res->engine = ACT_ENG_WAITING;
}

static void on_disconnected(void *ud, int rc, const struct err *e)
{
	struct target *t = ud;
	struct act_run *r = t->run;
	r->engine_out--;
	/* not found / not connected: that network is already cut */
	if (rc < 0 && e->code != ERR_NOTFOUND && e->code != ERR_CONFLICT) {
		log_msg(LOG_WARN, "quarantine %.12s: disconnect: %s", t->res->id, e->msg);
		snprintf(t->net_error, sizeof t->net_error, "%s", e->msg);
	}
	if (--t->net_pending > 0)
		return;
	if (t->kernel_froze) {
		/* frozen by the kernel: cutting the networks was the engine's part */
		t->engine_out = false;
		bool ok = !t->net_error[0];
		if (!t->kernel_settled) {
			t->kernel_settled = true;
			settle(t, ok);
		}
		engine_answer(t, ok, ok ? "every network cut" : t->net_error);
		return;
	}
	r->engine_out++;  /* the network is cut: now the engine's pause (ask() counted it once) */
	dk_pause(r->a->c, t->res->id, on_done, t);
}

/* Ask the engine for t's part of the action (kind k). */
static void engine_call(struct target *t, enum act_kind k)
{
	struct act_run *r = t->run;
	struct dk_client *c = r->a->c;
	const char *id = t->res->id;
	ask(t);
	switch (k) {
	case ACT_PAUSE:
	case ACT_FREEZE_ALL:
		dk_pause(c, id, on_done, t);
		break;
	case ACT_UNPAUSE:
		dk_unpause(c, id, on_done, t);
		break;
	case ACT_STOP:
		dk_stop(c, id, r->o.timeout_s, on_done, t);
		break;
	case ACT_KILL:
	case ACT_KILL_ALL:
		dk_kill(c, id, r->signal, on_done, t);
		break;
	case ACT_RESTART:
		dk_restart(c, id, r->o.timeout_s, on_done, t);
		break;
	case ACT_REMOVE:
		dk_remove(c, id, true, on_done, t);
		break;
	case ACT_QUARANTINE:
		if (t->nnet == 0) {
			if (t->kernel_froze) {         /* frozen already, no network to cut */
				t->engine_out = false;
				r->engine_out--;
				t->res->engine = ACT_ENG_NONE;
				kernel_settle(t, true, "%s; no network to cut", t->res->kernel);
			} else {
				dk_pause(c, id, on_done, t);
			}
			break;
		}
		t->net_pending = t->nnet;
		r->engine_out += t->nnet - 1;     /* one per disconnect (ask() counted one) */
		for (size_t i = 0; i < t->nnet; i++)
			dk_network_disconnect(c, t->networks[i], id, true, on_disconnected, t);
		break;
	case ACT_COUNT:
		break;
	}
}

/* A run of kind o on the n targets, set up and linked, nothing done yet. */
static struct act_run *run_new(struct actions *a, const struct act_opts *o, const struct dk_container *targets,
                               size_t n)
{
	struct act_run *r = xcalloc(1, sizeof *r);
	r->a = a;
	r->o = *o;
	r->o.reason = NULL;
	r->o.signal = NULL;
	if (r->o.engine_wait_ms <= 0)
		r->o.engine_wait_ms = ACT_ENGINE_WAIT_MS;
	if (o->kind == ACT_KILL_ALL || dk_signal_canon(o->signal, r->signal, sizeof r->signal) < 0)
		snprintf(r->signal, sizeof r->signal, "SIGKILL");
	if (o->reason)
		sanitize_text(o->reason, strlen(o->reason), r->reason, sizeof r->reason);
	if (r->o.timeout_s < 0)
		r->o.timeout_s = 10;
	r->op = ++a->next_op;
	r->n = n;
	r->pending = n;
	r->started_ms = clock_mono_ms();
	r->t = xcalloc(n, sizeof *r->t);
	r->res = xcalloc(n, sizeof *r->res);
	for (size_t i = 0; i < n; i++) {
		struct target *t = &r->t[i];
		t->run = r;
		t->res = &r->res[i];
		snprintf(t->res->id, sizeof t->res->id, "%s", targets[i].id);
		snprintf(t->res->name, sizeof t->res->name, "%s", targets[i].name ? targets[i].name : "");
		t->pid = targets[i].pid;
		t->engine_paused = targets[i].state && !strcmp(targets[i].state, "paused");
		t->was_down = targets[i].state && (!strcmp(targets[i].state, "exited") ||
			!strcmp(targets[i].state, "created") || !strcmp(targets[i].state, "dead"));
		int wait = o->kind == ACT_STOP || o->kind == ACT_RESTART ? r->o.timeout_s * 1000 : 0;
		t->deadline_ms = r->started_ms + wait + ACT_TIMEOUT_MS;
		if (o->kind == ACT_QUARANTINE && targets[i].nnetworks) {
			t->networks = xcalloc(targets[i].nnetworks, sizeof *t->networks);
			for (size_t j = 0; j < targets[i].nnetworks; j++)
				if (targets[i].networks[j].name)
					t->networks[t->nnet++] = xstrdup(targets[i].networks[j].name);
		}
	}
	r->next = a->runs;
	a->runs = r;
	return r;
}

/* Whether r's kernel part goes first (a local engine, as root). */
static bool kernel_first(const struct act_run *r)
{
	return r->a->frz && (actk_containment(r->o.kind) || r->o.kind == ACT_UNPAUSE);
}

/* After the kernel's part (if any): the engine's, then the intent record. */
static void run_begin(struct act_run *r)
{
	if (!kernel_first(r))
		for (size_t i = 0; i < r->n; i++)
			engine_call(&r->t[i], r->o.kind);
	struct err ae = {0};
	if (r->a->journal && record(r, "intent", NULL, &ae) != 0)
		log_failure(r, &ae);
	r->begun = true;
	progress(r);
}

struct act_run *act_start(struct actions *a, const struct act_opts *o,
                          const struct dk_container *targets, size_t n, struct err *e)
{
	if (n == 0) {
		err_set(e, 1, "no sandbox to %s", act_name(o->kind));
		return NULL;
	}
	struct act_run *r = run_new(a, o, targets, n);
	/* containment first: the kernel acts (and the engine is asked) before
	 * anything is written; the log never holds an action up (a record it
	 * cannot take now is kept in memory, retried and said on the screen) */
	if (kernel_first(r))
		actk_start(r);
	run_begin(r);
	return r;
}

size_t act_start_many(struct actions *const *as, size_t na, const struct act_opts *o,
                      const struct dk_container *const *targets, const size_t *n, struct act_run **runs)
{
	struct act_run **k = xcalloc(na ? na : 1, sizeof *k);
	size_t nk = 0, started = 0;
	for (size_t i = 0; i < na; i++) {
		runs[i] = as[i] && n[i] ? run_new(as[i], o, targets[i], n[i]) : NULL;
		if (runs[i] && kernel_first(runs[i]))
			k[nk++] = runs[i];
	}
	/* every local engine's sandboxes contained in one pass of the kernel */
	if (nk)
		actk_start_many(k, nk);
	for (size_t i = 0; i < na; i++)
		if (runs[i]) {
			run_begin(runs[i]);
			started++;
		}
	free(k);
	return started;
}

int act_tick(struct actions *a, int64_t now_ms)
{
	int64_t next = -1;
	if (a->journal && journal_flush(a->journal, NULL) > 0)
		next = ACT_JOURNAL_RETRY_MS;
	for (struct act_run *r = a->runs, *nx; r; r = nx) {
		nx = r->next;
		int k = actk_tick(r, now_ms);
		if (k >= 0 && (next < 0 || k < next))
			next = k;
		bool changed = false;
		for (size_t i = 0; i < r->n; i++) {
			struct target *t = &r->t[i];
			struct act_result *res = t->res;
			if (res->engine == ACT_ENG_WAITING && t->kernel_settled) {
				int64_t due = t->asked_ms + r->o.engine_wait_ms;
				if (now_ms >= due) {
					res->engine = ACT_ENG_SILENT;
					snprintf(res->engine_msg, sizeof res->engine_msg, "no answer within %d s (still listening)",
						(r->o.engine_wait_ms + 999) / 1000);
					compose(res);
					changed = true;
				} else if (next < 0 || due - now_ms < next) {
					next = due - now_ms;
				}
			} else if (res->state == ACT_PENDING && !t->term_until_ms) {
				if (now_ms >= t->deadline_ms) {
					res->engine = ACT_ENG_SILENT;
					snprintf(res->engine_msg, sizeof res->engine_msg, "no answer from the engine within %lld s",
						(long long)((t->deadline_ms - r->started_ms) / 1000));
					settle(t, false);
					compose(res);
					changed = true;
				} else if (next < 0 || t->deadline_ms - now_ms < next) {
					next = t->deadline_ms - now_ms;
				}
			}
		}
		if (changed)
			progress(r);
	}
	return next < 0 ? -1 : next > 1000 ? 1000 : (int)next;
}

bool act_run_done(const struct act_run *r)
{
	return r->pending == 0;
}

const struct act_result *act_run_results(const struct act_run *r, size_t *n)
{
	*n = r->n;
	return r->res;
}

void act_run_counts(const struct act_run *r, size_t *ok, size_t *failed, size_t *pending)
{
	*ok = *failed = *pending = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->res[i].state == ACT_OK)
			(*ok)++;
		else if (r->res[i].state == ACT_FAILED)
			(*failed)++;
		else
			(*pending)++;
	}
}

enum act_kind act_run_kind(const struct act_run *r)
{
	return r->o.kind;
}

bool act_run_kernel(const struct act_run *r)
{
	return r->kernel;
}

const char *act_run_journal_error(const struct act_run *r)
{
	return r->journal_err;
}

uint64_t act_run_generation(const struct act_run *r)
{
	return r->gen;
}

void act_run_free(struct act_run *r)
{
	if (!r)
		return;
	r->orphaned = true;   /* freed once its answers are in and logged */
	progress(r);
}
