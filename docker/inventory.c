/* inventory: the live set of sandboxes, kept in sync by list + /events. */
#include "docker/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"

#define INV_RESYNC_MS 30000      /* slow full resync */
#define INV_RETRY_MS 2000        /* after a failed list */
#define INV_DEBOUNCE_MS 50       /* collect bursts of events for one container */
#define INV_DIRTY_MAX 4096

/* One in-flight inspect; owned by the inventory until its answer (or
 * inv_free, when the client was freed first and cancelled it). */
struct inspect_ctx {
	struct inventory *inv;
	char id[65];
	int64_t asked_ms;  /* mono */
	struct inspect_ctx *prev, *next;
};

struct inventory {
	struct dk_client *c;
	bool all;
	char selector[256];          /* KEY or KEY=VALUE: which containers are sandboxes */
	enum inv_conn state;
	char error[ERR_MSG_MAX];
	struct dk_container *items;  /* sorted by name */
	size_t n, cap;
	uint64_t gen;
	int64_t last_sync_ms;
	int64_t fresh_ms;            /* last moment known current, when not ONLINE */
	bool events_open;
	bool list_inflight;
	unsigned epoch, list_epoch;  /* mode changes make in-flight lists stale */
	int64_t resync_at;           /* mono ms of the next full list; -1 none */
	char (*dirty)[65];           /* ids to inspect after the debounce */
	size_t ndirty;
	int64_t flush_at;            /* -1 when nothing is dirty */
	struct inspect_ctx *pending; /* in-flight inspects */
	inv_event_hook hook;         /* sees every event first, or NULL */
	void *hook_ud;
	inv_inspect_hook ihook;      /* sees every sandbox's inspect, or NULL */
	void *ihook_ud;
};

static void changed(struct inventory *inv)
{
	inv->gen++;
}

static void set_state(struct inventory *inv, enum inv_conn st, const char *msg)
{
	const char *m = msg ? msg : "";
	if (inv->state == st && !strcmp(inv->error, m))
		return;
	if (inv->state == INV_ONLINE && st != INV_ONLINE)
		inv->fresh_ms = clock_mono_ms();
	inv->state = st;
	/* messages are already sanitized by docker/ (err_set of daemon text) */
	snprintf(inv->error, sizeof inv->error, "%s", m);
	changed(inv);
}

struct inventory *inv_new(struct dk_client *c, bool all)
{
	struct inventory *inv = xcalloc(1, sizeof *inv);
	inv->c = c;
	inv->all = all;
	snprintf(inv->selector, sizeof inv->selector, "%s", INV_SANDBOX_LABEL);
	inv->state = INV_CONNECTING;
	inv->resync_at = -1;
	inv->flush_at = -1;
	inv->dirty = xcalloc(INV_DIRTY_MAX, sizeof *inv->dirty);
	return inv;
}

void inv_free(struct inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->n; i++)
		dk_container_clear(&inv->items[i]);
	free(inv->items);
	free(inv->dirty);
	while (inv->pending) {
		struct inspect_ctx *x = inv->pending;
		inv->pending = x->next;
		free(x);
	}
	free(inv);
}

int inv_set_selector(struct inventory *inv, const char *sel)
{
	size_t n = strlen(sel);
	if (n == 0 || n >= sizeof inv->selector || sel[0] == '=')
		return -1;
	/* it goes into the engine's JSON filter as it is */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)sel[i] <= ' ' || (unsigned char)sel[i] >= 0x7f || sel[i] == '"' || sel[i] == '\\')
			return -1;
	memcpy(inv->selector, sel, n + 1);
	return 0;
}

const char *inv_selector(const struct inventory *inv)
{
	return inv->selector;
}

bool inv_selector_match(const char *sel, const struct dk_container *c)
{
	if (!sel)
		sel = INV_SANDBOX_LABEL;
	const char *eq = strchr(sel, '=');
	char key[256];
	snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - sel) : (int)strlen(sel), sel);
	const char *v = dk_container_label(c, key);
	return v && (!eq || !strcmp(v, eq + 1));
}

static bool wanted(const struct inventory *inv, const struct dk_container *ct)
{
	return inv->all || inv_selector_match(inv->selector, ct);
}

static int by_name(const void *a, const void *b)
{
	const struct dk_container *x = a, *y = b;
	int r = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	return r ? r : strcmp(x->id, y->id);
}

static void sort_items(struct inventory *inv)
{
	if (inv->n > 1)
		qsort(inv->items, inv->n, sizeof *inv->items, by_name);
}

static ssize_t find(const struct inventory *inv, const char *id)
{
	for (size_t i = 0; i < inv->n; i++)
		if (!strcmp(inv->items[i].id, id))
			return (ssize_t)i;
	return -1;
}

static void remove_at(struct inventory *inv, size_t i)
{
	dk_container_clear(&inv->items[i]);
	memmove(&inv->items[i], &inv->items[i + 1], (inv->n - i - 1) * sizeof *inv->items);
	inv->n--;
	changed(inv);
}

static void mark_dirty(struct inventory *inv, const char *id)
{
	for (size_t i = 0; i < inv->ndirty; i++)
		if (!strcmp(inv->dirty[i], id))
			return;
	if (inv->ndirty == INV_DIRTY_MAX) {
		/* a storm of events: a full list is cheaper than thousands of inspects */
		inv->ndirty = 0;
		inv_resync(inv);
		return;
	}
	snprintf(inv->dirty[inv->ndirty++], 65, "%s", id);
	if (inv->flush_at < 0)
		inv->flush_at = clock_mono_ms() + INV_DEBOUNCE_MS;
}

/* ---- inspect: one container's details ---- */

/* When nc's state was first seen: old's time while the state holds, now
 * when it changed (what was sampled before is stale: collector.h). */
static void state_seen(struct dk_container *nc, const struct dk_container *old)
{
	bool same = old && old->state && nc->state && !strcmp(old->state, nc->state);
	nc->state_seen_ms = same ? old->state_seen_ms : clock_mono_ms();
}

static void inspect_apply(struct inventory *inv, struct dk_container *ct, int64_t asked_ms, const char *json,
                          size_t len)
{
	ssize_t i = find(inv, ct->id);
	bool keep = wanted(inv, ct);
	if (keep && inv->ihook)
		inv->ihook(inv->ihook_ud, ct->id, asked_ms, json, len);
	if (!keep) {
		if (i >= 0)
			remove_at(inv, (size_t)i);
		dk_container_clear(ct);
		free(ct);
		return;
	}
	state_seen(ct, i >= 0 ? &inv->items[i] : NULL);
	if (i >= 0) {
		struct dk_container *old = &inv->items[i];
		/* inspect has no human status text; keep the list's while the state holds */
		if (old->status && old->status[0] && old->state && ct->state && !strcmp(old->state, ct->state)) {
			free(ct->status);
			ct->status = xstrdup(old->status);
		}
		dk_container_clear(old);
		*old = *ct;
	} else {
		if (inv->n == inv->cap) {
			inv->cap = inv->cap ? inv->cap * 2 : 16;
			inv->items = xrealloc(inv->items, inv->cap * sizeof *inv->items);
		}
		inv->items[inv->n++] = *ct;
	}
	free(ct);
	sort_items(inv);
	changed(inv);
}

static void inspect_ctx_unlink(struct inventory *inv, struct inspect_ctx *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		inv->pending = x->next;
	if (x->next)
		x->next->prev = x->prev;
}

static void inspect_ctx_done(void *ud, int rc, const struct err *e, struct dk_container *ct, const char *json,
                             size_t len)
{
	struct inspect_ctx *x = ud;
	struct inventory *inv = x->inv;
	if (rc == 0) {
		inspect_apply(inv, ct, x->asked_ms, json, len);
	} else if (e->code == ERR_NOTFOUND) {
		ssize_t i = find(inv, x->id);
		if (i >= 0)
			remove_at(inv, (size_t)i);
	} else {
		log_msg(LOG_WARN, "inspect %.12s failed: %s", x->id, e->msg);
	}
	inspect_ctx_unlink(inv, x);
	free(x);
}

static void inspect(struct inventory *inv, const char *id)
{
	struct inspect_ctx *x = xcalloc(1, sizeof *x);
	x->inv = inv;
	x->asked_ms = clock_mono_ms();
	snprintf(x->id, sizeof x->id, "%s", id);
	x->next = inv->pending;
	if (inv->pending)
		inv->pending->prev = x;
	inv->pending = x;
	dk_inspect_json(inv->c, id, inspect_ctx_done, x);
}

/* ---- list: the full set ---- */

static void list_done(void *ud, int rc, const struct err *e, struct dk_container_list *list)
{
	struct inventory *inv = ud;
	inv->list_inflight = false;
	if (inv->list_epoch != inv->epoch) {
		inv_resync(inv); /* the mode changed while this was in flight */
		return;
	}
	if (rc < 0) {
		set_state(inv, INV_OFFLINE, e->msg);
		inv->resync_at = clock_mono_ms() + INV_RETRY_MS;
		return;
	}
	/* carry inspect-only fields over when the state did not change */
	for (size_t k = 0; k < list->n; k++) {
		struct dk_container *nc = &list->items[k];
		ssize_t i = find(inv, nc->id);
		const struct dk_container *old = i >= 0 ? &inv->items[i] : NULL;
		state_seen(nc, old);
		if (old && old->inspected && old->state && nc->state && !strcmp(old->state, nc->state))
			dk_container_merge_inspect(nc, old);
	}
	for (size_t i = 0; i < inv->n; i++)
		dk_container_clear(&inv->items[i]);
	free(inv->items);
	inv->items = list->items;
	inv->n = inv->cap = list->n;
	list->items = NULL;
	list->n = 0;
	/* the engine filtered by label already; keep the check for --all toggles */
	for (size_t i = inv->n; i-- > 0;)
		if (!wanted(inv, &inv->items[i]))
			remove_at(inv, i);
	sort_items(inv);
	for (size_t i = 0; i < inv->n; i++)
		if (!inv->items[i].inspected)
			inspect(inv, inv->items[i].id);
	inv->last_sync_ms = clock_mono_ms();
	inv->resync_at = inv->last_sync_ms + INV_RESYNC_MS;
	set_state(inv, inv->events_open ? INV_ONLINE : inv->state, NULL);
	changed(inv);
}

static void list_start(struct inventory *inv)
{
	inv->list_inflight = true;
	inv->list_epoch = inv->epoch;
	inv->resync_at = -1;
	dk_list_containers(inv->c, true, inv->all ? NULL : inv->selector, list_done, inv);
}

void inv_resync(struct inventory *inv)
{
	inv->resync_at = clock_mono_ms();
}

/* ---- events ---- */

static bool action_matters(const char *a)
{
	static const char *const ignored[] = {
		"exec_create", "exec_start", "exec_die", "exec_detach", "attach", "detach",
		"resize", "top", "copy", "export", "commit", "archive-path", "extract-to-dir",
	};
	for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++)
		if (!strcmp(a, ignored[i]))
			return false;
	return true;
}

static void on_event(void *ud, const struct dk_event *ev)
{
	struct inventory *inv = ud;
	if (inv->hook)
		inv->hook(inv->hook_ud, ev);
	if (!strcmp(ev->type, "network")) {
		/* a sandbox joined or left a network: its networks and ports changed */
		if ((!strcmp(ev->action, "connect") || !strcmp(ev->action, "disconnect")) && ev->container[0] &&
		    find(inv, ev->container) >= 0)
			mark_dirty(inv, ev->container);
		return;
	}
	if (strcmp(ev->type, "container") != 0 || !action_matters(ev->action))
		return;
	if (!strcmp(ev->action, "destroy")) {
		ssize_t i = find(inv, ev->id);
		if (i >= 0)
			remove_at(inv, (size_t)i);
		return;
	}
	mark_dirty(inv, ev->id);
}

static void on_events_state(void *ud, bool connected, const struct err *e)
{
	struct inventory *inv = ud;
	inv->events_open = connected;
	if (connected) {
		log_msg(LOG_INFO, "events stream open; resyncing");
		inv_resync(inv); /* anything may have happened while we were away */
	} else {
		log_msg(LOG_WARN, "events stream lost: %s", e ? e->msg : "");
		set_state(inv, INV_OFFLINE, e ? e->msg : "event stream lost");
	}
}

void inv_set_event_hook(struct inventory *inv, inv_event_hook fn, void *ud)
{
	inv->hook = fn;
	inv->hook_ud = fn ? ud : NULL;
}

bool inv_settled(const struct inventory *inv)
{
	return inv->state == INV_ONLINE && !inv->pending && !inv->ndirty && !inv->list_inflight;
}

void inv_set_inspect_hook(struct inventory *inv, inv_inspect_hook fn, void *ud)
{
	inv->ihook = fn;
	inv->ihook_ud = fn ? ud : NULL;
}

void inv_start(struct inventory *inv)
{
	dk_events_start(inv->c, on_event, on_events_state, inv);
}

int inv_tick(struct inventory *inv, int64_t now)
{
	if (inv->flush_at >= 0 && now >= inv->flush_at) {
		for (size_t i = 0; i < inv->ndirty; i++)
			inspect(inv, inv->dirty[i]);
		inv->ndirty = 0;
		inv->flush_at = -1;
	}
	if (inv->resync_at >= 0 && now >= inv->resync_at && !inv->list_inflight && inv->events_open)
		list_start(inv);
	int64_t next = -1;
	if (inv->flush_at >= 0)
		next = inv->flush_at;
	if (inv->resync_at >= 0 && inv->events_open && !inv->list_inflight && (next < 0 || inv->resync_at < next))
		next = inv->resync_at;
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

void inv_set_all(struct inventory *inv, bool all)
{
	if (inv->all == all)
		return;
	inv->all = all;
	inv->epoch++;
	inv_resync(inv);
	changed(inv);
}

bool inv_all(const struct inventory *inv)
{
	return inv->all;
}

size_t inv_count(const struct inventory *inv)
{
	return inv->n;
}

const struct dk_container *inv_get(const struct inventory *inv, size_t i)
{
	return i < inv->n ? &inv->items[i] : NULL;
}

uint64_t inv_generation(const struct inventory *inv)
{
	return inv->gen;
}

enum inv_conn inv_state(const struct inventory *inv)
{
	return inv->state;
}

const char *inv_error(const struct inventory *inv)
{
	return inv->error;
}

int64_t inv_fresh_ms(const struct inventory *inv)
{
	if (inv->state == INV_ONLINE)
		return clock_mono_ms();
	return inv->fresh_ms > inv->last_sync_ms ? inv->fresh_ms : inv->last_sync_ms;
}
