/* help: the help screen, built from the effective keymap (keys, actions, notes). */
#include "tui/ui.h"

#include <stdio.h>
#include <string.h>

/* One line of the help body. */
struct hline {
	enum { HL_BLANK, HL_TITLE, HL_BIND, HL_TEXT } kind;
	char keys[96];        /* HL_BIND: "q, F10" */
	const char *action;   /* HL_BIND: "quit" */
	const char *text;     /* HL_BIND: note or action help; HL_TITLE/HL_TEXT: the text */
};

#define MAX_LINES (KT_COUNT * (KA_COUNT + 2) + 32)

static const char *const table_titles[KT_COUNT] = {
	[KT_GLOBAL] = "Everywhere",
	[KT_LIST] = "Container list",
	[KT_HELP] = "This help screen",
	[KT_VIEW] = "Desktop view",
	[KT_WALL] = "Wall of desktops",
	[KT_LOGS] = "Logs of a sandbox",
};

/* Append a key name to a ", "-separated list; mark a cut with "…". */
static void keys_append(char *keys, size_t cap, const char *name)
{
	size_t len = strlen(keys);
	size_t need = strlen(name) + (len ? 2 : 0);
	if (len + need + sizeof "…" > cap) {  /* always leave room for the mark */
		if (!strstr(keys, "…"))
			snprintf(keys + len, cap - len, "…");
		return;
	}
	snprintf(keys + len, cap - len, "%s%s", len ? ", " : "", name);
}

static int add(struct hline *L, int n, int kind, const char *text)
{
	if (n >= MAX_LINES)
		return n;
	memset(&L[n], 0, sizeof L[n]);
	L[n].kind = kind;
	L[n].text = text;
	return n + 1;
}

/* One line per (table, action), keys merged, in keymap order. */
static int build(const struct ui *ui, struct hline *L, char *errline, size_t errcap)
{
	const struct keymap *km = ui->o->km;
	size_t nb = keymap_count(km);
	int n = 0;
	for (int t = 0; t < KT_COUNT; t++) {
		int first = n;
		int line_of[KA_COUNT];
		for (int a = 0; a < KA_COUNT; a++)
			line_of[a] = -1;
		n = add(L, n, HL_TITLE, table_titles[t]);
		for (size_t i = 0; i < nb; i++) {
			struct km_binding b;
			if (keymap_binding(km, i, &b) != 0 || (int)b.table != t)
				continue;
			if (b.action <= KA_NONE || b.action >= KA_COUNT)
				continue;
			char name[KM_KEY_NAME_MAX];
			km_key_name(b.key, name, sizeof name);
			int l = line_of[b.action];
			if (l < 0) {
				if (n >= MAX_LINES)
					continue;
				l = line_of[b.action] = n;
				n = add(L, n, HL_BIND, km_action_help(b.action));
				L[l].action = km_action_name(b.action);
			}
			keys_append(L[l].keys, sizeof L[l].keys, name);
			if (b.note && *b.note && L[l].text == km_action_help(b.action))
				L[l].text = b.note;
		}
		if (n == first + 1)
			n = first;   /* an empty table: no title */
		else
			n = add(L, n, HL_BLANK, NULL);
	}
	if (ui->o->keymap_errors > 0) {
		snprintf(errline, errcap, "keymap: %d bad line%s, first: %s", ui->o->keymap_errors,
			ui->o->keymap_errors == 1 ? "" : "s",
			ui->o->keymap_first_error ? ui->o->keymap_first_error : "?");
		n = add(L, n, HL_TEXT, errline);
		n = add(L, n, HL_BLANK, NULL);
	}
	n = add(L, n, HL_TITLE, "Columns");
	n = add(L, n, HL_TEXT, "CPU% as docker stats (100 = one core); QUOTA% of the sandbox's own CPU limit ('-': none).");
	n = add(L, n, HL_TEXT, "MEM working set, MEM% of its limit; NET rx/tx and IO read/write per second; PIDS now/limit.");
	n = add(L, n, HL_TEXT, "TTL: time left of the sandtop.ttl budget (seconds since start); 'over' once spent.");
	n = add(L, n, HL_TEXT, "ACT: active (the desktop changed lately), stuck (CPU busy, desktop still), busy, idle.");
	n = add(L, n, HL_TEXT, "Blank numbers: not running; '…': not sampled yet. Dim numbers are older than 2.5 intervals.");
	n = add(L, n, HL_TEXT, "Sorting uses smoothed numbers, so rows do not jump at every sample; stopped rows go last.");
	n = add(L, n, HL_BLANK, NULL);
	n = add(L, n, HL_TITLE, "Filter");
	n = add(L, n, HL_TEXT, "text: part of the name, image, owner or task (any case), or the start of the id;");
	n = add(L, n, HL_TEXT, "label:KEY has the label; label:KEY=VALUE has it with exactly that value.");
	n = add(L, n, HL_TEXT, "engine:NAME: the sandboxes of that engine (several -H, or the config's engine lines).");
	n = add(L, n, HL_TEXT, "In the prompt: Enter keeps the filter, Esc restores the previous one, C-u clears the line.");
	n = add(L, n, HL_BLANK, NULL);
	n = add(L, n, HL_TITLE, ui->o->mouse ? "Mouse" : "Mouse (off: --no-mouse or 'mouse off'; the terminal keeps it)");
	n = add(L, n, HL_TEXT, "A click selects a row of the list or a tile of the wall; a double click opens its desktop view.");
	n = add(L, n, HL_TEXT, "The wheel moves the list's selection 3 rows, scrolls help and the isolation pane, and pages the wall.");
	n = add(L, n, HL_TEXT, "Shift and the mouse select text as usual in most terminals.");
	n = add(L, n, HL_BLANK, NULL);
	n = add(L, n, HL_TITLE, "Desktops");
	n = add(L, n, HL_TEXT, "The wall shows as many tiles as the screen holds at the tile size (wall-bigger, wall-smaller change it).");
	n = add(L, n, HL_TEXT, "A desktop off screen for 30 s stops its connection; its last picture stays until it is back.");
	n = add(L, n, HL_TEXT, "Paused or frozen: the last picture with \"paused\" or \"frozen\"; nothing is retried until it runs.");
	n = add(L, n, HL_BLANK, NULL);
	n = add(L, n, HL_TITLE, "Logs");
	n = add(L, n, HL_TEXT, "out: the sandbox's stdout, err (red): its stderr; a tty sandbox has one stream. Every line is");
	n = add(L, n, HL_TEXT, "shown sanitized; the screen keeps the newest lines (10000 unless configured), older ones go.");
	n = add(L, n, HL_TEXT, "At the end it follows; scrolling up stops that. Search ignores case; n newer, N older.");
	n = add(L, n, HL_BLANK, NULL);
	n = add(L, n, HL_TEXT, "STATE colours: running green, paused yellow, exited/dead red, restarting magenta.");
	n = add(L, n, HL_TEXT, "Every name, label and message from the engine is shown sanitized.");
	return n;
}

static void clamp_top(struct ui *ui)
{
	int max = ui->help_lines - ui->help_rows;
	if (ui->help_top > max)
		ui->help_top = max;
	if (ui->help_top < 0)
		ui->help_top = 0;
}

void ui_help_scroll(struct ui *ui, long delta)
{
	/* Lines are few (well below INT_MAX): clamp delta before adding. */
	if (delta > MAX_LINES)
		delta = MAX_LINES;
	if (delta < -MAX_LINES)
		delta = -MAX_LINES;
	ui->help_top += (int)delta;
	clamp_top(ui);
}

void ui_help_draw(struct ui *ui, int y0, int y1)
{
	static struct hline L[MAX_LINES];
	char errline[600];
	int n = build(ui, L, errline, sizeof errline);

	if (y1 <= y0)
		return;
	attr_t hdr = ui_attr(ui, UI_R_HEADER);
	ui_fill(y0, 0, COLS, hdr);
	ui_put(y0, 1, "sandtop help: keys and actions", COLS - 1, hdr);

	int keyw = 4, actw = 11;
	for (int i = 0; i < n; i++)
		if (L[i].kind == HL_BIND) {
			int w = ui_width(L[i].keys, 24);
			if (w > keyw)
				keyw = w;
			w = ui_width(L[i].action, 16);
			if (w > actw)
				actw = w;
		}
	ui->help_rows = y1 - y0 - 1;
	ui->help_lines = n;
	clamp_top(ui);

	for (int r = 0; r < ui->help_rows && ui->help_top + r < n; r++) {
		const struct hline *h = &L[ui->help_top + r];
		int y = y0 + 1 + r;
		switch (h->kind) {
		case HL_BLANK:
			break;
		case HL_TITLE:
			ui_put(y, 1, h->text, COLS - 1, ui_attr(ui, UI_R_TITLE));
			break;
		case HL_TEXT:
			ui_put(y, 1, h->text, COLS - 1, A_NORMAL);
			break;
		case HL_BIND: {
			int x = 3;
			ui_put(y, x, h->keys, keyw, ui_attr(ui, UI_R_TITLE));
			x += keyw + 2;
			if (x < COLS)
				ui_put(y, x, h->action, actw, A_NORMAL);
			x += actw + 1;
			if (x < COLS)
				ui_put(y, x, h->text, COLS - x, A_NORMAL);
			break;
		}
		}
	}
}
