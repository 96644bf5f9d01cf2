/* contain_stop: a sandbox's agent stopped with SIGSTOP before its evidence is taken (every process but the display and VNC servers), and continued afterwards: through the kernel on a local engine, through an exec elsewhere. */
#ifndef DOCKER_CONTAIN_STOP_H
#define DOCKER_CONTAIN_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"
#include "docker/freezer.h"

#define DK_AGENT_MAX 2048        /* processes recorded; more are left running (over_cap) */
#define DK_AGENT_ROUNDS 8        /* enumerations: again while new processes appear */
#define DK_AGENT_WAIT_MS 200     /* kernel: how long the signalled ones get to be stopped */
#define DK_AGENT_EXEC_TIMEOUT_MS 10000
#define DK_AGENT_OUT_MAX (256u << 10) /* what an exec may print */

/* What became of one process of the sandbox. */
enum dk_agent_kind {
	DK_AG_STOPPED,   /* SIGSTOP sent by us (and so SIGCONT later) */
	DK_AG_KEPT,      /* left running: the display or VNC server (why says which) */
	DK_AG_INIT,      /* exec path: the sandbox's init, which its own processes cannot stop */
	DK_AG_ALREADY,   /* stopped, traced or a zombie before we came: left as it was */
	DK_AG_FAILED,    /* the signal could not be sent (why says why) */
};

struct dk_agent_proc {
	int pid;                  /* the host's pid (kernel path) or the sandbox's (exec path) */
	unsigned long long start; /* its start time (/proc/PID/stat field 22): tells a recycled pid */
	char comm[32];            /* sanitized; untrusted (the process sets it) */
	char exe[64];             /* kernel path: its executable's base name, sanitized; "" unknown */
	unsigned char kind;       /* enum dk_agent_kind */
	char why[48];             /* kept or failed: why */
	bool late;                /* kernel: signalled but not stopped within DK_AGENT_WAIT_MS */
	bool continued;           /* SIGCONT sent */
};

/* One stop of one sandbox and, later, its continuation. Plain data but p
 * (dk_agent_clear frees it). */
struct dk_agent_stop {
	bool exec;                /* stopped by an exec inside (pids are the sandbox's) */
	struct dk_agent_proc *p;
	size_t n;
	size_t stopped, kept, already, failed, late, over_cap;
	int rounds;               /* enumerations made */
	bool still_forking;       /* the last round still found new processes */
	int64_t us;               /* kernel: from the first SIGSTOP until every one was seen stopped */
	size_t continued, cont_gone, cont_failed;
	char note[ERR_MSG_MAX];   /* what went wrong on the way, "" if nothing */
};

void dk_agent_clear(struct dk_agent_stop *st);
/* "display server", "VNC server", "display and VNC server" for a process
 * named comm whose executable's base name is exe (both must be the name of
 * one; exe NULL: comm alone, the exec path), or NULL for any other. */
const char *dk_agent_server(const char *comm, const char *exe);

/* ---- the kernel path (contain_stop.c): root, a local engine ----
 * Stop container id (whose init is pid, as the engine says; the cgroup is
 * proven with dk_cg_locate first, nothing is touched otherwise) : every
 * process of its cgroup tree (frz_each_task) but the display and VNC
 * servers gets SIGSTOP through a pidfd, after a check that it is still in
 * that cgroup; the init too (the picture does not need it, and in an image
 * without one the init is the agent). The tree is enumerated again while
 * new processes appear (a fork between the enumeration and the signal),
 * at most DK_AGENT_ROUNDS times, then up to DK_AGENT_WAIT_MS for each to be
 * seen stopped (a task in uninterruptible sleep stops when it leaves it:
 * counted late). A process already stopped, traced or dead is left alone.
 * out is filled (cleared first), also on failure. Returns 0, or -1 with e
 * (ERR_REFUSED, ERR_NOTFOUND, ... as dk_cg_locate) when nothing was done. */
int dk_agent_stop_kernel(struct dk_freezer *f, const char *id, int pid, struct dk_agent_stop *out, struct err *e);
/* SIGCONT to each process st stopped and has not continued yet, through a
 * pidfd, when it is still in the container's cgroup with the same start
 * time (else it counts as gone). Works on frozen ones: they stay frozen
 * and run once thawed. Returns 0, or -1 with e when the cgroup cannot be
 * proven any more (every one then counts as gone). */
int dk_agent_cont_kernel(struct dk_freezer *f, const char *id, int pid, struct dk_agent_stop *st, struct err *e);

/* ---- the exec path (exec_stop.c): any engine ----
 * Callbacks run once from dk_client_dispatch; res lives for the callback
 * (the caller may take res->p: set it to NULL then). */
typedef void (*dk_agent_cb)(void *ud, int rc, const struct err *e, struct dk_agent_stop *res);
/* Run a POSIX sh script (shell built-ins only: no process is forked) in
 * container id as its own user: SIGSTOP to every process of the sandbox
 * that is not the script itself, not its init (pid 1) and not the display
 * or VNC server (dk_agent_server by comm, and its executable the file of
 * that name in /usr/bin, /usr/local/bin or /bin), enumerated again while
 * new processes appear (DK_AGENT_ROUNDS). Its output (untrusted: at most
 * DK_AGENT_OUT_MAX bytes, DK_AGENT_MAX processes, each line checked) is
 * parsed into res. rc -1 with e when the exec fails or its output is not
 * the script's (no /bin/sh, ...): nothing was stopped that we know of. */
void dk_agent_stop_exec(struct dk_client *c, const char *id, dk_agent_cb cb, void *ud);
/* SIGCONT, through an exec as above, to exactly the processes st stopped
 * and has not continued yet, each when its start time is unchanged. res
 * carries the counts (continued, cont_gone, cont_failed) and per-process
 * flags in the order of st->p. */
void dk_agent_cont_exec(struct dk_client *c, const char *id, const struct dk_agent_stop *st, dk_agent_cb cb,
                        void *ud);
/* The parsers of those outputs (pure, for the tests): 0, or -1 with e when
 * out is not what the script prints. cont marks st's processes. */
int dk_agent_parse_stop(const char *out, size_t len, struct dk_agent_stop *st, struct err *e);
int dk_agent_parse_cont(const char *out, size_t len, struct dk_agent_stop *st, struct err *e);
/* The pids st stopped and has not continued, "12 34 56", cut with " ..."
 * to fit out (n bytes): for the operator's command line. */
void dk_agent_pids(const struct dk_agent_stop *st, char *out, size_t n);

#endif
