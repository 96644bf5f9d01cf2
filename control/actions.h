/* actions: what an operator does to sandboxes (one, a set, or all at once), asynchronous, timed out, journalled before and after. */
#ifndef CONTROL_ACTIONS_H
#define CONTROL_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"

/* On a local engine (as root) the kernel acts first: "freeze" below is the
 * cgroup freezer, which the engine neither sees as paused nor can undo
 * (unpause thaws it); on a remote engine the engine's pause. */
enum act_kind {
	ACT_PAUSE,       /* freeze ("freeze" on the command line too) */
	ACT_UNPAUSE,     /* thaw a freeze, or the engine's unpause ("thaw" too) */
	ACT_STOP,        /* SIGTERM, then SIGKILL after the timeout */
	ACT_KILL,        /* a signal (default SIGKILL: every task of the sandbox) */
	ACT_RESTART,
	ACT_REMOVE,      /* force: the caller asked twice or kept evidence first */
	ACT_QUARANTINE,  /* freeze, then disconnect from every network */
	ACT_FREEZE_ALL,  /* kill switch: freeze every sandbox */
	ACT_KILL_ALL,    /* kill switch: kill every sandbox */
	ACT_COUNT
};

/* The action's name in the journal and on the command line ("kill"). */
const char *act_name(enum act_kind k);
/* ACT_* for a name ("freeze" and "thaw" are pause and unpause), or -1. */
int act_from_name(const char *name);

/* How long a result waits for the engine's answer once the kernel has
 * acted (the engine may be wedged: the kernel's word is the result, a late
 * answer is added to it and to the journal when it comes). */
#define ACT_ENGINE_WAIT_MS 2000

struct act_opts {
	enum act_kind kind;
	const char *signal;   /* kill: NULL = SIGKILL; any form dk_signal_canon takes */
	int timeout_s;        /* stop and restart: before the kill (< 0: 10) */
	const char *reason;   /* the operator's words, may be NULL */
	bool armed;           /* the operator armed sandtop: no confirmations (recorded) */
	int engine_wait_ms;   /* <= 0: ACT_ENGINE_WAIT_MS */
};

enum act_state { ACT_PENDING, ACT_OK, ACT_FAILED };

/* The engine's part in one target's result. */
enum act_engine {
	ACT_ENG_NONE,     /* not asked (the kernel did all of it, or nothing to ask) */
	ACT_ENG_WAITING,  /* asked, no answer yet */
	ACT_ENG_SILENT,   /* asked, no answer within the wait; still listening */
	ACT_ENG_OK,
	ACT_ENG_FAILED,
};

struct act_result {
	char id[65];
	char name[128];       /* untrusted: sanitize to show */
	enum act_state state; /* OK once the kernel or the engine did it */
	char msg[640];        /* the whole story in one line: "killed by the kernel in 9 ms (12
	                       * tasks); engine: no answer within 2 s" */
	char kernel[300];     /* what the kernel did, "" when it had no part */
	enum act_engine engine;
	char engine_msg[300]; /* what the engine said */
	int64_t ms;           /* time to the result */
};

struct actions;   /* the context: engine client, journal, the kernel path */
struct act_run;   /* one action on its targets, in flight */

/* A context for actions through client c, recording to the journal at
 * journal_path (NULL: no log, the actions go unrecorded, said by act_problem;
 * a log that cannot be written now keeps its records in memory, retries
 * them from act_tick, and they are printed by actions_free if they never
 * could be written: nothing is lost, no action waits). local: the
 * engine runs on this host, so its containers' cgroups can be acted on
 * directly (the kernel path, which also needs root). Never fails: a log or
 * kernel path that cannot be had is reported by act_problem and
 * act_kernel_problem. Free with actions_free. */
struct actions *actions_new(struct dk_client *c, const char *journal_path, bool local);
void actions_free(struct actions *a);
/* The kernel's freezer state of container c (CG_FRZ_THAWED, _FREEZING,
 * _FROZEN from host/freezer.h), or -1 when unknown (no kernel path, not
 * running, not provably its cgroup). Frozen by anyone: this sandtop,
 * another one, or the engine's pause. */
int act_kernel_state(struct actions *a, const struct dk_container *c);
/* Frozen behind the engine's back: the engine says "running" but the
 * kernel says frozen (or freezing). */
bool act_frozen(struct actions *a, const struct dk_container *c);
/* Whether the kernel path is there; else why not ("not root", ...). */
bool act_kernel(const struct actions *a);
const char *act_kernel_problem(const struct actions *a);
/* The journal actions write to (for snapshots), or NULL. */
struct journal *act_journal(struct actions *a);
/* What is wrong with the journal ("JOURNAL: 3 records not written: No
 * space left on device; retrying", "no journal"), or NULL. */
const char *act_problem(const struct actions *a);

/* Record a lone event about target (e.g. "takeover_start") in the journal
 * log (kept and retried when the log cannot take it now). Returns 0, or -1
 * with e set when there is no log. */
int act_note(struct actions *a, const char *action, const struct dk_container *target, const char *detail,
             bool armed, struct err *e);

/* Start kind on the n targets (copied; each target's id, name, state, pid
 * and networks are used). Containment on a local engine acts through the
 * kernel first (host/contain.h: freeze; kill = freeze, SIGKILL every
 * task, thaw; other signals to the init process; stop = SIGTERM, then the
 * kernel kill after timeout_s), before anything is written, and then asks
 * the engine (kill) so that its view agrees; a target the kernel path
 * cannot prove (or no kernel path) goes to the engine alone. Then the
 * intent record; the result record once every target is settled and the
 * engine has answered or the wait has passed; an "engine" record for each
 * later answer. The log never refuses or delays an action. Returns the run
 * (free with act_run_free), or NULL with e set when there is no target. */
struct act_run *act_start(struct actions *a, const struct act_opts *o,
                          const struct dk_container *targets, size_t n, struct err *e);
/* act_start on several engines at once: as[i] (NULL: none) on its n[i]
 * targets (targets[i]); runs[i] is its run (free each with act_run_free),
 * NULL when it has no target. The kernel's part of every local engine's
 * runs goes first and in one pass (one freeze, one kill over all their
 * sandboxes), so the engines are contained together, not one after
 * another; then each engine is asked and each run's intent written.
 * Returns how many runs started. */
size_t act_start_many(struct actions *const *as, size_t na, const struct act_opts *o,
                      const struct dk_container *const *targets, const size_t *n, struct act_run **runs);
/* Drive timeouts (and stop's kernel escalation); call from the poll loop.
 * Returns ms until it needs to run again, or -1. */
int act_tick(struct actions *a, int64_t now_ms);
/* Every target settled (OK or FAILED). */
bool act_run_done(const struct act_run *r);
/* Every target settled and the engine answered or the wait passed (what
 * the command line waits for before it reports). */
bool act_run_quiet(const struct act_run *r);
/* The per-target results (pending ones included). */
const struct act_result *act_run_results(const struct act_run *r, size_t *n);
/* The counts of ok and failed results. */
void act_run_counts(const struct act_run *r, size_t *ok, size_t *failed, size_t *pending);
enum act_kind act_run_kind(const struct act_run *r);
/* Whether the kernel path acted on any target of r. */
bool act_run_kernel(const struct act_run *r);
/* Why a record of r had to be kept for later (the log failed); "" if fine. */
const char *act_run_journal_error(const struct act_run *r);
/* Changes whenever a result of r changes (late engine answers too). */
uint64_t act_run_generation(const struct act_run *r);
/* Free a run; one still waiting for the engine is kept until its answers
 * are in (they still go to the journal), then freed. */
void act_run_free(struct act_run *r);

#endif
