/* actions: what an operator does to sandboxes (one, a set, or all at once), asynchronous, timed out, audit-logged before and after. */
#include "control/actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "control/audit.h"
#include "docker/freezer.h"

#define ACT_TIMEOUT_MS 15000          /* any one engine call, beyond its own wait */
#define ACT_FREEZE_WAIT_MS 100        /* the freezer's containment deadline */

static const char *const names[ACT_COUNT] = {
	[ACT_PAUSE] = "pause", [ACT_UNPAUSE] = "unpause", [ACT_STOP] = "stop", [ACT_KILL] = "kill",
	[ACT_RESTART] = "restart", [ACT_REMOVE] = "remove", [ACT_QUARANTINE] = "quarantine",
	[ACT_FREEZE_ALL] = "freeze-all", [ACT_KILL_ALL] = "kill-all",
};

const char *act_name(enum act_kind k)
{
	return (int)k >= 0 && k < ACT_COUNT ? names[k] : "?";
}

int act_from_name(const char *name)
{
	for (int k = 0; k < ACT_COUNT; k++)
		if (name && !strcmp(name, names[k]))
			return k;
	return -1;
}

struct target {
	struct act_run *run;
	struct act_result *res;   /* in run->res */
	int pid;
	char **networks;      /* quarantine: still to disconnect */
	size_t nnet, net_pending;
	char net_error[ERR_MSG_MAX]; /* quarantine: a network that could not be cut */
	int64_t deadline_ms;
};

struct act_run {
	struct actions *a;
	struct act_opts o;
	char signal[24];
	char reason[256];
	uint64_t op;
	struct target *t;
	struct act_result *res;
	size_t n, pending;
	int64_t started_ms;
	bool orphaned;        /* act_run_free was called while requests were out */
	bool logged;
	char audit_err[ERR_MSG_MAX];
	struct act_run *next;
};

struct actions {
	struct dk_client *c;
	struct audit *audit;
	struct dk_freezer *frz;
	char problem[ERR_MSG_MAX + 32];
	uint64_t next_op;
	struct act_run *runs;  /* every run not yet freed, for timeouts */
	char (*frozen)[65];    /* ids frozen by the freezer, not thawed since */
	size_t nfrozen;
};

bool act_frozen(const struct actions *a, const char *id)
{
	for (size_t i = 0; i < a->nfrozen; i++)
		if (!strcmp(a->frozen[i], id))
			return true;
	return false;
}

static void frozen_set(struct actions *a, const char *id, bool on)
{
	for (size_t i = 0; i < a->nfrozen; i++)
		if (!strcmp(a->frozen[i], id)) {
			if (!on)
				memcpy(a->frozen[i], a->frozen[--a->nfrozen], sizeof a->frozen[0]);
			return;
		}
	if (!on)
		return;
	a->frozen = xrealloc(a->frozen, (a->nfrozen + 1) * sizeof *a->frozen);
	snprintf(a->frozen[a->nfrozen++], sizeof a->frozen[0], "%s", id);
}

static void run_destroy(struct act_run *r);

struct actions *actions_new(struct dk_client *c, const char *audit_path, bool local)
{
	struct actions *a = xcalloc(1, sizeof *a);
	a->c = c;
	a->next_op = (uint64_t)clock_wall_ms() * 1000;
	struct err e = {0};
	if (audit_path && !(a->audit = audit_open(audit_path, &e)))
		snprintf(a->problem, sizeof a->problem, "audit log: %s", e.msg);
	else if (!audit_path)
		snprintf(a->problem, sizeof a->problem, "no audit log");
	if (local && !(a->frz = dk_freezer_open("/proc", "", &e)))
		log_msg(LOG_WARN, "actions: no cgroup freezer (%s): the kill switch uses the engine only", e.msg);
	return a;
}

void actions_free(struct actions *a)
{
	if (!a)
		return;
	while (a->runs)
		run_destroy(a->runs);  /* their requests die with the client */
	audit_close(a->audit);
	dk_freezer_free(a->frz);
	free(a->frozen);
	free(a);
}

struct audit *act_audit(struct actions *a)
{
	return a->audit;
}

const char *act_problem(const struct actions *a)
{
	return a->problem[0] ? a->problem : NULL;
}

/* ---- the audit records ---- */

static int record(struct act_run *r, const char *phase, struct err *e)
{
	struct actions *a = r->a;
	if (!a->audit)
		return err_set(e, 1, "%s", a->problem[0] ? a->problem : "no audit log");
	struct audit_target *tg = xcalloc(r->n ? r->n : 1, sizeof *tg);
	char detail[96] = "";
	if (r->o.kind == ACT_KILL || r->o.kind == ACT_KILL_ALL)
		snprintf(detail, sizeof detail, "signal=%s", r->signal);
	else if (r->o.kind == ACT_STOP || r->o.kind == ACT_RESTART)
		snprintf(detail, sizeof detail, "timeout=%ds", r->o.timeout_s);
	bool result = !strcmp(phase, "result");
	for (size_t i = 0; i < r->n; i++) {
		tg[i].id = r->res[i].id;
		tg[i].name = r->res[i].name;
		tg[i].result = !result ? NULL : r->res[i].state == ACT_OK ? "ok" : r->res[i].msg;
	}
	struct audit_rec rec = {
		.action = act_name(r->o.kind), .phase = phase, .op = r->op, .targets = tg, .ntargets = r->n,
		.reason = r->reason[0] ? r->reason : NULL, .armed = r->o.armed, .detail = detail[0] ? detail : NULL,
		.duration_ms = result ? clock_mono_ms() - r->started_ms : -1,
	};
	int rc = audit_write(a->audit, &rec, e);
	free(tg);
	return rc;
}

int act_note(struct actions *a, const char *action, const struct dk_container *target, const char *detail,
             bool armed, struct err *e)
{
	if (!a->audit)
		return err_set(e, 1, "%s", a->problem[0] ? a->problem : "no audit log");
	struct audit_target t = {.id = target->id, .name = target->name};
	struct audit_rec rec = {.action = action, .phase = "event", .targets = &t, .ntargets = 1,
		.armed = armed, .detail = detail, .duration_ms = -1};
	return audit_write(a->audit, &rec, e);
}

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

/* ---- per-target steps ---- */

static void finish(struct target *t, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void finish(struct target *t, bool ok, const char *fmt, ...)
{
	struct act_run *r = t->run;
	if (t->res->state != ACT_PENDING)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->res->msg, sizeof t->res->msg, fmt, ap);
	va_end(ap);
	t->res->state = ok ? ACT_OK : ACT_FAILED;
	t->res->ms = clock_mono_ms() - r->started_ms;
	if (--r->pending > 0)
		return;
	struct err e = {0};
	if (r->a->audit && record(r, "result", &e) < 0)
		snprintf(r->audit_err, sizeof r->audit_err, "%s", e.msg);
	log_msg(LOG_INFO, "action %s (op %llu) done", act_name(r->o.kind), (unsigned long long)r->op);
	if (r->orphaned)
		run_destroy(r);
}

static void on_done(void *ud, int rc, const struct err *e)
{
	struct target *t = ud;
	if (rc == 0 && t->net_error[0])
		finish(t, false, "paused, but a network could not be cut: %s", t->net_error);
	else if (rc == 0)
		finish(t, true, "%s", e->msg[0] ? e->msg : "done");
	else
		finish(t, false, "%s", e->msg);
}

static void engine_call(struct target *t, enum act_kind k);

static void on_disconnected(void *ud, int rc, const struct err *e)
{
	struct target *t = ud;
	/* not found / not connected: that network is already cut */
	if (rc < 0 && e->code != DK_ENOTFOUND && e->code != DK_ECONFLICT) {
		log_msg(LOG_WARN, "quarantine %.12s: disconnect: %s", t->res->id, e->msg);
		snprintf(t->net_error, sizeof t->net_error, "%s", e->msg);
	}
	if (--t->net_pending == 0 && t->res->state == ACT_PENDING)
		engine_call(t, ACT_PAUSE); /* the network is cut: now stop it */
}

static void engine_call(struct target *t, enum act_kind k)
{
	struct act_run *r = t->run;
	struct dk_client *c = r->a->c;
	const char *id = t->res->id;
	switch (k) {
	case ACT_PAUSE:
	case ACT_FREEZE_ALL:  /* without a freezer */
		dk_pause(c, id, on_done, t);
		break;
	case ACT_UNPAUSE:
		if (r->a->frz && act_frozen(r->a, id)) {
			/* frozen behind the engine's back: only the freezer can thaw it */
			struct err e = {0};
			if (dk_thaw(r->a->frz, t->pid, &e) == 0) {
				frozen_set(r->a, id, false);
				finish(t, true, "thawed (it was frozen by the cgroup freezer)");
			} else {
				finish(t, false, "thaw: %s", e.msg);
			}
			break;
		}
		dk_unpause(c, id, on_done, t);
		break;
	case ACT_STOP:
		dk_stop(c, id, r->o.timeout_s, on_done, t);
		break;
	case ACT_KILL:
	case ACT_KILL_ALL:
		frozen_set(r->a, id, false); /* a killed cgroup is thawed by runc */
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
			engine_call(t, ACT_PAUSE);
			break;
		}
		t->net_pending = t->nnet;
		for (size_t i = 0; i < t->nnet; i++)
			dk_network_disconnect(c, t->networks[i], id, true, on_disconnected, t);
		break;
	case ACT_COUNT:
		break;
	}
}

/* The kill switch's first step: every target's processes stopped by the
 * freezer at once, before any engine call. For freeze-all that is the
 * whole action: the engine cannot pause a cgroup frozen behind its back. */
static void contain(struct act_run *r)
{
	struct dk_freezer *f = r->a->frz;
	if (!f)
		return;
	int *pids = xcalloc(r->n, sizeof *pids), *st = xcalloc(r->n, sizeof *st);
	for (size_t i = 0; i < r->n; i++)
		pids[i] = r->t[i].pid;
	int64_t t0 = clock_mono_ms();
	struct err e = {0};
	dk_freeze_all(f, pids, r->n, ACT_FREEZE_WAIT_MS, st, &e);
	size_t frozen = 0;
	for (size_t i = 0; i < r->n; i++)
		frozen += st[i] == DK_FRZ_FROZEN;
	int64_t ms = clock_mono_ms() - t0;
	log_msg(LOG_WARN, "%s: %zu of %zu sandboxes frozen by the cgroup freezer in %lld ms", act_name(r->o.kind),
		frozen, r->n, (long long)ms);
	for (size_t i = 0; i < r->n; i++)
		if (st[i] == DK_FRZ_FROZEN)
			frozen_set(r->a, r->t[i].res->id, true);
	if (r->o.kind == ACT_FREEZE_ALL)
		for (size_t i = 0; i < r->n && r->pending; i++) {
			bool last = r->pending == 1;
			if (st[i] == DK_FRZ_FROZEN)
				finish(&r->t[i], true, "frozen by the cgroup freezer in %lld ms (the engine still says running)",
					(long long)ms);
			else
				finish(&r->t[i], false, "not frozen within %d ms (%s)", ACT_FREEZE_WAIT_MS,
					st[i] == DK_FRZ_GONE ? "its processes are gone" : st[i] == DK_FRZ_FREEZING ? "still freezing" : "freezer failed");
			if (last)
				break;
		}
	free(pids);
	free(st);
}

struct act_run *act_start(struct actions *a, const struct act_opts *o,
                          const struct dk_container *targets, size_t n, struct err *e)
{
	if (n == 0) {
		err_set(e, 1, "no sandbox to %s", act_name(o->kind));
		return NULL;
	}
	struct act_run *r = xcalloc(1, sizeof *r);
	r->a = a;
	r->o = *o;
	r->o.reason = NULL;
	r->o.signal = NULL;
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
		int wait = o->kind == ACT_STOP || o->kind == ACT_RESTART ? r->o.timeout_s * 1000 : 0;
		t->deadline_ms = r->started_ms + wait + ACT_TIMEOUT_MS;
		if (o->kind == ACT_QUARANTINE && targets[i].nnetworks) {
			t->networks = xcalloc(targets[i].nnetworks, sizeof *t->networks);
			for (size_t j = 0; j < targets[i].nnetworks; j++)
				if (targets[i].networks[j].name)
					t->networks[t->nnet++] = xstrdup(targets[i].networks[j].name);
		}
	}
	struct err ae = {0};
	if (record(r, "intent", &ae) < 0) {
		if (!o->armed) {
			err_set(e, ACT_EAUDIT, "the action could not be written to the audit log first (%s)", ae.msg);
			r->pending = 0;
			run_destroy(r);
			return NULL;
		}
		snprintf(r->audit_err, sizeof r->audit_err, "%s", ae.msg);
		log_msg(LOG_WARN, "%s: armed: going on without the audit log (%s)", act_name(o->kind), ae.msg);
	}
	r->next = a->runs;
	a->runs = r;
	if (o->kind == ACT_KILL_ALL || o->kind == ACT_FREEZE_ALL)
		contain(r);
	if (o->kind == ACT_FREEZE_ALL && r->a->frz)
		return r; /* done by the freezer (finish may not free r: it is not orphaned) */
	for (size_t i = 0; i < n; i++)
		engine_call(&r->t[i], o->kind);
	return r;
}

int act_tick(struct actions *a, int64_t now_ms)
{
	int64_t next = -1;
	for (struct act_run *r = a->runs, *nx; r; r = nx) {
		nx = r->next;
		for (size_t i = 0; i < r->n && r->pending; i++) {
			struct target *t = &r->t[i];
			if (t->res->state != ACT_PENDING)
				continue;
			if (now_ms >= t->deadline_ms) {
				bool last = r->pending == 1; /* finish may free an orphaned run */
				finish(t, false, "no answer from the engine within %lld s",
					(long long)((t->deadline_ms - r->started_ms) / 1000));
				if (last)
					break;
			} else if (next < 0 || t->deadline_ms - now_ms < next)
				next = t->deadline_ms - now_ms;
		}
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

const char *act_run_audit_error(const struct act_run *r)
{
	return r->audit_err;
}

void act_run_free(struct act_run *r)
{
	if (!r)
		return;
	if (r->pending > 0) {
		r->orphaned = true; /* freed when its last answer comes */
		return;
	}
	run_destroy(r);
}
