/* snapshot: one sandbox's forensic bundle as a state machine on the caller's poll loop: screenshot, pause, evidence in parallel, resume, manifest, journal. */
#include "snapshot/snapshot.h"
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
#include "journal/journal.h"
#include "desktop/desk.h"
#include "host/freezer.h"

/* Give up before anything was taken: the plan failed, or no bundle directory. */
static void fail_early(struct snap *s, const char *what, const char *msg)
{
	snprintf(s->res.error, sizeof s->res.error, "%s: %.200s", what, msg);
	snap_finish(s);
}

/* ---- inspect, once it is held ---- */

static void on_inspect(void *ud, int rc, const struct err *e, const char *json, size_t len)
{
	struct snap *s = ud;
	s->inflight--;
	struct snap_file f;
	struct err we = {0};
	if (rc < 0) {
		snap_step_end(s, SNAP_STEP_INSPECT, SNAP_FAILED, "%s", e->msg);
	} else if (snap_file_put(s->dirfd, "inspect.json", json, len, &f, &we) < 0) {
		snap_step_end(s, SNAP_STEP_INSPECT, SNAP_FAILED, "%s", we.msg);
	} else {
		snap_add_file(s, &f, "engine API (GET /containers/ID/json)");
		snap_step_end(s, SNAP_STEP_INSPECT, SNAP_OK, "%s", "");
		struct dk_container now;
		memset(&now, 0, sizeof now);
		if (dk_parse_inspect(json, len, &now, &we) == 0)
			s->pid_now = now.pid;
		dk_container_clear(&now);
	}
	if (s->cancelled)
		snap_resume(s);
	else
		snap_start_branches(s);
	snap_settle(s);
}

static void inspect_step(struct snap *s)
{
	if (s->cancelled) {
		snap_resume(s);
		return;
	}
	s->ph = PH_INSPECT;
	snap_step_begin(s, SNAP_STEP_INSPECT);
	s->inflight++;
	dk_inspect_raw(s->c, s->res.id, on_inspect, s);
}

/* ---- the screenshot, the agent stopped ---- */

static bool exec_wanted(const struct snap *s)
{
	if (s->root_fd >= 0 || !s->running || s->paused_before)
		return false;
	for (size_t i = 0; i < s->nsc; i++)
		if (s->sc[i].state == SNAP_PENDING)
			return true;
	return false;
}

static void shot_done(struct snap *s)
{
	desk_close(s->desk);
	s->desk = NULL;
	if (!s->cancelled && exec_wanted(s)) {
		s->ph = PH_EXEC;
		snap_step_begin(s, SNAP_STEP_SCRATCH);
		s->scratch_deadline = clock_mono_ms() + SNAP_SCRATCH_TIMEOUT_MS;
		snap_exec_next(s);
		return;
	}
	snap_pause_step(s);
}

static void shot_start(struct snap *s)
{
	s->ph = PH_SHOT;
	snap_step_begin(s, SNAP_STEP_SCREENSHOT);
	const char *label = dk_container_label(&s->ct, DESK_LABEL);
	if (!s->running || s->paused_before)
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_SKIPPED, "%s", s->paused_before ? "paused: its desktop is frozen"
			: "not running");
	else if (!label || !strcmp(label, "none"))
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_SKIPPED, "%s", "no desktop (no sandtop.vnc label)");
	else {
		s->desk = desk_open(s->c, &s->ct, false);
		s->shot_deadline = clock_mono_ms() + s->o.shot_timeout_ms;
		s->shot_asked = false;
		return; /* snap_tick and snap_dispatch go on */
	}
	shot_done(s);
}

static void shot_tick(struct snap *s, int64_t now, int *next)
{
	char st[ERR_MSG_MAX];
	enum desk_status ds = desk_status(s->desk, now, st, sizeof st);
	if (ds == DESK_S_OFF || ds == DESK_S_DOWN) {
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_SKIPPED, "desktop not reachable: %s", st);
		shot_done(s);
		return;
	}
	if (now >= s->shot_deadline) {
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_SKIPPED, "no picture within %d ms (%s)", s->o.shot_timeout_ms, st);
		shot_done(s);
		return;
	}
	int t = desk_tick(s->desk, now);
	if (!s->shot_asked && desk_request_shot(s->desk) == 0)
		s->shot_asked = true;
	int left = (int)(s->shot_deadline - now);
	*next = t >= 0 && t < left ? t : left;
}

static void shot_dispatch(struct snap *s, const struct pollfd *fds, size_t n)
{
	if (!(desk_dispatch(s->desk, fds, n) & VS_EV_SHOT))
		return;
	int w = 0, h = 0;
	uint8_t *px = desk_take_shot(s->desk, &w, &h);
	if (!px)
		return;
	struct snap_file f;
	struct err e = {0};
	if (snap_png_put(s->dirfd, "screenshot.png", px, w, h, &f, &e) < 0) {
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_FAILED, "%s", e.msg);
	} else {
		snap_add_file(s, &f, "VNC framebuffer");  /* the words: snap_shot_how, once the hold came */
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_OK, "%dx%d", w, h);
	}
	free(px);
	shot_done(s);
}

/* ---- the plan: what is there to take ---- */

/* On a local engine as root, with the container's cgroup proven: the
 * agent is stopped, frozen, continued and thawed through the kernel; a
 * sandbox frozen already counts as paused before. Else kpath_why says why
 * not, and the engine's exec and pause are used. */
static void kernel_path(struct snap *s)
{
	struct err e = {0};
	struct cg_loc cg;
	if (!s->o.host_access)
		snprintf(s->kpath_why, sizeof s->kpath_why, "the engine is not on this host: stopped by an exec, "
		         "paused by the engine");
	else if (geteuid() != 0)
		snprintf(s->kpath_why, sizeof s->kpath_why, "not root: stopped by an exec, paused by the engine");
	else if (!s->running || s->paused_before)
		return;
	else if (!(s->frz = cg_freezer_open("/proc", "", &e)))
		snprintf(s->kpath_why, sizeof s->kpath_why, "no kernel path (%.200s): stopped by an exec, paused by the "
		         "engine", e.msg);
	else if (cg_locate(s->frz, s->res.id, s->ct.pid, &cg, &e) < 0)
		snprintf(s->kpath_why, sizeof s->kpath_why, "kernel path refused (%.200s): stopped by an exec, paused by "
		         "the engine", e.msg);
	else {
		int st = cg_state(s->frz, &cg, &e);
		cg_clear(&cg);
		s->kpath = true;
		if (st == CG_FRZ_FROZEN || st == CG_FRZ_FREEZING)
			s->paused_before = s->frozen_before = true;
	}
}

static void on_plan(void *ud, int rc, const struct err *e, const char *json, size_t len)
{
	struct snap *s = ud;
	s->inflight--;
	struct err pe = {0};
	if (s->cancelled) {
		fail_early(s, "snapshot", "cancelled");
	} else if (rc < 0) {
		fail_early(s, "inspect", e->msg);
	} else if (dk_parse_inspect(json, len, &s->ct, &pe) < 0) {
		fail_early(s, "inspect", pe.msg);
	} else {
		snprintf(s->res.id, sizeof s->res.id, "%s", s->ct.id);
		const char *st = s->ct.state ? s->ct.state : "";
		s->running = !strcmp(st, "running") || !strcmp(st, "paused");
		s->paused_before = !strcmp(st, "paused");
		struct dk_mount_point *mp = NULL;
		size_t nmp = 0;
		if (dk_parse_mount_points(json, len, &mp, &nmp, &pe) < 0)
			nmp = 0;
		s->sc = xcalloc(nmp ? nmp : 1, sizeof *s->sc);
		for (size_t i = 0; i < nmp; i++) {
			struct snap_scratch *c = &s->sc[s->nsc++];
			c->dest = xstrdup(mp[i].dest);
			snprintf(c->type, sizeof c->type, "%s", mp[i].type);
			c->rw = mp[i].rw;
			if (!c->rw)
				snap_scratch_set(c, SNAP_SKIPPED, "read-only: nothing can be written there");
		}
		dk_mount_points_free(mp, nmp);
		char name[72], stamp[24], base[96], *path = NULL;
		snap_safe_name(s->ct.name, name, sizeof name);
		snap_stamp(s->t0_wall, stamp, sizeof stamp);
		snprintf(base, sizeof base, "%s-%s", name, stamp);
		s->dirfd = snap_bundle_create(s->parent, base, &path, &pe);
		if (s->dirfd < 0) {
			fail_early(s, "bundle", pe.msg);
		} else {
			snprintf(s->res.dir, sizeof s->res.dir, "%s", path);
			const char *slash = strrchr(path, '/');
			snprintf(s->base, sizeof s->base, "%s", slash ? slash + 1 : path);
			free(path);
			if (!s->o.host_access)
				snprintf(s->root_err, sizeof s->root_err, "the engine is not on this host");
			else if (s->running && (s->root_fd = snap_proc_root("/proc", s->ct.pid, s->ct.id, &pe)) < 0)
				snprintf(s->root_err, sizeof s->root_err, "no view of its filesystem: %.200s", pe.msg);
			kernel_path(s);
			snap_stop_step(s);
		}
	}
	snap_settle(s);
}

/* ---- the caller's side ---- */

struct snap *snap_start(struct dk_client *c, struct journal *journal, const struct dk_container *ct,
                        const struct snap_opts *o, struct err *e)
{
	if (!ct || !ct->id[0]) {
		err_set(e, 1, "no sandbox to snapshot");
		return NULL;
	}
	struct snap *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->journal = journal;
	s->o = *o;
	s->o.reason = s->o.parent_dir = NULL;
	s->o.history = NULL;
	s->dirfd = s->root_fd = -1;
	s->stopped_ms = -1;
	if (!s->o.scratch_max_bytes)
		s->o.scratch_max_bytes = SNAP_SCRATCH_MAX_BYTES;
	if (!s->o.scratch_max_entries)
		s->o.scratch_max_entries = SNAP_SCRATCH_MAX_ENTRIES;
	if (!s->o.logs_max_bytes)
		s->o.logs_max_bytes = SNAP_LOGS_MAX;
	if (s->o.shot_timeout_ms <= 0)
		s->o.shot_timeout_ms = SNAP_SHOT_TIMEOUT_MS;
	if (o->reason)
		sanitize_text(o->reason, strlen(o->reason), s->reason, sizeof s->reason);
	if (o->history) {
		s->hist = *o->history;
		s->have_hist = true;
	}
	snprintf(s->res.id, sizeof s->res.id, "%s", ct->id);
	snprintf(s->res.name, sizeof s->res.name, "%s", ct->name ? ct->name : "");
	s->t0_mono = clock_mono_ms();
	s->t0_wall = clock_wall_ms();
	s->parent = o->parent_dir ? xstrdup(o->parent_dir) : snap_default_parent();
	struct err ae = {0};
	if (!s->parent) {
		err_set(e, 1, "no home directory for the bundle: name a directory");
		snap_destroy(s);
		return NULL;
	}
	if (snap_journal(s, false, &ae) < 0) {
		if (!o->armed) {
			err_set(e, 1, "refused: the snapshot could not be written to the journal first (%s); "
			        "arm sandtop to act anyway", ae.msg);
			snap_destroy(s);
			return NULL;
		}
		snprintf(s->res.journal_error, sizeof s->res.journal_error, "%s", ae.msg);
		log_msg(LOG_WARN, "snapshot: armed: going on without the journal (%s)", ae.msg);
	} else {
		s->op = journal_last_seq(s->journal);
	}
	s->after_stop = shot_start;
	s->after_pause = inspect_step;
	s->ph = PH_PLAN;
	s->inflight++;
	dk_inspect_raw(c, s->res.id, on_plan, s);
	return s;
}

size_t snap_pollfds(struct snap *s, struct pollfd *fds, size_t max)
{
	size_t n = 0;
	if (s->desk)
		n += desk_pollfds(s->desk, fds, max);
	if (s->job && n < max)
		fds[n++] = (struct pollfd){.fd = snap_tree_job_fd(s->job), .events = POLLIN};
	return n;
}

void snap_dispatch(struct snap *s, const struct pollfd *fds, size_t n)
{
	if (s->desk && s->ph == PH_SHOT)
		shot_dispatch(s, fds, n);
	if (!s->job)
		return;
	int fd = snap_tree_job_fd(s->job);
	for (size_t i = 0; i < n; i++) {
		if (fds[i].fd != fd || !fds[i].revents)
			continue;
		struct snap_tree_result r;
		if (snap_tree_job_poll(s->job, &r))
			snap_job_over(s, &r);
		break;
	}
}

int snap_tick(struct snap *s, int64_t now_ms)
{
	int next = -1;
	if (s->desk && s->ph == PH_SHOT)
		shot_tick(s, now_ms, &next);
	if (s->job) {
		if (now_ms >= s->scratch_deadline) {
			struct snap_tree_result r = {.rc = -1};
			snprintf(r.err, sizeof r.err, "timed out after %d s", SNAP_SCRATCH_TIMEOUT_MS / 1000);
			snap_job_over(s, &r);
		} else {
			int left = (int)(s->scratch_deadline - now_ms);
			next = next < 0 || left < next ? left : next;
		}
	}
	return next;
}

bool snap_done(const struct snap *s)
{
	return s->res.done;
}

const struct snap_result *snap_result(const struct snap *s)
{
	return &s->res;
}

void snap_cancel(struct snap *s)
{
	if (!s || s->ph == PH_DONE || s->cancelled)
		return;
	s->cancelled = true;
	if (s->ph == PH_SHOT) {
		snap_step_end(s, SNAP_STEP_SCREENSHOT, SNAP_SKIPPED, "%s", "cancelled");
		shot_done(s);
	} else if (s->job) {
		struct snap_tree_result r = {.rc = -1};
		snprintf(r.err, sizeof r.err, "cancelled");
		snap_job_over(s, &r);
	}
}

void snap_free(struct snap *s)
{
	if (!s)
		return;
	if (s->ph == PH_DONE && s->inflight == 0) {
		snap_destroy(s);
		return;
	}
	s->orphaned = true;
	snap_cancel(s);
	snap_settle(s);
}
