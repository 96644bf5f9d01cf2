/* draw: colours and the text primitives; every string reaches curses through ui_put. */
#include "tui/ui.h"

#include <string.h>

#include "base/sanitize.h"

/* Widest single piece of text we draw, in columns; the buffer holds that many
 * 4-byte characters plus the ellipsis. Wider terminals just see it cut. */
#define UI_PUT_MAXCOLS 2000
static char put_buf[UI_PUT_MAXCOLS * 4 + 16];

enum {
	PAIR_GREEN = 1,
	PAIR_YELLOW,
	PAIR_RED,
	PAIR_MAGENTA,
	PAIR_BANNER_ERR,
	PAIR_BANNER_INFO,
	PAIR_KEY,
	PAIR_HEADER,
	PAIR_COUNT,
	PAIR_ROLE0 = PAIR_COUNT,   /* then one pair per config role */
};

/* The config file's roles onto ours, and what each shows while colours
 * are on (set by ui_colors_init; the screen is single-threaded). */
static const enum ui_role from_cfg_role[CFG_ROLE_COUNT] = {
	[CFG_ROLE_TITLE] = UI_R_TITLE, [CFG_ROLE_HEADER] = UI_R_HEADER, [CFG_ROLE_RUNNING] = UI_R_RUNNING,
	[CFG_ROLE_PAUSED] = UI_R_PAUSED, [CFG_ROLE_STOPPED] = UI_R_STOPPED, [CFG_ROLE_RESTARTING] = UI_R_RESTARTING,
	[CFG_ROLE_OTHER] = UI_R_OTHER, [CFG_ROLE_BANNER_ERROR] = UI_R_BANNER_ERR,
	[CFG_ROLE_BANNER_INFO] = UI_R_BANNER_INFO, [CFG_ROLE_KEY] = UI_R_KEY, [CFG_ROLE_HINT] = UI_R_HINT,
	[CFG_ROLE_MESSAGE] = UI_R_MSG, [CFG_ROLE_DIM] = UI_R_DIM, [CFG_ROLE_WARN] = UI_R_WARN, [CFG_ROLE_ALERT] = UI_R_ALERT,
};
static attr_t role_attr[UI_R_COUNT];
static bool role_set[UI_R_COUNT];

/* A colour the terminal has: c itself, else the role's built-in one, else
 * the terminal's own (-1, or dflt when it has no default colours). */
static short usable(int c, int builtin, bool have_default, short dflt)
{
	if (c >= COLORS)
		c = builtin < COLORS ? builtin : -1;
	if (c < 0)
		return have_default ? -1 : dflt;
	return (short)c;
}

/* Each config role's pair and attributes (the file's, else built in). */
static void roles_init(const struct ui *ui, bool have_default)
{
	if (COLOR_PAIRS < PAIR_ROLE0 + CFG_ROLE_COUNT)
		return;   /* the switch in ui_attr stays in charge */
	for (int r = 0; r < CFG_ROLE_COUNT; r++) {
		struct cfg_colour b = cfg_colour_builtin((enum cfg_role)r);
		struct cfg_colour c = ui->o->colours ? ui->o->colours[r] : b;
		attr_t a = 0;
		if (c.attrs & CFG_ATTR_BOLD)
			a |= A_BOLD;
		if (c.attrs & CFG_ATTR_DIM)
			a |= A_DIM;
		if (c.attrs & CFG_ATTR_UNDERLINE)
			a |= A_UNDERLINE;
		if (c.attrs & CFG_ATTR_REVERSE)
			a |= A_REVERSE;
		if (c.fg != CFG_COLOUR_DEFAULT || c.bg != CFG_COLOUR_DEFAULT) {
			short pair = (short)(PAIR_ROLE0 + r);
			init_pair(pair, usable(c.fg, b.fg, have_default, COLOR_WHITE),
				usable(c.bg, b.bg, have_default, COLOR_BLACK));
			a |= COLOR_PAIR(pair);
		}
		enum ui_role u = from_cfg_role[r];
		role_attr[u] = a;
		role_set[u] = true;
	}
}

void ui_colors_init(struct ui *ui)
{
	if (!ui->color)
		return;
	if (!has_colors() || start_color() == ERR || COLORS < 8 || COLOR_PAIRS < PAIR_COUNT) {
		ui->color = false;
		return;
	}
	short bg = -1;
	bool have_default = use_default_colors() != ERR;
	if (!have_default)
		bg = COLOR_BLACK;
	init_pair(PAIR_GREEN, COLOR_GREEN, bg);
	init_pair(PAIR_YELLOW, COLOR_YELLOW, bg);
	init_pair(PAIR_RED, COLOR_RED, bg);
	init_pair(PAIR_MAGENTA, COLOR_MAGENTA, bg);
	init_pair(PAIR_BANNER_ERR, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_BANNER_INFO, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PAIR_KEY, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_GREEN);
	roles_init(ui, have_default);
}

attr_t ui_attr(const struct ui *ui, enum ui_role r)
{
	if (!ui->color) {
		switch (r) {
		case UI_R_TITLE: return A_BOLD;
		case UI_R_HEADER: return A_BOLD | A_UNDERLINE;
		case UI_R_RUNNING: return A_BOLD;
		case UI_R_BANNER_ERR: return A_REVERSE | A_BOLD;
		case UI_R_BANNER_INFO: return A_REVERSE;
		case UI_R_KEY: return A_REVERSE;
		case UI_R_MSG: return A_BOLD;
		case UI_R_DIM: return A_DIM;
		case UI_R_WARN: return A_BOLD;
		case UI_R_ALERT: return A_REVERSE | A_BOLD;
		default: return A_NORMAL;
		}
	}
	if ((int)r >= 0 && r < UI_R_COUNT && role_set[r])
		return role_attr[r];
	/* roles the config file does not name (and terminals with few pairs) */
	switch (r) {
	case UI_R_TITLE: return A_BOLD;
	case UI_R_HEADER: return COLOR_PAIR(PAIR_HEADER);
	case UI_R_RUNNING: return COLOR_PAIR(PAIR_GREEN);
	case UI_R_PAUSED: return COLOR_PAIR(PAIR_YELLOW);
	case UI_R_STOPPED: return COLOR_PAIR(PAIR_RED);
	case UI_R_RESTARTING: return COLOR_PAIR(PAIR_MAGENTA);
	case UI_R_BANNER_ERR: return COLOR_PAIR(PAIR_BANNER_ERR) | A_BOLD;
	case UI_R_BANNER_INFO: return COLOR_PAIR(PAIR_BANNER_INFO);
	case UI_R_KEY: return COLOR_PAIR(PAIR_KEY);
	case UI_R_MSG: return COLOR_PAIR(PAIR_YELLOW) | A_BOLD;
	case UI_R_DIM: return A_DIM;
	case UI_R_WARN: return COLOR_PAIR(PAIR_YELLOW) | A_BOLD;
	case UI_R_ALERT: return COLOR_PAIR(PAIR_BANNER_ERR) | A_BOLD;
	default: return A_NORMAL;
	}
}

/* Clip a request to the screen: returns the usable columns (0 = nothing). */
static int clip(int y, int x, int cols)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || cols <= 0)
		return 0;
	if (cols > COLS - x)
		cols = COLS - x;
	if (cols > UI_PUT_MAXCOLS)
		cols = UI_PUT_MAXCOLS;
	return cols;
}

int ui_put(int y, int x, const char *s, int cols, attr_t a)
{
	cols = clip(y, x, cols);
	if (cols == 0 || !s || !*s)
		return 0;
	size_t w = sanitize_fit(s, (size_t)cols, put_buf, sizeof put_buf);
	attrset((int)a);
	/* The bottom-right cell makes addstr return ERR after drawing: ignore. */
	mvaddstr(y, x, put_buf);
	attrset(A_NORMAL);
	return (int)w;
}

int ui_put_right(int y, int x_end, const char *s, int cols, attr_t a)
{
	if (!s || cols <= 0)
		return 0;
	int w = ui_width(s, cols);
	int x = x_end - w;
	if (x < 0)
		return 0;
	return ui_put(y, x, s, w, a);
}

int ui_width(const char *s, int cap)
{
	if (!s || !*s || cap <= 0)
		return 0;
	if (cap > UI_PUT_MAXCOLS)
		cap = UI_PUT_MAXCOLS;
	return (int)sanitize_fit(s, (size_t)cap, put_buf, sizeof put_buf);
}

void ui_fill(int y, int x, int n, attr_t a)
{
	n = clip(y, x, n);
	if (n == 0)
		return;
	mvhline(y, x, (chtype)' ' | (chtype)a, n);
}

/* ---- a row of text with its matches highlighted (the logs screen) ---- */

static size_t char_len(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

static int char_cols(const char *s, size_t n)
{
	if (n == 1 && (unsigned char)s[0] >= 0x20 && (unsigned char)s[0] < 0x7f)
		return 1;
	char one[8];
	memcpy(one, s, n);
	one[n] = '\0';
	return (int)sanitize_width(one);
}

/* A stretch of one attribute, drawn in one ui_put. */
struct run {
	char buf[512];
	size_t len;
	int cols, x, y;
	attr_t a;
};

static void run_flush(struct run *r)
{
	if (r->len) {
		r->buf[r->len] = '\0';
		ui_put(r->y, r->x, r->buf, r->cols, r->a);
	}
	r->x += r->cols;
	r->len = 0;
	r->cols = 0;
}

size_t ui_put_row(int y, int x, int w, const char *s, size_t from, int skip, const char *q, attr_t a, attr_t hl,
                  bool dry)
{
	size_t ql = strlen(q), off = from;
	/* the match around or after from */
	const char *m = ql ? strcasestr(s, q) : NULL;
	while (m && (size_t)(m - s) + ql <= from)
		m = strcasestr(m + 1, q);
	struct run r = {.x = x, .y = y, .a = a};
	int used = 0, skipped = 0;
	while (s[off]) {
		size_t cl = char_len(s + off);
		int cw = char_cols(s + off, cl);
		if (skipped < skip) {
			skipped += cw;
			off += cl;
			continue;
		}
		if (used + cw > w) {
			if (used == 0)
				off += cl;   /* wider than the row: let it go, or no row ever ends */
			break;
		}
		while (m && (size_t)(m - s) + ql <= off)
			m = strcasestr(m + 1, q);
		attr_t ca = m && off >= (size_t)(m - s) ? hl : a;
		if (!dry) {
			if (r.len && (ca != r.a || r.len + cl >= sizeof r.buf - 1))
				run_flush(&r);
			r.a = ca;
			memcpy(r.buf + r.len, s + off, cl);
			r.len += cl;
			r.cols += cw;
		}
		used += cw;
		off += cl;
	}
	if (!dry)
		run_flush(&r);
	return off;
}
