/* freezer: stop every process of a container at once through its cgroup freezer (v1 freezer.state, v2 cgroup.freeze), the kill switch's containment step. */
#ifndef HOST_FREEZER_H
#define HOST_FREEZER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* A freezer state, as the kernel reports it. */
enum cg_frz_state {
	CG_FRZ_THAWED = 0,   /* running */
	CG_FRZ_FREEZING = 1, /* asked to freeze; some task is not stopped yet */
	CG_FRZ_FROZEN = 2,   /* every task is stopped */
};

struct cg_freezer;

/* Find the freezer from <proc_root>/self/mountinfo (the mount discovery of
 * host/cgroup.c), paths under the sys_root prefix ("" normally; tests
 * pass a fixture tree standing for "/"). A v1 freezer hierarchy is used
 * when one is mounted, else cgroup v2 (unified, also the unified tree of a
 * hybrid host) with cgroup.freeze. Returns NULL with e set (ERR_NOTFOUND,
 * "no cgroup freezer: ...") when neither is mounted. Free with
 * cg_freezer_free. */
struct cg_freezer *cg_freezer_open(const char *proc_root, const char *sys_root, struct err *e);
void cg_freezer_free(struct cg_freezer *f);
/* 1 (v1 freezer.state) or 2 (v2 cgroup.freeze). */
int cg_freezer_version(const struct cg_freezer *f);

/* Each call finds pid's cgroup afresh from <proc_root>/PID/cgroup (nothing
 * is cached: after a container restart its pid names another cgroup) and
 * returns -1 with e set on failure: ERR_NOTFOUND when the process or its
 * cgroup directory is gone; ERR_USAGE for pid <= 0, a process in the root
 * cgroup (not a container: never frozen), and for cg_freeze a cgroup that
 * holds this process or one of its ancestors' (freezing it would stop
 * us); ERR_VERSION when the directory has no freezer file (v2 before Linux
 * 5.2); ERR_PARSE for a state file we do not understand; ERR_SERVER for
 * other write or read errors (EACCES when not root). */

/* Ask the kernel to freeze every task of pid's cgroup: "FROZEN" into
 * freezer.state (v1) or "1" into cgroup.freeze (v2). It only writes: the
 * kernel stops the tasks asynchronously (v1 reads FREEZING until it is
 * done); see cg_freezer_state and cg_freeze_all. Returns 0 or -1. */
int cg_freeze(struct cg_freezer *f, int pid, struct err *e);
/* Let them run again: "THAWED" (v1) or "0" (v2). Returns 0 or -1. */
int cg_thaw(struct cg_freezer *f, int pid, struct err *e);
/* CG_FRZ_THAWED, CG_FRZ_FREEZING or CG_FRZ_FROZEN, or -1. v1: freezer.state
 * (FROZEN also when an ancestor cgroup is frozen). v2: FROZEN when
 * cgroup.events says "frozen 1" (also through an ancestor), else FREEZING
 * when cgroup.freeze is 1, else THAWED. */
int cg_freezer_state(struct cg_freezer *f, int pid, struct err *e);

/* A container's cgroup, proven to be its own (cg_locate). */
struct cg_loc {
	char id[65];     /* the container's full id */
	int pid;         /* its init process, whose cgroup this is */
	char *dir;       /* its cgroup in the freezer's hierarchy (v1 freezer, else v2) */
	char *unified;   /* its cgroup v2 directory when that has cgroup.kill (also on a
	                  * hybrid host), else NULL */
};

/* Find and prove the cgroup of container id (64 lowercase hex digits)
 * whose init process is pid, as the engine says. Proof: pid's
 * <proc_root>/PID/cgroup puts it in a cgroup whose path has a component
 * naming the id (ID, or PREFIX-ID / PREFIX-ID.scope: docker's cgroupfs and
 * systemd drivers, Podman's libpod-ID), and the container's cgroup is that
 * component (the process may sit in a sub-cgroup of it). Never the root
 * cgroup, never a cgroup that holds sandtop itself. Returns 0 with out
 * filled (free with cg_clear), or -1 with e: ERR_USAGE for a malformed
 * id or pid <= 0; ERR_NOTFOUND when the process or its cgroup is gone;
 * ERR_REFUSED when the cgroup is not provably the container's: a wrong,
 * hostile or remote-forwarded engine must not make sandtop freeze or kill
 * anything else. */
int cg_locate(struct cg_freezer *f, const char *id, int pid, struct cg_loc *out, struct err *e);
void cg_clear(struct cg_loc *cg);
/* The same without a pid from the engine: the cgroup named after id is
 * looked for in the freezer's hierarchy (a few levels deep: docker/ID,
 * PARENT/ID, system.slice/docker-ID.scope), and its first process stands
 * for the init. For the kill switch when the engine's word is not needed
 * (or not to be had). Returns as cg_locate; ERR_NOTFOUND when no such
 * cgroup holds a process. */
int cg_find(struct cg_freezer *f, const char *id, struct cg_loc *out, struct err *e);
/* The state of a located cgroup: CG_FRZ_THAWED, _FREEZING, _FROZEN, or -1. */
int cg_state(struct cg_freezer *f, const struct cg_loc *cg, struct err *e);
/* Locate (proven) and read in one: the state of container id whose init is
 * pid, or -1 when it cannot be known (f NULL, not running, not provably
 * its cgroup). */
int cg_state_of(struct cg_freezer *f, const char *id, int pid);
/* Whether cgroup path dir has a component naming container id (64 hex:
 * ID, PREFIX-ID, PREFIX-ID.scope), as cg_locate's proof asks. Pure. */
bool cg_path_names(const char *dir, const char *id);

#endif
