/* agent_stop: a sandbox's agent stopped with SIGSTOP before its evidence is taken (every process but the display and VNC servers), and continued afterwards: through the kernel (a local engine); docker/exec_stop.h does it through an exec elsewhere. */
#ifndef HOST_AGENT_STOP_H
#define HOST_AGENT_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "host/freezer.h"

#define AG_MAX 2048        /* processes recorded; more are left running (over_cap) */
#define AG_ROUNDS 8        /* enumerations: again while new processes appear */
#define AG_WAIT_MS 200     /* kernel: how long the signalled ones get to be stopped */

/* What became of one process of the sandbox. */
enum ag_kind {
	AG_STOPPED,   /* SIGSTOP sent by us (and so SIGCONT later) */
	AG_KEPT,      /* left running: the display or VNC server (why says which) */
	AG_INIT,      /* exec path: the sandbox's init, which its own processes cannot stop */
	AG_ALREADY,   /* stopped, traced or a zombie before we came: left as it was */
	AG_FAILED,    /* the signal could not be sent (why says why) */
};

struct ag_proc {
	int pid;                  /* the host's pid (kernel path) or the sandbox's (exec path) */
	unsigned long long start; /* its start time (/proc/PID/stat field 22): tells a recycled pid */
	char comm[32];            /* sanitized; untrusted (the process sets it) */
	char exe[64];             /* kernel path: its executable's base name, sanitized; "" unknown */
	unsigned char kind;       /* enum ag_kind */
	char why[48];             /* kept or failed: why */
	bool late;                /* kernel: signalled but not stopped within AG_WAIT_MS */
	bool continued;           /* SIGCONT sent */
};

/* One stop of one sandbox and, later, its continuation. Plain data but p
 * (ag_clear frees it). */
struct ag_stop {
	bool exec;                /* stopped by an exec inside (pids are the sandbox's) */
	struct ag_proc *p;
	size_t n;
	size_t stopped, kept, already, failed, late, over_cap;
	int rounds;               /* enumerations made */
	bool still_forking;       /* the last round still found new processes */
	int64_t us;               /* kernel: from the first SIGSTOP until every one was seen stopped */
	size_t continued, cont_gone, cont_failed;
	char note[ERR_MSG_MAX];   /* what went wrong on the way, "" if nothing */
};

void ag_clear(struct ag_stop *st);
/* "display server", "VNC server", "display and VNC server" for a process
 * named comm whose executable's base name is exe (both must be the name of
 * one; exe NULL: comm alone, the exec path), or NULL for any other. */
const char *ag_server(const char *comm, const char *exe);

/* ---- the kernel path (agent_stop.c): root, a local engine ----
 * Stop container id (whose init is pid, as the engine says; the cgroup is
 * proven with cg_locate first, nothing is touched otherwise) : every
 * process of its cgroup tree (frz_each_task) but the display and VNC
 * servers gets SIGSTOP through a pidfd, after a check that it is still in
 * that cgroup; the init too (the picture does not need it, and in an image
 * without one the init is the agent). The tree is enumerated again while
 * new processes appear (a fork between the enumeration and the signal),
 * at most AG_ROUNDS times, then up to AG_WAIT_MS for each to be
 * seen stopped (a task in uninterruptible sleep stops when it leaves it:
 * counted late). A process already stopped, traced or dead is left alone.
 * out is filled (cleared first), also on failure. Returns 0, or -1 with e
 * (ERR_REFUSED, ERR_NOTFOUND, ... as cg_locate) when nothing was done. */
int ag_stop_kernel(struct cg_freezer *f, const char *id, int pid, struct ag_stop *out, struct err *e);
/* SIGCONT to each process st stopped and has not continued yet, through a
 * pidfd, when it is still in the container's cgroup with the same start
 * time (else it counts as gone). Works on frozen ones: they stay frozen
 * and run once thawed. Returns 0, or -1 with e when the cgroup cannot be
 * proven any more (every one then counts as gone). */
int ag_cont_kernel(struct cg_freezer *f, const char *id, int pid, struct ag_stop *st, struct err *e);

/* The pids st stopped and has not continued, "12 34 56", cut with " ..."
 * to fit out (n bytes): for the operator's command line. */
void ag_pids(const struct ag_stop *st, char *out, size_t n);

#endif
