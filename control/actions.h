/* actions: what an operator does to sandboxes (one, a set, or all at once), asynchronous, timed out, audit-logged before and after. */
#ifndef CONTROL_ACTIONS_H
#define CONTROL_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"

enum act_kind {
	ACT_PAUSE,
	ACT_UNPAUSE,
	ACT_STOP,        /* SIGTERM, then the engine kills after the timeout */
	ACT_KILL,        /* a signal (default SIGKILL) */
	ACT_RESTART,
	ACT_REMOVE,      /* force: the caller asked twice or kept evidence first */
	ACT_QUARANTINE,  /* disconnect from every network, then pause */
	ACT_FREEZE_ALL,  /* kill switch: the cgroup freezer (the engine's pause without one) */
	ACT_KILL_ALL,    /* kill switch: freeze first (local engine), then SIGKILL */
	ACT_COUNT
};

/* The action's name in the audit log and on the command line ("kill"). */
const char *act_name(enum act_kind k);
/* ACT_* for a name, or -1. */
int act_from_name(const char *name);

struct act_opts {
	enum act_kind kind;
	const char *signal;   /* kill: NULL = SIGKILL; any form dk_signal_canon takes */
	int timeout_s;        /* stop and restart: before the engine kills (< 0: 10) */
	const char *reason;   /* the operator's words, may be NULL */
	bool armed;           /* no confirmations; go on when the audit log fails */
};

enum act_state { ACT_PENDING, ACT_OK, ACT_FAILED };

struct act_result {
	char id[65];
	char name[128];       /* untrusted: sanitize to show */
	enum act_state state;
	char msg[256];        /* what happened ("frozen in 3 ms", the engine's message) */
	int64_t ms;           /* time to the result */
};

struct actions;   /* the context: engine client, audit log, freezer */
struct act_run;   /* one action on its targets, in flight */

/* A context for actions through client c, recording to the audit log at
 * audit_path (NULL: no log; every action then needs armed). local: the
 * engine runs on this host, so the cgroup freezer can be used. Never
 * fails: a log or freezer that cannot be opened is reported by
 * act_problem and acted on by act_start. Free with actions_free. */
struct actions *actions_new(struct dk_client *c, const char *audit_path, bool local);
void actions_free(struct actions *a);
/* True while sandbox id is frozen by our cgroup freezer (the engine still
 * says "running": it can neither pause nor unpause a cgroup frozen behind
 * its back; ACT_UNPAUSE thaws it). */
bool act_frozen(const struct actions *a, const char *id);
/* The audit log actions write to (for snapshots), or NULL. */
struct audit *act_audit(struct actions *a);
/* Why actions are limited ("audit log: ...: Permission denied"), or NULL. */
const char *act_problem(const struct actions *a);

/* Record a lone event about target (e.g. "takeover_start") in the audit
 * log. Returns 0, or -1 with e set when it could not be written. */
int act_note(struct actions *a, const char *action, const struct dk_container *target, const char *detail,
             bool armed, struct err *e);

/* The code act_start's error has when the intent record could not be
 * written (and the run was not armed): the message then says why the log
 * failed; the caller says it was refused (and how to override, if it can). */
#define ACT_EAUDIT 1000

/* Start kind on the n targets (copied). Writes the intent record first: if
 * that fails and !armed, nothing is done (-1, e says why). The engine
 * calls run in parallel, each with a timeout; the result record is written
 * when the last one ends. Returns the run (free with act_run_free after
 * act_run_done), or NULL with e set. */
struct act_run *act_start(struct actions *a, const struct act_opts *o,
                          const struct dk_container *targets, size_t n, struct err *e);
/* Drive timeouts; call from the poll loop. Returns ms until it needs to
 * run again, or -1. */
int act_tick(struct actions *a, int64_t now_ms);
bool act_run_done(const struct act_run *r);
/* The per-target results (pending ones included). */
const struct act_result *act_run_results(const struct act_run *r, size_t *n);
/* The counts of ok and failed results. */
void act_run_counts(const struct act_run *r, size_t *ok, size_t *failed, size_t *pending);
enum act_kind act_run_kind(const struct act_run *r);
/* The result record could not be written (the log failed mid-way); "" if fine. */
const char *act_run_audit_error(const struct act_run *r);
/* Free a run; a run still in flight is cancelled (its requests continue in
 * the engine but nothing is reported). */
void act_run_free(struct act_run *r);

#endif
