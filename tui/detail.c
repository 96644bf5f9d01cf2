/* detail: the pane for the selected sandbox: sparklines of its history, its limits, health, TTL and labels. */
#include "tui/ui.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/clock.h"
#include "control/ttl.h"
#include "host/stats.h"

/* Eight heights, lowest first (U+2581..U+2588, one column each). */
static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
#define LABEL_W 13   /* "memory limit " */
#define SPARK_LABEL_W 4
#define SPARK_MIN 4  /* narrower than this, the sparkline is left out */
#define SPARK_MAX ST_HIST
#define SPARK_TEXT_W 26  /* "now 999.9K/s  max 999.9K/s" */

/* Rows [y, y1) left to fill, and the width. */
struct pane {
	int y, y1;
	int w;
	struct ui *ui;
};

static bool pane_full(const struct pane *p)
{
	return p->y >= p->y1;
}

/* ---- sparklines ---- */

enum series_kind { SK_CPU, SK_MEM, SK_NET, SK_IO };

static void fmt_value(enum series_kind k, double v, char *out, size_t n)
{
	char t[16];
	switch (k) {
	case SK_CPU:
		fmt_pct(v, t, sizeof t);
		snprintf(out, n, "%s%%", t);
		break;
	case SK_MEM:
		fmt_bytes(v, out, n);
		break;
	default:
		fmt_rate(v, t, sizeof t);
		snprintf(out, n, "%s/s", t);
		break;
	}
}

/* "CPU ▁▂▃▅▇█  now 45.3%  max 98.2%": the newest samples that fit, newest
 * at the right, scaled to the largest of them; the text keeps its place. */
static void spark_line(struct pane *p, const char *label, const struct st_series *s, double now,
	enum series_kind k, attr_t a)
{
	char cur[24], mx[24], text[64];
	char line[SPARK_MAX * 3 + 1];   /* each block is 3 bytes of UTF-8 */
	int y = p->y++;
	unsigned n = s->n <= ST_HIST ? s->n : ST_HIST;
	int room = p->w - SPARK_LABEL_W - SPARK_TEXT_W - 1;
	bool draw = room >= SPARK_MIN;
	int sw = room < (int)n ? room : (int)n;
	if (sw > SPARK_MAX)
		sw = SPARK_MAX;
	if (sw < 0)
		sw = 0;
	/* the max is of what is drawn; without a sparkline, of all history */
	unsigned m = draw ? (unsigned)sw : n;
	double max = 0;
	for (unsigned i = n - m; i < n; i++) {
		double v = st_series_at(s, i);
		if (v > max)
			max = v;
	}
	fmt_value(k, now, cur, sizeof cur);
	fmt_value(k, max, mx, sizeof mx);
	snprintf(text, sizeof text, "now %s  max %s", cur, mx);

	ui_put(y, 0, label, SPARK_LABEL_W, ui_attr(p->ui, UI_R_TITLE) | a);
	if (!draw) {
		ui_put(y, SPARK_LABEL_W, text, p->w - SPARK_LABEL_W, a);
		return;
	}
	size_t off = 0;
	for (unsigned i = n - (unsigned)sw; i < n; i++) {
		double v = st_series_at(s, i);
		int lvl = max > 0 && v > 0 ? (int)ceil(v / max * 8.0) : 1;
		lvl = lvl < 1 ? 1 : lvl > 8 ? 8 : lvl;
		memcpy(line + off, blocks[lvl - 1], 3);
		off += 3;
	}
	line[off] = '\0';
	int end = p->w - SPARK_TEXT_W - 1;       /* the newest sample ends here */
	ui_put(y, end - sw, line, sw, a);
	ui_put_right(y, p->w, text, SPARK_TEXT_W, a);
}

static void draw_sparks(struct pane *p, const struct dk_container *c, int64_t mono_ms)
{
	struct ui *ui = p->ui;
	if (!ui_eng(ui, c)->coll) {
		ui_put(p->y++, 1, "no resource numbers in this session", p->w - 1, ui_attr(ui, UI_R_DIM));
		return;
	}
	if (!fmt_is_up(c)) {
		ui_put(p->y++, 1, "not running: no resource numbers", p->w - 1, ui_attr(ui, UI_R_DIM));
		return;
	}
	const struct st_view *v = coll_get(ui_eng(ui, c)->coll, c->id);
	if (!v) {
		ui_put(p->y++, 1, "waiting for the first sample…", p->w - 1, ui_attr(ui, UI_R_DIM));
		return;
	}
	bool stale = fmt_stats_stale_ms(ui, mono_ms) > 0 || fmt_view_stale(ui, v, mono_ms);
	attr_t a = stale ? ui_attr(ui, UI_R_DIM) : A_NORMAL;
	const struct st_rates *r = &v->now;
	double net = r->net_rx_bps >= 0 && r->net_tx_bps >= 0 ? r->net_rx_bps + r->net_tx_bps : -1;
	double io = r->blk_read_bps >= 0 && r->blk_write_bps >= 0 ? r->blk_read_bps + r->blk_write_bps : -1;
	if (!pane_full(p))
		spark_line(p, "CPU", &v->cpu, r->cpu_percent, SK_CPU, a);
	if (!pane_full(p))
		spark_line(p, "MEM", &v->mem, (double)r->mem_bytes, SK_MEM, a);
	if (!pane_full(p))
		spark_line(p, "NET", &v->net, net, SK_NET, a);
	if (!pane_full(p))
		spark_line(p, "IO", &v->io, io, SK_IO, a);
}

/* ---- text fields ---- */

struct field {
	const char *label;
	char value[160];
	const char *raw;    /* untrusted text shown instead of value, or NULL */
	enum ui_role role;
};

static void put_field(struct pane *p, int x, int w, const struct field *f)
{
	if (w <= 0)
		return;
	ui_put(p->y, x, f->label, LABEL_W < w ? LABEL_W : w, ui_attr(p->ui, UI_R_DIM));
	if (w > LABEL_W) {
		attr_t a = f->role != UI_R_NORMAL ? ui_attr(p->ui, f->role) : A_NORMAL;
		ui_put(p->y, x + LABEL_W, f->raw ? f->raw : f->value, w - LABEL_W, a);
	}
}

static void fmt_limit_i64(int64_t v, char *out, size_t n)
{
	if (v > 0)
		snprintf(out, n, "%" PRId64, v);
	else
		snprintf(out, n, "unlimited");
}

/* The fields after the id, in reading order. Returns how many. */
#define FIELDS_MAX 13

/* "net-a 172.18.0.2, net-b" or what having none means. Names are
 * untrusted: the line is sanitized when drawn. */
static void fmt_networks(const struct dk_container *c, char *out, size_t n, enum ui_role *role)
{
	size_t len = 0;
	out[0] = '\0';
	if (!c->inspected) {
		snprintf(out, n, "…");
		return;
	}
	if (c->nnetworks == 0) {
		snprintf(out, n, "none: every network cut%s", fmt_is_up(c) ? " (quarantined)" : "");
		*role = UI_R_ALERT;
		return;
	}
	for (size_t i = 0; i < c->nnetworks && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s%s%s", i ? ", " : "", c->networks[i].name ? c->networks[i].name : "?",
			c->networks[i].ip[0] ? " " : "", c->networks[i].ip);
}

static int make_fields(const struct dk_container *c, int64_t wall_ms, struct field *f)
{
	int n = 0;
	memset(f, 0, FIELDS_MAX * sizeof *f);
	f[n].label = "image";
	f[n++].raw = c->image;
	f[n].label = "state";
	f[n++].raw = c->state;
	f[n].label = "health";
	if (c->health && *c->health) {
		f[n].raw = c->health;
		f[n].role = !strcmp(c->health, "unhealthy") ? UI_R_ALERT : !strcmp(c->health, "healthy") ? UI_R_RUNNING : UI_R_WARN;
	} else {
		snprintf(f[n].value, sizeof f[n].value, "%s", c->inspected ? "no check" : "…");
	}
	n++;
	f[n].label = "restarts";
	snprintf(f[n].value, sizeof f[n].value, "%d", c->restart_count);
	f[n++].role = c->restart_count > 0 ? UI_R_WARN : UI_R_NORMAL;
	f[n].label = "OOM-killed";
	snprintf(f[n].value, sizeof f[n].value, "%s", !c->inspected ? "…" : c->oom_killed ? "YES" : "no");
	f[n++].role = c->oom_killed ? UI_R_ALERT : UI_R_NORMAL;
	f[n].label = fmt_is_up(c) || !c->inspected ? "uptime" : "stopped";
	fmt_uptime(c, wall_ms, f[n].value, sizeof f[n].value);
	n++;
	f[n].label = "TTL left";
	char ttl[48];
	f[n].role = fmt_ttl(c, wall_ms, ttl, sizeof ttl);
	int64_t secs = 0;
	if (ttl_parse(dk_container_label(c, TTL_LABEL), &secs) == 1 && ttl[0]) {
		char d[32];
		clock_fmt_duration(secs, d, sizeof d);
		snprintf(f[n].value, sizeof f[n].value, "%s (budget %s)", ttl, d);
	} else {
		snprintf(f[n].value, sizeof f[n].value, "%s", ttl[0] ? ttl : fmt_is_up(c) ? "-" : "not running");
	}
	n++;
	f[n].label = "CPU quota";
	double q = st_quota_cpus(c->nano_cpus, c->cpu_quota, c->cpu_period, c->cpuset_cpus);
	if (!c->inspected)
		snprintf(f[n].value, sizeof f[n].value, "…");
	else if (q > 0)
		snprintf(f[n].value, sizeof f[n].value, "%.2f core%s", q, q == 1.0 ? "" : "s");
	else
		snprintf(f[n].value, sizeof f[n].value, "unlimited");
	n++;
	f[n].label = "memory limit";
	if (c->mem_limit > 0)
		fmt_bytes((double)c->mem_limit, f[n].value, sizeof f[n].value);
	else
		snprintf(f[n].value, sizeof f[n].value, "%s", c->inspected ? "unlimited" : "…");
	n++;
	f[n].label = "PID limit";
	if (c->inspected)
		fmt_limit_i64(c->pids_limit, f[n].value, sizeof f[n].value);
	else
		snprintf(f[n].value, sizeof f[n].value, "…");
	n++;
	f[n].label = "networks";
	fmt_networks(c, f[n].value, sizeof f[n].value, &f[n].role);
	n++;
	return n;
}

static void draw_fields(struct pane *p, const struct dk_container *c, int64_t wall_ms)
{
	struct field f[FIELDS_MAX];
	int n = make_fields(c, wall_ms, f);
	if (p->ui->o->nengines > 1) {
		f[n].label = "engine";   /* several engines: which one it runs on */
		f[n++].raw = ui_eng(p->ui, c)->name;
	}
	struct field id = {.label = "id", .raw = c->id};
	if (!pane_full(p)) {
		put_field(p, 1, p->w - 1, &id);
		p->y++;
	}
	/* two columns when both halves can hold a label and some text */
	bool two = p->w >= 2 * (LABEL_W + 20);
	int half = p->w / 2;
	for (int i = 0; i < n && !pane_full(p); i += two ? 2 : 1) {
		if (two) {
			put_field(p, 1, half - 2, &f[i]);
			if (i + 1 < n)
				put_field(p, half, p->w - half, &f[i + 1]);
		} else {
			put_field(p, 1, p->w - 1, &f[i]);
		}
		p->y++;
	}
}

/* Labels, one per line ("key=value", sanitized by ui_put) while they fit;
 * a sandtop.* label the image set says it is ignored instead of its value. */
static void draw_labels(struct pane *p, const struct dk_container *c)
{
	char head[64], more[64];
	if (pane_full(p))
		return;
	snprintf(head, sizeof head, "labels (%zu)", c->nlabels);
	ui_put(p->y++, 1, head, p->w - 1, ui_attr(p->ui, UI_R_DIM));
	for (size_t i = 0; i < c->nlabels && !pane_full(p); i++) {
		if (p->y == p->y1 - 1 && i + 1 < c->nlabels) {
			snprintf(more, sizeof more, "… and %zu more", c->nlabels - i);
			ui_put(p->y++, 3, more, p->w - 3, ui_attr(p->ui, UI_R_DIM));
			break;
		}
		const struct dk_label *l = &c->labels[i];
		int x = 3 + ui_put(p->y, 3, l->key, p->w - 3, A_BOLD);
		if (l->from_image) {
			ui_put(p->y, x, ": ignored (set by the image, not by whoever ran the container)", p->w - x,
			       ui_attr(p->ui, UI_R_WARN));
			p->y++;
			continue;
		}
		x += ui_put(p->y, x, "=", p->w - x, A_NORMAL);
		ui_put(p->y, x, l->value, p->w - x, A_NORMAL);
		p->y++;
	}
}

/* The title bar: name, short id, and how much history the lines cover. */
static void draw_title(struct pane *p, const struct dk_container *c)
{
	struct ui *ui = p->ui;
	attr_t hdr = ui_attr(ui, UI_R_HEADER);
	char span[64] = "", d[32], id[16];
	int y = p->y++;
	ui_fill(y, 0, p->w, hdr);
	const struct st_view *v = ui_stats(ui, c);
	if (v && v->cpu.n > 0) {
		int sw = p->w - SPARK_LABEL_W - SPARK_TEXT_W - 1;
		unsigned m = sw > 0 && (unsigned)sw < v->cpu.n ? (unsigned)sw : v->cpu.n;
		clock_fmt_duration((int64_t)m * coll_hist_step_ms(ui_eng(ui, c)->coll) / 1000, d, sizeof d);
		snprintf(span, sizeof span, "history: last %s", d);
	}
	int right = p->w;
	if (span[0] && p->w >= 40)
		right -= ui_put_right(y, p->w - 1, span, p->w / 2, hdr) + 2;
	int x = ui_put(y, 1, c->name, right - 1, hdr | A_BOLD);
	snprintf(id, sizeof id, "%.12s", c->id);
	if (x + 3 < right)
		ui_put(y, x + 3, id, right - x - 3, hdr);
}

void ui_detail_draw(struct ui *ui, int y0, int y1, int64_t wall_ms, int64_t mono_ms)
{
	struct pane p = {.y = y0, .y1 = y1, .w = COLS, .ui = ui};
	if (y1 <= y0)
		return;
	ui_list_sync(ui);
	if (ui_rows_count(ui) == 0) {
		attr_t hdr = ui_attr(ui, UI_R_HEADER);
		ui_fill(y0, 0, COLS, hdr);
		ui_put(y0, 1, "detail: nothing selected", COLS - 1, hdr);
		return;
	}
	const struct dk_container *c = ui_rows_get(ui, ui->sel);
	draw_title(&p, c);
	if (!pane_full(&p))
		draw_sparks(&p, c, mono_ms);
	draw_fields(&p, c, wall_ms);
	draw_labels(&p, c);
}
