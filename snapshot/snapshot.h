/* snapshot: a forensic bundle of one sandbox in a directory, taken asynchronously from the caller's poll loop, journalled before and after. */
#ifndef SNAPSHOT_SNAPSHOT_H
#define SNAPSHOT_SNAPSHOT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/collector.h"
#include "docker/docker.h"

/* The bundle, in the order it is taken:
 *   (stop)          the agent is stopped, with no warning: SIGSTOP to every
 *                   process of the sandbox but its display and VNC servers
 *                   (host/agent_stop.h). On a local engine as root
 *                   through the kernel (the cgroup proven to be the
 *                   container's, each signal through a pidfd, the init
 *                   included); elsewhere through an exec of a shell script
 *                   as the sandbox's own user (its init excepted: the
 *                   kernel keeps a namespace's own processes from stopping
 *                   it). A process that cannot be stopped is noted, and the
 *                   bundle goes on.
 *   screenshot.png  the desktop at full resolution from its VNC server, the
 *                   agent stopped (skipped with a note: no sandtop.vnc
 *                   label, not running, or no picture within the shot
 *                   timeout)
 *   scratch-N.tar   without the host's view of its filesystem (remote
 *                   engine, not root): tar in the sandbox, the agent stopped
 *   (pause)         the sandbox is frozen: through the kernel's cgroup
 *                   freezer on the kernel path (the engine still says
 *                   "running"; `sandtop unpause` thaws it), else the
 *                   engine's pause (one paused or frozen already stays so).
 *                   The time the agent was stopped before it is measured.
 *   (continue)      kernel path: SIGCONT to what the stop stopped, right
 *                   after the freeze: they stay frozen and run at the thaw
 *   inspect.json    GET /containers/ID/json as the engine sent it
 *   logs.txt        the log's last bytes (capped; the manifest says when cut)
 *   (commit)        image sandtop-snapshot:<bundle name>, labelled
 *                   sandtop.snapshot.{time,operator,reason,source}
 *   scratch-N.tar   what the agent wrote where commit cannot see it: each
 *                   tmpfs, volume and bind mount (writable ones), its own
 *                   /dev/shm; read from the host through /proc/PID/root of
 *                   the frozen sandbox, confined to its root (see
 *                   snap_tree_archive)
 *   stats.csv       the stats history the caller passed, else one sample
 *   (resume)        thawed or unpaused unless it was paused before or
 *                   keep_paused
 *   (continue)      exec path: SIGCONT by an exec to exactly what the stop
 *                   stopped, after the unpause. With keep_paused they stay
 *                   stopped under the pause: the step says what the operator
 *                   runs after `sandtop unpause` to continue them.
 *   manifest.json   every step's result, every file's size, sha256 and how
 *                   it was obtained, the agent's stop (what was stopped,
 *                   what was left running, for how long before the freeze)
 * Logs, commit, scratch and stats run at the same time once the sandbox is
 * paused. A failing step is recorded and the bundle goes on. */
enum snap_step_id {
	SNAP_STEP_STOP,
	SNAP_STEP_SCREENSHOT,
	SNAP_STEP_PAUSE,
	SNAP_STEP_INSPECT,
	SNAP_STEP_LOGS,
	SNAP_STEP_COMMIT,
	SNAP_STEP_SCRATCH,
	SNAP_STEP_STATS,
	SNAP_STEP_RESUME,
	SNAP_STEP_CONTINUE,
	SNAP_STEP_MANIFEST,
	SNAP_STEP_COUNT
};
/* "stop", "screenshot", "pause", ... */
const char *snap_step_name(enum snap_step_id s);

enum snap_state { SNAP_PENDING, SNAP_OK, SNAP_SKIPPED, SNAP_FAILED };
/* "pending", "ok", "skipped", "failed" */
const char *snap_state_name(enum snap_state s);

#define SNAP_MSG_MAX 640
struct snap_step {
	enum snap_state state;
	char msg[SNAP_MSG_MAX];  /* what happened; a note on success ("cut to the last 64 MiB") */
	int64_t ms;              /* how long it took */
	int64_t at_ms;           /* wall clock when it began; 0: never begun */
};

/* Defaults of the caps and timeouts (0 in snap_opts picks them). */
#define SNAP_SHOT_TIMEOUT_MS 8000
#define SNAP_LOGS_MAX (64u << 20)
#define SNAP_SCRATCH_MAX_BYTES (1ull << 30)
#define SNAP_SCRATCH_MAX_ENTRIES 200000
#define SNAP_SCRATCH_TIMEOUT_MS 300000   /* the whole scratch step */
#define SNAP_POLLFDS_MAX 2               /* per snapshot: the desktop worker, the archiving child */

struct snap_opts {
	const char *reason;          /* the operator's words; NULL: none */
	const char *parent_dir;      /* the bundle goes in a new directory here;
	                              * NULL: snap_default_parent() */
	bool keep_paused;            /* do not resume it afterwards */
	bool armed;                  /* go on when the journal cannot be written */
	bool host_access;            /* a local engine: read the sandbox's mounts
	                              * through /proc/PID/root, and (as root)
	                              * stop and freeze it through the kernel */
	const struct st_view *history; /* the collector's rings (copied), or NULL:
	                              * one sample from the stats API */
	int history_step_ms;         /* what one history point stands for */
	uint64_t scratch_max_bytes, scratch_max_entries;
	size_t logs_max_bytes;
	int shot_timeout_ms;
};

struct snap_result {
	char id[65];
	char name[128];              /* untrusted: sanitize to show */
	bool done;
	bool ok;                     /* done, bundle written, no step failed */
	char dir[4096];              /* the bundle directory; "" when none was made */
	char image_id[72];           /* "sha256:..." of the commit, or "" */
	char manifest_sha256[65];    /* "" when no manifest was written */
	char error[ERR_MSG_MAX];     /* why it is not ok ("logs: ...; commit: ..."), or "" */
	char journal_error[ERR_MSG_MAX]; /* the result record could not be written; "" if fine */
	struct snap_step steps[SNAP_STEP_COUNT];
	int64_t ms;                  /* start to done */
};

struct journal;  /* journal/journal.h */
struct snap;

/* Start a bundle of ct (copied; ct->id is what counts, the rest is looked
 * up afresh) through client c, recorded in journal (borrowed, may be NULL:
 * then only armed snapshots run; the client and the log must outlive the
 * snapshot). The intent record is written first: when that fails and
 * !o->armed nothing is done (NULL, e says why). Otherwise returns the
 * snapshot, which goes on from the caller's loop: snap_pollfds before
 * poll, snap_dispatch after it (beside dk_client_dispatch, which runs its
 * engine calls), snap_tick on every turn. */
struct snap *snap_start(struct dk_client *c, struct journal *journal, const struct dk_container *ct,
                        const struct snap_opts *o, struct err *e);
/* At most SNAP_POLLFDS_MAX fds. */
size_t snap_pollfds(struct snap *s, struct pollfd *fds, size_t max);
void snap_dispatch(struct snap *s, const struct pollfd *fds, size_t n);
/* Drive the timeouts and the screenshot; returns ms until it needs to run
 * again (-1: only when an fd or an engine answer comes). */
int snap_tick(struct snap *s, int64_t now_ms);
bool snap_done(const struct snap *s);
/* Valid until snap_free; steps fill in as they end. */
const struct snap_result *snap_result(const struct snap *s);
/* Cut s short: what is not taken yet is skipped ("cancelled"), and it goes
 * on from the caller's loop to its end as snap_free describes (the agent
 * continued, the sandbox thawed or resumed, the manifest and the journal
 * result written), then snap_done. Done or cancelled already: no-op. */
void snap_cancel(struct snap *s);
/* Free s. One still running is cut short (the archiving child killed, the
 * desktop closed), its stopped agent continued, then resumed and its manifest and journal record written
 * as the engine's last answers come (through dk_client_dispatch); it is
 * freed then. Freeing the client before that loses those answers. */
void snap_free(struct snap *s);

#endif
