/* collector: one timer that samples every running sandbox, keeps rates, smoothed values and 5-minute history. */
#include "docker/collector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/sampler.h"

#define COLL_TAU_S 5.0 /* smoothing time constant for sorting */
#define COLL_HIST_STEP_MS 1000 /* shortest time one history point stands for */
/* a new sandbox's second sample this long after its first, not an interval
 * later: its CPU% shows within a fifth of a second instead of a second */
#define COLL_QUICK_MS 100
#define COLL_ALIGN_MS 1 /* a round this long after the wall clock's second */

struct cstate {
	struct st_view view;
	struct st_raw prev;
	bool have_prev;
	bool live;        /* still a running container in this round */
	bool pending;     /* a sample is on its way */
	double quota;     /* cores; 0 unlimited */
	int frozen;       /* the last sample's freezer state (0 thawed, 1 freezing, 2 frozen), -1 unknown */
	bool gone;        /* the last sample found no process or cgroup */
	int64_t asked_ms; /* mono ms the sample on its way was asked for */
	int64_t read_ms;  /* ... and of the one frozen and gone are from */
	int pid;          /* the container's process, as the inventory said */
	int64_t first_ms; /* mono ms of the first sample while its quick second is due; 0 none */
	bool quick_done;  /* the quick second was taken (once per appearance) */
	/* intervals shorter than COLL_HIST_STEP_MS are averaged into one
	 * history point, so the rings always hold at least 5 minutes */
	double acc[4];
	int acc_n;
	int64_t acc_start_ms;
};

struct collector {
	struct dk_client *c;
	struct inventory *inv;
	struct sampler *smp;
	int interval_ms;
	struct cstate **items;  /* pointers: views stay put while the array grows */
	size_t n, cap;
	struct st_host host_prev, host_cur;
	bool host_have;
	struct st_host_view hostv;
	int64_t next_ms;        /* mono ms of the next round */
	int64_t last_ms;        /* mono ms the last round completed */
	bool round_open;
	uint64_t gen;
	uint64_t inv_gen;       /* inventory generation seen last */
};

float st_series_at(const struct st_series *s, unsigned i)
{
	unsigned start = (s->head + ST_HIST - s->n) % ST_HIST;
	return s->v[(start + i) % ST_HIST];
}

static void series_push(struct st_series *s, double v)
{
	s->v[s->head] = (float)(v < 0 ? 0 : v);
	s->head = (s->head + 1) % ST_HIST;
	if (s->n < ST_HIST)
		s->n++;
}

struct collector *coll_new(struct dk_client *c, struct inventory *inv, int interval_ms, enum st_source source)
{
	struct collector *co = xcalloc(1, sizeof *co);
	co->c = c;
	co->inv = inv;
	co->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	co->smp = smp_new(c, source);
	return co;
}

void coll_free(struct collector *co)
{
	if (!co)
		return;
	smp_free(co->smp);
	for (size_t i = 0; i < co->n; i++)
		free(co->items[i]);
	free(co->items);
	free(co);
}

/* items are kept in id order: the screen looks each row up several times
 * a frame (a linear search was 7% of sandtop's CPU with 100 sandboxes).
 * The index of the first item whose id is not below id. */
static size_t lower(const struct collector *co, const char *id)
{
	size_t lo = 0, hi = co->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(co->items[mid]->view.id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct cstate *find(const struct collector *co, const char *id)
{
	size_t i = lower(co, id);
	return i < co->n && !strcmp(co->items[i]->view.id, id) ? co->items[i] : NULL;
}

static struct cstate *get_or_add(struct collector *co, const char *id)
{
	size_t i = lower(co, id);
	if (i < co->n && !strcmp(co->items[i]->view.id, id))
		return co->items[i];
	if (co->n == co->cap) {
		co->cap = co->cap ? co->cap * 2 : 16;
		co->items = xrealloc(co->items, co->cap * sizeof *co->items);
	}
	struct cstate *cs = xcalloc(1, sizeof *cs);
	cs->frozen = -1;
	snprintf(cs->view.id, sizeof cs->view.id, "%s", id);
	memmove(&co->items[i + 1], &co->items[i], (co->n - i) * sizeof *co->items);
	co->items[i] = cs;
	co->n++;
	return cs;
}

static void history_add(struct cstate *cs, const struct st_rates *r, int64_t now)
{
	if (cs->acc_n == 0)
		cs->acc_start_ms = now;
	cs->acc[0] += r->cpu_percent;
	cs->acc[1] += (double)r->mem_bytes;
	cs->acc[2] += r->net_rx_bps + r->net_tx_bps;
	cs->acc[3] += r->blk_read_bps + r->blk_write_bps;
	cs->acc_n++;
	/* the first point goes in at once; then one point per step */
	if (cs->view.cpu.n > 0 && now - cs->acc_start_ms < COLL_HIST_STEP_MS - COLL_HIST_STEP_MS / 10)
		return;
	series_push(&cs->view.cpu, cs->acc[0] / cs->acc_n);
	series_push(&cs->view.mem, cs->acc[1] / cs->acc_n);
	series_push(&cs->view.net, cs->acc[2] / cs->acc_n);
	series_push(&cs->view.io, cs->acc[3] / cs->acc_n);
	memset(cs->acc, 0, sizeof cs->acc);
	cs->acc_n = 0;
}

/* Exponential smoothing with a time constant, so the sort order follows
 * trends, not every tick's noise. */
static double ewma(double old, double cur, double alpha)
{
	if (cur < 0 || old < 0)
		return cur;
	return old + alpha * (cur - old);
}

static void smooth(struct st_view *v, const struct st_rates *r, double dt_s)
{
	if (!v->valid) {
		v->smooth = *r;
		return;
	}
	double a = 1.0 - exp(-dt_s / COLL_TAU_S);
	struct st_rates *s = &v->smooth;
	s->cpu_percent = ewma(s->cpu_percent, r->cpu_percent, a);
	s->cpu_quota_percent = ewma(s->cpu_quota_percent, r->cpu_quota_percent, a);
	s->mem_bytes = (uint64_t)ewma((double)s->mem_bytes, (double)r->mem_bytes, a);
	s->mem_percent = ewma(s->mem_percent, r->mem_percent, a);
	s->net_rx_bps = ewma(s->net_rx_bps, r->net_rx_bps, a);
	s->net_tx_bps = ewma(s->net_tx_bps, r->net_tx_bps, a);
	s->blk_read_bps = ewma(s->blk_read_bps, r->blk_read_bps, a);
	s->blk_write_bps = ewma(s->blk_write_bps, r->blk_write_bps, a);
	s->mem_limit = r->mem_limit;
	s->pids = r->pids;
	s->pids_limit = r->pids_limit;
}

static void round_maybe_done(struct collector *co)
{
	if (!co->round_open || smp_pending(co->smp) > 0)
		return;
	co->round_open = false;
	co->last_ms = clock_mono_ms();
	co->gen++;
}

/* What the agent did over one interval: its X server's CPU (the desktop
 * changed) and the rest of the sandbox's CPU (the agent worked). */
static void activity(struct st_view *v, const struct st_raw *prev, const struct st_raw *cur,
                     const struct st_rates *r, double dt_s)
{
	int64_t now = clock_mono_ms();
	struct st_activity *a = &v->act;
	bool disp = (prev->have & cur->have & ST_HAVE_DISPLAY) && cur->display_ns >= prev->display_ns && dt_s > 0;
	double disp_pct = disp ? (double)(cur->display_ns - prev->display_ns) / (dt_s * 1e7) : 0;
	double agent = r->cpu_percent >= 0 ? r->cpu_percent - disp_pct : -1;
	/* an interval breaks a quiet spell only when the smoothed value is up
	 * too: a health check's exec every few seconds (some 4% of a core for
	 * one interval, the reference image's) is not work */
	a->agent_pct = a->known ? ewma(a->agent_pct, agent, 1.0 - exp(-dt_s / COLL_TAU_S)) : agent;
	double calm = agent < a->agent_pct ? agent : a->agent_pct;
	a->known = true;
	a->has_display = disp;
	if (disp && disp_pct >= ST_ACT_DRAW_PCT)
		a->drawn_ms = now;
	if (agent >= ST_ACT_BUSY_PCT) {
		if (!a->busy_since_ms)
			a->busy_since_ms = now;
		a->quiet_since_ms = 0;
	} else {
		a->busy_since_ms = 0;
		if (calm >= 0 && calm < ST_ACT_QUIET_PCT && !(disp && disp_pct >= ST_ACT_DRAW_PCT)) {
			if (!a->quiet_since_ms)
				a->quiet_since_ms = now;
		} else {
			a->quiet_since_ms = 0;
		}
	}
}

static void on_sample(void *ud, const char *id, int rc, const struct st_raw *raw)
{
	struct collector *co = ud;
	struct cstate *cs = find(co, id);
	if (!cs)
		return;
	cs->pending = false;
	cs->read_ms = cs->asked_ms;
	cs->frozen = rc == 0 && (raw->have & ST_HAVE_FROZEN) ? raw->frozen : -1;
	cs->gone = rc < 0;
	if (rc < 0) {
		cs->have_prev = false; /* gone or unreadable: start over if it comes back */
		cs->first_ms = 0;
		cs->quick_done = false;
	} else {
		struct st_rates r;
		if (cs->have_prev && st_rates_compute(&cs->prev, raw, cs->quota, &r) == 0) {
			double dt = raw->mono_ns && cs->prev.mono_ns ? (double)(raw->mono_ns - cs->prev.mono_ns) / 1e9
			                                              : co->interval_ms / 1000.0;
			smooth(&cs->view, &r, dt);
			activity(&cs->view, &cs->prev, raw, &r, dt);
			cs->view.now = r;
			cs->view.valid = true;
			cs->view.updated_ms = clock_mono_ms();
			history_add(cs, &r, cs->view.updated_ms);
			co->gen++;
		}
		/* no rates yet: a second sample after COLL_QUICK_MS (once) */
		if (cs->view.valid || cs->quick_done)
			cs->first_ms = 0;
		else if (!cs->first_ms)
			cs->first_ms = clock_mono_ms();
		cs->prev = *raw;
		cs->have_prev = true;
	}
	round_maybe_done(co);
}

static void host_update(struct collector *co)
{
	if (smp_host_read(co->smp, &co->host_cur) < 0)
		return;
	if (co->host_have && co->host_cur.system_ns > co->host_prev.system_ns) {
		uint64_t dsys = co->host_cur.system_ns - co->host_prev.system_ns;
		uint64_t didle = co->host_cur.idle_ns >= co->host_prev.idle_ns ? co->host_cur.idle_ns - co->host_prev.idle_ns : 0;
		co->hostv.cpu_percent = didle <= dsys ? 100.0 * (double)(dsys - didle) / (double)dsys : 0;
		co->hostv.valid = true;
	}
	co->hostv.online_cpus = co->host_cur.online_cpus;
	co->hostv.mem_total = co->host_cur.mem_total;
	co->hostv.mem_used = co->host_cur.mem_total > co->host_cur.mem_available
	                     ? co->host_cur.mem_total - co->host_cur.mem_available : 0;
	co->host_prev = co->host_cur;
	co->host_have = true;
}

static bool is_live(const struct dk_container *ct)
{
	return ct->inspected && ct->pid > 0 && ct->state &&
	       (!strcmp(ct->state, "running") || !strcmp(ct->state, "paused"));
}

/* Asks for one sample of cs (answered in on_sample). */
static void ask(struct collector *co, struct cstate *cs, const char *id)
{
	cs->pending = true;
	cs->asked_ms = clock_mono_ms();
	smp_sample(co->smp, id, cs->pid, &co->host_cur, on_sample, co);
}

/* Marks ct live in this round and asks for its sample. */
static void take(struct collector *co, const struct dk_container *ct)
{
	struct cstate *cs = get_or_add(co, ct->id);
	cs->live = true;
	cs->pid = ct->pid;
	cs->quota = st_quota_cpus(ct->nano_cpus, ct->cpu_quota, ct->cpu_period, ct->cpuset_cpus);
	ask(co, cs, ct->id);
}

/* Opens a round of a few samples, once (*opened says whether it is). */
static void open_once(struct collector *co, bool *opened)
{
	if (*opened)
		return;
	host_update(co);
	co->round_open = true;
	*opened = true;
}

static void round_start(struct collector *co)
{
	host_update(co);
	for (size_t i = 0; i < co->n; i++)
		co->items[i]->live = false;
	co->round_open = true;
	size_t n = inv_count(co->inv);
	for (size_t i = 0; i < n; i++) {
		const struct dk_container *ct = inv_get(co->inv, i);
		if (is_live(ct))
			take(co, ct);
	}
	/* no stats work for stopped or vanished containers: forget them (the
	 * order of the rest holds) */
	size_t k = 0;
	for (size_t i = 0; i < co->n; i++) {
		if (co->items[i]->live || co->items[i]->pending)
			co->items[k++] = co->items[i];
		else
			free(co->items[i]);
	}
	co->n = k;
	round_maybe_done(co);
}

/* A sandbox that became sampleable (just listed and inspected) gets its
 * first sample now, the others wait for their round: a whole round for
 * each batch of inspects sampled every sandbox many times in the first
 * second of a large fleet. Its second sample follows COLL_QUICK_MS later. */
static void first_round(struct collector *co)
{
	size_t n = inv_count(co->inv);
	bool opened = false;
	for (size_t i = 0; i < n; i++) {
		const struct dk_container *ct = inv_get(co->inv, i);
		if (is_live(ct) && !find(co, ct->id)) {
			open_once(co, &opened);
			take(co, ct);
		}
	}
	if (opened)
		round_maybe_done(co);
}

/* Takes the quick second samples due by now; returns when the earliest
 * one still waiting is due, 0 when none is. */
static int64_t quick_round(struct collector *co, int64_t now)
{
	int64_t next = 0;
	bool opened = false;
	for (size_t i = 0; i < co->n; i++) {
		struct cstate *cs = co->items[i];
		if (!cs->first_ms || !cs->live || cs->pending)
			continue;
		int64_t due = cs->first_ms + COLL_QUICK_MS;
		if (due > now) {
			if (!next || due < next)
				next = due;
			continue;
		}
		open_once(co, &opened);
		cs->first_ms = 0;
		cs->quick_done = true;
		ask(co, cs, cs->view.id);
	}
	if (opened)
		round_maybe_done(co);
	return next;
}

/* When the round after one starting now is due (mono ms): just after the
 * wall clock's next multiple of the interval, when the screen redraws its
 * clock anyway, so one redraw a second shows both (there were two); at
 * least half an interval away, and realigned after a stall. */
static int64_t next_round(const struct collector *co, int64_t now)
{
	int64_t into = clock_wall_ms() % co->interval_ms;
	int64_t next = now + co->interval_ms - into + COLL_ALIGN_MS;
	return next - now < co->interval_ms / 2 ? next + co->interval_ms : next;
}

int coll_tick(struct collector *co, int64_t now)
{
	/* a round still waiting for the API delays the next one: the cadence
	 * slows to what the engine can answer, and the screen says how old
	 * the numbers are */
	if (co->round_open)
		return co->interval_ms / 4;
	if (now >= co->next_ms) {
		co->next_ms = next_round(co, now);
		round_start(co);
	}
	if (!co->round_open && inv_generation(co->inv) != co->inv_gen) {
		co->inv_gen = inv_generation(co->inv);
		first_round(co);
	}
	int64_t wake = co->next_ms;
	if (!co->round_open) {
		int64_t q = quick_round(co, now);
		if (q && q < wake)
			wake = q;
	}
	return wake > now ? (int)(wake - now) : 0;
}

const struct st_view *coll_get(const struct collector *co, const char *id)
{
	const struct cstate *cs = find(co, id);
	return cs && cs->live && cs->view.valid ? &cs->view : NULL;
}

int coll_frozen(const struct collector *co, const char *id, int64_t since_ms, bool *gone)
{
	const struct cstate *cs = find(co, id);
	if (cs && since_ms && cs->read_ms < since_ms)
		cs = NULL; /* read before the engine's state changed: say nothing */
	if (gone)
		*gone = cs && cs->live && cs->gone;
	return cs && cs->live ? cs->frozen : -1;
}

const struct st_host_view *coll_host(const struct collector *co)
{
	return &co->hostv;
}

const char *coll_source_name(const struct collector *co)
{
	return smp_source_name(co->smp);
}

int64_t coll_last_ms(const struct collector *co)
{
	return co->last_ms;
}

int coll_interval_ms(const struct collector *co)
{
	return co->interval_ms;
}

int coll_hist_step_ms(const struct collector *co)
{
	return co->interval_ms > COLL_HIST_STEP_MS ? co->interval_ms : COLL_HIST_STEP_MS;
}

uint64_t coll_generation(const struct collector *co)
{
	return co->gen;
}
