/* contain: the kill switch's kernel path: freeze, kill, signal or thaw many containers at once through their cgroups, bounded in time, never leaving a cgroup frozen that it could not finish. */
#ifndef HOST_CONTAIN_H
#define HOST_CONTAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "host/freezer.h"

enum cg_kop {
	CG_KFREEZE,   /* stop every task (v1 freezer.state, v2 cgroup.freeze) */
	CG_KTHAW,     /* let them run again */
	CG_KKILL,     /* freeze, SIGKILL every task, thaw; again until the cgroup is empty */
	CG_KSIGNAL,   /* one signal to the container's init process */
};

enum cg_kres {
	CG_K_DONE,     /* the kernel did it (kill: every task dead: exiting, a
	                * zombie or gone, so none runs a line of its own again) */
	CG_K_GONE,     /* nothing to do: the process or its cgroup is gone */
	CG_K_REFUSED,  /* not provably the container's cgroup (cg_locate): not touched */
	CG_K_FAILED,   /* not done in time or an error: e says what, and what was undone */
};

/* One container of a set. */
struct cg_ktarget {
	/* in */
	const char *id;   /* full container id (64 hex digits) */
	int pid;          /* its init process (the engine's State.Pid); 0: found by
	                   * the id alone (cg_find; not for CG_KSIGNAL) */
	/* out */
	enum cg_kres res;
	int state;        /* freeze and thaw: the state it was left in (DK_FRZ_*), -1 unknown */
	int tasks;        /* kill: the tasks the cgroup held; freeze: the tasks stopped */
	int64_t us;       /* microseconds from the call until this one was settled */
	struct err e;     /* why, when not DONE; "" or a note when DONE */
};

/* Default bounds of one call. A freeze tries up to three times within its
 * bound (a task in uninterruptible sleep, e.g. a health check's runc init
 * caught in the middle of an exec, keeps a v1 cgroup FREEZING: thawing
 * and freezing again usually gets past it). */
#define CG_KFREEZE_MS 600
#define CG_KKILL_MS 3000

/* Run op on the n targets at once (each located and proven with
 * cg_locate, or cg_find without a pid, first; the writes of every target before any waiting) and
 * return when each is settled or timeout_ms (<= 0: the op's default) has
 * passed. signo: CG_KSIGNAL's signal (ignored otherwise).
 * Guarantees: a freeze that does not complete in time is thawed and FAILED
 * ("not frozen within T ms: task PID (COMM) in uninterruptible sleep;
 * thawed"); a kill never leaves a cgroup frozen or freezing: each round is
 * freeze, SIGKILL every task (cgroup.kill where the kernel has it, else each
 * pid of cgroup.procs, the sub-cgroups' included, through a pidfd checked to
 * be still in the cgroup), thaw; rounds repeat until every task is dead
 * (in do_exit, a zombie, or gone); from the first thaw until then (200 ms
 * at most) the containers' cgroups and their ancestors below the root get
 * the largest CPU weight, put back after (cpuboost.c);
 * what is still alive at the deadline is FAILED with the tasks named, and
 * thawed. Synchronous (it sleeps in steps of at most 1 ms while it waits).
 * Returns the number of targets DONE or GONE. */
size_t cg_contain(struct cg_freezer *f, enum cg_kop op, int signo, struct cg_ktarget *t, size_t n, int timeout_ms);

#endif
