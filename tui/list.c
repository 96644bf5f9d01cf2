/* list: the container table (columns that fit the width, numbers, sort mark, selection and tags by id, scrolling). */
#include "tui/ui.h"

#include <string.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "docker/inventory.h"

/* Dropped in this order when the terminal is too narrow; the last three
 * (the core: STATE, CPU%, MEM after everything else) go only when even
 * their minimum widths do not fit. NAME always stays. */
static const enum ui_col drop_order[] = {
	UC_TASK, UC_IMAGE, UC_OWNER, UC_ID, UC_IO, UC_UPTIME, UC_NET, UC_PIDS, UC_QUOTA, UC_MEMPCT, UC_TTL,
	UC_ACT, UC_ISO, UC_MEM, UC_CPU, UC_ENGINE, UC_STATE,
};
#define N_CORE_DROPS 3
/* Columns that grow towards their content width, in this order. */
static const enum ui_col grow_order[] = {UC_NAME, UC_ENGINE, UC_PIDS, UC_TTL, UC_IMAGE, UC_OWNER, UC_TASK};

#define N_DROP (sizeof drop_order / sizeof drop_order[0])
#define N_GROW (sizeof grow_order / sizeof grow_order[0])
_Static_assert(N_DROP == UC_COUNT - 1, "every column but NAME has its place in drop_order");

struct layout {
	bool on[UC_COUNT];
	int w[UC_COUNT];
	int x[UC_COUNT];
};

static void cellctx_init(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, int64_t mono_ms,
	bool all_stale, struct ui_cellctx *r)
{
	r->c = c;
	r->ui = ui;
	r->wall_ms = wall_ms;
	r->mono_ms = mono_ms;
	r->v = ui_stats(ui, c);
	r->stale = all_stale || fmt_view_stale(ui, r->v, mono_ms);
}

static int used_width(const struct layout *L)
{
	int sum = 0, n = 0;
	for (int i = 0; i < UC_COUNT; i++) {
		if (L->on[i]) {
			sum += L->w[i];
			n++;
		}
	}
	return n ? sum + n - 1 : 0;
}

/* Turn columns off in drop order (the first ndrop of it) until the rest
 * fit; false if they never do. */
static bool drop_to_fit(struct layout *L, int width, size_t ndrop)
{
	for (size_t d = 0; d < ndrop && used_width(L) > width; d++)
		L->on[drop_order[d]] = false;
	return used_width(L) <= width;
}

static void layout_reset(const struct ui *ui, struct layout *L)
{
	for (int i = 0; i < UC_COUNT; i++) {
		L->on[i] = ui_col_available(ui, (enum ui_col)i);
		L->w[i] = ui_cols[i].min;
	}
}

/* Fit the columns to width: drop low-priority ones, then grow the flexible
 * ones towards the widest cell they hold. */
static void layout_compute(const struct ui *ui, struct layout *L, int width, int64_t wall_ms, int64_t mono_ms)
{
	int want[UC_COUNT];
	layout_reset(ui, L);
	for (int i = 0; i < UC_COUNT; i++)
		want[i] = ui_width(ui_cols[i].title, ui_cols[i].max) + 1;
	size_t n = ui_rows_count(ui);
	char buf[64];
	for (size_t r = 0; r < n; r++) {
		struct ui_cellctx rc;
		const struct dk_container *c = ui_rows_get(ui, r);
		cellctx_init(ui, c, wall_ms, mono_ms, false, &rc);
		for (size_t g = 0; g < N_GROW; g++) {
			enum ui_col id = grow_order[g];
			enum ui_role role;
			if (!L->on[id])
				continue;
			int w = ui_width(ui_col_cell(&rc, id, buf, sizeof buf, &role), ui_cols[id].max);
			if (w > want[id])
				want[id] = w;
		}
	}
	/* First try every kept column at a comfortable width (its content up
	 * to its keep width: NAME 20, TASK its minimum), dropping only the
	 * optional columns; if the core still does not fit, fall back to
	 * minimums and drop by the whole order. */
	for (int i = 0; i < UC_COUNT; i++) {
		int w = want[i] > ui_cols[i].keep ? ui_cols[i].keep : want[i];
		if (w > L->w[i])
			L->w[i] = w;
	}
	if (!drop_to_fit(L, width, N_DROP - N_CORE_DROPS)) {
		layout_reset(ui, L);
		drop_to_fit(L, width, N_DROP);
	}
	int extra = width - used_width(L);
	for (size_t g = 0; g < N_GROW && extra > 0; g++) {
		enum ui_col id = grow_order[g];
		if (!L->on[id] || want[id] <= L->w[id])
			continue;
		int add = want[id] - L->w[id];
		if (add > extra)
			add = extra;
		L->w[id] += add;
		extra -= add;
	}
	int x = 0;
	for (int k = 0; k < ui->ncols; k++) {   /* the chosen order */
		enum ui_col i = ui->cols[k];
		if (!L->on[i])
			continue;
		L->x[i] = x;
		x += L->w[i] + 1;
	}
}

void ui_list_sync(struct ui *ui)
{
	ui_rows_update(ui);
	size_t n = ui_rows_count(ui);
	if (n == 0) {
		/* Keep sel_id: the list may come back (reconnect, toggle, filter). */
		ui->sel = 0;
		ui->top = 0;
		return;
	}
	if (ui->sel_id[0]) {
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(ui_rows_get(ui, i)->id, ui->sel_id)) {
				/* FOLLOW: it moved in the order; keep it on the
				 * same screen line (draw clamps top). Else the
				 * view stays and only scrolls if it must. */
				if (ui->follow) {
					if (i < ui->sel)
						ui->top = ui->top > ui->sel - i ? ui->top - (ui->sel - i) : 0;
					else
						ui->top += i - ui->sel;
				}
				ui->sel = i;
				return;
			}
		}
	}
	/* Gone or filtered out (or nothing chosen yet): stay at the same row. */
	if (ui->sel >= n)
		ui->sel = n - 1;
	snprintf(ui->sel_id, sizeof ui->sel_id, "%s", ui_rows_get(ui, ui->sel)->id);
}

const struct dk_container *ui_list_selected(struct ui *ui)
{
	ui_list_sync(ui);
	return ui_rows_count(ui) ? ui_rows_get(ui, ui->sel) : NULL;
}

void ui_list_move(struct ui *ui, long delta)
{
	ui_list_sync(ui);
	size_t n = ui_rows_count(ui);
	if (n == 0)
		return;
	if (delta < 0) {
		size_t d = (size_t)(-(delta + 1)) + 1;
		ui->sel = d >= ui->sel ? 0 : ui->sel - d;
	} else {
		size_t d = (size_t)delta;
		ui->sel = d >= n - 1 - ui->sel ? n - 1 : ui->sel + d;
	}
	snprintf(ui->sel_id, sizeof ui->sel_id, "%s", ui_rows_get(ui, ui->sel)->id);
}

/* ---- tags: the rows actions go to (by id, as the selection) ---- */

bool ui_tagged(const struct ui *ui, const char *id)
{
	for (size_t i = 0; i < ui->ntags; i++)
		if (!strcmp(ui->tags[i], id))
			return true;
	return false;
}

void ui_tag_add(struct ui *ui, const char *id)
{
	if (ui_tagged(ui, id))
		return;
	ui->tags = xrealloc(ui->tags, (ui->ntags + 1) * sizeof *ui->tags);
	snprintf(ui->tags[ui->ntags++], sizeof ui->tags[0], "%s", id);
}

void ui_tag_del(struct ui *ui, const char *id)
{
	for (size_t i = 0; i < ui->ntags; i++)
		if (!strcmp(ui->tags[i], id)) {
			memmove(ui->tags[i], ui->tags[ui->ntags - 1], sizeof ui->tags[0]);
			ui->ntags--;
			return;
		}
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
	const struct inventory *inv = ui->o->engines[0].inv;
	char key[32], line[512];
	/* the best any engine is at: one online is a list (maybe empty) */
	enum inv_conn best = INV_OFFLINE;
	for (size_t e = 0; e < ui->o->nengines; e++) {
		enum inv_conn st = inv_state(ui->o->engines[e].inv);
		if (st == INV_ONLINE || (st == INV_CONNECTING && best == INV_OFFLINE))
			best = st;
	}
	switch (best) {
	case INV_CONNECTING:
		ui_put(y, 1, "waiting for the engine…", COLS - 1, ui_attr(ui, UI_R_DIM));
		return;
	case INV_OFFLINE:
		ui_put(y, 1, "no data", COLS - 1, ui_attr(ui, UI_R_DIM));
		return;
	case INV_ONLINE:
		break;
	}
	if (ui_inv_count(ui) > 0) {
		keymap_key_for(ui->o->km, KT_LIST, KA_CLEAR_FILTER, key, sizeof key);
		snprintf(line, sizeof line, "nothing matches the filter %s%s%s%s", ui->filter,
			key[0] ? " (" : "", key, key[0] ? " clears it)" : "");
		ui_put(y, 1, line, COLS - 1, A_NORMAL);
		return;
	}
	if (ui_inv_all(ui)) {
		ui_put(y, 1, "no containers", COLS - 1, A_NORMAL);
		return;
	}
	keymap_key_for(ui->o->km, KT_LIST, KA_TOGGLE_ALL, key, sizeof key);
	if (key[0])
		snprintf(line, sizeof line, "no sandboxes (containers labelled %s); press %s to show all containers",
			inv_selector(inv), key);
	else
		snprintf(line, sizeof line, "no sandboxes (containers labelled %s)", inv_selector(inv));
	ui_put(y, 1, line, COLS - 1, A_NORMAL);
}

/* The header row: titles, numbers right-aligned, the sort column marked. */
static void draw_header(struct ui *ui, const struct layout *L, int y)
{
	attr_t hdr = ui_attr(ui, UI_R_HEADER);
	char t[32];
	ui_fill(y, 0, COLS, hdr);
	for (int i = 0; i < UC_COUNT; i++) {
		if (!L->on[i])
			continue;
		bool sorted = ui->sort_col == (enum ui_col)i;
		snprintf(t, sizeof t, "%s%s", ui_cols[i].title, sorted ? (ui->sort_desc ? "▼" : "▲") : "");
		attr_t a = sorted ? hdr | A_BOLD : hdr;
		if (ui_cols[i].numeric)
			ui_put_right(y, L->x[i] + L->w[i], t, L->w[i], a);
		else
			ui_put(y, L->x[i], t, L->w[i], a);
	}
}

static void draw_row(struct ui *ui, const struct layout *L, const struct ui_cellctx *r, int y, attr_t base, bool stale_inv)
{
	char buf[64];
	for (int i = 0; i < UC_COUNT; i++) {
		if (!L->on[i])
			continue;
		enum ui_role role;
		const char *s = ui_col_cell(r, (enum ui_col)i, buf, sizeof buf, &role);
		attr_t a = base;
		if (ui_cols[i].stats && r->stale)
			a |= ui_attr(ui, UI_R_DIM);     /* old numbers: dimmed, never passed off as new */
		else if (role != UI_R_NORMAL && !stale_inv)
			a |= ui_attr(ui, role);
		if (ui_cols[i].numeric)
			ui_put_right(y, L->x[i] + L->w[i], s, L->w[i], a);
		else
			ui_put(y, L->x[i], s, L->w[i], a);
	}
}

void ui_list_draw(struct ui *ui, int y0, int y1, int64_t wall_ms, int64_t mono_ms)
{
	struct layout L;
	int width = COLS;

	if (y1 <= y0)
		return;
	ui_list_sync(ui);
	/* with tags, a gutter marks the tagged rows (bold alone is easy to miss) */
	int gutter = ui->ntags ? 2 : 0;
	layout_compute(ui, &L, width - gutter, wall_ms, mono_ms);
	for (int i = 0; i < UC_COUNT; i++)
		L.x[i] += gutter;
	draw_header(ui, &L, y0);

	int rows = y1 - y0 - 1;
	ui->page_rows = rows > 0 ? rows : 1;
	if (rows <= 0)
		return;
	size_t n = ui_rows_count(ui);
	if (n == 0) {
		draw_empty(ui, y0 + 1);
		return;
	}
	scroll_to_sel(ui, n, rows);

	bool stale_stats = fmt_stats_stale_ms(ui, mono_ms) > 0;
	for (int r = 0; r < rows && ui->top + (size_t)r < n; r++) {
		size_t idx = ui->top + (size_t)r;
		/* a row of an engine not online is old news: dimmed */
		size_t e = ui_eng_index(ui, ui_rows_get(ui, idx));
		bool stale_inv = inv_state(ui->o->engines[e].inv) != INV_ONLINE || ui_eng_silent(ui, e, NULL);
		struct ui_cellctx rc;
		cellctx_init(ui, ui_rows_get(ui, idx), wall_ms, mono_ms, stale_stats, &rc);
		int y = y0 + 1 + r;
		attr_t base = stale_inv ? ui_attr(ui, UI_R_DIM) : A_NORMAL;
		bool tagged = ui->ntags && ui_tagged(ui, ui_rows_get(ui, idx)->id);
		if (tagged)
			base |= A_BOLD;   /* tagged: actions go to these */
		if (idx == ui->sel) {
			base |= A_REVERSE;
			ui_fill(y, 0, width, base);
		}
		if (tagged)
			ui_put(y, 0, "*", 1, base | ui_attr(ui, UI_R_WARN));
		draw_row(ui, &L, &rc, y, base, stale_inv);
	}
}
