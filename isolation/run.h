/* run: keeps the isolation checks of every sandbox current (inspect, networks, /proc, host facts), driven by the poll loop and the events stream. */
#ifndef ISOLATION_RUN_H
#define ISOLATION_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "isolation/isolation.h"
#include "docker/docker.h"

struct iso_runner;

/* A runner asking the engine through c; pol is copied (its strings too).
 * Free the client first (it cancels the requests without calling back),
 * then the runner. */
struct iso_runner *iso_runner_new(struct dk_client *c, const struct iso_policy *pol);
void iso_runner_free(struct iso_runner *r);

/* Evaluate container id (full id or name) again soon; a request already
 * queued or in flight is not repeated (one more round follows it). */
void iso_runner_want(struct iso_runner *r, const char *id);
/* An inspect of container id (full id) that someone else asked the engine
 * for at asked_ms (mono), json, len bytes, borrowed: taken as its facts
 * when its evaluation is new, or queued by a want from before asked_ms;
 * that evaluation then asks no inspect of its own. Otherwise nothing
 * changes. */
void iso_runner_feed(struct iso_runner *r, const char *id, int64_t asked_ms, const char *json, size_t len);
/* Forget container id (it was removed). */
void iso_runner_drop(struct iso_runner *r, const char *id);
/* An event from the stream: re-evaluates what it can change (start,
 * restart, update, pause, unpause, die, rename, exec_create and exec_die
 * of a non-health-check command, network connect/disconnect) of the
 * containers it already audits, drops destroyed containers, forgets
 * destroyed networks. */
void iso_runner_event(struct iso_runner *r, const struct dk_event *ev);
/* The host facts (GET /info and /version, which engines answer by running
 * programs: dockerd runc and docker-init, Podman dpkg-query, half a second
 * of CPU here) are not asked before iso_runner_release_host, or 3 s:
 * called before the first tick, so that a screen's first list and its
 * inspects do not wait behind them. The evaluations wait for them. */
void iso_runner_hold_host(struct iso_runner *r);
void iso_runner_release_host(struct iso_runner *r);
/* Ask the engine for the host facts again (after a reconnect). */
void iso_runner_host_refresh(struct iso_runner *r);

/* Start queued work (a few requests at a time), re-evaluate reports whose
 * time budget runs out. Returns ms until it wants another tick, or -1. */
int iso_runner_tick(struct iso_runner *r, int64_t now_wall_ms);

/* The last report of id (full id), or NULL before the first evaluation
 * ended. Valid until the next tick or dispatch. */
const struct iso_report *iso_runner_report(const struct iso_runner *r, const char *id);
/* id is known to the runner (queued, in flight or evaluated). */
bool iso_runner_has(const struct iso_runner *r, const char *id);
/* Why the last evaluation of id failed ("" if it did not, or none yet). */
const char *iso_runner_error(const struct iso_runner *r, const char *id);
/* The host checks, or NULL before the engine answered /info and /version;
 * host_error says why they could not be read ("" if fine). */
const struct iso_report *iso_runner_host(const struct iso_runner *r);
const char *iso_runner_host_error(const struct iso_runner *r);
/* The host facts (NULL until read). */
const struct dk_hostinfo *iso_runner_hostinfo(const struct iso_runner *r);
/* Evaluations queued or in flight (0: everything asked for is done). */
size_t iso_runner_pending(const struct iso_runner *r);
/* Changes whenever a report or the host checks change. */
uint64_t iso_runner_generation(const struct iso_runner *r);

#endif
