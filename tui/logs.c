/* logs: the logs screen's stream of the selected sandbox, the ring of its last lines (sanitized once), scrolling, wrap, timestamps and search. */
#include "tui/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xalloc.h"

/* ---- the ring ---- */

uint64_t logs_first(const struct ui_logs *L)
{
	return L->total - L->n;
}

struct lline *logs_line(struct ui_logs *L, uint64_t seq)
{
	return &L->ring[(L->head + (size_t)(seq - logs_first(L))) % L->cap_alloc];
}

static void drop_oldest(struct ui_logs *L)
{
	struct lline *l = &L->ring[L->head];
	L->bytes -= strlen(l->text) + 1;
	free(l->text);
	l->text = NULL;
	L->head = (L->head + 1) % L->cap_alloc;
	L->n--;
}

/* Room for one more line: the array grows (in order) up to cap entries. */
static void grow(struct ui_logs *L)
{
	size_t na = L->cap_alloc ? L->cap_alloc * 2 : 1024;
	if (na > L->cap)
		na = L->cap;
	struct lline *r = xcalloc(na, sizeof *r);
	for (size_t i = 0; i < L->n; i++)
		r[i] = L->ring[(L->head + i) % L->cap_alloc];
	free(L->ring);
	L->ring = r;
	L->cap_alloc = na;
	L->head = 0;
}

/* "2026-01-01T00:00:00.123456789Z" to milliseconds: "2026-01-01T00:00:00.123Z". */
static void short_ts(const char *ts, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	while (i < n && ts[i] != '.' && o + 1 < cap)
		out[o++] = ts[i++];
	if (i < n && ts[i] == '.') {
		for (int d = 0; i < n && (d == 0 || (ts[i] >= '0' && ts[i] <= '9')); i++, d++)
			if (d <= 3 && o + 1 < cap)
				out[o++] = ts[i];
	}
	while (i < n && o + 1 < cap)
		out[o++] = ts[i++];
	out[o] = '\0';
}

static void ring_push(struct ui_logs *L, const struct dk_log_line *dl)
{
	char *text = sanitize_dup(dl->text, dl->len);
	if (dl->cut) {
		char *t = xasprintf("%s… [cut: the line is over %zu bytes]", text, (size_t)DK_LOGS_LINE_DEFAULT);
		free(text);
		text = t;
	}
	size_t sz = strlen(text) + 1;
	while (L->n > 0 && (L->n == L->cap || L->bytes + sz > L->bytes_max))
		drop_oldest(L);
	if (L->n == L->cap_alloc)
		grow(L);
	struct lline *l = &L->ring[(L->head + L->n) % L->cap_alloc];
	l->text = text;
	l->stream = (unsigned char)dl->stream;
	short_ts(dl->ts, dl->ts_len, l->ts, sizeof l->ts);
	L->bytes += sz;
	L->n++;
	L->total++;
	L->changed = true;
}

static void ring_clear(struct ui_logs *L)
{
	while (L->n > 0)
		drop_oldest(L);
	free(L->ring);
	L->ring = NULL;
	L->cap_alloc = 0;
	L->head = 0;
	L->total = 0;
	L->top = 0;
	L->top_sub = 0;
	L->has_cur = false;
}

/* ---- the stream ---- */

static void on_open(void *ud, bool tty)
{
	struct ui_logs *L = ud;
	L->opened = true;
	L->tty = tty;
	L->changed = true;
}

static void on_line(void *ud, const struct dk_log_line *l)
{
	ring_push(ud, l);
}

static void on_end(void *ud, enum dk_logs_end why, const struct err *e)
{
	struct ui_logs *L = ud;
	L->st = NULL;    /* freed after this returns */
	if (why == DK_LOGS_CANCELLED)
		return;
	L->ended = true;
	L->why = why;
	snprintf(L->why_msg, sizeof L->why_msg, "%s", e ? e->msg : "");
	L->changed = true;
}

static void stream_start(struct ui *ui, struct ui_logs *L)
{
	struct dk_logs_opts o = {.follow = true, .timestamps = true, .tail = (long)L->cap,
	                         .line_max = DK_LOGS_LINE_DEFAULT};
	struct dk_logs_cbs cbs = {.open = on_open, .line = on_line, .end = on_end};
	L->opened = L->ended = false;
	L->why_msg[0] = '\0';
	L->follow = true;
	/* the sandbox's own engine (the first when it is no longer listed) */
	const struct dk_container *c = ui_inv_find(ui, L->id);
	struct dk_client *client = c ? ui_eng(ui, c)->client : ui->o->engines[0].client;
	L->st = dk_logs_stream_open(client, L->id, &o, &cbs, L);
}

void ui_logs_close(struct ui *ui)
{
	struct ui_logs *L = ui->logs;
	if (!L)
		return;
	if (L->st)
		dk_logs_stream_cancel(L->st);
	ring_clear(L);
	free(L);
	ui->logs = NULL;
}

void ui_logs_open(struct ui *ui)
{
	ui_list_sync(ui);
	if (ui_rows_count(ui) == 0) {
		ui_status_msg(ui, 2000, "no sandbox selected");
		return;
	}
	const struct dk_container *c = ui_rows_get(ui, ui->sel);
	ui_logs_close(ui);
	struct ui_logs *L = xcalloc(1, sizeof *L);
	snprintf(L->id, sizeof L->id, "%s", c->id);
	snprintf(L->name, sizeof L->name, "%s", c->name ? c->name : "");
	long ring = ui->o->logs_ring > 0 ? ui->o->logs_ring : LOGS_RING_DEFAULT;
	L->cap = (size_t)(ring < LOGS_RING_MIN ? LOGS_RING_MIN : ring > LOGS_RING_MAX ? LOGS_RING_MAX : ring);
	L->bytes_max = L->cap * LOGS_BYTES_PER_LINE < LOGS_BYTES_MIN ? LOGS_BYTES_MIN : L->cap * LOGS_BYTES_PER_LINE;
	ui->logs = L;
	ui_screen_open(ui, UI_LOGS);
	stream_start(ui, L);
}

/* ---- the view ---- */

int logs_line_rows(const struct ui_logs *L, const struct lline *l)
{
	if (!L->wrap || L->width <= 0)
		return 1;
	if (sanitize_width(l->text) <= (size_t)L->width)
		return 1;
	int rows = 0;
	for (size_t off = 0, len = strlen(l->text); off < len && rows < 100000; rows++) {
		size_t next = ui_put_row(0, 0, L->width, l->text, off, 0, "", A_NORMAL, A_NORMAL, true);
		if (next == off)
			break;
		off = next;
	}
	return rows > 0 ? rows : 1;
}

void logs_end_top(const struct ui_logs *L, uint64_t *top, int *sub)
{
	*top = L->total;
	*sub = 0;
	if (L->n == 0)
		return;
	int need = L->rows > 0 ? L->rows : 1;
	uint64_t first = logs_first(L);
	for (uint64_t seq = L->total - 1;; seq--) {
		int r = logs_line_rows(L, logs_line((struct ui_logs *)L, seq));
		if (r >= need || seq == first) {
			*top = seq;
			*sub = r >= need ? r - need : 0;
			return;
		}
		need -= r;
	}
}

static void clamp_top(struct ui_logs *L)
{
	if (L->top < logs_first(L)) {
		L->top = logs_first(L);
		L->top_sub = 0;
	}
}

/* Scroll by delta rows; reaching the end follows again. */
static void view_scroll(struct ui_logs *L, long delta)
{
	if (L->n == 0)
		return;
	uint64_t et;
	int es;
	logs_end_top(L, &et, &es);
	if (L->follow) {
		L->top = et;
		L->top_sub = es;
		L->follow = false;
	}
	clamp_top(L);
	uint64_t first = logs_first(L);
	for (; delta < 0; delta++) {
		if (L->top_sub > 0) {
			L->top_sub--;
		} else if (L->top > first) {
			L->top--;
			L->top_sub = logs_line_rows(L, logs_line(L, L->top)) - 1;
		} else {
			break;
		}
	}
	for (; delta > 0; delta--) {
		if (L->top > et || (L->top == et && L->top_sub >= es))
			break;
		if (++L->top_sub >= logs_line_rows(L, logs_line(L, L->top))) {
			L->top++;
			L->top_sub = 0;
		}
	}
	if (L->top > et || (L->top == et && L->top_sub >= es))
		L->follow = true;
}

/* The last line (partly) on screen from (top, top_sub). */
static uint64_t last_shown(struct ui_logs *L)
{
	uint64_t seq = L->top;
	int used = -L->top_sub;
	while (seq + 1 < L->total) {
		used += logs_line_rows(L, logs_line(L, seq));
		if (used >= L->rows)
			break;
		seq++;
	}
	return seq;
}

/* ---- search ---- */

static bool line_matches(const struct lline *l, const char *q)
{
	return q[0] && strcasestr(l->text, q) != NULL;
}

void logs_match_count(struct ui_logs *L, size_t *count, size_t *rank)
{
	*count = 0;
	*rank = 0;
	if (!L->query[0])
		return;
	for (uint64_t seq = logs_first(L); seq < L->total; seq++)
		if (line_matches(logs_line(L, seq), L->query)) {
			(*count)++;
			if (L->has_cur && seq == L->cur)
				*rank = *count;
		}
}

/* The nearest matching line from seq on in direction dir (+1 newer, -1 older). */
static bool find(struct ui_logs *L, uint64_t seq, int dir, uint64_t *out)
{
	uint64_t first = logs_first(L);
	if (L->n == 0 || seq < first || seq >= L->total)
		return false;
	for (;;) {
		if (line_matches(logs_line(L, seq), L->query)) {
			*out = seq;
			return true;
		}
		if ((dir > 0 && seq + 1 >= L->total) || (dir < 0 && seq == first))
			return false;
		seq = dir > 0 ? seq + 1 : seq - 1;
	}
}

/* Make seq the current match, on screen (a third down when it was not). */
static void show_match(struct ui_logs *L, uint64_t seq)
{
	uint64_t et;
	int es;
	logs_end_top(L, &et, &es);
	if (L->follow) {
		L->top = et;
		L->top_sub = es;
	}
	L->follow = false;
	L->has_cur = true;
	L->cur = seq;
	if (seq >= L->top && seq <= last_shown(L))
		return;
	L->top = seq;
	L->top_sub = 0;
	for (int need = L->rows / 3; need > 0 && L->top > logs_first(L);)
		need -= logs_line_rows(L, logs_line(L, --L->top));
	if (L->top > et) {
		L->top = et;
		L->top_sub = es;
	}
}

static void search_step(struct ui *ui, int dir)
{
	struct ui_logs *L = ui->logs;
	if (!L->query[0]) {
		ui_status_msg(ui, 2000, "no search: / and a word first");
		return;
	}
	if (L->n == 0) {
		ui_status_msg(ui, 2000, "no lines");
		return;
	}
	if (L->has_cur && L->cur < logs_first(L))
		L->has_cur = false;   /* it was dropped from the ring */
	uint64_t from, hit;
	if (L->has_cur) {
		if ((dir > 0 && L->cur + 1 >= L->total) || (dir < 0 && L->cur == logs_first(L))) {
			ui_status_msg(ui, 2000, "no match %s", dir > 0 ? "below" : "above");
			return;
		}
		from = dir > 0 ? L->cur + 1 : L->cur - 1;
	} else {
		uint64_t et;
		int es;
		logs_end_top(L, &et, &es);
		uint64_t top = L->follow ? et : L->top;
		if (L->follow)
			from = dir > 0 ? top : L->total - 1;
		else
			from = dir > 0 ? top : last_shown(L);
		if (from < logs_first(L))
			from = logs_first(L);
	}
	if (find(L, from, dir, &hit))
		show_match(L, hit);
	else
		ui_status_msg(ui, 2000, "no match %s", dir > 0 ? "below" : "above");
}

bool ui_logs_prompting(const struct ui *ui)
{
	return ui->screen == UI_LOGS && ui->logs && ui->logs->prompting;
}

void ui_logs_prompt_key(struct ui *ui, int key)
{
	struct ui_logs *L = ui->logs;
	size_t len = strlen(L->prompt);
	char enc[4];
	switch (key) {
	case KM_KEY_ENTER:
		L->prompting = false;
		snprintf(L->query, sizeof L->query, "%s", L->prompt);
		L->has_cur = false;
		if (L->query[0])
			search_step(ui, L->follow ? -1 : 1);   /* following: the newest match */
		return;
	case KM_KEY_ESC:
		L->prompting = false;
		return;
	case KM_KEY_BACKSPACE:
	case KM_CTRL('h'):
		while (len > 0 && ((unsigned char)L->prompt[len - 1] & 0xc0) == 0x80)
			len--;
		L->prompt[len > 0 ? len - 1 : 0] = '\0';
		return;
	case KM_CTRL('u'):
		L->prompt[0] = '\0';
		return;
	default:
		break;
	}
	if (key < 32 || key >= 0x110000 || (key >= 0x7f && key < 0xa0) || (key >= 0xd800 && key < 0xe000) ||
	    utf8_is_invisible((uint32_t)key))
		return;
	size_t n = utf8_encode((uint32_t)key, enc);
	if (len + n < sizeof L->prompt) {
		memcpy(L->prompt + len, enc, n);
		L->prompt[len + n] = '\0';
	}
}

/* ---- keys ---- */

static long page(const struct ui_logs *L)
{
	return L->rows > 2 ? L->rows - 1 : 1;
}

bool ui_logs_action(struct ui *ui, enum km_action a)
{
	struct ui_logs *L = ui->logs;
	if (ui->screen != UI_LOGS || !L)
		return false;
	switch (a) {
	case KA_BACK:
	case KA_LOGS:
		ui_logs_close(ui);
		ui_screen_back(ui);
		break;
	case KA_UP: view_scroll(L, -1); break;
	case KA_DOWN: view_scroll(L, 1); break;
	case KA_PAGE_UP: view_scroll(L, -page(L)); break;
	case KA_PAGE_DOWN: view_scroll(L, page(L)); break;
	case KA_HOME:
		L->follow = false;
		L->top = logs_first(L);
		L->top_sub = 0;
		break;
	case KA_END:
		L->follow = true;
		L->hscroll = 0;
		break;
	case KA_LEFT:
	case KA_RIGHT:
		if (L->wrap)
			break;
		L->hscroll += (a == KA_LEFT ? -1 : 1) * (L->width > 8 ? L->width / 2 : 4);
		if (L->hscroll < 0)
			L->hscroll = 0;
		break;
	case KA_WRAP:
		L->wrap = !L->wrap;
		L->top_sub = 0;
		L->hscroll = 0;
		ui_status_msg(ui, 1500, "%s", L->wrap ? "wrap: long lines go on below" : "no wrap: long lines are cut at the edge");
		break;
	case KA_TIMESTAMPS:
		L->timestamps = !L->timestamps;
		L->top_sub = 0;
		ui_status_msg(ui, 1500, "timestamps %s", L->timestamps ? "shown" : "hidden");
		break;
	case KA_SEARCH:
		L->prompting = true;
		snprintf(L->prompt, sizeof L->prompt, "%s", L->query);
		break;
	case KA_SEARCH_NEXT:
	case KA_SEARCH_PREV:
		search_step(ui, a == KA_SEARCH_NEXT ? 1 : -1);
		break;
	case KA_REFRESH:
		/* a new stream: the last lines of the log again (after an end) */
		if (L->st)
			dk_logs_stream_cancel(L->st);
		ring_clear(L);
		stream_start(ui, L);
		ui_status_msg(ui, 1500, "reading the log again");
		break;
	default:
		return false;
	}
	return true;
}

int ui_logs_tick(struct ui *ui, int64_t mono_ms, bool *dirty)
{
	struct ui_logs *L = ui->logs;
	if (L && ui->screen != UI_LOGS) {
		/* left for good (not only for help on top): the stream goes */
		bool below = false;
		for (int i = 0; i < ui->nback; i++)
			below |= ui->back[i] == UI_LOGS;
		if (!below)
			ui_logs_close(ui);
		return -1;
	}
	if (!L || !L->changed)
		return -1;
	int64_t left = L->last_frame_ms + LOGS_FRAME_MS - mono_ms;
	if (left > 0)
		return (int)left;
	L->changed = false;
	L->last_frame_ms = mono_ms;
	*dirty = true;
	return -1;
}

/* Keep the view's anchor valid before a frame. */
void logs_view_fix(struct ui_logs *L)
{
	clamp_top(L);
	if (L->follow)
		logs_end_top(L, &L->top, &L->top_sub);
}
