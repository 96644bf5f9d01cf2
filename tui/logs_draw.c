/* logs_draw: the logs screen on the terminal: its status line, the lines (marked by stream, wrapped or cut, matches highlighted), its bottom line. */
#include "tui/logs.h"

#include <stdio.h>
#include <string.h>

#include "docker/inventory.h"

/* Columns of "2026-01-01T00:00:00.123Z " and of "err ". */
#define TS_COLS 25
#define LABEL_COLS 4
/* Below this many text columns the timestamps are left out. */
#define TEXT_MIN 20

/* The sandbox's state word when the screen should say it ("paused",
 * "frozen", "exited"...), from the inventory; NULL when running or not
 * listed. *gone: not listed at all. */
static const char *sandbox_state(const struct ui *ui, const char *id, bool *gone)
{
	const struct dk_container *c = ui_inv_find(ui, id);
	*gone = !c;
	if (!c)
		return NULL;
	const char *w = fmt_state(ui, c, NULL);
	return !strcmp(w, "running") ? NULL : w;
}

/* "stream ended: the container stopped", "live", "paused: showing the past"... */
static void stream_word(const struct ui *ui, const struct ui_logs *L, char *out, size_t n)
{
	bool gone;
	const char *st = sandbox_state(ui, L->id, &gone);
	if (L->ended) {
		switch (L->why) {
		case DK_LOGS_EOF:
			snprintf(out, n, "stream ended: %s", gone ? "the container is gone" : st && strcmp(st, "paused") != 0
				? "the container stopped" : "the engine closed it");
			break;
		case DK_LOGS_FAILED: snprintf(out, n, "stream ended: could not open it: %s", L->why_msg); break;
		case DK_LOGS_LOST: snprintf(out, n, "stream ended: the engine went away: %s", L->why_msg); break;
		default: snprintf(out, n, "stream ended: %s", L->why_msg); break;
		}
	} else if (!L->opened) {
		snprintf(out, n, "connecting…");
	} else if (st && (!strcmp(st, "paused") || !strcmp(st, "frozen") || !strcmp(st, "freezing"))) {
		snprintf(out, n, "%s: showing the past", st);
	} else {
		snprintf(out, n, "live");
	}
}

static void draw_header(struct ui *ui, struct ui_logs *L, int y, uint64_t last)
{
	attr_t hdr = ui_attr(ui, UI_R_HEADER);
	char state[400], view[64], count[96], line[1024];
	stream_word(ui, L, state, sizeof state);
	if (L->follow)
		snprintf(view, sizeof view, "following");
	else if (L->n && last + 1 < L->total)
		snprintf(view, sizeof view, "scrolled: %llu line%s below", (unsigned long long)(L->total - 1 - last),
			L->total - 1 - last == 1 ? "" : "s");
	else
		snprintf(view, sizeof view, "scrolled");
	uint64_t dropped = L->total - L->n;
	snprintf(count, sizeof count, "%zu line%s kept%s%.0llu%s", L->n, L->n == 1 ? "" : "s",
		dropped ? ", " : "", (unsigned long long)dropped, dropped ? " dropped" : "");
	snprintf(line, sizeof line, "logs of %s (%.12s) · %s · %s · %s%s", L->name, L->id, state, view, count,
		L->tty ? " · tty: one stream" : "");
	/* the end is worth a colour of its own */
	attr_t a = L->ended ? ui_attr(ui, UI_R_ALERT) : hdr;
	ui_fill(y, 0, COLS, a);
	ui_put(y, 1, line, COLS - 1, a);
}

/* "/word: match 2 of 5", "/word: no match", or "" without a search. */
static void search_word(struct ui_logs *L, char *out, size_t n)
{
	size_t nm, rank;
	out[0] = '\0';
	if (!L->query[0])
		return;
	logs_match_count(L, &nm, &rank);
	if (!nm)
		snprintf(out, n, "/%s: no match", L->query);
	else if (rank)
		snprintf(out, n, "/%s: match %zu of %zu", L->query, rank, nm);
	else
		snprintf(out, n, "/%s: %zu match%s", L->query, nm, nm == 1 ? "" : "es");
}

static void draw_prefix(struct ui *ui, const struct ui_logs *L, const struct lline *l, int y, bool cur)
{
	if (L->prefix_w > (L->tty ? 0 : LABEL_COLS))
		ui_put(y, 0, l->ts[0] ? l->ts : "-", TS_COLS - 1, ui_attr(ui, UI_R_DIM));
	if (L->tty)
		return;
	static const char *const labels[] = {"", "out", "err", "eng"};
	enum ui_role role = l->stream == DK_LOG_STDERR ? UI_R_STOPPED : l->stream == DK_LOG_ENGINE ? UI_R_WARN : UI_R_DIM;
	attr_t a = ui_attr(ui, role) | (l->stream == DK_LOG_STDERR ? A_BOLD : 0) | (cur ? A_REVERSE : 0);
	ui_put(y, L->prefix_w - LABEL_COLS, labels[l->stream <= 3 ? l->stream : 0], LABEL_COLS - 1, a);
}

void ui_logs_draw(struct ui *ui, int y0, int y1)
{
	struct ui_logs *L = ui->logs;
	if (y1 <= y0)
		return;
	if (!L) {
		attr_t hdr = ui_attr(ui, UI_R_HEADER);
		ui_fill(y0, 0, COLS, hdr);
		ui_put(y0, 1, "logs: nothing open", COLS - 1, hdr);
		return;
	}
	int lw = L->tty ? 0 : LABEL_COLS;
	int tsw = L->timestamps && COLS - lw - TS_COLS >= TEXT_MIN ? TS_COLS : 0;
	L->prefix_w = lw + tsw;
	L->width = COLS - L->prefix_w > 1 ? COLS - L->prefix_w : 1;
	L->rows = y1 - y0 - 1;
	logs_view_fix(L);
	uint64_t seq = L->top, last = L->top;
	int y = y0 + 1, sub = L->top_sub;
	const char *q = L->query;
	for (; y < y1 && seq < L->total; seq++) {
		struct lline *l = logs_line(L, seq);
		bool cur = L->has_cur && seq == L->cur;
		attr_t hl = cur ? A_REVERSE | A_BOLD : A_UNDERLINE | A_BOLD;
		size_t off = 0;
		for (int row = 0; y < y1; row++) {
			bool show = row >= sub;
			if (show && row == 0)
				draw_prefix(ui, L, l, y, cur);
			size_t next = ui_put_row(y, L->prefix_w, L->width, l->text, off, L->wrap ? 0 : L->hscroll, q,
				A_NORMAL, hl, !show);
			if (show && !L->wrap && l->text[next])
				ui_put(y, COLS - 1, "…", 1, ui_attr(ui, UI_R_DIM));   /* more to the right */
			if (show)
				y++;
			if (!L->wrap || !l->text[next] || next == off)
				break;
			off = next;
		}
		last = seq;
		sub = 0;
	}
	draw_header(ui, L, y0, last);
}

bool ui_logs_draw_bottom(struct ui *ui, int y, int cols)
{
	struct ui_logs *L = ui->logs;
	if (ui->screen != UI_LOGS || !L || cols <= 0)
		return false;
	/* the search on the right, the prompt, a message or the hints left of it */
	char sw[LOGS_QUERY_MAX + 64];
	search_word(L, sw, sizeof sw);
	if (sw[0] && !L->prompting) {
		int w = ui_put_right(y, cols, sw, cols / 2, ui_attr(ui, UI_R_TITLE));
		cols -= w + 2;
		if (cols <= 0)
			return true;
	}
	if (L->prompting) {
		int x = ui_put(y, 0, "/", cols, ui_attr(ui, UI_R_TITLE));
		int room = cols - x - 1;
		const char *p = L->prompt;
		while (room > 0 && *p && ui_width(p, room + 1) > room) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
		}
		if (room > 0)
			x += ui_put(y, x, p, room, A_NORMAL);
		ui_fill(y, x, 1, A_REVERSE);
		return true;
	}
	if (ui->msg[0]) {
		attr_t a = ui_attr(ui, UI_R_MSG);
		ui_fill(y, 0, cols, a);
		ui_put(y, 0, ui->msg, cols, a);
		return true;
	}
	static const struct { enum km_action a; const char *label; } hints[] = {
		{KA_BACK, "back"}, {KA_SEARCH, "search"}, {KA_SEARCH_NEXT, "next"}, {KA_SEARCH_PREV, "previous"},
		{KA_WRAP, "wrap"}, {KA_TIMESTAMPS, "timestamps"}, {KA_END, "end, follow"}, {KA_HELP, "help"},
	};
	int x = 0;
	for (size_t i = 0; i < sizeof hints / sizeof hints[0] && x < cols; i++) {
		char key[KM_KEY_NAME_MAX];
		keymap_key_for(ui->o->km, KT_LOGS, hints[i].a, key, sizeof key);
		if (!key[0])
			continue;
		int kw = ui_width(key, KM_KEY_NAME_MAX), lw = ui_width(hints[i].label, 32);
		if (x + kw + 1 + lw > cols)
			break;
		x += ui_put(y, x, key, kw, ui_attr(ui, UI_R_KEY));
		x += 1 + ui_put(y, x + 1, hints[i].label, lw, ui_attr(ui, UI_R_HINT)) + 2;
	}
	return true;
}
