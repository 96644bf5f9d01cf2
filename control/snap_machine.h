/* snap_machine: one snapshot's state, shared by the two halves of its state machine (internal to control/snapshot.c and control/snap_steps.c). */
#ifndef CONTROL_SNAP_MACHINE_H
#define CONTROL_SNAP_MACHINE_H

#include "control/desk.h"
#include "control/snap_internal.h"
#include "control/snapshot.h"

#define SNAP_REPO "sandtop-snapshot"
#define SNAP_DEPTH_MAX 128

enum phase { PH_PLAN, PH_SHOT, PH_EXEC, PH_PAUSE, PH_INSPECT, PH_BRANCHES, PH_RESUME, PH_DONE };

struct snap {
	struct dk_client *c;
	struct audit *audit;
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
};

/* snapshot.c: the steps' bookkeeping and the way out */
void snap_step_begin(struct snap *s, enum snap_step_id k);
/* End step k (once: later calls do nothing) with a sanitized message. */
void snap_step_end(struct snap *s, enum snap_step_id k, enum snap_state st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A file now in the bundle (listed in the manifest). */
void snap_add_file(struct snap *s, const struct snap_file *f);
/* Free an orphan (snap_free was called) once nothing more can reach it;
 * s is invalid after this when it was freed. */
void snap_settle(struct snap *s);
/* One of the branches after the pause ended: on the last, resume. */
void snap_branch_done(struct snap *s);
/* Pause (after the screenshot and, without host access, the scratch). */
void snap_pause_step(struct snap *s);

/* snap_steps.c: the evidence */
void snap_scratch_set(struct snap_scratch *c, enum snap_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The archiving child is over (or was killed: r says so). */
void snap_job_over(struct snap *s, const struct snap_tree_result *r);
/* The scratch by tar inside the sandbox, before the pause; then pause. */
void snap_exec_next(struct snap *s);
/* Logs, commit, stats and scratch at once; snap_branch_done for each. */
void snap_start_branches(struct snap *s);

#endif
