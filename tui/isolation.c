/* isolation: the isolation column's cell, the host checks' header line, and the isolation screen listing every check of the selected sandbox. */
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isolation/run.h"
#include "docker/inventory.h"

/* Below this many lines the host line is left out (the table needs them). */
#define HOST_LINE_MIN_LINES 12

static enum ui_role result_role(const struct iso_check *c)
{
	if (!c || c->result == ISO_PASS)
		return UI_R_NORMAL;
	if (c->result == ISO_FAIL && c->sev >= ISO_HIGH)
		return UI_R_ALERT;
	return UI_R_WARN;
}

/* "crit", "high", "med", "low", "info" */
static const char *sev_word(enum iso_sev s)
{
	return s == ISO_CRIT ? "crit" : s == ISO_HIGH ? "high" : s == ISO_MED ? "med" : s == ISO_LOW ? "low" : "info";
}

enum ui_role ui_iso_cell(const struct ui *ui, const struct dk_container *c, char *buf, size_t n)
{
	const struct iso_runner *r = ui_eng(ui, c)->iso;
	const struct iso_report *rep = r ? iso_runner_report(r, c->id) : NULL;
	if (!rep) {
		snprintf(buf, n, "%s", r && *iso_runner_error(r, c->id) ? "error" : r ? "…" : "-");
		return UI_R_NORMAL;
	}
	const struct iso_check *w = iso_worst(rep);
	if (!w || w->result == ISO_PASS)
		snprintf(buf, n, "ok");
	else if (w->result == ISO_FAIL)
		snprintf(buf, n, "FAIL %s", sev_word(w->sev));
	else if (w->result == ISO_UNVERIFIABLE)
		snprintf(buf, n, "unverif");
	else
		snprintf(buf, n, "warn");
	return result_role(w);
}

double ui_iso_rank(const struct ui *ui, const struct dk_container *c, bool *missing)
{
	const struct iso_runner *r = ui_eng(ui, c)->iso;
	const struct iso_report *rep = r ? iso_runner_report(r, c->id) : NULL;
	const struct iso_check *w = rep ? iso_worst(rep) : NULL;
	*missing = !rep;
	return w ? (double)w->result * 10 + (w->result == ISO_PASS ? 0 : (double)w->sev) : 0;
}

/* "runc ?" style words for the host line */
static const char *host_word(const char *id)
{
	static const struct { const char *id, *word; } words[] = {
		{"HOST-05", "endpoint"}, {"HOST-01", "seccomp"}, {"HOST-02", "LSM"}, {"PRIV-14", "runc"},
		{"NET-05", "engine DNS"}, {"HOST-03", "cgroup v2"}, {"HOST-04", "userns"},
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (!strcmp(words[i].id, id))
			return words[i].word;
	return id;
}

static const char *mark(enum iso_result r)
{
	return r == ISO_PASS ? "ok" : r == ISO_WARN ? "warn" : r == ISO_FAIL ? "FAIL" : "?";
}

int ui_iso_host_line(struct ui *ui, int y)
{
	/* this host's: the first local engine's checks of it */
	const struct iso_runner *r = NULL;
	for (size_t e = 0; !r && e < ui->o->nengines; e++)
		if (ui->o->engines[e].local)
			r = ui->o->engines[e].iso;
	if (!r)
		r = ui->o->engines[0].iso;
	if (!r || LINES < HOST_LINE_MIN_LINES)
		return y;
	const struct iso_report *h = iso_runner_host(r);
	char line[512];
	size_t len = 0;
	if (!h) {
		snprintf(line, sizeof line, "host isolation: %s", *iso_runner_host_error(r) ? iso_runner_host_error(r) : "checking…");
	} else {
		len = (size_t)snprintf(line, sizeof line, "host isolation:");
		for (size_t i = 0; i < h->n && len < sizeof line; i++)
			len += (size_t)snprintf(line + len, sizeof line - len, "%s %s %s", i ? " ·" : "",
				host_word(h->checks[i].id), mark(h->checks[i].result));
	}
	const struct iso_check *w = h ? iso_worst(h) : NULL;
	attr_t a = w && w->result != ISO_PASS ? ui_attr(ui, result_role(w)) : ui_attr(ui, UI_R_DIM);
	ui_put(y, 0, line, COLS, a);
	return y + 1;
}

/* ---- the isolation screen ---- */

static void draw_check(struct ui *ui, int y, const struct iso_check *c, bool host)
{
	char head[64];
	snprintf(head, sizeof head, "%-5s %-4s %-8s %-4s", mark(c->result), c->result == ISO_PASS ? "" : sev_word(c->sev),
		c->id, host ? "host" : "");
	attr_t a = ui_attr(ui, result_role(c));
	int x = ui_put(y, 1, head, COLS - 1, a | (c->result == ISO_FAIL ? A_BOLD : 0)) + 2;
	char text[ISO_REASON_MAX + 80];
	snprintf(text, sizeof text, "%s: %s", c->title, c->reason);
	if (x < COLS)
		ui_put(y, x, text, COLS - x, c->result == ISO_PASS ? A_NORMAL : a);
}

/* One line of the screen: a check (of the host when host), or a heading. */
struct aline {
	const struct iso_check *c;
	bool host;
	const char *heading;
};

static int aline_order(const void *pa, const void *pb)
{
	const struct aline *a = pa, *b = pb;
	return iso_check_order(&a->c, &b->c);
}

void ui_iso_draw(struct ui *ui, const struct dk_container *c, int y0, int y1)
{
	attr_t hdr = ui_attr(ui, UI_R_HEADER);
	ui_fill(y0, 0, COLS, hdr);
	const struct tui_engine *en = c ? ui_eng(ui, c) : NULL;
	struct iso_runner *iso = en ? en->iso : ui->o->engines[0].iso;
	if (!c || !iso) {
		ui_put(y0, 1, iso ? "isolation: nothing selected" : "isolation: off", COLS - 1, hdr);
		return;
	}
	const struct iso_report *rep = iso_runner_report(iso, c->id);
	const struct iso_report *host = iso_runner_host(iso);
	char title[512], cell[32], where[200] = "";
	ui_iso_cell(ui, c, cell, sizeof cell);
	/* the host's /proc and cgroups are read only where the engine is local */
	if (ui->o->nengines > 1 || !en->local)
		snprintf(where, sizeof where, " · engine %s%s", en->name,
			en->local ? "" : " (remote: this host's /proc and cgroups are not its own, not read)");
	snprintf(title, sizeof title, "isolation of %s (%.12s): %s%s%s", c->name, c->id, cell,
		rep ? rep->kernel ? " · kernel checked" : " · kernel not read" : "", where);
	ui_put(y0, 1, title, COLS - 1, hdr);
	if (!rep) {
		const char *err = iso_runner_error(iso, c->id);
		ui_put(y0 + 1, 1, *err ? err : "checking…", COLS - 1, A_NORMAL);
		return;
	}
	struct aline L[ISO_CHECKS_MAX * 2 + 4];
	size_t n = 0, nfind;
	/* every finding, the sandbox's and the host's, the worst first (the
	 * order of `sandtop isolation`); then what passes */
	for (size_t i = 0; i < rep->n; i++)
		if (rep->checks[i].result != ISO_PASS)
			L[n++] = (struct aline){.c = &rep->checks[i]};
	for (size_t i = 0; host && i < host->n; i++)
		if (host->checks[i].result != ISO_PASS)
			L[n++] = (struct aline){.c = &host->checks[i], .host = true};
	qsort(L, n, sizeof *L, aline_order);
	nfind = n;
	if (n < rep->n + (host ? host->n : 0))
		L[n++] = (struct aline){.heading = nfind ? "passing" : "every check passes"};
	for (size_t i = 0; i < rep->n; i++)
		if (rep->checks[i].result == ISO_PASS)
			L[n++] = (struct aline){.c = &rep->checks[i]};
	for (size_t i = 0; host && i < host->n; i++)
		if (host->checks[i].result == ISO_PASS)
			L[n++] = (struct aline){.c = &host->checks[i], .host = true};
	int rows = y1 - y0 - 1;
	ui->iso_rows = rows;
	ui->iso_lines = (int)n;
	if (ui->iso_top > (int)n - rows)
		ui->iso_top = (int)n - rows;
	if (ui->iso_top < 0)
		ui->iso_top = 0;
	for (int r = 0; r < rows && ui->iso_top + r < (int)n; r++) {
		const struct aline *l = &L[ui->iso_top + r];
		if (l->heading)
			ui_put(y0 + 1 + r, 1, l->heading, COLS - 1, A_BOLD);
		else
			draw_check(ui, y0 + 1 + r, l->c, l->host);
	}
}

void ui_iso_scroll(struct ui *ui, long delta)
{
	/* G and Home pass +-LONG_MAX: no overflow on the way */
	long max = ui->iso_lines - ui->iso_rows;
	long top = delta > max ? max : delta < -(long)ui->iso_lines ? 0 : (long)ui->iso_top + delta;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	ui->iso_top = (int)top;
}
