/* freezer: stop every process of a container at once through its cgroup freezer (v1 freezer.state, v2 cgroup.freeze), the kill switch's containment step. */
#ifndef DOCKER_FREEZER_H
#define DOCKER_FREEZER_H

#include <stddef.h>

#include "base/err.h"

/* A freezer state, as the kernel reports it. */
enum dk_frz_state {
	DK_FRZ_THAWED = 0,   /* running */
	DK_FRZ_FREEZING = 1, /* asked to freeze; some task is not stopped yet */
	DK_FRZ_FROZEN = 2,   /* every task is stopped */
	/* dk_freeze_all only: */
	DK_FRZ_GONE = 3,     /* the process or its cgroup is gone: nothing left to stop */
	DK_FRZ_FAILED = 4,   /* could not be written or read (see its error) */
};

struct dk_freezer;

/* Find the freezer from <proc_root>/self/mountinfo (the mount discovery of
 * docker/cgroup.c), paths under the sys_root prefix ("" normally; tests
 * pass a fixture tree standing for "/"). A v1 freezer hierarchy is used
 * when one is mounted, else cgroup v2 (unified, also the unified tree of a
 * hybrid host) with cgroup.freeze. Returns NULL with e set (DK_ENOTFOUND,
 * "no cgroup freezer: ...") when neither is mounted. Free with
 * dk_freezer_free. */
struct dk_freezer *dk_freezer_open(const char *proc_root, const char *sys_root, struct err *e);
void dk_freezer_free(struct dk_freezer *f);
/* 1 (v1 freezer.state) or 2 (v2 cgroup.freeze). */
int dk_freezer_version(const struct dk_freezer *f);

/* Each call finds pid's cgroup afresh from <proc_root>/PID/cgroup (nothing
 * is cached: after a container restart its pid names another cgroup) and
 * returns -1 with e set on failure: DK_ENOTFOUND when the process or its
 * cgroup directory is gone; DK_EUSAGE for pid <= 0, a process in the root
 * cgroup (not a container: never frozen), and for dk_freeze a cgroup that
 * holds this process or one of its ancestors' (freezing it would stop
 * us); DK_EVERSION when the directory has no freezer file (v2 before Linux
 * 5.2); DK_EPARSE for a state file we do not understand; DK_ESERVER for
 * other write or read errors (EACCES when not root). */

/* Ask the kernel to freeze every task of pid's cgroup: "FROZEN" into
 * freezer.state (v1) or "1" into cgroup.freeze (v2). It only writes: the
 * kernel stops the tasks asynchronously (v1 reads FREEZING until it is
 * done); see dk_freezer_state and dk_freeze_all. Returns 0 or -1. */
int dk_freeze(struct dk_freezer *f, int pid, struct err *e);
/* Let them run again: "THAWED" (v1) or "0" (v2). Returns 0 or -1. */
int dk_thaw(struct dk_freezer *f, int pid, struct err *e);
/* DK_FRZ_THAWED, DK_FRZ_FREEZING or DK_FRZ_FROZEN, or -1. v1: freezer.state
 * (FROZEN also when an ancestor cgroup is frozen). v2: FROZEN when
 * cgroup.events says "frozen 1" (also through an ancestor), else FREEZING
 * when cgroup.freeze is 1, else THAWED. */
int dk_freezer_state(struct dk_freezer *f, int pid, struct err *e);

/* Containment of n containers at once: freeze each pid's cgroup (all writes
 * first, in order), then read the states every DK_FREEZE_POLL_MS until all
 * are FROZEN or gone, or timeout_ms has passed since the call began. A
 * cgroup still not FROZEN gets its freeze written again every
 * DK_FREEZE_REWRITE_MS (a v1 cgroup whose tasks keep forking can stay in
 * FREEZING; the rewrite freezes the newcomers). The wait never thaws
 * anything, and never reports FREEZING as FROZEN. states_out (NULL, or n
 * entries) gets each pid's last state: DK_FRZ_FROZEN, DK_FRZ_GONE,
 * DK_FRZ_FREEZING or DK_FRZ_THAWED (not frozen at the deadline),
 * DK_FRZ_FAILED. Returns 0 when every pid ended FROZEN or GONE, else -1
 * with e set: the first failure's error, or DK_ETRANSPORT "K of N not
 * frozen after T ms" when only the deadline was missed. A GONE container's
 * processes are dead only when the pid was its init in a pid namespace of
 * its own (docker's default). */
#define DK_FREEZE_POLL_MS 1
#define DK_FREEZE_REWRITE_MS 10
int dk_freeze_all(struct dk_freezer *f, const int *pids, size_t n, int timeout_ms, int *states_out, struct err *e);

#endif
