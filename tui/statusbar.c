/* statusbar: the top bar (counts, host totals), the engine banner, the bottom bar (hints, filter, stats source and age) and messages. */
#include "tui/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "docker/docker.h"
#include "docker/inventory.h"

void ui_status_msg(struct ui *ui, int ms, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_until_ms = clock_mono_ms() + ms;
}

bool ui_status_expire(struct ui *ui, int64_t now_ms)
{
	if (ui->msg_until_ms == 0 || now_ms < ui->msg_until_ms)
		return false;
	ui->msg[0] = '\0';
	ui->msg_until_ms = 0;
	return true;
}

int ui_status_timeout(const struct ui *ui, int64_t now_ms)
{
	if (ui->msg_until_ms == 0)
		return -1;
	int64_t d = ui->msg_until_ms - now_ms;
	return d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
}

/* "3 sandboxes: 1 running, 1 frozen, 1 paused, 0 stopped": the words of
 * fmt_state, so a sandbox frozen behind the engine's back is not running. */
static void fmt_counts(const struct ui *ui, char *out, size_t n)
{
	size_t total = ui_inv_count(ui), run = 0, frozen = 0, paused = 0;
	for (size_t i = 0; i < total; i++) {
		const char *s = fmt_state(ui, ui_inv_get(ui, i), NULL);
		if (!strcmp(s, "running") || !strcmp(s, "restarting"))
			run++;
		else if (!strcmp(s, "frozen") || !strcmp(s, "freezing") || !strcmp(s, "quarantined"))
			frozen++;
		else if (!strcmp(s, "paused"))
			paused++;
	}
	const char *what = ui_inv_all(ui) ? (total == 1 ? "container" : "containers")
		: (total == 1 ? "sandbox" : "sandboxes");
	char fz[32] = "";
	if (frozen)
		snprintf(fz, sizeof fz, ", %zu frozen", frozen);
	snprintf(out, n, "%zu %s: %zu running%s, %zu paused, %zu stopped",
		total, what, run, fz, paused, total - run - frozen - paused);
}

/* Age of one engine's data on screen: since it was last seen online or
 * last listed, "42s"; "" if there never was any. */
static void fmt_age(const struct inventory *inv, int64_t mono_ms, char *out, size_t n)
{
	int64_t t = inv_fresh_ms(inv);
	out[0] = '\0';
	if (t > 0)
		clock_fmt_duration((mono_ms - t) / 1000, out, (unsigned)n);
}

/* The banner of an engine that is not online (named when there are
 * several): unreachable, or connecting. Returns the next row. */
static int draw_banner(struct ui *ui, const struct tui_engine *en, int y, int64_t mono_ms)
{
	const struct inventory *inv = en->inv;
	char line[1024], age[32], who[CFG_ENDPOINT_MAX + 16] = "";
	enum inv_conn st = inv_state(inv);
	int64_t since = 0;
	bool silent = st == INV_ONLINE && ui_eng_silent(ui, (size_t)(en - ui->o->engines), &since);
	if (st == INV_ONLINE && !silent)
		return y;
	if (ui->o->nengines > 1)
		snprintf(who, sizeof who, " %s", en->name);
	fmt_age(inv, mono_ms, age, sizeof age);
	attr_t a;
	if (silent) {
		/* its ping went unanswered: the list it showed may be old */
		char d[32];
		clock_fmt_duration((mono_ms - since) / 1000, d, sizeof d);
		a = ui_attr(ui, UI_R_BANNER_ERR);
		snprintf(line, sizeof line, " ENGINE%s NOT ANSWERING (no answer to a ping for %s; its list may be that old)",
			who, d);
	} else if (st == INV_OFFLINE) {
		const char *e = inv_error(inv);
		a = ui_attr(ui, UI_R_BANNER_ERR);
		snprintf(line, sizeof line, " ENGINE%s UNREACHABLE (retrying; %s%s%s): %s", who,
			age[0] ? "data is " : "no data yet", age, age[0] ? " old" : "", e && *e ? e : "no answer");
	} else {
		a = ui_attr(ui, UI_R_BANNER_INFO);
		snprintf(line, sizeof line, " connecting to %s…%s%s%s", ui->o->nengines > 1 ? en->name : dk_client_endpoint(en->client),
			age[0] ? " · showing data " : "", age, age[0] ? " old" : "");
	}
	ui_fill(y, 0, COLS, a);
	ui_put(y, 0, line, COLS, a);
	return y + 1;
}

/* Engines with a line of their own in the header: all of them up to this
 * many, else only those not online (and one line of the count). */
#define ENGINE_LINES_MAX 4

/* One engine's line: "ea  online · 3 sandboxes · data 0s old · API 1.43
 * Engine 24.0.7 · unix:///run/a.sock". */
static void engine_line(struct ui *ui, const struct tui_engine *en, int y, int64_t mono_ms)
{
	char line[1024], age[32];
	size_t n = inv_count(en->inv);
	const char *api = dk_client_api_version(en->client);
	const char *ver = dk_client_engine_version(en->client);
	fmt_age(en->inv, mono_ms, age, sizeof age);
	snprintf(line, sizeof line, " %s  online · %zu %s · data %s old%s%s%s%s · %s", en->name, n,
		n == 1 ? "sandbox" : "sandboxes", age[0] ? age : "0s", api ? " · API " : "", api ? api : "",
		ver ? " Engine " : "", ver ? ver : "", dk_client_endpoint(en->client));
	ui_put(y, 0, line, COLS, ui_attr(ui, UI_R_DIM));
}

/* The engines' lines under the top bar: with one engine only its banner
 * when it is not online (as always); with several, a line each (the
 * banner for one not online), the others go on updating. */
static int draw_engines(struct ui *ui, int y, int64_t mono_ms)
{
	size_t ne = ui->o->nengines;
	if (ne == 1)
		return draw_banner(ui, &ui->o->engines[0], y, mono_ms);
	size_t online = 0;
	for (size_t e = 0; e < ne; e++)
		online += inv_state(ui->o->engines[e].inv) == INV_ONLINE && !ui_eng_silent(ui, e, NULL);
	if (ne > ENGINE_LINES_MAX && y < LINES - 2) {
		char line[128];
		snprintf(line, sizeof line, " %zu engines: %zu online", ne, online);
		ui_put(y++, 0, line, COLS, ui_attr(ui, UI_R_DIM));
	}
	for (size_t e = 0; e < ne && y < LINES - 2; e++) {
		const struct tui_engine *en = &ui->o->engines[e];
		if (inv_state(en->inv) != INV_ONLINE || ui_eng_silent(ui, e, NULL))
			y = draw_banner(ui, en, y, mono_ms);
		else if (ne <= ENGINE_LINES_MAX)
			engine_line(ui, en, y++, mono_ms);
	}
	return y;
}

/* "host CPU 12.3% of 2 cores  MEM 3.1G/23.5G", or "" without a collector. */
static void fmt_host(const struct ui *ui, char *out, size_t n)
{
	const struct collector *co = ui_coll_first(ui);
	out[0] = '\0';
	if (!co)
		return;
	const struct st_host_view *h = coll_host(co);
	char cpu[16] = "…", used[16] = "…", total[16] = "…";
	if (h && h->valid) {
		fmt_pct(h->cpu_percent, cpu, sizeof cpu);
		strcat(cpu, "%");
	}
	if (h && h->mem_total) {
		fmt_bytes((double)h->mem_used, used, sizeof used);
		fmt_bytes((double)h->mem_total, total, sizeof total);
	}
	unsigned cores = h ? h->online_cpus : 0;
	if (cores)
		snprintf(out, n, "host CPU %s of %u core%s  MEM %s/%s", cpu, cores, cores == 1 ? "" : "s", used, total);
	else
		snprintf(out, n, "host CPU %s  MEM %s/%s", cpu, used, total);
}

int ui_status_draw_top(struct ui *ui, int64_t wall_ms, int64_t mono_ms)
{
	char counts[160], engine[512], clk[16], host[96];
	const struct dk_client *c = ui->o->engines[0].client;
	const char *api = dk_client_api_version(c);
	const char *ver = dk_client_engine_version(c);

	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(clk, sizeof clk, "%H:%M:%S", &tm);
	fmt_counts(ui, counts, sizeof counts);
	fmt_host(ui, host, sizeof host);
	if (ui->o->nengines > 1)
		snprintf(engine, sizeof engine, "%zu engines", ui->o->nengines);
	else
		snprintf(engine, sizeof engine, "%s%s%s%s%s", dk_client_endpoint(c),
			api ? " API " : "", api ? api : "", ver ? " Engine " : "", ver ? ver : "");

	int right = COLS;
	if (COLS >= 40) {
		right -= ui_put_right(0, COLS, clk, COLS, A_NORMAL) + 2;
	}
	int x = ui_put(0, 0, "sandtop", right, ui_attr(ui, UI_R_TITLE)) + 2;
	if (x < right)
		x += ui_put(0, x, counts, right - x, A_NORMAL) + 3;
	if (x < right && host[0]) {
		attr_t ha = fmt_stats_stale_ms(ui, mono_ms) > 0 ? ui_attr(ui, UI_R_DIM) : A_NORMAL;
		x += ui_put(0, x, host, right - x, ha) + 3;
	}
	if (x < right)
		ui_put(0, x, engine, right - x, ui_attr(ui, UI_R_DIM));
	int y = draw_engines(ui, 1, mono_ms);
	/* the operator log failing is said loudly: the actions go ahead regardless */
	const char *lp = ui_act_problem(ui);
	if (lp) {
		attr_t a = ui_attr(ui, UI_R_BANNER_ERR);
		ui_fill(y, 0, COLS, a);
		ui_put(y, 0, lp, COLS, a);
		y++;
	}
	return ui->screen == UI_LIST || ui->screen == UI_ISOLATION ? ui_iso_host_line(ui, y) : y;
}

struct hint {
	enum km_action a;
	const char *label;
};

/* One piece of the right side of the bottom bar. */
struct seg {
	char text[160];
	attr_t a;
	int prio;      /* 0 = shown first when space is short */
	int w;
	bool on;
};

/* "cgroup v2 · 1s" */
static void fmt_source(const struct collector *co, char *out, size_t n)
{
	int iv = coll_interval_ms(co);
	if (iv % 1000 == 0)
		snprintf(out, n, "%s · %ds", coll_source_name(co), iv / 1000);
	else
		snprintf(out, n, "%s · %.1fs", coll_source_name(co), iv / 1000.0);
}

/* The right side, in screen order: filter, FOLLOW, source, position, and
 * the stats age when it is stale (never left out). Returns the column where
 * it starts (COLS when empty). */
static int draw_right(struct ui *ui, int y, int64_t mono_ms)
{
	enum { S_FILTER, S_FOLLOW, S_SOURCE, S_POS, S_STALE, S_COUNT };
	struct seg sg[S_COUNT];
	memset(sg, 0, sizeof sg);
	bool help = ui->screen == UI_HELP;
	size_t n = ui_rows_count(ui), total = ui_inv_count(ui);

	if (!help && (ui->filter[0] || ui->prompting)) {
		if (ui->prompting)
			snprintf(sg[S_FILTER].text, sizeof sg[S_FILTER].text, "%zu of %zu", n, total);
		else
			snprintf(sg[S_FILTER].text, sizeof sg[S_FILTER].text, "filter %s: %zu of %zu", ui->filter, n, total);
		sg[S_FILTER].a = ui_attr(ui, UI_R_MSG);
		sg[S_FILTER].prio = 1;
	}
	if (!help && (ui->follow || ui->ntags || ui->o->read_only)) {
		snprintf(sg[S_FOLLOW].text, sizeof sg[S_FOLLOW].text, "%s%s%.0zu%s%s", ui->follow ? "FOLLOW" : "",
			ui->follow && ui->ntags ? " " : "", ui->ntags, ui->ntags ? " tagged" : "",
			ui->o->read_only ? (ui->follow || ui->ntags ? " READ-ONLY" : "READ-ONLY") : "");
		sg[S_FOLLOW].a = ui_attr(ui, UI_R_TITLE);
		sg[S_FOLLOW].prio = 2;
	}
	if (ui_coll_first(ui)) {
		fmt_source(ui_coll_first(ui), sg[S_SOURCE].text, sizeof sg[S_SOURCE].text);
		sg[S_SOURCE].a = ui_attr(ui, UI_R_DIM);
		sg[S_SOURCE].prio = 4;
	}
	if (!help && n > 0) {
		snprintf(sg[S_POS].text, sizeof sg[S_POS].text, "%zu/%zu", ui->sel + 1, n);
		sg[S_POS].prio = 3;
	}
	int64_t stale = fmt_stats_stale_ms(ui, mono_ms);
	if (stale > 0) {
		char d[32];
		clock_fmt_duration(stale / 1000, d, sizeof d);
		snprintf(sg[S_STALE].text, sizeof sg[S_STALE].text,
			coll_last_ms(ui_coll_first(ui)) > 0 ? " stats %s old " : " no stats for %s ", d);
		sg[S_STALE].a = ui_attr(ui, UI_R_ALERT);
		sg[S_STALE].prio = 0;
	}
	/* Take segments by priority while they fit (the stale mark always). */
	int used = 0;
	for (int p = 0; p <= 4; p++) {
		for (int i = 0; i < S_COUNT; i++) {
			if (sg[i].prio != p || !sg[i].text[0])
				continue;
			sg[i].w = ui_width(sg[i].text, COLS);
			if (p == 0 || used + sg[i].w + 2 <= COLS) {
				sg[i].on = true;
				used += sg[i].w + 2;
			}
		}
	}
	int x = COLS, left = COLS;
	for (int i = S_COUNT - 1; i >= 0 && x > 0; i--) {
		if (!sg[i].on)
			continue;
		int w = sg[i].w < x ? sg[i].w : x;
		x -= w;
		ui_put(y, x, sg[i].text, w, sg[i].a);
		left = x;
		x -= 2;
	}
	return left;
}

/* "/text█" with the live count on the right. */
static void draw_prompt(struct ui *ui, int y, int right)
{
	int x = ui_put(y, 0, "/", right, ui_attr(ui, UI_R_TITLE));
	int room = right - x - 1;
	if (room <= 0)
		return;
	/* show the end of a long line: it is where the typing happens */
	const char *p = ui->prompt;
	while (*p && ui_width(p, room + 1) > room) {
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
	}
	x += ui_put(y, x, p, room, A_NORMAL);
	ui_fill(y, x, 1, A_REVERSE);   /* the cursor */
}

void ui_status_draw_bottom(struct ui *ui, int64_t mono_ms)
{
	int y = LINES - 1;
	int left = draw_right(ui, y, mono_ms);
	int right = left < COLS ? left - 2 : COLS;
	if (ui->prompting && ui->screen == UI_LIST) {
		draw_prompt(ui, y, right);
		return;
	}
	if (right <= 0)
		return;
	if (ui->msg[0]) {
		attr_t a = ui_attr(ui, UI_R_MSG);
		ui_fill(y, 0, right, a);
		ui_put(y, 0, ui->msg, right, a);
		return;
	}
	struct hint list_hints[] = {
		{KA_HELP, "help"},
		{KA_MENU, "actions"},
		{KA_VIEW, "desktop"},
		{KA_WALL, "wall"},
		{KA_LOGS, "logs"},
		{KA_KILL, "kill"},
		{KA_KILL_ALL, "kill all"},
		{KA_FILTER, "filter"},
		{KA_SORT_NEXT, "sort"},
		{KA_DETAIL, ui->detail ? "close detail" : "detail"},
		{KA_QUIT, "quit"},
	};
	struct hint help_hints[] = {
		{KA_HELP, "close"},
		{KA_UP, "up"},
		{KA_DOWN, "down"},
		{KA_QUIT, "quit"},
	};
	struct hint view_hints[] = {
		{KA_BACK, "back"},
		{KA_UP, "previous"},
		{KA_DOWN, "next"},
		{KA_SCREENSHOT, "screenshot"},
		{KA_TAKEOVER, "takeover"},
		{KA_WALL, "wall"},
		{KA_HELP, "help"},
	};
	struct hint wall_hints[] = {
		{KA_BACK, "back"},
		{KA_VIEW, "open"},
		{KA_HELP, "help"},
		{KA_QUIT, "quit"},
	};
	const struct hint *h = list_hints;
	size_t nh = sizeof list_hints / sizeof list_hints[0];
	enum km_table tbl = KT_LIST;
	if (ui->screen == UI_HELP) {
		h = help_hints;
		nh = sizeof help_hints / sizeof help_hints[0];
		tbl = KT_HELP;
	} else if (ui->screen == UI_VIEW) {
		h = view_hints;
		nh = sizeof view_hints / sizeof view_hints[0];
		tbl = KT_VIEW;
	} else if (ui->screen == UI_WALL) {
		h = wall_hints;
		nh = sizeof wall_hints / sizeof wall_hints[0];
		tbl = KT_WALL;
	}

	int x = 0;
	for (size_t i = 0; i < nh && x < right; i++) {
		char key[32];
		keymap_key_for(ui->o->km, tbl, h[i].a, key, sizeof key);
		if (!key[0])
			continue;
		int kw = ui_width(key, KM_KEY_NAME_MAX), lw = ui_width(h[i].label, 32);
		if (x + kw + 1 + lw > right)
			break;   /* whole hints only */
		x += ui_put(y, x, key, kw, ui_attr(ui, UI_R_KEY));
		x += 1 + ui_put(y, x + 1, h[i].label, lw, ui_attr(ui, UI_R_HINT)) + 2;
	}
}
