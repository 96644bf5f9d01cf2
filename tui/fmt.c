/* fmt: numbers as short cell text (bytes, rates, percents), the TTL budget rule and stats staleness. */
#include "tui/ui.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/units.h"
#include "control/ttl.h"
#include "docker/collector.h"
#include "host/freezer.h"

/* Warn when less than this share of the budget is left (and at least WARN_MIN_S). */
#define TTL_WARN_DIV 10
#define TTL_WARN_MIN_S 60

static const char units[] = "BKMGTPE";

void fmt_bytes(double v, char *out, size_t n)
{
	if (!(v >= 0))        /* negative or NaN: unknown */
		snprintf(out, n, "?");
	else
		units_bytes(v, out, n);   /* the same text as `sandtop ps --stats` */
}

void fmt_rate(double v, char *out, size_t n)
{
	int u = 0;
	if (!(v >= 0)) {
		snprintf(out, n, "?");
		return;
	}
	while (u < 6 && v >= 999.5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, n, "%.0f", v);
	else if (v < 9.95)
		snprintf(out, n, "%.1f%c", v, units[u]);
	else
		snprintf(out, n, "%.0f%c", v, units[u]);
}

void fmt_pct(double v, char *out, size_t n)
{
	if (!(v >= 0))
		snprintf(out, n, "?");
	else if (v >= 9999.95)
		snprintf(out, n, "%.0f", v);
	else
		snprintf(out, n, "%.1f", v);
}

bool fmt_is_up(const struct dk_container *c)
{
	const char *s = c->state;
	return s && (!strcmp(s, "running") || !strcmp(s, "paused") || !strcmp(s, "restarting"));
}

const char *fmt_activity(const struct ui *ui, const struct dk_container *c, int64_t mono_ms, enum ui_role *role,
                         int *rank)
{
	const struct st_view *v = ui_stats(ui, c);
	const struct st_activity *a = v ? &v->act : NULL;
	const int64_t win = (int64_t)(ui->o->activity_window_s > 0 ? ui->o->activity_window_s : FMT_ACT_WINDOW_S) * 1000;
	static const struct {
		const char *word;
		enum ui_role role;
	} w[] = {{"-", UI_R_DIM}, {"idle", UI_R_DIM}, {"active", UI_R_RUNNING}, {"busy", UI_R_NORMAL},
		{"stuck", UI_R_WARN}, {"", UI_R_NORMAL}};
	int k = 0;   /* index into w; 5: too soon to say */
	if (!a || !a->known) {
		k = 0;
	} else if (a->has_display && a->drawn_ms && mono_ms - a->drawn_ms < win) {
		k = 2;
	} else if (a->busy_since_ms && mono_ms - a->busy_since_ms >= win) {
		k = a->has_display ? 4 : 3;   /* working that long with a desktop that does not move */
	} else if (a->busy_since_ms) {
		k = 3;
	} else if (a->quiet_since_ms && mono_ms - a->quiet_since_ms >= win) {
		k = 1;
	} else {
		k = 5;
	}
	if (role)
		*role = w[k].role;
	if (rank)
		*rank = k == 5 ? 0 : k;
	return w[k].word;
}

bool fmt_quarantined(const struct dk_container *c)
{
	return c->inspected && c->nnetworks == 0;
}

const char *fmt_state(const struct ui *ui, const struct dk_container *c, enum ui_role *role)
{
	static const struct {
		const char *word;
		enum ui_role role;
	} roles[] = {
		{"running", UI_R_RUNNING}, {"paused", UI_R_PAUSED}, {"frozen", UI_R_PAUSED}, {"freezing", UI_R_WARN},
		{"exited", UI_R_STOPPED}, {"dead", UI_R_STOPPED}, {"gone", UI_R_STOPPED}, {"restarting", UI_R_RESTARTING},
		{"quarantined", UI_R_ALERT},
	};
	const char *w = c->state ? c->state : "?";
	const struct collector *co = ui_eng(ui, c)->coll;
	if (co && (!strcmp(w, "running") || !strcmp(w, "restarting"))) {
		bool gone = false;
		int fz = coll_frozen(co, c->id, c->state_seen_ms, &gone);
		if (gone)
			w = "gone";   /* no process left, whatever the engine says (yet) */
		else if (fz == CG_FRZ_FROZEN)
			w = "frozen"; /* frozen behind the engine's back: it still says running */
		else if (fz == CG_FRZ_FREEZING)
			w = "freezing";
	}
	/* held and cut off from every network: what a quarantine leaves, seen
	 * the same by every sandtop (the engine keeps no mark of it) */
	if ((!strcmp(w, "frozen") || !strcmp(w, "paused")) && fmt_quarantined(c))
		w = "quarantined";
	if (role) {
		*role = UI_R_OTHER;
		for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
			if (!strcmp(w, roles[i].word))
				*role = roles[i].role;
	}
	return w;
}

void fmt_uptime(const struct dk_container *c, int64_t wall_ms, char *out, size_t n)
{
	char d[32];
	if (!c->inspected) {
		snprintf(out, n, "…");
	} else if (fmt_is_up(c)) {
		if (c->started_at_ms <= 0) {
			snprintf(out, n, "-");
			return;
		}
		clock_fmt_duration((wall_ms - c->started_at_ms) / 1000, d, sizeof d);
		snprintf(out, n, "%s", d);
	} else if (c->finished_at_ms > 0) {
		clock_fmt_duration((wall_ms - c->finished_at_ms) / 1000, d, sizeof d);
		snprintf(out, n, "%s ago", d);
	} else {
		snprintf(out, n, "-");
	}
}

/* The TTL arithmetic is control/ttl's (the enforcer uses the same rule). */
/* A TTL to the second while it is short ("4m05s", "42s"); longer ones as
 * ps does ("3h07m"). */
static void fmt_left(int64_t secs, char *out, size_t n)
{
	if (secs < 3600 && secs >= 60)
		snprintf(out, n, "%dm%02ds", (int)(secs / 60), (int)(secs % 60));
	else
		clock_fmt_duration(secs, out, (unsigned)n);
}

enum ui_role fmt_ttl(const struct dk_container *c, int64_t wall_ms, char *out, size_t n)
{
	int64_t left = 0, ttl = 0;
	char d[32];
	int r = ttl_left(c, wall_ms, &left);
	out[0] = '\0';
	if (r == 0) {
		snprintf(out, n, "-");
		return UI_R_NORMAL;
	}
	if (r == -1) {
		snprintf(out, n, "bad");
		return UI_R_WARN;
	}
	if (!fmt_is_up(c))
		return UI_R_NORMAL;   /* stopped: the budget no longer runs */
	if (r == -2) {
		snprintf(out, n, "…");
		return UI_R_NORMAL;
	}
	ttl_parse(dk_container_label(c, TTL_LABEL), &ttl);
	if (left < 0) {
		fmt_left(-left, d, sizeof d);
		snprintf(out, n, "over %s", d);
		return UI_R_ALERT;
	}
	fmt_left(left, out, n);
	int64_t warn = ttl / TTL_WARN_DIV;
	if (warn < TTL_WARN_MIN_S)
		warn = TTL_WARN_MIN_S;
	return left < warn ? UI_R_WARN : UI_R_NORMAL;
}

/* 2.5 collector intervals, in ms. */
static int64_t stale_after(const struct collector *co)
{
	int iv = coll_interval_ms(co);
	if (iv <= 0)
		iv = 1000;
	return (int64_t)iv * 5 / 2;
}

int64_t fmt_stats_stale_ms(const struct ui *ui, int64_t mono_ms)
{
	const struct collector *co = ui_coll_first(ui);
	if (!co)
		return -1;
	int64_t limit = stale_after(co);
	int64_t last = coll_last_ms(co);
	if (last <= 0) {
		/* never a round: overdue once the first one should have ended */
		int64_t waited = mono_ms - ui->started_ms;
		return waited > limit ? waited : -1;
	}
	int64_t age = mono_ms - last;
	return age > limit ? age : 0;
}

bool fmt_view_stale(const struct ui *ui, const struct st_view *v, int64_t mono_ms)
{
	const struct collector *co = ui_coll_first(ui);   /* one interval for all */
	if (!co || !v)
		return false;
	return mono_ms - v->updated_ms > stale_after(co);
}
