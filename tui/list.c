/* list: the container table (columns that fit the width, selection by id, scrolling). */
#include "tui/ui.h"

#include <string.h>

#include "base/clock.h"
#include "docker/inventory.h"

enum col_id { C_NAME, C_ID, C_IMAGE, C_STATE, C_UPTIME, C_OWNER, C_TASK, C_COUNT };

struct col {
	const char *title;
	int min;      /* never narrower */
	int max;      /* content wider than this is cut */
};

static const struct col cols_spec[C_COUNT] = {
	[C_NAME] = {"NAME", 8, 32},
	[C_ID] = {"ID", 12, 12},
	[C_IMAGE] = {"IMAGE", 8, 30},
	[C_STATE] = {"STATE", 10, 10},
	[C_UPTIME] = {"UPTIME", 9, 9},
	[C_OWNER] = {"OWNER", 5, 16},
	[C_TASK] = {"TASK", 8, 400},
};
/* Before dropping columns, NAME may claim up to this many columns. */
#define NAME_KEEP 20
/* Dropped in this order when the terminal is too narrow. */
static const enum col_id drop_order[] = {C_TASK, C_OWNER, C_IMAGE, C_UPTIME, C_ID};
/* Columns that grow towards their content width, in this order. */
static const enum col_id grow_order[] = {C_NAME, C_IMAGE, C_OWNER, C_TASK};

struct layout {
	bool on[C_COUNT];
	int w[C_COUNT];
	int x[C_COUNT];
};

static enum ui_role state_role(const char *state)
{
	if (!state)
		return UI_R_OTHER;
	if (!strcmp(state, "running"))
		return UI_R_RUNNING;
	if (!strcmp(state, "paused"))
		return UI_R_PAUSED;
	if (!strcmp(state, "exited") || !strcmp(state, "dead"))
		return UI_R_STOPPED;
	if (!strcmp(state, "restarting"))
		return UI_R_RESTARTING;
	return UI_R_OTHER;
}

/* The UPTIME cell: time since start while up, time since exit when down. */
static void fmt_uptime(const struct dk_container *c, int64_t wall_ms, char *out, size_t n)
{
	char d[32];
	enum ui_role r = state_role(c->state);
	if (!c->inspected) {
		snprintf(out, n, "…");
	} else if (r == UI_R_RUNNING || r == UI_R_PAUSED || r == UI_R_RESTARTING) {
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

/* Text of one cell; buf is scratch space for computed cells. */
static const char *cell(const struct dk_container *c, enum col_id id, int64_t wall_ms, char *buf, size_t n)
{
	switch (id) {
	case C_NAME: return c->name;
	case C_ID:
		snprintf(buf, n, "%.12s", c->id);
		return buf;
	case C_IMAGE: return c->image;
	case C_STATE: return c->state;
	case C_UPTIME:
		fmt_uptime(c, wall_ms, buf, n);
		return buf;
	case C_OWNER: return dk_container_label(c, "sandtop.owner");
	case C_TASK: return dk_container_label(c, "sandtop.task");
	default: return NULL;
	}
}

static int used_width(const struct layout *L)
{
	int sum = 0, n = 0;
	for (int i = 0; i < C_COUNT; i++) {
		if (L->on[i]) {
			sum += L->w[i];
			n++;
		}
	}
	return n ? sum + n - 1 : 0;
}

/* Turn columns off in drop order until the rest fit; false if they never do. */
static bool drop_to_fit(struct layout *L, int width)
{
	for (size_t d = 0; d < sizeof drop_order / sizeof drop_order[0] && used_width(L) > width; d++)
		L->on[drop_order[d]] = false;
	return used_width(L) <= width;
}

/* Fit the columns to width: drop low-priority ones, then grow the flexible
 * ones towards the widest cell they hold. */
static void layout_compute(struct layout *L, const struct inventory *inv, int width, int64_t wall_ms)
{
	int want[C_COUNT];
	for (int i = 0; i < C_COUNT; i++) {
		L->on[i] = true;
		L->w[i] = cols_spec[i].min;
		want[i] = ui_width(cols_spec[i].title, cols_spec[i].max);
	}
	size_t n = inv_count(inv);
	char buf[64];
	for (size_t r = 0; r < n; r++) {
		const struct dk_container *c = inv_get(inv, r);
		for (size_t g = 0; g < sizeof grow_order / sizeof grow_order[0]; g++) {
			enum col_id id = grow_order[g];
			int w = ui_width(cell(c, id, wall_ms, buf, sizeof buf), cols_spec[id].max);
			if (w > want[id])
				want[id] = w;
		}
	}
	/* First try to show every kept column at a comfortable width (its
	 * content, NAME up to NAME_KEEP, TASK at its minimum) by dropping
	 * low-priority columns; if even that fails, fall back to minimums. */
	for (int i = 0; i < C_COUNT; i++) {
		int w = want[i] > cols_spec[i].max ? cols_spec[i].max : want[i];
		if (i == C_NAME && w > NAME_KEEP)
			w = NAME_KEEP;
		if (i != C_TASK && w > L->w[i])
			L->w[i] = w;
	}
	if (!drop_to_fit(L, width)) {
		for (int i = 0; i < C_COUNT; i++) {
			L->on[i] = true;
			L->w[i] = cols_spec[i].min;
		}
		drop_to_fit(L, width);
	}
	int extra = width - used_width(L);
	for (size_t g = 0; g < sizeof grow_order / sizeof grow_order[0] && extra > 0; g++) {
		enum col_id id = grow_order[g];
		if (!L->on[id] || want[id] <= L->w[id])
			continue;
		int add = want[id] - L->w[id];
		if (add > extra)
			add = extra;
		L->w[id] += add;
		extra -= add;
	}
	int x = 0;
	for (int i = 0; i < C_COUNT; i++) {
		if (!L->on[i])
			continue;
		L->x[i] = x;
		x += L->w[i] + 1;
	}
}

void ui_list_sync(struct ui *ui)
{
	const struct inventory *inv = ui->o->inv;
	size_t n = inv_count(inv);
	if (n == 0) {
		/* Keep sel_id: the list may come back (reconnect, toggle). */
		ui->sel = 0;
		ui->top = 0;
		return;
	}
	if (ui->sel_id[0]) {
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(inv_get(inv, i)->id, ui->sel_id)) {
				/* Rows came or went above it: keep it at the
				 * same place on screen. */
				if (i < ui->sel)
					ui->top = ui->top > ui->sel - i ? ui->top - (ui->sel - i) : 0;
				else
					ui->top += i - ui->sel;
				ui->sel = i;
				return;
			}
		}
	}
	/* Gone (or nothing chosen yet): stay at the same row. */
	if (ui->sel >= n)
		ui->sel = n - 1;
	snprintf(ui->sel_id, sizeof ui->sel_id, "%s", inv_get(inv, ui->sel)->id);
}

void ui_list_move(struct ui *ui, long delta)
{
	ui_list_sync(ui);
	size_t n = inv_count(ui->o->inv);
	if (n == 0)
		return;
	if (delta < 0) {
		size_t d = (size_t)(-(delta + 1)) + 1;
		ui->sel = d >= ui->sel ? 0 : ui->sel - d;
	} else {
		size_t d = (size_t)delta;
		ui->sel = d >= n - 1 - ui->sel ? n - 1 : ui->sel + d;
	}
	snprintf(ui->sel_id, sizeof ui->sel_id, "%s", inv_get(ui->o->inv, ui->sel)->id);
}

/* Keep the selection on screen. */
static void scroll_to_sel(struct ui *ui, size_t n, int rows)
{
	size_t r = (size_t)rows;
	if (n <= r) {
		ui->top = 0;
		return;
	}
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	else if (ui->sel >= ui->top + r)
		ui->top = ui->sel - r + 1;
	if (ui->top > n - r)
		ui->top = n - r;
}

static void draw_empty(struct ui *ui, int y)
{
	const struct inventory *inv = ui->o->inv;
	char key[32], line[256];
	switch (inv_state(inv)) {
	case INV_CONNECTING:
		ui_put(y, 1, "waiting for the engine…", COLS - 1, ui_attr(ui, UI_R_DIM));
		return;
	case INV_OFFLINE:
		ui_put(y, 1, "no data", COLS - 1, ui_attr(ui, UI_R_DIM));
		return;
	case INV_ONLINE:
		break;
	}
	if (ui->all) {
		ui_put(y, 1, "no containers", COLS - 1, A_NORMAL);
		return;
	}
	keymap_key_for(ui->o->km, KT_LIST, KA_TOGGLE_ALL, key, sizeof key);
	if (key[0])
		snprintf(line, sizeof line, "no sandboxes (containers labelled %s); press %s to show all containers",
			INV_SANDBOX_LABEL, key);
	else
		snprintf(line, sizeof line, "no sandboxes (containers labelled %s)", INV_SANDBOX_LABEL);
	ui_put(y, 1, line, COLS - 1, A_NORMAL);
}

void ui_list_draw(struct ui *ui, int y0, int y1, int64_t wall_ms)
{
	const struct inventory *inv = ui->o->inv;
	struct layout L;
	char buf[64];
	int width = COLS;

	if (y1 <= y0)
		return;
	layout_compute(&L, inv, width, wall_ms);
	attr_t hdr = ui_attr(ui, UI_R_HEADER);
	ui_fill(y0, 0, width, hdr);
	for (int i = 0; i < C_COUNT; i++)
		if (L.on[i])
			ui_put(y0, L.x[i], cols_spec[i].title, L.w[i], hdr);

	int rows = y1 - y0 - 1;
	ui->page_rows = rows > 0 ? rows : 1;
	if (rows <= 0)
		return;
	size_t n = inv_count(inv);
	if (n == 0) {
		draw_empty(ui, y0 + 1);
		return;
	}
	ui_list_sync(ui);
	scroll_to_sel(ui, n, rows);

	bool stale = inv_state(inv) != INV_ONLINE;
	for (int r = 0; r < rows && ui->top + (size_t)r < n; r++) {
		size_t idx = ui->top + (size_t)r;
		const struct dk_container *c = inv_get(inv, idx);
		int y = y0 + 1 + r;
		attr_t base = stale ? ui_attr(ui, UI_R_DIM) : A_NORMAL;
		if (idx == ui->sel) {
			base |= A_REVERSE;
			ui_fill(y, 0, width, base);
		}
		for (int i = 0; i < C_COUNT; i++) {
			if (!L.on[i])
				continue;
			attr_t a = base;
			if (i == C_STATE && !stale)
				a |= ui_attr(ui, state_role(c->state));
			ui_put(y, L.x[i], cell(c, (enum col_id)i, wall_ms, buf, sizeof buf), L.w[i], a);
		}
	}
}
