/* inventory: the live set of sandboxes, kept in sync by list + /events. */
#ifndef DOCKER_INVENTORY_H
#define DOCKER_INVENTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"

#define INV_SANDBOX_LABEL "sandtop.sandbox"

enum inv_conn {
	INV_CONNECTING,  /* no answer from the engine yet */
	INV_ONLINE,      /* list done and events stream open */
	INV_OFFLINE,     /* engine unreachable; retrying */
};

struct inventory;

/* all=false keeps only sandboxes: containers with the selector's label
 * (INV_SANDBOX_LABEL unless inv_set_selector says otherwise). The client
 * stays owned by the caller and must outlive the inventory. */
struct inventory *inv_new(struct dk_client *c, bool all);
/* Which containers are sandboxes: KEY or KEY=VALUE (a label selector as
 * config/'s cfg_label_check accepts; copied). Call before inv_start. A
 * selector with quotes, backslashes or control characters, or longer than
 * 255 bytes, is refused (-1; the old one stays). */
int inv_set_selector(struct inventory *inv, const char *sel);
/* The selector in use ("sandtop.sandbox" by default); owned by inv. */
const char *inv_selector(const struct inventory *inv);
/* True if c is a sandbox by sel (NULL: INV_SANDBOX_LABEL): it carries the
 * label KEY (with exactly VALUE when sel is KEY=VALUE). Labels an image set
 * under sandtop.* do not count (dk_container_label). */
bool inv_selector_match(const char *sel, const struct dk_container *c);
/* Free the client first (dk_client_free cancels every request without
 * calling back), then the inventory. */
void inv_free(struct inventory *inv);
/* Ping, list, open the events stream. */
void inv_start(struct inventory *inv);
/* Drive timers (debounce, periodic resync, reconnect). Call every loop turn.
 * Returns the ms until it next needs a call (for the poll timeout). */
int inv_tick(struct inventory *inv, int64_t now_ms);

/* Called for every event the stream delivers (container and network
 * events), before the inventory acts on it, from dispatch. ev lives for the
 * call only and its strings are untrusted. The hook must not free the
 * inventory or the client; it may call the other inv_ functions. */
typedef void (*inv_event_hook)(void *ud, const struct dk_event *ev);
/* Set (or with fn NULL, remove) the event hook; one at a time. */
void inv_set_event_hook(struct inventory *inv, inv_event_hook fn, void *ud);

/* Called with the engine's answer (json, len bytes, borrowed for the call)
 * to every inspect the inventory makes of a sandbox it keeps, and when it
 * asked for it (asked_ms, mono), from dispatch, before the inventory takes
 * it in: the isolation checks read their facts from it instead of asking
 * again. The hook must not free the inventory or the client. */
typedef void (*inv_inspect_hook)(void *ud, const char *id, int64_t asked_ms, const char *json, size_t len);
/* Set (or with fn NULL, remove) the inspect hook; one at a time. */
void inv_set_inspect_hook(struct inventory *inv, inv_inspect_hook fn, void *ud);

/* Ask for a full list now (the refresh key). */
void inv_resync(struct inventory *inv);
/* Switch between sandboxes only (false) and every container (true); the
 * list is fetched again at once. */
void inv_set_all(struct inventory *inv, bool all);
bool inv_all(const struct inventory *inv);

/* Containers sorted by name; valid until the next dispatch/tick. */
size_t inv_count(const struct inventory *inv);
const struct dk_container *inv_get(const struct inventory *inv, size_t i);
/* Changes whenever the set, a row, or the connection state changes. */
uint64_t inv_generation(const struct inventory *inv);
enum inv_conn inv_state(const struct inventory *inv);
/* Online, with the list in and no inspect in flight or waiting. */
bool inv_settled(const struct inventory *inv);
/* Last error (when OFFLINE), one line; "" otherwise. */
const char *inv_error(const struct inventory *inv);
/* Mono ms up to which the list is known to be current: now while ONLINE
 * (list done, events flowing), else the moment the engine was last seen
 * online or listed; 0 if it never was. The screen shows the data's age from
 * it. */
int64_t inv_fresh_ms(const struct inventory *inv);

#endif
