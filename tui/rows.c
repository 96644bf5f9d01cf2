/* rows: the list as shown: the inventory filtered by the user's pattern and sorted on the sort column's keys (columns.c). */
#include "tui/ui.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/natcmp.h"
#include "base/xalloc.h"
#include "isolation/run.h"
#include "docker/inventory.h"

/* Untrusted fields are matched on their first FIELD_SCAN bytes: matching
 * costs the same whatever a sandbox puts in its labels. */
#define FIELD_SCAN 4096

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

/* s starts with prefix (lower case), ignoring ASCII case. */
static bool ci_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (lower((unsigned char)*s) != *prefix)
			return false;
	return true;
}

struct filter {
	enum { F_NONE, F_TEXT, F_LABEL, F_ENGINE, F_NOTHING } kind;
	char text[UI_FILTER_MAX];  /* F_TEXT: lower-cased needle; F_LABEL: KEY\0VALUE; F_ENGINE: the name */
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
	if (len >= 7 && ci_prefix(s, "engine:")) {
		memcpy(f->text, s + 7, len - 7);   /* the engine's name exactly */
		f->text[len - 7] = '\0';
		f->kind = f->text[0] ? F_ENGINE : F_NOTHING;
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

static bool filter_match(const struct ui *ui, const struct filter *f, const struct dk_container *c)
{
	switch (f->kind) {
	case F_NONE:
		return true;
	case F_ENGINE:
		return !strcmp(ui_eng(ui, c)->name, f->text);
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
	struct ui_sort_key k;   /* the sort column's (columns.c) */
};

/* qsort has no context argument; the screen is single-threaded. */
static bool sort_desc;

static int key_cmp(const void *pa, const void *pb)
{
	const struct skey *a = pa, *b = pb;
	int r = 0;
	if (a->k.missing != b->k.missing)
		return a->k.missing ? 1 : -1;   /* no value: after every row that has one */
	if (!a->k.missing) {
		if (a->k.str || b->k.str)
			r = natcmp(a->k.str, b->k.str);   /* ux-2 before ux-10 */
		else
			r = (a->k.num > b->k.num) - (a->k.num < b->k.num);
		if (sort_desc)
			r = -r;
	}
	if (r == 0)
		r = natcmp(a->c->name, b->c->name);
	if (r == 0)
		r = strcmp(a->c->id, b->c->id);
	return r;
}

void ui_rows_update(struct ui *ui)
{
	struct ui_rows *R = &ui->rows;
	uint64_t ig = ui_inv_generation(ui), cg = ui_coll_generation(ui);
	size_t total = ui_inv_count(ui);

	/* the isolation checks change the order only when sorting by it */
	uint64_t isg = ui->sort_col == UC_ISO ? ui_iso_generation(ui) : 0;
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
	enum ui_col col = ui_col_available(ui, ui->sort_col) ? ui->sort_col : UC_NAME;
	sort_desc = ui->sort_desc;
	for (size_t i = 0; i < total; i++) {
		const struct dk_container *c = ui_inv_get(ui, i);
		if (!filter_match(ui, &f, c))
			continue;
		keys[n] = (struct skey){.idx = i, .c = c};
		ui_cols[col].key(ui, c, wall, &keys[n].k);
		n++;
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
	return ui_inv_get(ui, ui->rows.idx[i]);
}

void ui_rows_free(struct ui *ui)
{
	free(ui->rows.idx);
	memset(&ui->rows, 0, sizeof ui->rows);
}
