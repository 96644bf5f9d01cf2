/* ui: state and functions shared between the tui/ files (private to tui/). */
#ifndef TUI_UI_H
#define TUI_UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keymaps/keymap.h"
#include "tui/tui.h"

/* Smallest screen we lay out; below this only "terminal too small" shows. */
#define UI_MIN_COLS 20
#define UI_MIN_LINES 4

/* Pseudo key codes from ui_input_next besides keymap codes. */
#define UI_KEY_NONE (-1)    /* nothing (more) to read */
#define UI_KEY_RESIZE (-2)  /* curses saw a resize */
#define UI_KEY_IGNORE (-3)  /* a key we have no name for */

enum ui_screen { UI_LIST, UI_HELP };

/* Display roles; ui_attr maps them to colours or plain attributes. */
enum ui_role {
	UI_R_NORMAL,
	UI_R_TITLE,      /* top bar */
	UI_R_HEADER,     /* table column header */
	UI_R_RUNNING,
	UI_R_PAUSED,
	UI_R_STOPPED,    /* exited, dead */
	UI_R_RESTARTING,
	UI_R_OTHER,      /* created, removing, unknown */
	UI_R_BANNER_ERR, /* engine unreachable */
	UI_R_BANNER_INFO,/* connecting */
	UI_R_KEY,        /* key name in the hint bar */
	UI_R_HINT,       /* hint label */
	UI_R_MSG,        /* transient message */
	UI_R_DIM,        /* stale data */
	UI_R_COUNT
};

struct ui {
	const struct tui_opts *o;
	bool all;              /* current selector (starts as o->all) */
	bool color;            /* colours in use */
	enum ui_screen screen;
	bool quit;
	int exit_status;

	/* list: the selection follows the container id, not the row */
	char sel_id[65];
	size_t sel;            /* index of the selection after the last sync */
	size_t top;            /* first row on screen */
	int page_rows;         /* table rows visible at the last draw */

	/* help screen */
	int help_top;
	int help_rows;         /* body lines visible at the last draw */
	int help_lines;        /* body lines in total at the last draw */

	/* mono ms when the engine was last seen online (for the data age) */
	int64_t online_seen_ms;

	/* transient status message */
	char msg[512];
	int64_t msg_until_ms;  /* mono ms; 0 = none */
};

/* ---- draw.c: the only place text reaches curses ---- */
/* Set up colour pairs (only when ui->color). */
void ui_colors_init(struct ui *ui);
/* curses attributes for a role (colour pair included when colours are on). */
attr_t ui_attr(const struct ui *ui, enum ui_role r);
/* Sanitize untrusted text s and write it at (y, x) in at most cols columns,
 * cut with "…" when longer. Returns the columns used. s may be NULL. */
int ui_put(int y, int x, const char *s, int cols, attr_t a);
/* As ui_put, but right-aligned so that it ends at column x_end (exclusive). */
int ui_put_right(int y, int x_end, const char *s, int cols, attr_t a);
/* Display width of s after sanitizing, capped at cap. */
int ui_width(const char *s, int cap);
/* Paint row y from column x over n columns with blanks in attribute a. */
void ui_fill(int y, int x, int n, attr_t a);

/* ---- input.c ---- */
/* Read every pending key and run its action; sets *dirty when the screen
 * must be redrawn. Returns the number of keys read. Never blocks. */
int ui_input_handle(struct ui *ui, bool *dirty);

/* ---- term.c: terminal and signals ---- */
/* Install signal handlers and the self-pipe, then start curses. Returns 0,
 * or -1 (terminal untouched or restored). */
int ui_term_start(struct ui *ui);
/* Leave curses and restore signals; safe to call twice. */
void ui_term_stop(void);
/* Read end of the signal self-pipe (for poll). */
int ui_term_sigfd(void);
/* Drain the self-pipe and act on the signals; sets ui->quit on
 * INT/TERM/HUP/QUIT. Returns true when the screen must be repainted. */
bool ui_term_signals(struct ui *ui);
/* Re-read the terminal size and tell curses. */
void ui_term_resize(void);

/* ---- list.c: the container table ---- */
/* Re-find the selection by id after the model changed; clamp indexes. */
void ui_list_sync(struct ui *ui);
/* Move the selection by delta rows (clamped); big values jump to the ends. */
void ui_list_move(struct ui *ui, long delta);
/* Draw the table in rows [y0, y1). */
void ui_list_draw(struct ui *ui, int y0, int y1, int64_t wall_ms);

/* ---- statusbar.c: top bar, banner, bottom bar, messages ---- */
/* Show msg (trusted or not: it is sanitized) for ms milliseconds. */
void ui_status_msg(struct ui *ui, int ms, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Clear an expired message; returns true if one expired. */
bool ui_status_expire(struct ui *ui, int64_t now_ms);
/* ms until the current message expires, or -1. */
int ui_status_timeout(const struct ui *ui, int64_t now_ms);
/* Draw the top bar on row 0; returns the next free row (after the banner
 * when the engine is not online). */
int ui_status_draw_top(struct ui *ui, int64_t wall_ms, int64_t mono_ms);
/* Draw the bottom bar on the last row. */
void ui_status_draw_bottom(struct ui *ui);

/* ---- help.c ---- */
/* Draw the help screen in rows [y0, y1). */
void ui_help_draw(struct ui *ui, int y0, int y1);
/* Scroll the help text by delta lines (clamped). */
void ui_help_scroll(struct ui *ui, long delta);

#endif
