/* act_internal: what actions.c and act_kernel.c share: the context, a run and its targets, and how the kernel's part reports back. */
#ifndef CONTROL_ACT_INTERNAL_H
#define CONTROL_ACT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "control/actions.h"
#include "host/contain.h"

struct target {
	struct act_run *run;
	struct act_result *res;   /* in run->res */
	int pid;
	bool engine_paused;       /* the engine said "paused" when the run began */
	bool was_down;            /* ... or exited, created or dead: nothing to act on */
	char **networks;          /* quarantine: still to disconnect */
	size_t nnet, net_pending;
	char net_error[ERR_MSG_MAX]; /* quarantine: a network that could not be cut */
	int64_t deadline_ms;      /* an engine-only target fails after this */
	int64_t asked_ms;         /* when the engine was asked (0: not) */
	bool kernel_settled;      /* the kernel's word is the result; the engine's comes on top */
	bool kernel_froze;        /* quarantine: frozen by the kernel, the engine cuts the networks */
	bool engine_out;          /* an engine request is in flight */
	bool logged_result;       /* its part is in the result record */
	int64_t term_until_ms;    /* stop through the kernel: SIGTERM sent; killed at this time */
};

struct act_run {
	struct actions *a;
	struct act_opts o;
	char signal[24];
	char reason[256];
	uint64_t op;
	struct target *t;
	struct act_result *res;
	size_t n, pending;        /* pending: targets not settled */
	size_t engine_out;        /* engine requests in flight */
	int64_t started_ms;
	bool orphaned;            /* act_run_free was called while it was not finished */
	bool begun;               /* the intent is written (or could not be): results may follow */
	bool result_logged;
	bool kernel;              /* the kernel path acted on some target */
	uint64_t gen;
	char journal_err[ERR_MSG_MAX];
	struct act_run *next;
};

/* How the kernel's part (act_kernel.c, below actions.c) reports up:
 * actions.c's, set in struct actions. */
struct actk_up {
	/* Settle t (once): ok or failed, with the kernel's text. */
	void (*settle)(struct target *t, bool ok, const char *text);
	/* Ask the engine for t's part of the action (kind k). */
	void (*engine_call)(struct target *t, enum act_kind k);
};

struct actions {
	struct dk_client *c;
	const struct actk_up *up;  /* the kernel's part reports through it */
	struct journal *journal;
	struct cg_freezer *frz;   /* the kernel path; NULL when not local or not root */
	char problem[ERR_MSG_MAX + 32];
	char kproblem[ERR_MSG_MAX + 32];
	uint64_t next_op;
	struct act_run *runs;     /* every run not yet freed, for timeouts */
};

/* ---- act_kernel.c ---- */
/* Whether kind acts through the kernel first on a local engine. */
bool actk_containment(enum act_kind kind);
/* The kernel's part of run r, at its start: every target it can prove is
 * frozen, killed, signalled or thawed now; those get kernel_settled (and
 * their kernel text) or a stop's term_until_ms. */
void actk_start(struct act_run *r);
/* The same for several runs at once (act_start_many: one kind, one signal,
 * each on its own engine's targets, every one local): one cg_contain per op
 * over all their targets. */
void actk_start_many(struct act_run *const *rs, size_t nr);
/* Stop's escalation: the targets whose SIGTERM time is up (or that are
 * empty already) are killed through the kernel. Returns ms until the next
 * one is due, or -1. */
int actk_tick(struct act_run *r, int64_t now_ms);

#endif
