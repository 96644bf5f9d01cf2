/* collector: one timer that samples every running sandbox, keeps rates, smoothed values and 5-minute history. */
#ifndef DOCKER_COLLECTOR_H
#define DOCKER_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "docker/docker.h"
#include "docker/inventory.h"
#include "host/stats.h"

#define ST_HIST 300 /* history points per series: one per interval, intervals
                     * under 1 s averaged into one point a second: >= 5 min */

enum st_source {
	ST_SRC_NONE,    /* not decided yet */
	ST_SRC_CGROUP,  /* cgroup files of a local engine */
	ST_SRC_API,     /* the Engine's stats endpoint */
};

/* A ring of the last ST_HIST values, oldest first through st_series_at. */
struct st_series {
	float v[ST_HIST];
	unsigned head;   /* next slot to write */
	unsigned n;      /* how many are valid (<= ST_HIST) */
};
/* i-th value counting from the oldest (i < s->n). */
float st_series_at(const struct st_series *s, unsigned i);

/* Activity (the ACT column): an X server that draws means the desktop
 * changed; the rest of the sandbox's CPU is the agent's work. Times are
 * mono ms, 0 never / not now. */
#define ST_ACT_DRAW_PCT 0.5    /* the X server's CPU% that means the desktop changed */
#define ST_ACT_BUSY_PCT 20.0   /* the agent's CPU% that means it works */
#define ST_ACT_QUIET_PCT 5.0   /* and below which it does nothing (a health check's exec
                                  * costs some 4% of a core for a second, twice that on a
                                  * loaded host) */
struct st_activity {
	bool known;             /* at least one interval computed */
	bool has_display;       /* an X server was found (cgroup source, local engine) */
	int64_t drawn_ms;       /* the last interval its desktop changed in */
	int64_t busy_since_ms;  /* the agent has been busy since (every interval) */
	int64_t quiet_since_ms; /* nothing drew, nor the agent worked (that interval and smoothed), since */
	double agent_pct;       /* the agent's CPU% smoothed over 5 s; -1 unknown */
};

/* What the screen shows for one container. Owned by the collector; valid
 * until the next tick or dispatch. */
struct st_view {
	char id[65];
	bool valid;              /* at least one interval computed */
	struct st_rates now;     /* the latest interval */
	struct st_rates smooth;  /* exponentially smoothed (sort on these) */
	int64_t updated_ms;      /* mono ms when `now` was computed */
	struct st_series cpu;    /* cpu_percent per interval */
	struct st_series mem;    /* mem_bytes */
	struct st_series net;    /* rx + tx bytes/s */
	struct st_series io;     /* read + write bytes/s */
	struct st_activity act;
};

/* Host totals over the last interval. */
struct st_host_view {
	bool valid;
	double cpu_percent;      /* busy share of the whole host, 100 = every core */
	unsigned online_cpus;
	uint64_t mem_total, mem_used; /* bytes (total - available) */
};

struct collector;

/* interval_ms: sampling period. source: ST_SRC_NONE picks by itself (cgroup
 * files when the engine is local and they can be read, else the API);
 * ST_SRC_CGROUP or ST_SRC_API forces one. The client and inventory stay
 * owned by the caller; free the client first, then the inventory and the
 * collector (as for inv_free). */
struct collector *coll_new(struct dk_client *c, struct inventory *inv, int interval_ms, enum st_source source);
void coll_free(struct collector *co);
/* Drive the timer; call every loop turn. Returns ms until the next call is
 * needed (-1: none). */
int coll_tick(struct collector *co, int64_t now_ms);
/* The view of container id, or NULL (stopped, new, or not sampled yet). */
const struct st_view *coll_get(const struct collector *co, const char *id);
const struct st_host_view *coll_host(const struct collector *co);
/* The freezer state of container id from its last sample (0 thawed, 1
 * freezing, 2 frozen: host/freezer.h's DK_FRZ_*), -1 unknown (stats API,
 * not sampled). gone (may be NULL): the last sample found its process or
 * cgroup gone while the engine still lists it as running (killed behind the
 * engine's back, or the engine is behind). since_ms: mono ms the engine's
 * state last changed (dk_container.state_seen_ms, 0 unknown); a sample asked
 * for before it is stale (an unpause would read "frozen" until the next
 * round): -1 and not gone. */
int coll_frozen(const struct collector *co, const char *id, int64_t since_ms, bool *gone);
/* "cgroup v1", "cgroup v2", "stats API", or "-" */
const char *coll_source_name(const struct collector *co);
/* Mono ms when the last round of samples completed (0 = never). */
int64_t coll_last_ms(const struct collector *co);
int coll_interval_ms(const struct collector *co);
/* How long one history point stands for: the interval, at least 1 s. */
int coll_hist_step_ms(const struct collector *co);
/* Changes whenever new numbers arrive (for redraw decisions). */
uint64_t coll_generation(const struct collector *co);

#endif
