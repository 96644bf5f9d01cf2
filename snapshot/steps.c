/* steps: a snapshot's evidence steps: scratch archives (host or exec), then logs, commit and stats while the sandbox is paused. */
#include "snapshot/machine.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "journal/journal.h"

/* One of the branches after the pause ended: on the last, resume. */
static void branch_done(struct snap *s)
{
	if (--s->branches == 0)
		snap_resume(s);
}

/* ---- scratch: what the agent wrote where commit cannot see ---- */

static void scratch_end(struct snap *s)
{
	size_t ok = 0, failed = 0;
	const char *first = NULL, *skip = NULL;
	for (size_t i = 0; i < s->nsc; i++) {
		if (s->sc[i].state == SNAP_OK) {
			ok++;
		} else if (s->sc[i].state == SNAP_FAILED) {
			failed++;
			if (!first)
				first = s->sc[i].msg;
		} else if (!skip && s->sc[i].rw) {
			skip = s->sc[i].msg;
		}
	}
	if (failed)
		snap_step_end(s, SNAP_STEP_SCRATCH, SNAP_FAILED, "%zu of %zu failed: %s", failed, ok + failed, first);
	else if (ok)
		snap_step_end(s, SNAP_STEP_SCRATCH, SNAP_OK, "%zu archived", ok);
	else
		snap_step_end(s, SNAP_STEP_SCRATCH, SNAP_SKIPPED, "%s", skip ? skip : s->nsc ? "no writable mount"
			: "no tmpfs, volume or bind mount: the commit holds all it wrote");
}

void snap_scratch_set(struct snap_scratch *c, enum snap_state st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char m[ERR_MSG_MAX];
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	sanitize_text(m, strlen(m), c->msg, sizeof c->msg);
	c->state = st;
}

/* The next mount to take, or NULL: skips what cannot be taken any more. */
static struct snap_scratch *scratch_pick(struct snap *s)
{
	for (; s->next_sc < s->nsc; s->next_sc++) {
		struct snap_scratch *c = &s->sc[s->next_sc];
		if (c->state != SNAP_PENDING)
			continue;
		if (s->cancelled)
			snap_scratch_set(c, SNAP_SKIPPED, "cancelled");
		else if (clock_mono_ms() >= s->scratch_deadline)
			snap_scratch_set(c, SNAP_FAILED, "the scratch step ran out of time (%d s)", SNAP_SCRATCH_TIMEOUT_MS / 1000);
		else if (s->used_bytes >= s->o.scratch_max_bytes || s->used_entries >= s->o.scratch_max_entries)
			snap_scratch_set(c, SNAP_SKIPPED, "the scratch caps are used up");
		else
			return c;
	}
	return NULL;
}

static void scratch_next(struct snap *s);

void snap_job_over(struct snap *s, const struct snap_tree_result *r)
{
	struct snap_scratch *c = &s->sc[s->next_sc];
	snap_tree_job_free(s->job);
	s->job = NULL;
	struct snap_file f = {.size = r->size};
	snprintf(f.name, sizeof f.name, "%s", c->file);
	memcpy(f.sha256, r->sha256, sizeof f.sha256);
	c->st = r->st;
	s->used_bytes += r->st.bytes;
	s->used_entries += r->st.files + r->st.dirs + r->st.symlinks;
	const char *how = "read from the host through /proc/PID/root (confined to the sandbox's root)";
	if (r->rc == 0 && strlen(r->sha256) == 64) {
		snap_add_file(s, &f, how);
		snap_scratch_set(c, SNAP_OK, "%llu files, %llu bytes%s", (unsigned long long)r->st.files,
		            (unsigned long long)r->st.bytes, r->st.truncated ? "; caps left some out" : "");
	} else {
		/* partial evidence is kept, and said to be partial. The child's
		 * hash holds when the file is the size it counted; only a killed
		 * child's tar is read again here (on this loop). */
		struct stat sb;
		struct err e = {0};
		if (strlen(r->sha256) == 64 && fstatat(s->dirfd, c->file, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (uint64_t)sb.st_size == r->size)
			snap_add_file(s, &f, how);
		else if (snap_file_hash(s->dirfd, c->file, &f, &e) == 0)
			snap_add_file(s, &f, how);
		snap_scratch_set(c, SNAP_FAILED, "%s (the tar is incomplete)", r->err[0] ? r->err : "failed");
	}
	s->next_sc++;
	scratch_next(s);
}

static void scratch_next(struct snap *s)
{
	struct snap_scratch *c;
	while ((c = scratch_pick(s))) {
		struct err e = {0};
		char name[40];
		snprintf(name, sizeof name, "scratch-%zu.tar", ++s->ntar);
		snprintf(c->method, sizeof c->method, "host");
		int fd = snap_file_create(s->dirfd, name, &e);
		struct snap_tree_caps caps = {.max_bytes = s->o.scratch_max_bytes - s->used_bytes,
			.max_entries = s->o.scratch_max_entries - s->used_entries, .max_depth = SNAP_DEPTH_MAX};
		if (fd >= 0 && (s->job = snap_tree_spawn(s->root_fd, c->dest, fd, &caps, &e))) {
			close(fd);
			snprintf(c->file, sizeof c->file, "%s", name);
			return;
		}
		if (fd >= 0) {
			close(fd);
			unlinkat(s->dirfd, name, 0);
		}
		s->ntar--;
		snap_scratch_set(c, SNAP_FAILED, "%s", e.msg);
		s->next_sc++;
	}
	scratch_end(s);
	branch_done(s);
}

static void on_exec(void *ud, int rc, const struct err *e, const uint8_t *tar, size_t len, bool truncated)
{
	struct snap *s = ud;
	s->inflight--;
	struct snap_scratch *c = &s->sc[s->next_sc];
	struct err we = {0};
	char name[40];
	snprintf(name, sizeof name, "scratch-%zu.tar", s->ntar + 1);
	struct snap_file f;
	if (rc < 0) {
		snap_scratch_set(c, SNAP_FAILED, "%s", e->msg);
	} else if (snap_file_put(s->dirfd, name, tar, len, &f, &we) < 0) {
		snap_scratch_set(c, SNAP_FAILED, "%s", we.msg);
	} else {
		s->ntar++;
		snap_add_file(s, &f, "tar run inside the sandbox by an exec as its own user (as trustworthy as the "
		              "sandbox), before the pause");
		snprintf(c->file, sizeof c->file, "%s", name);
		c->st.bytes = len;
		c->st.truncated = truncated;
		snap_scratch_set(c, SNAP_OK, "tar in the sandbox before the pause%s, %zu bytes%s%s%s",
		                 s->stop.stopped ? ", its agent stopped" : "", len, truncated ? ", cut at the cap" : "",
		                 e->msg[0] ? "; " : "", e->msg);
	}
	s->used_bytes += len;
	s->next_sc++;
	snap_exec_next(s);
	snap_settle(s);
}

/* Without the host's view of its filesystem: tar inside it, while it runs. */
void snap_exec_next(struct snap *s)
{
	struct snap_scratch *c = scratch_pick(s);
	if (c) {
		snprintf(c->method, sizeof c->method, "exec");
		s->inflight++;
		dk_archive_exec(s->c, s->res.id, c->dest, s->o.scratch_max_bytes - s->used_bytes, on_exec, s);
		return;
	}
	scratch_end(s);
	snap_pause_step(s);
}

/* ---- the branches, while it is paused ---- */

static void on_logs(void *ud, int rc, const struct err *e, const char *data, size_t len, bool truncated)
{
	struct snap *s = ud;
	s->inflight--;
	struct snap_file f;
	struct err we = {0};
	if (rc < 0)
		snap_step_end(s, SNAP_STEP_LOGS, SNAP_FAILED, "%s", e->msg);
	else if (snap_file_put(s->dirfd, "logs.txt", data, len, &f, &we) < 0)
		snap_step_end(s, SNAP_STEP_LOGS, SNAP_FAILED, "%s", we.msg);
	else {
		snap_add_file(s, &f, "engine API (GET /containers/ID/logs)");
		snap_step_end(s, SNAP_STEP_LOGS, SNAP_OK, "%zu bytes%s%s%s", len, truncated ? ", older lines cut" : "",
		         e->msg[0] ? "; " : "", e->msg);
	}
	branch_done(s);
	snap_settle(s);
}

static void on_commit(void *ud, int rc, const struct err *e, const char *image_id)
{
	struct snap *s = ud;
	s->inflight--;
	if (rc < 0) {
		snap_step_end(s, SNAP_STEP_COMMIT, SNAP_FAILED, "%s", e->msg);
	} else {
		snprintf(s->res.image_id, sizeof s->res.image_id, "%s", image_id);
		snap_step_end(s, SNAP_STEP_COMMIT, SNAP_OK, "%s:%s %s", SNAP_REPO, s->base, image_id);
	}
	branch_done(s);
	snap_settle(s);
}

static void put_csv(struct snap *s, char *csv)
{
	struct snap_file f;
	struct err e = {0};
	if (snap_file_put(s->dirfd, "stats.csv", csv, strlen(csv), &f, &e) < 0) {
		snap_step_end(s, SNAP_STEP_STATS, SNAP_FAILED, "%s", e.msg);
	} else {
		snap_add_file(s, &f, "engine API (GET /containers/ID/stats, one sample)");
		if (s->have_hist) /* not taken from the sandbox now: no hold to tell of */
			snprintf(s->files[s->nfiles - 1].how, sizeof s->files[0].how, "%s", "sandtop's own record of the "
			         "engine's stats before the snapshot (the collector's history)");
		snap_step_end(s, SNAP_STEP_STATS, SNAP_OK, "%s", s->have_hist ? "the collector's history" : "one sample");
	}
	free(csv);
}

static void on_stats(void *ud, int rc, const struct err *e, const struct st_raw *raw)
{
	struct snap *s = ud;
	s->inflight--;
	if (rc < 0)
		snap_step_end(s, SNAP_STEP_STATS, SNAP_FAILED, "%s", e->msg);
	else
		put_csv(s, snap_stats_csv_sample(raw, clock_wall_ms()));
	branch_done(s);
	snap_settle(s);
}

void snap_start_branches(struct snap *s)
{
	s->ph = PH_BRANCHES;
	s->branches = 4; /* logs, commit, stats, scratch: each ends once */
	snap_step_begin(s, SNAP_STEP_LOGS);
	s->inflight++;
	dk_logs(s->c, s->res.id, s->o.logs_max_bytes, on_logs, s);

	char t[40], op[200], l_time[64], l_op[256], l_reason[JOURNAL_STR_MAX + 32], l_src[96];
	snap_rfc3339(s->t0_wall, t, sizeof t);
	snap_operator(op, sizeof op);
	snprintf(l_time, sizeof l_time, "sandtop.snapshot.time=%s", t);
	snprintf(l_op, sizeof l_op, "sandtop.snapshot.operator=%s", op);
	snprintf(l_reason, sizeof l_reason, "sandtop.snapshot.reason=%s", s->reason);
	snprintf(l_src, sizeof l_src, "sandtop.snapshot.source=%s", s->res.id);
	const char *const labels[] = {l_time, l_op, l_reason, l_src, NULL};
	snap_step_begin(s, SNAP_STEP_COMMIT);
	snap_hold_words(s, s->commit_hold, sizeof s->commit_hold);
	s->inflight++;
	/* pause=false: it is paused already, or not running, or the pause just
	 * failed (a sandbox frozen by the kill switch's cgroup freezer refuses
	 * another pause, and the commit would fail with it) */
	dk_commit(s->c, s->res.id, SNAP_REPO, s->base, labels, "sandtop snapshot", false, on_commit, s);

	snap_step_begin(s, SNAP_STEP_STATS);
	if (s->have_hist) {
		put_csv(s, snap_stats_csv_history(&s->hist, s->o.history_step_ms));
		s->branches--;
	} else if (s->running) {
		s->inflight++;
		dk_stats(s->c, s->res.id, on_stats, s);
	} else {
		snap_step_end(s, SNAP_STEP_STATS, SNAP_SKIPPED, "not running");
		s->branches--;
	}

	if (s->res.steps[SNAP_STEP_SCRATCH].state != SNAP_PENDING) { /* taken before the pause */
		branch_done(s);
		return;
	}
	snap_step_begin(s, SNAP_STEP_SCRATCH);
	struct err e = {0};
	if (s->root_fd >= 0 && s->pid_now > 0 && s->pid_now != s->ct.pid) { /* restarted since the plan */
		close(s->root_fd);
		s->root_fd = snap_proc_root("/proc", s->pid_now, s->res.id, &e);
	}
	if (s->root_fd < 0) {
		for (size_t i = 0; i < s->nsc; i++)
			if (s->sc[i].state == SNAP_PENDING)
				snap_scratch_set(&s->sc[i], s->running ? SNAP_FAILED : SNAP_SKIPPED, "%s",
				            !s->running ? "not running: what it wrote on a tmpfs is gone"
				            : e.msg[0] ? e.msg : s->root_err);
		scratch_end(s);
		branch_done(s);
		return;
	}
	s->scratch_deadline = clock_mono_ms() + SNAP_SCRATCH_TIMEOUT_MS;
	scratch_next(s);
}
