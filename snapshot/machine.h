/* machine: one snapshot's state, shared by the files of its state machine (internal to snapshot/).
 * The files call one way: snapshot.c (the caller's side, the plan, the
 * screenshot, the inspect) -> steps.c (the evidence) -> hold.c (the stop,
 * the hold, the resume) -> record.c (the steps' bookkeeping, the manifest,
 * the end). hold.c hands back to snapshot.c only through s->after_stop and
 * s->after_pause. */
#ifndef SNAPSHOT_MACHINE_H
#define SNAPSHOT_MACHINE_H

#include "desktop/desk.h"
#include "snapshot/internal.h"
#include "snapshot/snapshot.h"

#define SNAP_REPO "sandtop-snapshot"
#define SNAP_DEPTH_MAX 128

enum phase { PH_PLAN, PH_STOP, PH_SHOT, PH_EXEC, PH_PAUSE, PH_INSPECT, PH_BRANCHES, PH_RESUME, PH_CONT, PH_DONE };

struct snap {
	struct dk_client *c;
	struct journal *journal;
	struct snap_opts o;          /* pointers cleared: copies below */
	char reason[256];
	char *parent;
	struct st_view hist;
	bool have_hist;
	struct snap_result res;
	uint64_t op;
	int64_t t0_mono, t0_wall, step_t0[SNAP_STEP_COUNT];
	enum phase ph;
	size_t inflight;             /* engine requests out */
	bool cancelled, orphaned;
	/* the sandbox as the first inspect saw it */
	struct dk_container ct;
	bool running, paused_before, paused_by_us;
	bool frozen_before;          /* paused_before: by the kernel's freezer, not the engine */
	/* the agent's stop and the hold (host/agent_stop.h, snapshot/hold.c) */
	struct cg_freezer *frz;      /* the kernel path's freezer (root, local), or NULL */
	bool kpath;                  /* the container's cgroup is proven: stop, freeze,
	                              * continue and thaw through the kernel */
	char kpath_why[400];         /* why not ("" when kpath) */
	bool kfrozen;                /* frozen by us through the kernel */
	bool stop_tried;             /* the stop ran (stop holds what it did) */
	struct ag_stop stop;
	int64_t stop_t0;             /* mono: the first SIGSTOP (exec: the exec's start) */
	int64_t stopped_ms;          /* from stop_t0 to the freeze or pause; -1 */
	char todo[1024];             /* what the operator must still do, or "" */
	char commit_hold[200];       /* snap_hold_words when the commit was asked */
	struct snap_scratch *sc;
	size_t nsc, next_sc, ntar;
	/* the bundle */
	int dirfd;
	char base[96];               /* the directory's name, also the image tag */
	struct snap_file *files;
	size_t nfiles;
	/* screenshot */
	struct desk *desk;
	bool shot_asked;
	int64_t shot_deadline;
	/* scratch */
	int root_fd;                 /* /proc/PID/root (host method), or -1 */
	char root_err[ERR_MSG_MAX];  /* why there is none */
	int pid_now;                 /* from the inspect after the pause */
	struct snap_tree_job *job;
	int64_t scratch_deadline;
	uint64_t used_bytes, used_entries;
	size_t branches;
	/* snapshot.c's next steps, called by hold.c (which cannot name it) */
	void (*after_stop)(struct snap *s);   /* the stop step is over: the screenshot */
	void (*after_pause)(struct snap *s);  /* the freeze or pause is over: the inspect */
};

/* snapshot/record.c: the steps' bookkeeping, the words, the way out */
void snap_step_begin(struct snap *s, enum snap_step_id k);
/* End step k (once: later calls do nothing) with a sanitized message. */
void snap_step_end(struct snap *s, enum snap_step_id k, enum snap_state st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A file now in the bundle (listed in the manifest), obtained as how says
 * (the sandbox's state then is added: snap_hold_words). */
void snap_add_file(struct snap *s, const struct snap_file *f, const char *how);
/* The processes the stop stopped that were not continued yet. */
size_t snap_left_stopped(const struct snap *s);
/* What holds the sandbox now, for a file's "how": ", the agent stopped
 * (SIGSTOP) and the sandbox frozen by the kernel (cgroup freezer)". */
void snap_hold_words(const struct snap *s, char *out, size_t n);
/* The manifest's agent_stop, and the text of how the screenshot was
 * taken (from what the stop did and when the hold came). */
void snap_agent_info(const struct snap *s, struct snap_agent *a);
void snap_shot_how(const struct snap *s, char *out, size_t n);
/* The operator log's record of the snapshot: its intent (result false) or
 * its result. 0, or -1 with e (also when there is no log). */
int snap_journal(struct snap *s, bool result, struct err *e);
/* Free s and all it holds (closes its fds, kills its archiving child). */
void snap_destroy(struct snap *s);
/* Free an orphan (snap_free was called) once nothing more can reach it;
 * s is invalid after this when it was freed. */
void snap_settle(struct snap *s);
/* The manifest, then the journal record: the end (every step not ended is
 * skipped). */
void snap_finish(struct snap *s);

/* snapshot/hold.c: the agent's stop, the freeze or pause, resume, continue */
/* Stop the agent (after the plan), then s->after_stop. */
void snap_stop_step(struct snap *s);
/* Freeze or pause (after the screenshot and, without host access, the
 * scratch), then s->after_pause; cut short: continue what was stopped,
 * finish. */
void snap_pause_step(struct snap *s);
/* Thaw or unpause unless kept, continue what was stopped, then finish. */
void snap_resume(struct snap *s);

/* snapshot/steps.c: the evidence */
void snap_scratch_set(struct snap_scratch *c, enum snap_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The archiving child is over (or was killed: r says so). */
void snap_job_over(struct snap *s, const struct snap_tree_result *r);
/* The scratch by tar inside the sandbox, before the pause; then pause. */
void snap_exec_next(struct snap *s);
/* Logs, commit, stats and scratch at once; the last to end resumes. */
void snap_start_branches(struct snap *s);

#endif
