/* rows: the list as shown: the inventory filtered by the user's pattern and sorted on smoothed numbers. */
#include "tui/ui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/natcmp.h"
#include "base/xalloc.h"
#include "isolation/run.h"
#include "control/ttl.h"
#include "docker/inventory.h"

/* Untrusted fields are matched on their first FIELD_SCAN bytes: matching
 * costs the same whatever a sandbox puts in its labels. */
#define FIELD_SCAN 4096

static const char *const titles[UC_COUNT] = {
	[UC_NAME] = "NAME", [UC_ID] = "ID", [UC_IMAGE] = "IMAGE", [UC_STATE] = "STATE", [UC_ISO] = "ISO", [UC_ACT] = "ACT",
	[UC_CPU] = "CPU%", [UC_QUOTA] = "QUOTA%", [UC_MEM] = "MEM", [UC_MEMPCT] = "MEM%",
	[UC_NET] = "NET", [UC_IO] = "IO", [UC_PIDS] = "PIDS",
	[UC_UPTIME] = "UPTIME", [UC_TTL] = "TTL", [UC_OWNER] = "OWNER", [UC_TASK] = "TASK",
};

const char *ui_col_title(enum ui_col c)
{
	return c < UC_COUNT ? titles[c] : "";
}

bool ui_col_numeric(enum ui_col c)
{
	return (c >= UC_CPU && c <= UC_PIDS) || c == UC_UPTIME || c == UC_TTL;
}

static bool col_needs_stats(enum ui_col c)
{
	return c >= UC_CPU && c <= UC_PIDS;
}

bool ui_col_available(const struct ui *ui, enum ui_col c)
{
	return c < UC_COUNT && ui->col_on[c] && (ui->o->coll || !col_needs_stats(c));
}

/* The config file's column names onto ours. */
static const enum ui_col from_cfg[CFG_COL_COUNT] = {
	[CFG_COL_NAME] = UC_NAME, [CFG_COL_ID] = UC_ID, [CFG_COL_IMAGE] = UC_IMAGE, [CFG_COL_STATE] = UC_STATE,
	[CFG_COL_ISO] = UC_ISO, [CFG_COL_ACT] = UC_ACT, [CFG_COL_CPU] = UC_CPU, [CFG_COL_QUOTA] = UC_QUOTA, [CFG_COL_MEM] = UC_MEM,
	[CFG_COL_MEMPCT] = UC_MEMPCT, [CFG_COL_NET] = UC_NET, [CFG_COL_IO] = UC_IO, [CFG_COL_PIDS] = UC_PIDS,
	[CFG_COL_UPTIME] = UC_UPTIME, [CFG_COL_TTL] = UC_TTL, [CFG_COL_OWNER] = UC_OWNER, [CFG_COL_TASK] = UC_TASK,
};
_Static_assert((int)CFG_COL_COUNT == (int)UC_COUNT, "every column has a name in config/values.c");

/* Numbers sort biggest first, except TTL: the least time left first;
 * ISO the worst first. */
static bool natural_desc(enum ui_col c)
{
	return (ui_col_numeric(c) && c != UC_TTL) || c == UC_ISO || c == UC_ACT;
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
	ui_sort_set(ui, c, natural_desc(c));
}

void ui_cols_init(struct ui *ui)
{
	const struct tui_opts *o = ui->o;
	ui->ncols = 0;
	memset(ui->col_on, 0, sizeof ui->col_on);
	for (int k = 0; k < (o->columns ? o->ncolumns : UC_COUNT) && k < UC_COUNT; k++) {
		if (o->columns && (unsigned)o->columns[k] >= CFG_COL_COUNT)
			continue;
		enum ui_col c = o->columns ? from_cfg[o->columns[k]] : (enum ui_col)k;
		if (ui->col_on[c])
			continue;
		ui->col_on[c] = true;
		ui->cols[ui->ncols++] = c;
	}
	ui->sort_col = (int)o->sort_col >= 0 && o->sort_col < CFG_COL_COUNT ? from_cfg[o->sort_col] : UC_NAME;
	ui->sort_desc = o->sort_dir < 0 ? natural_desc(ui->sort_col) : o->sort_dir > 0;
	ui->view_ver++;
}

void ui_filter_set(struct ui *ui, const char *text)
{
	snprintf(ui->filter, sizeof ui->filter, "%s", text ? text : "");
	ui->view_ver++;
}

/* ---- matching ---- */

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* ASCII case-insensitive order; NULL sorts as "". */
/* s starts with prefix (lower case), ignoring ASCII case. */
static bool ci_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (lower((unsigned char)*s) != *prefix)
			return false;
	return true;
}

struct filter {
	enum { F_NONE, F_TEXT, F_LABEL, F_NOTHING } kind;
	char text[UI_FILTER_MAX];  /* F_TEXT: lower-cased needle; F_LABEL: KEY\0VALUE */
	size_t len;
	const char *value;         /* F_LABEL: NULL when any value matches */
};

static void filter_parse(const char *s, struct filter *f)
{
	memset(f, 0, sizeof *f);
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0)
		return;
	if (len >= sizeof f->text)
		len = sizeof f->text - 1;
	if (len >= 6 && ci_prefix(s, "label:")) {
		memcpy(f->text, s + 6, len - 6);
		f->text[len - 6] = '\0';
		char *eq = strchr(f->text, '=');
		if (eq) {
			*eq = '\0';
			f->value = eq + 1;
		}
		f->kind = f->text[0] ? F_LABEL : F_NOTHING;
		return;
	}
	for (size_t i = 0; i < len; i++)
		f->text[i] = (char)lower((unsigned char)s[i]);
	f->text[len] = '\0';
	f->len = len;
	f->kind = F_TEXT;
}

/* Needle (lower case) in the first FIELD_SCAN bytes of hay, ignoring ASCII case. */
static bool ci_contains(const char *hay, const char *needle, size_t nlen)
{
	char low[FIELD_SCAN];
	size_t n = 0;
	if (!hay)
		return false;
	for (; hay[n] && n < sizeof low; n++)
		low[n] = (char)lower((unsigned char)hay[n]);
	return memmem(low, n, needle, nlen) != NULL;
}

static bool filter_match(const struct filter *f, const struct dk_container *c)
{
	switch (f->kind) {
	case F_NONE:
		return true;
	case F_NOTHING:
		return false;
	case F_LABEL:
		for (size_t i = 0; i < c->nlabels; i++) {
			const struct dk_label *l = &c->labels[i];
			if (l->key && !strcmp(l->key, f->text))
				return !f->value || (l->value && !strcmp(l->value, f->value));
		}
		return false;
	case F_TEXT:
		if (f->len <= 64 && strspn(f->text, "0123456789abcdef") == f->len && !strncmp(c->id, f->text, f->len))
			return true;
		return ci_contains(c->name, f->text, f->len) || ci_contains(c->image, f->text, f->len) ||
		       ci_contains(dk_container_label(c, "sandtop.owner"), f->text, f->len) ||
		       ci_contains(dk_container_label(c, "sandtop.task"), f->text, f->len);
	}
	return false;
}

/* ---- sorting ---- */

struct skey {
	size_t idx;
	const struct dk_container *c;
	bool missing;       /* no value: after every row that has one */
	double num;         /* numeric columns and STATE */
	const char *str;    /* text columns */
};

/* qsort has no context argument; the screen is single-threaded. */
static enum ui_col sort_col;
static bool sort_desc;

static int state_rank(const char *s)
{
	static const char *const order[] = {"running", "restarting", "freezing", "frozen", "quarantined", "paused", "created",
		"removing", "gone", "exited", "dead"};
	for (size_t i = 0; s && i < sizeof order / sizeof order[0]; i++)
		if (!strcmp(s, order[i]))
			return (int)i;
	return (int)(sizeof order / sizeof order[0]);
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct skey *a = pa, *b = pb;
	int r = 0;
	if (a->missing != b->missing)
		return a->missing ? 1 : -1;
	if (!a->missing) {
		if (a->str || b->str)
			r = natcmp(a->str, b->str);   /* ux-2 before ux-10 */
		else
			r = (a->num > b->num) - (a->num < b->num);
		if (sort_desc)
			r = -r;
	}
	if (r == 0)
		r = natcmp(a->c->name, b->c->name);
	if (r == 0)
		r = strcmp(a->c->id, b->c->id);
	return r;
}

/* Smoothed values, cut to steps a little finer than the cells show, so
 * that near-equal rows keep their name order instead of trading places. */
static void stats_key(const struct st_view *v, enum ui_col col, struct skey *k)
{
	const struct st_rates *s = &v->smooth;
	double x = -1;
	switch (col) {
	case UC_CPU: x = s->cpu_percent >= 0 ? floor(s->cpu_percent * 10) : -1; break;
	case UC_QUOTA: x = s->cpu_quota_percent >= 0 ? floor(s->cpu_quota_percent * 10) : -1; break;
	case UC_MEMPCT: x = s->mem_percent >= 0 && s->mem_limit ? floor(s->mem_percent * 10) : -1; break;
	case UC_MEM: x = floor((double)s->mem_bytes / (1024.0 * 1024.0)); break;
	case UC_NET:
		if (s->net_rx_bps >= 0 && s->net_tx_bps >= 0)
			x = floor((s->net_rx_bps + s->net_tx_bps) / 1024.0);
		break;
	case UC_IO:
		if (s->blk_read_bps >= 0 && s->blk_write_bps >= 0)
			x = floor((s->blk_read_bps + s->blk_write_bps) / 1024.0);
		break;
	case UC_PIDS: x = (double)s->pids; break;
	default: break;
	}
	k->missing = x < 0;
	k->num = x;
}

static void make_key(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct skey *k)
{
	k->c = c;
	k->missing = false;
	k->num = 0;
	k->str = NULL;
	switch (sort_col) {
	case UC_NAME: k->str = c->name; break;
	case UC_ID: k->str = c->id; break;
	case UC_IMAGE: k->str = c->image; break;
	case UC_STATE: k->num = state_rank(fmt_state(ui, c, NULL)); break;
	case UC_ISO: k->num = ui_audit_rank(ui, c, &k->missing); break;
	case UC_ACT: {
		int rank;
		fmt_activity(ui, c, clock_mono_ms(), NULL, &rank);
		k->num = rank;
		k->missing = rank == 0;
		break;
	}
	case UC_OWNER:
	case UC_TASK:
		k->str = dk_container_label(c, sort_col == UC_OWNER ? "sandtop.owner" : "sandtop.task");
		k->missing = !k->str || !*k->str;
		break;
	case UC_UPTIME:
		k->missing = !fmt_is_up(c) || !c->inspected || c->started_at_ms <= 0;
		k->num = (double)((wall_ms - c->started_at_ms) / 1000);
		break;
	case UC_TTL: {
		int64_t left = 0;
		k->missing = !fmt_is_up(c) || ttl_left(c, wall_ms, &left) != 1;
		k->num = (double)left;
		break;
	}
	default: {
		const struct st_view *v = ui->o->coll && fmt_is_up(c) ? coll_get(ui->o->coll, c->id) : NULL;
		if (v)
			stats_key(v, sort_col, k);
		else
			k->missing = true;
		if (sort_col == UC_MEMPCT && c->inspected && c->mem_limit <= 0)
			k->missing = true;   /* shown as "-": no limit */
		break;
	}
	}
}

void ui_rows_update(struct ui *ui)
{
	const struct inventory *inv = ui->o->inv;
	const struct collector *co = ui->o->coll;
	struct ui_rows *R = &ui->rows;
	uint64_t ig = inv_generation(inv), cg = co ? coll_generation(co) : 0;
	size_t total = inv_count(inv);

	/* the audit changes the order only when sorting by it */
	uint64_t isg = ui->o->iso && ui->sort_col == UC_ISO ? iso_runner_generation(ui->o->iso) : 0;
	if (R->built && R->inv_gen == ig && R->coll_gen == cg && R->iso_gen == isg && R->ver == ui->view_ver &&
	    R->total == total)
		return;
	if (total > R->cap) {
		R->cap = total;
		R->idx = xrealloc(R->idx, R->cap * sizeof *R->idx);
	}
	struct filter f;
	filter_parse(ui->filter, &f);
	struct skey *keys = xmalloc((total ? total : 1) * sizeof *keys);
	size_t n = 0;
	int64_t wall = clock_wall_ms();
	sort_col = ui_col_available(ui, ui->sort_col) ? ui->sort_col : UC_NAME;
	sort_desc = ui->sort_desc;
	for (size_t i = 0; i < total; i++) {
		const struct dk_container *c = inv_get(inv, i);
		if (!filter_match(&f, c))
			continue;
		make_key(ui, c, wall, &keys[n]);
		keys[n++].idx = i;
	}
	if (n > 1)
		qsort(keys, n, sizeof *keys, key_cmp);
	for (size_t i = 0; i < n; i++)
		R->idx[i] = keys[i].idx;
	free(keys);
	R->n = n;
	R->total = total;
	R->inv_gen = ig;
	R->coll_gen = cg;
	R->iso_gen = isg;
	R->ver = ui->view_ver;
	R->built = true;
}

size_t ui_rows_count(const struct ui *ui)
{
	return ui->rows.n;
}

const struct dk_container *ui_rows_get(const struct ui *ui, size_t i)
{
	return inv_get(ui->o->inv, ui->rows.idx[i]);
}

void ui_rows_free(struct ui *ui)
{
	free(ui->rows.idx);
	memset(&ui->rows, 0, sizeof ui->rows);
}
