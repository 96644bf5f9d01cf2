/* act_kernel: the kernel's part of an action on a local engine: freeze, kill, signal or thaw every target it can prove at once, before the engine is asked; stop's SIGTERM and its kill when the time is up. */
#include "control/act_internal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"

#define STOP_POLL_MS 100   /* how often a stopping target is looked at */

/* Settle t through actions.c (its up call), with the text made of fmt. */
static void ksettle(struct target *t, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ksettle(struct target *t, bool ok, const char *fmt, ...)
{
	char text[sizeof t->res->kernel];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	t->run->a->up->settle(t, ok, text);
}

/* Ask the engine for t's part (kind k), through actions.c. */
static void engine_call(struct target *t, enum act_kind k)
{
	t->run->a->up->engine_call(t, k);
}

bool actk_containment(enum act_kind kind)
{
	switch (kind) {
	case ACT_PAUSE: case ACT_STOP: case ACT_KILL: case ACT_QUARANTINE: case ACT_FREEZE_ALL: case ACT_KILL_ALL:
		return true;
	default:
		return false;
	}
}

static bool is_sigkill(const struct act_run *r)
{
	return dk_signal_number(r->signal) == SIGKILL;
}

/* The op the kernel does for target t of r, or -1 for none. */
static int op_for(const struct act_run *r, const struct target *t, int kstate)
{
	switch (r->o.kind) {
	case ACT_KILL:
	case ACT_KILL_ALL:
		return is_sigkill(r) ? CG_KKILL : CG_KSIGNAL;
	case ACT_PAUSE:
	case ACT_FREEZE_ALL:
	case ACT_QUARANTINE:
		return CG_KFREEZE;
	case ACT_STOP:
		/* a frozen sandbox cannot act on SIGTERM without being let go first */
		return t->engine_paused || kstate == CG_FRZ_FROZEN || kstate == CG_FRZ_FREEZING ? CG_KKILL : CG_KSIGNAL;
	case ACT_UNPAUSE:
		return t->engine_paused ? -1 : CG_KTHAW;   /* the engine's pause is the engine's to undo */
	default:
		return -1;
	}
}

static const char *const done_words[] = {
	[CG_KFREEZE] = "frozen", [CG_KTHAW] = "thawed", [CG_KKILL] = "killed", [CG_KSIGNAL] = "signalled",
};

/* What to do with t after the kernel did op and left kt. */
static void after(struct act_run *r, struct target *t, enum cg_kop op, const struct cg_ktarget *kt)
{
	struct act_result *res = t->res;
	int ms = (int)(kt->us / 1000);
	switch (kt->res) {
	case CG_K_DONE:
		if (op == CG_KSIGNAL && r->o.kind == ACT_STOP) {
			snprintf(res->kernel, sizeof res->kernel, "SIGTERM sent by the kernel; killed after %d s if it lives",
				r->o.timeout_s);
			t->term_until_ms = r->started_ms + (int64_t)r->o.timeout_s * 1000;
		} else if (op == CG_KSIGNAL) {
			ksettle(t, true, "%s sent to its init process by the kernel", r->signal);
		} else if (op == CG_KTHAW) {
			ksettle(t, true, "thawed by the kernel");
		} else if (op == CG_KFREEZE && r->o.kind == ACT_QUARANTINE) {
			snprintf(res->kernel, sizeof res->kernel, "frozen by the kernel in %d ms", ms);
			t->kernel_froze = true;
			engine_call(t, ACT_QUARANTINE);   /* now cut its networks */
		} else {
			ksettle(t, true, "%s by the kernel in %d ms (%d task%s%s%s)", done_words[op], ms, kt->tasks,
				kt->tasks == 1 ? "" : "s", kt->e.msg[0] ? ", " : "", kt->e.msg);
			if (op == CG_KKILL)
				engine_call(t, ACT_KILL);     /* so that the engine's view agrees */
		}
		return;
	case CG_K_GONE:
		if (op == CG_KFREEZE || op == CG_KTHAW)
			break;  /* not running as far as the kernel knows: the engine says why */
		if (t->was_down) {
			/* asked to kill what was not running: a failure, as the engine would say */
			ksettle(t, false, "not running (%s)", "the engine listed it as stopped");
			return;
		}
		/* it died between the engine's list and now, or it never had a
		 * cgroup of its own (rootless Podman on cgroup v1): the engine acts */
		ksettle(t, true, "no cgroup of its own holds it (it ended, or never had one): the %s is the engine's",
			op == CG_KSIGNAL ? "signal" : "kill");
		engine_call(t, ACT_KILL);
		return;
	case CG_K_REFUSED:
		snprintf(res->kernel, sizeof res->kernel, "kernel path refused: %s", kt->e.msg);
		break;
	case CG_K_FAILED:
		snprintf(res->kernel, sizeof res->kernel, "kernel: %s", kt->e.msg);
		if (op == CG_KKILL) {
			/* what is still alive was named and thawed: the engine tries too */
			engine_call(t, ACT_KILL);
			return;
		}
		break;
	}
	/* the engine alone */
	engine_call(t, r->o.kind == ACT_FREEZE_ALL ? ACT_PAUSE : r->o.kind == ACT_STOP ? ACT_STOP : r->o.kind);
}

void actk_start(struct act_run *r)
{
	actk_start_many(&r, 1);
}

/* One target of one of the runs. */
struct kpair {
	struct act_run *r;
	size_t i;
};

void actk_start_many(struct act_run *const *rs, size_t nr)
{
	size_t total = 0;
	for (size_t k = 0; k < nr; k++)
		total += rs[k]->n;
	if (!total)
		return;
	struct cg_freezer *f = rs[0]->a->frz;   /* this host's: every local engine's cgroups */
	struct cg_ktarget *kt = xcalloc(total, sizeof *kt);
	struct kpair *pair = xcalloc(total, sizeof *pair), *idx = xcalloc(total, sizeof *idx);
	int *op = xcalloc(total, sizeof *op);
	size_t m = 0;
	for (size_t k = 0; k < nr; k++)
		for (size_t i = 0; i < rs[k]->n; i++, m++) {
			struct act_run *r = rs[k];
			int ks = -1;
			if (r->o.kind == ACT_STOP) {
				struct cg_loc cg;
				struct err e;
				if (cg_locate(f, r->t[i].res->id, r->t[i].pid, &cg, &e) == 0) {
					ks = cg_state(f, &cg, &e);
					cg_clear(&cg);
				}
			}
			pair[m] = (struct kpair){r, i};
			op[m] = op_for(r, &r->t[i], ks);
		}
	/* one cg_contain per op over every run (stop: the frozen ones are
	 * killed, the others get SIGTERM): several engines are contained
	 * together, not one after the other. Runs started together share one
	 * kind and signal (act_start_many). */
	const struct act_run *r0 = rs[0];
	for (int pass = CG_KFREEZE; pass <= CG_KSIGNAL; pass++) {
		size_t n = 0;
		for (size_t j = 0; j < total; j++) {
			if (op[j] != pass)
				continue;
			struct target *t = &pair[j].r->t[pair[j].i];
			memset(&kt[n], 0, sizeof kt[n]);
			kt[n].id = t->res->id;
			kt[n].pid = t->pid;
			idx[n++] = pair[j];
		}
		if (!n)
			continue;
		int signo = pass != CG_KSIGNAL ? 0 : r0->o.kind == ACT_STOP ? SIGTERM : dk_signal_number(r0->signal);
		int64_t t0 = clock_mono_ms();
		size_t done = cg_contain(f, (enum cg_kop)pass, signo, kt, n, 0);
		log_msg(LOG_WARN, "%s: the kernel %s %zu of %zu in %lld ms (%zu run%s)", act_name(r0->o.kind),
			done_words[pass], done, n, (long long)(clock_mono_ms() - t0), nr, nr == 1 ? "" : "s");
		for (size_t j = 0; j < n; j++) {
			idx[j].r->kernel = true;
			after(idx[j].r, &idx[j].r->t[idx[j].i], (enum cg_kop)pass, &kt[j]);
		}
	}
	/* targets with no kernel part: the engine alone */
	for (size_t j = 0; j < total; j++)
		if (op[j] < 0)
			engine_call(&pair[j].r->t[pair[j].i],
				pair[j].r->o.kind == ACT_FREEZE_ALL ? ACT_PAUSE : pair[j].r->o.kind);
	free(op);
	free(idx);
	free(pair);
	free(kt);
}

int actk_tick(struct act_run *r, int64_t now_ms)
{
	struct cg_freezer *f = r->a->frz;
	if (!f)
		return -1;
	int64_t next = -1;
	struct cg_ktarget *kt = NULL;
	size_t *idx = NULL, k = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct target *t = &r->t[i];
		if (!t->term_until_ms || t->res->state != ACT_PENDING)
			continue;
		struct cg_loc cg;
		struct err e;
		bool alive = cg_locate(f, t->res->id, t->pid, &cg, &e) == 0;
		if (alive)
			cg_clear(&cg);
		if (!alive && e.code == ERR_NOTFOUND) {
			t->term_until_ms = 0;
			ksettle(t, true, "stopped: it ended %lld ms after SIGTERM", (long long)(now_ms - r->started_ms));
			engine_call(t, ACT_KILL);
			continue;
		}
		if (now_ms < t->term_until_ms) {
			int64_t due = t->term_until_ms - now_ms < STOP_POLL_MS ? t->term_until_ms - now_ms : STOP_POLL_MS;
			next = next < 0 || due < next ? due : next;
			continue;
		}
		if (!kt) {
			kt = xcalloc(r->n, sizeof *kt);
			idx = xcalloc(r->n, sizeof *idx);
		}
		t->term_until_ms = 0;
		kt[k].id = t->res->id;
		kt[k].pid = t->pid;
		idx[k++] = i;
	}
	if (k) {
		cg_contain(f, CG_KKILL, 0, kt, k, 0);
		for (size_t j = 0; j < k; j++) {
			struct target *t = &r->t[idx[j]];
			t->res->kernel[0] = '\0';
			after(r, t, CG_KKILL, &kt[j]);
			if (t->res->state == ACT_OK)
				log_msg(LOG_INFO, "stop %.12s: still alive after %d s: killed", t->res->id, r->o.timeout_s);
		}
	}
	free(kt);
	free(idx);
	return (int)next;
}
