/* record: a snapshot's record: its steps, its files and how each was obtained, the operator log's entries, the manifest at the end, and its memory. */
#include "snapshot/machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "desktop/desk.h"
#include "host/freezer.h"
#include "journal/journal.h"

/* ---- the steps and the files ---- */

void snap_step_begin(struct snap *s, enum snap_step_id k)
{
	if (s->res.steps[k].at_ms)
		return;  /* begun already */
	s->step_t0[k] = clock_mono_ms();
	s->res.steps[k].at_ms = clock_wall_ms();
}

void snap_step_end(struct snap *s, enum snap_step_id k, enum snap_state st, const char *fmt, ...)
{
	struct snap_step *p = &s->res.steps[k];
	if (p->state != SNAP_PENDING)
		return;
	va_list ap;
	va_start(ap, fmt);
	char m[SNAP_MSG_MAX];
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	sanitize_text(m, strlen(m), p->msg, sizeof p->msg);
	p->state = st;
	p->ms = s->step_t0[k] ? clock_mono_ms() - s->step_t0[k] : 0;
}

void snap_add_file(struct snap *s, const struct snap_file *f, const char *how)
{
	s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof *s->files);
	struct snap_file *g = &s->files[s->nfiles++];
	*g = *f;
	char hold[200];
	snap_hold_words(s, hold, sizeof hold);
	snprintf(g->how, sizeof g->how, "%s%s", how, hold);
}

size_t snap_left_stopped(const struct snap *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->stop.n; i++)
		n += s->stop.p[i].kind == AG_STOPPED && !s->stop.p[i].continued;
	return n;
}

/* ---- the operator log ---- */

int snap_journal(struct snap *s, bool result, struct err *e)
{
	if (!s->journal)
		return err_set(e, 1, "no journal");
	char detail[4400], failed[128] = "";
	for (int k = 0; k < SNAP_STEP_COUNT; k++)
		if (s->res.steps[k].state == SNAP_FAILED)
			snprintf(failed + strlen(failed), sizeof failed - strlen(failed), "%s%s", failed[0] ? "," : "",
			         snap_step_name(k));
	if (result)
		snprintf(detail, sizeof detail, "manifest_sha256=%s%s%s bundle=%s", s->res.manifest_sha256[0] ?
		         s->res.manifest_sha256 : "none", failed[0] ? " failed=" : "", failed, s->res.dir[0] ? s->res.dir : "none");
	else
		snprintf(detail, sizeof detail, "keep_paused=%s", s->o.keep_paused ? "yes" : "no");
	struct journal_target t = {.id = s->res.id, .name = s->res.name,
		.result = !result ? NULL : s->res.ok ? "ok" : s->res.error};
	struct journal_rec r = {.action = "snapshot", .phase = result ? "result" : "intent", .op = s->op, .targets = &t,
		.ntargets = 1, .reason = s->reason[0] ? s->reason : NULL, .armed = s->o.armed, .detail = detail,
		.duration_ms = result ? clock_mono_ms() - s->t0_mono : -1};
	return journal_write(s->journal, &r, e);
}

/* ---- the end ---- */

void snap_destroy(struct snap *s)
{
	desk_close(s->desk);
	snap_tree_job_free(s->job);
	ag_clear(&s->stop);
	cg_freezer_free(s->frz);
	if (s->root_fd >= 0)
		close(s->root_fd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	for (size_t i = 0; i < s->nsc; i++)
		free(s->sc[i].dest);
	free(s->sc);
	free(s->files);
	free(s->parent);
	dk_container_clear(&s->ct);
	free(s);
}

void snap_settle(struct snap *s)
{
	if (s->orphaned && s->ph == PH_DONE && s->inflight == 0)
		snap_destroy(s);
}

static void write_manifest(struct snap *s)
{
	struct snap_step *p = &s->res.steps[SNAP_STEP_MANIFEST];
	int64_t t0 = clock_mono_ms();
	*p = (struct snap_step){.state = SNAP_OK, .at_ms = clock_wall_ms()}; /* as the manifest tells of itself */
	for (size_t i = 0; i < s->nfiles; i++)
		if (!strcmp(s->files[i].name, "screenshot.png"))
			snap_shot_how(s, s->files[i].how, sizeof s->files[i].how);
	char image_how[SNAP_HOW_MAX];
	snprintf(image_how, sizeof image_how, "engine API: POST /commit (pause=false)%s", s->commit_hold);
	struct snap_agent agent;
	snap_agent_info(s, &agent);
	struct snap_manifest m = {
		.id = s->res.id, .name = s->ct.name ? s->ct.name : s->res.name, .image = s->ct.image,
		.state_before = s->ct.state, .pid = s->ct.pid, .reason = s->reason[0] ? s->reason : NULL,
		.keep_paused = s->o.keep_paused, .started_ms = s->t0_wall, .finished_ms = clock_wall_ms(),
		.image_id = s->res.image_id, .repo = SNAP_REPO, .tag = s->base, .image_how = image_how, .agent = &agent,
		.steps = s->res.steps,
		.scratch = s->sc, .nscratch = s->nsc, .files = s->files, .nfiles = s->nfiles,
	};
	char *json = snap_manifest_json(&m);
	struct snap_file f;
	struct err e = {0};
	if (!json)
		err_set(&e, 1, "manifest over its size cap");
	if (!json || snap_file_put(s->dirfd, "manifest.json", json, strlen(json), &f, &e) < 0) {
		p->state = SNAP_FAILED;
		snprintf(p->msg, sizeof p->msg, "%s", e.msg);
	} else {
		memcpy(s->res.manifest_sha256, f.sha256, sizeof f.sha256);
		fsync(s->dirfd); /* the files' names too */
	}
	p->ms = clock_mono_ms() - t0;
	free(json);
}

void snap_finish(struct snap *s)
{
	for (int k = 0; k < SNAP_STEP_COUNT; k++)
		if (k != SNAP_STEP_MANIFEST)
			snap_step_end(s, k, SNAP_SKIPPED, "%s", s->cancelled ? "cancelled" : s->dirfd < 0 ? "no bundle" : "not reached");
	if (s->dirfd >= 0)
		write_manifest(s);
	else
		snap_step_end(s, SNAP_STEP_MANIFEST, SNAP_SKIPPED, "%s", "no bundle");
	s->res.ok = s->dirfd >= 0 && !s->cancelled;
	for (int k = 0; k < SNAP_STEP_COUNT; k++) {
		const struct snap_step *p = &s->res.steps[k];
		if (p->state != SNAP_FAILED)
			continue;
		s->res.ok = false;
		size_t n = strlen(s->res.error);
		snprintf(s->res.error + n, sizeof s->res.error - n, "%s%s: %s", n ? "; " : "", snap_step_name(k), p->msg);
	}
	if (s->cancelled && !s->res.error[0])
		snprintf(s->res.error, sizeof s->res.error, "cancelled");
	s->res.ms = clock_mono_ms() - s->t0_mono;
	s->res.done = true;
	s->ph = PH_DONE;
	desk_close(s->desk);
	s->desk = NULL;
	struct err e = {0};
	if (s->journal && snap_journal(s, true, &e) < 0)
		snprintf(s->res.journal_error, sizeof s->res.journal_error, "%s", e.msg);
	log_msg(LOG_INFO, "snapshot %.12s: %s in %lld ms", s->res.id, s->res.ok ? "ok" : "failed", (long long)s->res.ms);
}

/* ---- the words of the manifest: how each thing was obtained ---- */

void snap_hold_words(const struct snap *s, char *out, size_t n)
{
	size_t stopped = snap_left_stopped(s);
	if (!s->running)
		snprintf(out, n, " (not running)");
	else if (s->paused_before)
		snprintf(out, n, ", %s before the snapshot (left so)", s->frozen_before ? "frozen by the kernel" : "paused by the engine");
	else if (s->kfrozen)
		snprintf(out, n, ", the sandbox frozen by the kernel (cgroup freezer)%s",
		         s->stop.stopped ? ", its agent stopped (SIGSTOP) before the freeze" : "");
	else if (s->paused_by_us && s->res.steps[SNAP_STEP_RESUME].state != SNAP_OK)
		snprintf(out, n, ", the sandbox paused by the engine%s", stopped ? ", its agent stopped (SIGSTOP) before the pause" : "");
	else if (stopped)
		snprintf(out, n, ", the agent's %zu processes stopped (SIGSTOP), the sandbox not frozen", stopped);
	else
		snprintf(out, n, ", while it ran (nothing stopped or paused)");
}

void snap_shot_how(const struct snap *s, char *out, size_t n)
{
	const struct ag_stop *st = &s->stop;
	int k = snprintf(out, n, "VNC framebuffer of the sandbox's own VNC server (through an exec relay)");
	if (k < 0 || (size_t)k >= n)
		return;
	if (!s->stop_tried || !st->stopped)
		snprintf(out + k, n - (size_t)k, ", the agent NOT stopped: it ran");
	else if (s->stopped_ms >= 0)
		snprintf(out + k, n - (size_t)k, ", agent processes stopped (SIGSTOP %s, %zu processes; display and VNC "
		         "servers running) for %lld ms before the %s", st->exec ? "by an exec" : "through the kernel",
		         st->stopped, (long long)s->stopped_ms, s->kpath ? "freeze" : "pause");
	else
		snprintf(out + k, n - (size_t)k, ", agent processes stopped (SIGSTOP %s, %zu processes; display and VNC "
		         "servers running); no freeze or pause followed", st->exec ? "by an exec" : "through the kernel",
		         st->stopped);
}

void snap_agent_info(const struct snap *s, struct snap_agent *a)
{
	memset(a, 0, sizeof *a);
	a->st = s->stop_tried ? &s->stop : NULL;
	a->method = s->stop.exec ? "exec" : "kernel";
	a->why = s->stop_tried ? (s->kpath ? NULL : s->kpath_why[0] ? s->kpath_why : NULL)
		: s->res.steps[SNAP_STEP_STOP].msg[0] ? s->res.steps[SNAP_STEP_STOP].msg : NULL;
	a->stopped_ms = s->stopped_ms;
	a->held_by = s->stopped_ms < 0 ? NULL : s->kpath ? "freeze" : "pause";
	a->todo = s->todo[0] ? s->todo : NULL;
}
