/* hold: a snapshot's hold on its sandbox: the agent stopped with no warning (SIGSTOP, through the kernel or an exec), the freeze or pause, the resume, and SIGCONT to exactly what was stopped. */
#include "snapshot/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "docker/exec_stop.h"
#include "host/contain.h"

#define FROZEN_AGAIN_MS 100   /* after the SIGCONTs: how long the cgroup gets to read FROZEN again */
#define TODO_PIDS_MAX 900     /* pids spelled out in the operator's command line */

/* "Xvfb (display server), x11vnc (VNC server)": the processes of kind k,
 * at most 4 named. */
static void names_of(const struct ag_stop *st, int k, char *out, size_t n)
{
	size_t shown = 0, all = 0, len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < st->n; i++) {
		const struct ag_proc *p = &st->p[i];
		if (p->kind != k && !(k == AG_KEPT && p->kind == AG_INIT))
			continue;
		all++;
		if (shown++ >= 4 || len >= n)
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%s%s%s%s", len ? ", " : "", p->comm, p->why[0] ? " (" : "",
		                        p->why, p->why[0] ? ")" : "");
	}
	if (all > 4 && len < n)
		snprintf(out + len, n - len, " and %zu more", all - 4);
}

/* The stop step's result from what the stop did. */
static void stop_end(struct snap *s)
{
	const struct ag_stop *st = &s->stop;
	char kept[200], failed[200], msg[1024];
	names_of(st, AG_KEPT, kept, sizeof kept);
	names_of(st, AG_FAILED, failed, sizeof failed);
	int n = snprintf(msg, sizeof msg, "%zu process%s stopped (SIGSTOP) %s in %d round%s", st->stopped,
	                 st->stopped == 1 ? "" : "es", st->exec ? "by an exec as the sandbox's user" : "through the kernel",
	                 st->rounds, st->rounds == 1 ? "" : "s");
	if (!st->exec && n > 0 && (size_t)n < sizeof msg)
		n += snprintf(msg + n, sizeof msg - (size_t)n, " (%lld us)", (long long)st->us);
	if (kept[0] && n > 0 && (size_t)n < sizeof msg)
		n += snprintf(msg + n, sizeof msg - (size_t)n, "; left running: %s", kept);
	if (st->already && n > 0 && (size_t)n < sizeof msg)
		n += snprintf(msg + n, sizeof msg - (size_t)n, "; %zu stopped or dead before, left so", st->already);
	bool bad = st->failed || st->over_cap || st->still_forking;
	if (st->failed && n > 0 && (size_t)n < sizeof msg)
		n += snprintf(msg + n, sizeof msg - (size_t)n, "; NOT stopped: %s", failed);
	if (st->over_cap && n > 0 && (size_t)n < sizeof msg)
		n += snprintf(msg + n, sizeof msg - (size_t)n, "; %zu over the cap of %d, NOT stopped", st->over_cap,
		              AG_MAX);
	if (st->still_forking && n > 0 && (size_t)n < sizeof msg)
		n += snprintf(msg + n, sizeof msg - (size_t)n, "; new processes still appeared after %d rounds", st->rounds);
	if (st->note[0] && n > 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, "; %s", st->note);
	snap_step_end(s, SNAP_STEP_STOP, bad ? SNAP_FAILED : SNAP_OK, "%s", msg);
}

static void on_stop_exec(void *ud, int rc, const struct err *e, struct ag_stop *res)
{
	struct snap *s = ud;
	s->inflight--;
	if (res) {  /* what it did stop, also when its output was bad: to continue later */
		s->stop = *res;
		res->p = NULL;
		s->stop_tried = true;
	}
	if (rc < 0 && !res)
		snap_step_end(s, SNAP_STEP_STOP, SNAP_FAILED, "the stop exec failed: %s; the agent runs on", e->msg);
	else if (rc < 0)
		snap_step_end(s, SNAP_STEP_STOP, SNAP_FAILED, "%s; %zu process%s stopped before that", e->msg, s->stop.stopped,
		              s->stop.stopped == 1 ? "" : "es");
	else
		stop_end(s);
	if (s->cancelled)
		snap_pause_step(s);  /* cut short: continues what was stopped */
	else
		s->after_stop(s);
	snap_settle(s);
}

void snap_stop_step(struct snap *s)
{
	s->ph = PH_STOP;
	snap_step_begin(s, SNAP_STEP_STOP);
	if (!s->running || s->paused_before) {
		snap_step_end(s, SNAP_STEP_STOP, SNAP_SKIPPED, "%s", !s->running ? "not running" : s->frozen_before ?
			"frozen already (by the kernel): nothing runs" : "paused already: nothing runs");
		s->after_stop(s);
		return;
	}
	s->stop_t0 = clock_mono_ms();
	if (s->kpath) {
		struct err e = {0};
		if (ag_stop_kernel(s->frz, s->res.id, s->ct.pid, &s->stop, &e) < 0) {
			ag_clear(&s->stop);
			snap_step_end(s, SNAP_STEP_STOP, SNAP_FAILED, "kernel: %s; the agent runs on", e.msg);
		} else {
			s->stop_tried = true;
			s->stop_t0 = clock_mono_ms() - s->stop.us / 1000;  /* the first SIGSTOP */
			stop_end(s);
		}
		s->after_stop(s);
		return;
	}
	s->inflight++;
	dk_agent_stop_exec(s->c, s->res.id, on_stop_exec, s);
}

/* ---- continue: SIGCONT to what was stopped ---- */

static void on_cont_exec(void *ud, int rc, const struct err *e, struct ag_stop *res)
{
	struct snap *s = ud;
	s->inflight--;
	if (res && res->n == s->stop.n)
		for (size_t i = 0; i < res->n; i++)
			s->stop.p[i].continued |= res->p[i].continued;
	if (res) {
		s->stop.continued += res->continued;
		s->stop.cont_gone += res->cont_gone;
		s->stop.cont_failed += res->cont_failed;
	}
	size_t left = snap_left_stopped(s);
	if (rc < 0 || left) {
		char pids[TODO_PIDS_MAX];
		ag_pids(&s->stop, pids, sizeof pids);
		snprintf(s->todo, sizeof s->todo, "continue its %zu stopped process%s: docker exec %.12s sh -c 'kill -CONT %s'",
		         left, left == 1 ? "" : "es", s->res.id, pids);
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_FAILED, "%.120s%s%s", rc < 0 ? e->msg : "", rc < 0 ? "; " : "",
		              s->todo);
	} else {
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_OK, "SIGCONT to %zu process%s by an exec after the unpause%s",
		              s->stop.continued, s->stop.continued == 1 ? "" : "es",
		              s->stop.cont_gone ? " (some had ended or changed: not signalled)" : "");
	}
	snap_finish(s);
	snap_settle(s);
}

/* SIGCONT through the kernel now (the sandbox may be frozen: they stay so). */
static void kernel_continue(struct snap *s, bool frozen)
{
	struct err e = {0};
	int rc = ag_cont_kernel(s->frz, s->res.id, s->ct.pid, &s->stop, &e);
	size_t left = snap_left_stopped(s);
	const char *when = frozen ? "while frozen: they run again at the thaw" : "through the kernel";
	if (frozen) {
		/* v2 may show FREEZING while the woken tasks walk into the freezer's trap */
		int64_t until = clock_mono_ms() + FROZEN_AGAIN_MS;
		int st;
		while ((st = cg_state_of(s->frz, s->res.id, s->ct.pid)) != CG_FRZ_FROZEN && clock_mono_ms() < until)
			nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
		if (st != CG_FRZ_FROZEN)
			when = "while frozen, but the cgroup no longer reads frozen";
	}
	if (rc < 0 && e.code == ERR_NOTFOUND)
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_SKIPPED, "the sandbox is gone: nothing left to continue (%s)", e.msg);
	else if (rc < 0 || left)
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_FAILED, "SIGCONT to %zu, %zu could not be sent%s%s",
		              s->stop.continued, left, rc < 0 ? ": " : "", rc < 0 ? e.msg : "");
	else
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_OK, "SIGCONT to %zu process%s %s%s", s->stop.continued,
		              s->stop.continued == 1 ? "" : "es", when,
		              s->stop.cont_gone ? " (some had ended: not signalled)" : "");
}

/* The last step before the end: continue what the stop stopped (when it
 * can be), then finish. */
static void continue_then_finish(struct snap *s)
{
	if (!s->stop_tried || !snap_left_stopped(s)) {
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_SKIPPED, "%s", !s->stop_tried || !s->stop.stopped ?
			"nothing was stopped" : "nothing left to continue");
		snap_finish(s);
		return;
	}
	snap_step_begin(s, SNAP_STEP_CONTINUE);
	if (s->kpath) {
		kernel_continue(s, s->kfrozen);
		snap_finish(s);
		return;
	}
	if (s->paused_by_us && s->res.steps[SNAP_STEP_RESUME].state != SNAP_OK) {
		/* still paused (kept, or the unpause failed): no exec gets in */
		char pids[TODO_PIDS_MAX];
		ag_pids(&s->stop, pids, sizeof pids);
		size_t left = snap_left_stopped(s);
		snprintf(s->todo, sizeof s->todo, "after `sandtop unpause %.12s`, continue its %zu stopped process%s: "
		         "docker exec %.12s sh -c 'kill -CONT %s'", s->res.id, left, left == 1 ? "" : "es", s->res.id, pids);
		snap_step_end(s, SNAP_STEP_CONTINUE, SNAP_SKIPPED, "still paused, its agent stopped under the pause; %s",
		              s->todo);
		snap_finish(s);
		return;
	}
	s->ph = PH_CONT;
	s->inflight++;
	dk_agent_cont_exec(s->c, s->res.id, &s->stop, on_cont_exec, s);
}

/* ---- the freeze or the pause ---- */

/* It is held now: how long was the agent stopped before? */
static void held(struct snap *s)
{
	s->stopped_ms = s->stop_tried && s->stop.stopped ? clock_mono_ms() - s->stop_t0 : -1;
}

static void freeze(struct snap *s)
{
	struct cg_ktarget t = {.id = s->res.id, .pid = s->ct.pid};
	cg_contain(s->frz, CG_KFREEZE, 0, &t, 1, 0);
	if (t.res != CG_K_DONE) {
		snap_step_end(s, SNAP_STEP_PAUSE, SNAP_FAILED, "kernel: %s%s", t.e.msg[0] ? t.e.msg : "not frozen",
		              s->stop.stopped && t.res != CG_K_GONE ? "; its agent stays stopped (SIGSTOP) until the end" : "");
		return;
	}
	s->kfrozen = s->paused_by_us = true;
	held(s);
	char agent[96] = "";
	if (s->stopped_ms >= 0)
		snprintf(agent, sizeof agent, "; the agent was stopped %lld ms before", (long long)s->stopped_ms);
	snap_step_end(s, SNAP_STEP_PAUSE, SNAP_OK, "frozen by the kernel (cgroup freezer) in %lld ms, %d task%s%s",
	              (long long)(t.us / 1000), t.tasks, t.tasks == 1 ? "" : "s", agent);
	if (s->stop_tried && snap_left_stopped(s)) {
		snap_step_begin(s, SNAP_STEP_CONTINUE);
		kernel_continue(s, true);
	}
}

static void on_pause(void *ud, int rc, const struct err *e)
{
	struct snap *s = ud;
	s->inflight--;
	if ((rc == 0 && strstr(e->msg, "already")) || (rc < 0 && e->code == ERR_CONFLICT && strstr(e->msg, "already paused"))) {
		s->paused_before = true;
		snap_step_end(s, SNAP_STEP_PAUSE, SNAP_SKIPPED, "%s", "already paused: it stays paused");
	} else if (rc == 0) {
		s->paused_by_us = true;
		held(s);
		if (s->stopped_ms >= 0)
			snap_step_end(s, SNAP_STEP_PAUSE, SNAP_OK, "paused by the engine; the agent was stopped %lld ms before "
			              "(from the stop exec's start)%s%s", (long long)s->stopped_ms, e->msg[0] ? "; " : "", e->msg);
		else
			snap_step_end(s, SNAP_STEP_PAUSE, SNAP_OK, "paused by the engine%s%s", e->msg[0] ? "; " : "", e->msg);
	} else {
		snap_step_end(s, SNAP_STEP_PAUSE, SNAP_FAILED, "%s", e->msg);
	}
	s->after_pause(s);
	snap_settle(s);
}

void snap_pause_step(struct snap *s)
{
	if (s->cancelled) { /* nothing held yet */
		continue_then_finish(s);
		return;
	}
	s->ph = PH_PAUSE;
	snap_step_begin(s, SNAP_STEP_PAUSE);
	if (!s->running || s->paused_before) {
		snap_step_end(s, SNAP_STEP_PAUSE, SNAP_SKIPPED, "%s", !s->running ? "not running" : s->frozen_before ?
			"frozen already (by the kernel): it stays frozen" : "already paused: it stays paused");
		s->after_pause(s);
		return;
	}
	if (s->kpath) {
		freeze(s);
		s->after_pause(s);
		return;
	}
	s->inflight++;
	dk_pause(s->c, s->res.id, on_pause, s);
}

/* ---- resume ---- */

static void on_unpause(void *ud, int rc, const struct err *e)
{
	struct snap *s = ud;
	s->inflight--;
	if (rc == 0)
		snap_step_end(s, SNAP_STEP_RESUME, SNAP_OK, "unpaused by the engine%s%s", e->msg[0] ? "; " : "", e->msg);
	else
		snap_step_end(s, SNAP_STEP_RESUME, SNAP_FAILED, "%s", e->msg);
	continue_then_finish(s);
	snap_settle(s);
}

void snap_resume(struct snap *s)
{
	s->ph = PH_RESUME;
	snap_step_begin(s, SNAP_STEP_RESUME);
	if (s->paused_by_us && !s->o.keep_paused) {
		if (s->kfrozen) {
			struct cg_ktarget t = {.id = s->res.id, .pid = s->ct.pid};
			cg_contain(s->frz, CG_KTHAW, 0, &t, 1, 0);
			if (t.res == CG_K_DONE) {
				s->kfrozen = false;
				snap_step_end(s, SNAP_STEP_RESUME, SNAP_OK, "thawed by the kernel");
			} else {
				snap_step_end(s, SNAP_STEP_RESUME, SNAP_FAILED, "kernel: %s", t.e.msg[0] ? t.e.msg : "not thawed");
			}
			continue_then_finish(s);
			return;
		}
		s->inflight++;
		dk_unpause(s->c, s->res.id, on_unpause, s);
		return;
	}
	if (s->kfrozen)
		snap_step_end(s, SNAP_STEP_RESUME, SNAP_SKIPPED, "kept frozen by the kernel, as asked (the engine says "
		              "running): `sandtop unpause %.12s` thaws it", s->res.id);
	else
		snap_step_end(s, SNAP_STEP_RESUME, SNAP_SKIPPED, "%s", s->paused_by_us ? "kept paused, as asked"
			: s->paused_before ? s->frozen_before ? "it was frozen before: left frozen" : "it was paused before: left paused"
			: s->res.steps[SNAP_STEP_PAUSE].state == SNAP_FAILED ? "not paused: the pause failed" : "it was not paused");
	continue_then_finish(s);
}
