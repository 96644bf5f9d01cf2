/* exec_stop: a sandbox's agent stopped (SIGSTOP) and continued (SIGCONT) through an exec run as the sandbox's own user, for engines whose cgroups are out of reach. */
#ifndef DOCKER_EXEC_STOP_H
#define DOCKER_EXEC_STOP_H

#include <stddef.h>

#include "base/err.h"
#include "docker/docker.h"
#include "host/agent_stop.h"

#define DK_AGENT_EXEC_TIMEOUT_MS 10000
#define DK_AGENT_OUT_MAX (256u << 10) /* what an exec may print */

/* Callbacks run once from dk_client_dispatch; res lives for the callback
 * (the caller may take res->p: set it to NULL then). */
typedef void (*dk_agent_cb)(void *ud, int rc, const struct err *e, struct ag_stop *res);
/* Run a POSIX sh script (shell built-ins only: no process is forked) in
 * container id as its own user: SIGSTOP to every process of the sandbox
 * that is not the script itself, not its init (pid 1) and not the display
 * or VNC server (ag_server by comm, and its executable the file of
 * that name in /usr/bin, /usr/local/bin or /bin), enumerated again while
 * new processes appear (AG_ROUNDS). Its output (untrusted: at most
 * DK_AGENT_OUT_MAX bytes, AG_MAX processes, each line checked) is
 * parsed into res. rc -1 with e when the exec fails or its output is not
 * the script's (no /bin/sh, ...): nothing was stopped that we know of. */
void dk_agent_stop_exec(struct dk_client *c, const char *id, dk_agent_cb cb, void *ud);
/* SIGCONT, through an exec as above, to exactly the processes st stopped
 * and has not continued yet, each when its start time is unchanged. res
 * carries the counts (continued, cont_gone, cont_failed) and per-process
 * flags in the order of st->p. */
void dk_agent_cont_exec(struct dk_client *c, const char *id, const struct ag_stop *st, dk_agent_cb cb,
                        void *ud);
/* The parsers of those outputs (pure, for the tests): 0, or -1 with e when
 * out is not what the script prints. cont marks st's processes. */
int dk_agent_parse_stop(const char *out, size_t len, struct ag_stop *st, struct err *e);
int dk_agent_parse_cont(const char *out, size_t len, struct ag_stop *st, struct err *e);

#endif
