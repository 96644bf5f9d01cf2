/* ttl: the sandtop.ttl budget enforced: the expiry policy and the enforcer that applies it once per start. */
#ifndef CONTROL_TTL_H
#define CONTROL_TTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/actions.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "sandbox/budget.h"

/* What the enforcer does when a running sandbox's budget is spent. */
enum ttl_policy {
	TTL_FLAG,    /* only report it */
	TTL_PAUSE,
	TTL_STOP,    /* SIGTERM, the engine kills after the stop timeout */
	TTL_KILL,    /* SIGKILL */
};

/* The policy for "flag", "pause", "stop" or "kill", or -1. */
int ttl_policy_parse(const char *word);
/* The word for p ("pause"). */
const char *ttl_policy_name(enum ttl_policy p);

/* What the enforcer reports. */
enum ttl_ev_kind {
	TTL_EV_BAD,        /* a sandtop.ttl that is not a number: never enforced (once per sandbox) */
	TTL_EV_EXPIRED,    /* a running sandbox's budget is spent (once per start) */
	TTL_EV_DONE,       /* the policy's action succeeded */
	TTL_EV_FAILED,     /* the engine refused it, or no answer in time */
	TTL_EV_REFUSED,    /* not started: the journal could not be written first */
	TTL_EV_RESUMED,    /* running again past its budget after we acted: left alone */
};

struct ttl_event {
	enum ttl_ev_kind kind;
	const char *id;      /* full container id */
	const char *text;    /* one line, no timestamp, sanitized: safe to print */
	int64_t ms;          /* DONE/FAILED: the action's duration; else 0 */
};

/* Called from ttl_enf_scan/ttl_enf_tick; ev and its strings live for the
 * call only. It must not call the ttl_enf_ functions. */
typedef void (*ttl_event_cb)(void *ud, const struct ttl_event *ev);

struct ttl_enf_opts {
	enum ttl_policy policy;
	const char *label;       /* "K" or "K=V": only sandboxes carrying it (NULL: all); copied */
	int stop_timeout_s;      /* TTL_STOP: seconds before the engine kills (< 0: 10) */
	ttl_event_cb cb;
	void *ud;
};

struct ttl_enf;

/* An enforcer acting through a (borrowed; NULL is allowed with TTL_FLAG,
 * and with another policy makes every action "refused"). Actions are
 * started unarmed with the reason "ttl expired: sandtop.ttl=N, running M s".
 * Free with ttl_enf_free before actions_free(a). */
struct ttl_enf *ttl_enf_new(struct actions *a, const struct ttl_enf_opts *o);
/* Free it; actions still in flight are let go (act_run_free: their result
 * records are written if their answers come while a lives). */
void ttl_enf_free(struct ttl_enf *t);

/* Fetch container i of src (NULL past the end). */
typedef const struct dk_container *(*ttl_get_fn)(const void *src, size_t i);

/* One pass over n containers (the enforcer's whole view: sandboxes it
 * remembered and no longer sees are forgotten once idle): report finished
 * actions, report bad labels, and start the policy's action on each
 * running sandbox whose budget is spent and was not acted on since it
 * started (key: id + StartedAt). A paused, stopped or not yet inspected
 * sandbox is never acted on. Never blocks on the engine (the journal
 * records are written synchronously). Returns ms until it wants to run
 * again (the next expiry; 0 when it left work for the next turn), or -1. */
int ttl_enf_scan(struct ttl_enf *t, const void *src, size_t n, ttl_get_fn get, int64_t wall_ms);
/* ttl_enf_scan over the inventory while it is online; otherwise only
 * reports finished actions (a stale list is never acted on). */
int ttl_enf_tick(struct ttl_enf *t, const struct inventory *inv, int64_t wall_ms);
/* Start nothing new from now on (shutting down); scans only report
 * finished actions. */
void ttl_enf_drain(struct ttl_enf *t);
/* True when c passes the enforcer's label filter (every container without one). */
bool ttl_enf_wants(const struct ttl_enf *t, const struct dk_container *c);
/* The number of its actions still in flight. */
size_t ttl_enf_busy(const struct ttl_enf *t);

#endif
