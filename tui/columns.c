/* columns: the list's column table (title, widths, alignment, cell, sort key, config name), as htop's field table, and the session's choice of columns and sort. */
#include "tui/ui.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/clock.h"
#include "control/ttl.h"

/* ---- cells: one formatter per column ---- */

static const char *cell_name(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n, (void)role;
	return r->c->name;
}

static const char *cell_id(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)role;
	snprintf(buf, n, "%.12s", r->c->id);
	return buf;
}

static const char *cell_image(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n, (void)role;
	return r->c->image;
}

static const char *cell_state(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n;
	return fmt_state(r->ui, r->c, role);
}

static const char *cell_iso(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	*role = ui_iso_cell(r->ui, r->c, buf, n);
	return buf;
}

static const char *cell_engine(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n, (void)role;
	return ui_eng(r->ui, r->c)->name;
}

static const char *cell_act(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n;
	return fmt_activity(r->ui, r->c, r->mono_ms, role, NULL);
}

/* The latest interval of a stats column, or NULL with the cell to show
 * instead: blank when the container is not up, "…" before its first
 * interval. */
static const struct st_rates *rates_now(const struct ui_cellctx *r, const char **instead)
{
	*instead = !fmt_is_up(r->c) ? "" : !r->v ? "…" : NULL;
	return *instead ? NULL : &r->v->now;
}

static const char *cell_cpu(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	(void)role;
	if (!s)
		return instead;
	fmt_pct(s->cpu_percent, buf, n);
	return buf;
}

static const char *cell_quota(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	if (!s)
		return instead;
	if (s->cpu_quota_percent < 0)
		return "-";
	fmt_pct(s->cpu_quota_percent, buf, n);
	if (s->cpu_quota_percent >= 95)
		*role = UI_R_WARN;
	return buf;
}

static const char *cell_mem(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	(void)role;
	if (!s)
		return instead;
	fmt_bytes((double)s->mem_bytes, buf, n);
	return buf;
}

static const char *cell_mempct(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	if (!s)
		return instead;
	/* no limit: the kernel's "limit" is the host's memory, not a budget */
	if (s->mem_percent < 0 || s->mem_limit == 0 || (r->c->inspected && r->c->mem_limit <= 0))
		return "-";
	fmt_pct(s->mem_percent, buf, n);
	if (s->mem_percent >= 90)
		*role = UI_R_WARN;
	return buf;
}

/* "rx/tx" or "read/write" rates. */
static void fmt_pair(double a, double b, char *out, size_t n)
{
	char x[16], y[16];
	fmt_rate(a, x, sizeof x);
	fmt_rate(b, y, sizeof y);
	snprintf(out, n, "%s/%s", x, y);
}

static const char *cell_net(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	(void)role;
	if (!s)
		return instead;
	fmt_pair(s->net_rx_bps, s->net_tx_bps, buf, n);
	return buf;
}

static const char *cell_io(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	(void)role;
	if (!s)
		return instead;
	fmt_pair(s->blk_read_bps, s->blk_write_bps, buf, n);
	return buf;
}

static const char *cell_pids(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	const char *instead;
	const struct st_rates *s = rates_now(r, &instead);
	if (!s)
		return instead;
	uint64_t lim = dk_container_pids_limit(r->c, s->pids_limit);
	if (lim)
		snprintf(buf, n, "%" PRIu64 "/%" PRIu64, s->pids, lim);
	else
		snprintf(buf, n, "%" PRIu64, s->pids);
	if (lim && s->pids * 10 >= lim * 9)
		*role = UI_R_WARN;
	return buf;
}

static const char *cell_uptime(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)role;
	fmt_uptime(r->c, r->wall_ms, buf, n);
	return buf;
}

static const char *cell_ttl(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	*role = fmt_ttl(r->c, r->wall_ms, buf, n);
	return buf;
}

static const char *cell_owner(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n, (void)role;
	return dk_container_label(r->c, "sandtop.owner");
}

static const char *cell_task(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role)
{
	(void)buf, (void)n, (void)role;
	return dk_container_label(r->c, "sandtop.task");
}

/* ---- sort keys: one per column (rows.c compares them) ---- */

static void sort_name(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)ui, (void)wall_ms;
	k->str = c->name;
}

static void sort_id(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)ui, (void)wall_ms;
	k->str = c->id;
}

static void sort_image(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)ui, (void)wall_ms;
	k->str = c->image;
}

static int state_rank(const char *s)
{
	static const char *const order[] = {"running", "restarting", "freezing", "frozen", "quarantined", "paused", "created",
		"removing", "gone", "exited", "dead"};
	for (size_t i = 0; s && i < sizeof order / sizeof order[0]; i++)
		if (!strcmp(s, order[i]))
			return (int)i;
	return (int)(sizeof order / sizeof order[0]);
}

static void sort_state(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)wall_ms;
	k->num = state_rank(fmt_state(ui, c, NULL));
}

static void sort_iso(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)wall_ms;
	k->num = ui_iso_rank(ui, c, &k->missing);
}

static void sort_act(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	int rank;
	(void)wall_ms;
	fmt_activity(ui, c, clock_mono_ms(), NULL, &rank);
	k->num = rank;
	k->missing = rank == 0;
}

/* The smoothed numbers of c, or NULL (then the key is missing). Sorting
 * uses them cut to steps a little finer than the cells show, so that
 * near-equal rows keep their name order instead of trading places. */
static const struct st_rates *rates_smooth(const struct ui *ui, const struct dk_container *c, struct ui_sort_key *k)
{
	const struct st_view *v = ui_stats(ui, c);
	k->missing = !v;
	return v ? &v->smooth : NULL;
}

/* A stats key: x < 0 is no value. */
static void num_key(struct ui_sort_key *k, double x)
{
	k->missing = x < 0;
	k->num = x;
}

static void sort_cpu(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, s->cpu_percent >= 0 ? floor(s->cpu_percent * 10) : -1);
}

static void sort_quota(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, s->cpu_quota_percent >= 0 ? floor(s->cpu_quota_percent * 10) : -1);
}

static void sort_mem(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, floor((double)s->mem_bytes / (1024.0 * 1024.0)));
}

static void sort_mempct(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, s->mem_percent >= 0 && s->mem_limit ? floor(s->mem_percent * 10) : -1);
	if (c->inspected && c->mem_limit <= 0)
		k->missing = true;   /* shown as "-": no limit */
}

static void sort_net(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, s->net_rx_bps >= 0 && s->net_tx_bps >= 0 ? floor((s->net_rx_bps + s->net_tx_bps) / 1024.0) : -1);
}

static void sort_io(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, s->blk_read_bps >= 0 && s->blk_write_bps >= 0
			? floor((s->blk_read_bps + s->blk_write_bps) / 1024.0) : -1);
}

static void sort_pids(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	const struct st_rates *s = rates_smooth(ui, c, k);
	(void)wall_ms;
	if (s)
		num_key(k, (double)s->pids);
}

static void sort_uptime(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)ui;
	k->missing = !fmt_is_up(c) || !c->inspected || c->started_at_ms <= 0;
	k->num = (double)((wall_ms - c->started_at_ms) / 1000);
}

static void sort_ttl(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	int64_t left = 0;
	(void)ui;
	k->missing = !fmt_is_up(c) || ttl_left(c, wall_ms, &left) != 1;
	k->num = (double)left;
}

static void label_key(const struct dk_container *c, const char *label, struct ui_sort_key *k)
{
	k->str = dk_container_label(c, label);
	k->missing = !k->str || !*k->str;
}

static void sort_owner(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)ui, (void)wall_ms;
	label_key(c, "sandtop.owner", k);
}

static void sort_engine(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)wall_ms;
	k->str = ui_eng(ui, c)->name;
}

static void sort_task(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k)
{
	(void)ui, (void)wall_ms;
	label_key(c, "sandtop.task", k);
}

/* ---- the table ---- */

/* min: never narrower (room for the title and the sort mark); max: content
 * wider is cut; keep: before any column is dropped, as wide as its content
 * up to this. Numbers sort biggest first, except TTL: the least time left
 * first; ISO and ACT the worst first. */
#define COL(id, cfg_, title_, min_, max_, keep_, num_, stats_, desc_, fn) \
	[id] = {.cfg = cfg_, .title = title_, .min = min_, .max = max_, .keep = keep_, .numeric = num_, \
	        .stats = stats_, .desc = desc_, .cell = cell_##fn, .key = sort_##fn}
const struct ui_col_def ui_cols[UC_COUNT] = {
	/*   column     config name      title     min max keep numeric stats desc */
	COL(UC_NAME,   CFG_COL_NAME,   "NAME",    8,  32,  20, false, false, false, name),
	COL(UC_ID,     CFG_COL_ID,     "ID",     12,  12,  12, false, false, false, id),
	COL(UC_IMAGE,  CFG_COL_IMAGE,  "IMAGE",   8,  30,  30, false, false, false, image),
	COL(UC_STATE,  CFG_COL_STATE,  "STATE",  11,  11,  11, false, false, false, state),
	COL(UC_ISO,    CFG_COL_ISO,    "ISO",     9,   9,   9, false, false, true,  iso),
	COL(UC_ACT,    CFG_COL_ACT,    "ACT",     6,   6,   6, false, false, true,  act),
	COL(UC_CPU,    CFG_COL_CPU,    "CPU%",    6,   7,   7, true,  true,  true,  cpu),
	COL(UC_QUOTA,  CFG_COL_QUOTA,  "QUOTA%",  7,   7,   7, true,  true,  true,  quota),
	COL(UC_MEM,    CFG_COL_MEM,    "MEM",     6,   7,   7, true,  true,  true,  mem),
	COL(UC_MEMPCT, CFG_COL_MEMPCT, "MEM%",    5,   6,   6, true,  true,  true,  mempct),
	COL(UC_NET,    CFG_COL_NET,    "NET",     9,   9,   9, true,  true,  true,  net),
	COL(UC_IO,     CFG_COL_IO,     "IO",      9,   9,   9, true,  true,  true,  io),
	COL(UC_PIDS,   CFG_COL_PIDS,   "PIDS",    5,   9,   9, true,  true,  true,  pids),
	COL(UC_UPTIME, CFG_COL_UPTIME, "UPTIME",  9,   9,   9, true,  false, true,  uptime),
	COL(UC_TTL,    CFG_COL_TTL,    "TTL",     8,  11,  11, true,  false, false, ttl),
	COL(UC_OWNER,  CFG_COL_OWNER,  "OWNER",   6,  16,  16, false, false, false, owner),
	COL(UC_TASK,   CFG_COL_TASK,   "TASK",    8, 400,   8, false, false, false, task),
	/* no name in the config file: there when the screen has several engines */
	COL(UC_ENGINE, CFG_COL_COUNT,  "ENGINE",  8,  40,  24, false, false, false, engine),
};
_Static_assert((int)CFG_COL_COUNT + 1 == (int)UC_COUNT, "every column but ENGINE has a name in config/values.c");

const char *ui_col_title(enum ui_col c)
{
	return c < UC_COUNT ? ui_cols[c].title : "";
}

enum ui_col ui_col_from_cfg(enum cfg_col cfg)
{
	for (int i = 0; i < UC_COUNT; i++)
		if (ui_cols[i].cfg == cfg)
			return (enum ui_col)i;
	return UC_NAME;
}

const char *ui_col_cell(const struct ui_cellctx *r, enum ui_col c, char *buf, size_t n, enum ui_role *role)
{
	*role = UI_R_NORMAL;
	return c < UC_COUNT ? ui_cols[c].cell(r, buf, n, role) : "";
}

/* ---- the session's columns and sort ---- */

bool ui_col_available(const struct ui *ui, enum ui_col c)
{
	return c < UC_COUNT && ui->col_on[c] && (ui_coll_first(ui) || !ui_cols[c].stats);
}

void ui_sort_set(struct ui *ui, enum ui_col c, bool desc)
{
	ui->sort_col = c;
	ui->sort_desc = desc;
	ui->view_ver++;
}

void ui_sort_step(struct ui *ui, int step)
{
	int n = ui->ncols, at = 0;
	if (n == 0)
		return;
	for (int k = 0; k < n; k++)
		if (ui->cols[k] == ui->sort_col)
			at = k;
	for (int i = 0; i < n; i++) {
		at = (at + (step < 0 ? -1 : 1) + n) % n;
		if (ui_col_available(ui, ui->cols[at]))
			break;
	}
	enum ui_col c = ui->cols[at];
	ui_sort_set(ui, c, ui_cols[c].desc);
}

void ui_cols_init(struct ui *ui)
{
	const struct tui_opts *o = ui->o;
	ui->ncols = 0;
	memset(ui->col_on, 0, sizeof ui->col_on);
	for (int k = 0; k < (o->columns ? o->ncolumns : CFG_COL_COUNT) && k < CFG_COL_COUNT; k++) {
		if (o->columns && (unsigned)o->columns[k] >= CFG_COL_COUNT)
			continue;
		enum ui_col c = o->columns ? ui_col_from_cfg(o->columns[k]) : (enum ui_col)k;
		if (ui->col_on[c])
			continue;
		ui->col_on[c] = true;
		ui->cols[ui->ncols++] = c;
		/* several engines: which one, right after the name (else first) */
		if (c == UC_NAME && o->nengines > 1) {
			ui->col_on[UC_ENGINE] = true;
			ui->cols[ui->ncols++] = UC_ENGINE;
		}
	}
	if (o->nengines > 1 && !ui->col_on[UC_ENGINE]) {
		memmove(ui->cols + 1, ui->cols, (size_t)ui->ncols * sizeof ui->cols[0]);
		ui->cols[0] = UC_ENGINE;
		ui->col_on[UC_ENGINE] = true;
		ui->ncols++;
	}
	ui->sort_col = (int)o->sort_col >= 0 && o->sort_col < CFG_COL_COUNT ? ui_col_from_cfg(o->sort_col) : UC_NAME;
	ui->sort_desc = o->sort_dir < 0 ? ui_cols[ui->sort_col].desc : o->sort_dir > 0;
	ui->view_ver++;
}
