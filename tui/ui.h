/* ui: state and functions shared between the tui/ files (private to tui/). */
#ifndef TUI_UI_H
#define TUI_UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/actions.h"
#include "docker/collector.h"
#include "docker/docker.h"
#include "keymaps/keymap.h"
#include "tui/tui.h"

/* Smallest screen we lay out; below this only "terminal too small" shows. */
#define UI_MIN_COLS 20
#define UI_MIN_LINES 4

/* The pseudo key code input.c uses besides keymap codes: a key we have no
 * name for. */
#define UI_KEY_IGNORE (-3)

enum ui_screen { UI_LIST, UI_HELP, UI_VIEW, UI_WALL, UI_ISOLATION, UI_LOGS };

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
	UI_R_WARN,       /* worth a look: TTL nearly spent, unhealthy */
	UI_R_ALERT,      /* act now: TTL spent, OOM-killed, stale stats */
	UI_R_COUNT
};

/* Table columns, in screen order; columns.c describes each one (ui_cols),
 * list.c draws them, rows.c sorts on them. */
enum ui_col {
	UC_NAME, UC_ID, UC_IMAGE, UC_STATE, UC_ISO, UC_ACT,
	UC_CPU, UC_QUOTA, UC_MEM, UC_MEMPCT, UC_NET, UC_IO, UC_PIDS,
	UC_UPTIME, UC_TTL, UC_OWNER, UC_TASK,
	UC_ENGINE,       /* no name in the config file: shown when there are several engines */
	UC_COUNT
};

struct ui;

/* What one row's cells are made from (list.c fills it, the cells read it). */
struct ui_cellctx {
	const struct ui *ui;
	const struct dk_container *c;
	const struct st_view *v;   /* its numbers, NULL when none */
	bool stale;                /* too old to trust: drawn dimmed */
	int64_t wall_ms, mono_ms;
};

/* A row's sort key in one column (rows.c compares them: missing last,
 * str by natural order when either has one, else num). */
struct ui_sort_key {
	bool missing;              /* no value */
	double num;                /* numeric columns, STATE, ISO, ACT */
	const char *str;           /* text columns (borrowed from the container) */
};

/* One column of the list (columns.c). */
struct ui_col_def {
	enum cfg_col cfg;          /* its name in the config file: cfg_col_name(cfg) */
	const char *title;         /* in the header ("CPU%") */
	int min;                   /* never narrower (room for the title and the sort mark) */
	int max;                   /* content wider than this is cut */
	int keep;                  /* before dropping columns, as wide as its content up to this */
	bool numeric;              /* right-aligned */
	bool stats;                /* from the collector: shown only with one, dimmed when stale */
	bool desc;                 /* its natural sort is descending */
	/* The cell's text (the container's own, a constant, or written into
	 * buf); *role is UI_R_NORMAL on entry, set for values worth a colour. */
	const char *(*cell)(const struct ui_cellctx *r, char *buf, size_t n, enum ui_role *role);
	/* The sort key of c; k is zeroed on entry. */
	void (*key)(const struct ui *ui, const struct dk_container *c, int64_t wall_ms, struct ui_sort_key *k);
};

/* Bytes of the filter text (the user's own typing, capped). */
#define UI_FILTER_MAX 128

/* The filtered, sorted list of inventory indexes on screen (rows.c). */
struct ui_rows {
	size_t *idx;           /* inventory indexes in display order */
	size_t n, cap;
	size_t total;          /* inventory size when built */
	bool built;
	uint64_t inv_gen, coll_gen, iso_gen, ver;  /* what it was built from */
};

struct ui {
	const struct tui_opts *o;
	bool color;            /* colours in use */
	enum ui_screen screen;
	bool quit;
	int exit_status;

	/* list: the selection follows the container id, not the row */
	char sel_id[65];
	size_t sel;            /* row of the selection after the last sync */
	size_t top;            /* first row on screen */
	int page_rows;         /* table rows visible at the last draw */

	/* sort, filter, follow, detail (rows.c builds the row list from them) */
	enum ui_col sort_col;
	bool sort_desc;
	enum ui_col cols[UC_COUNT];   /* the columns chosen (config file), in screen order */
	int ncols;
	bool col_on[UC_COUNT];        /* and as a set */
	bool follow;           /* pin the selected row to its screen line */
	bool detail;           /* the detail pane is open */
	char filter[UI_FILTER_MAX];   /* active filter; "" none */
	uint64_t view_ver;     /* bumped when sort or filter change */
	struct ui_rows rows;

	/* the filter prompt (bottom line) while it is open */
	bool prompting;
	char prompt[UI_FILTER_MAX];
	char prompt_saved[UI_FILTER_MAX];  /* the filter to restore on Esc */
	char prompt_sel[65];               /* and the selection */

	int64_t started_ms;    /* mono ms the screen came up */

	/* help screen */
	int help_top;
	int help_rows;         /* body lines visible at the last draw */
	int help_lines;        /* body lines in total at the last draw */

	/* isolation screen (isolation.c), scrolled like help */
	int iso_top, iso_rows, iso_lines;

	/* the logs screen (logs.c): its stream, ring and view; NULL closed */
	struct ui_logs *logs;

	/* transient status message */
	char msg[512];
	int64_t msg_until_ms;  /* mono ms; 0 = none */

	/* desktops (view.c): the open desks; the wall (wall.c): its first
	 * tile row, the tile size step chosen with the keys (0: none, the
	 * configured size), and its grid at the last draw (tiles across and
	 * down, a tile's size, the first row of tiles) */
	struct ui_desk *desks;
	size_t ndesks;
	int wall_top;
	int wall_size;
	int wall_cols, wall_rows, wall_tw, wall_th, wall_y0;
	/* where the table was at the last draw (app.c; for the mouse): its
	 * header row, and the rows below it up to list_y1 (exclusive) */
	int list_y0, list_y1;
	bool takeover;           /* keys and mouse go to the viewed desktop */
	/* where Back goes: the screens this one was opened from (input.c) */
#define UI_BACK_MAX 8
	enum ui_screen back[UI_BACK_MAX];
	int nback;

	/* a question on the bottom line (control.c): y/N, or a word to type;
	 * the default is always no */
	bool confirming;
	char confirm_text[256];
	enum km_action confirm_action;
	char confirm_word[16];     /* "" for y/N */
	char confirm_typed[16];
	/* actions (control.c): tags, what a question would act on, the runs */
	char (*tags)[65];
	size_t ntags;
	char (*pending_ids)[65];
	size_t npending;
	int pending_kind;          /* enum act_kind */
	char pending_signal[16];
	bool amenu_open;           /* the action menu (menu.c) */
	int amenu_sel;
	bool menu_open;            /* the signal menu */
	int menu_sel;
	bool armed;
	struct act_run **runs;     /* per engine: the last action's run there (NULL: none), shown
	                            * until dismissed */
	bool run_shown;
	bool run_said;             /* its outcome was said on the status line */
	struct snap **snaps;       /* snapshots being taken */
	struct ttl_enf **ttls;     /* per engine: the --ttl-policy enforcer, or NULL */
	struct ui_probe *probes;   /* per engine: its ping (engines.c), NULL with one engine */
	size_t nsnaps;
};

/* ---- engines.c: the engines' inventories as one list ---- */
/* Containers over every engine; the one at i (the engines' inventories
 * one after the other: indexes change with any inventory), or NULL. */
size_t ui_inv_count(const struct ui *ui);
const struct dk_container *ui_inv_get(const struct ui *ui, size_t i);
/* The container with this id on any engine (borrowed), or NULL. */
const struct dk_container *ui_inv_find(const struct ui *ui, const char *id);
/* Change whenever any engine's inventory (collector, isolation checks) changes. */
uint64_t ui_inv_generation(const struct ui *ui);
uint64_t ui_coll_generation(const struct ui *ui);
uint64_t ui_iso_generation(const struct ui *ui);
/* The engine of c (a container of an inventory, or a copy of one: found by
 * id); the first engine when none has it. */
size_t ui_eng_index(const struct ui *ui, const struct dk_container *c);
const struct tui_engine *ui_eng(const struct ui *ui, const struct dk_container *c);
/* c's numbers from its engine's collector, or NULL (none, or not up). */
const struct st_view *ui_stats(const struct ui *ui, const struct dk_container *c);
/* The first engine's collector there is (the host's numbers, the source
 * shown), or NULL. */
const struct collector *ui_coll_first(const struct ui *ui);
/* Every container or only sandboxes, on every engine; a fresh list of each. */
bool ui_inv_all(const struct ui *ui);
void ui_inv_set_all(struct ui *ui, bool all);
void ui_inv_resync(struct ui *ui);
/* Whether actions can be taken (not read-only); what is wrong with the
 * journal (act_problem), or NULL. */
bool ui_can_act(const struct ui *ui);
const char *ui_act_problem(const struct ui *ui);
/* With several engines, ping each every few seconds (its own 5 s wait):
 * returns ms until the next is due (-1: none). Whether engine e's last
 * ping went unanswered, and since when (mono ms). Free with
 * ui_probes_free, after the last dispatch of the clients (an answer
 * still in flight writes into them). */
int ui_probes_tick(struct ui *ui, int64_t now_ms);
bool ui_eng_silent(const struct ui *ui, size_t e, int64_t *since_ms);
void ui_probes_free(struct ui *ui);

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
/* One row of text s (drawn through ui_put) from byte from: the byte
 * offset after what fits in w columns (skipping skip columns first),
 * drawn at (y, x) in attribute a unless dry; matches of q (may be "",
 * ASCII case ignored) drawn in attribute hl. A character wider than w is
 * let go. */
size_t ui_put_row(int y, int x, int w, const char *s, size_t from, int skip, const char *q, attr_t a, attr_t hl,
                  bool dry);

/* ---- screen.c: which screen shows, and where Back goes ---- */
/* Open screen s, remembering where Back (Esc, q in a screen) returns:
 * the list -> view -> wall -> back -> view -> back -> list. */
void ui_screen_open(struct ui *ui, enum ui_screen s);
/* Back to the screen the current one was opened from (the list when none). */
void ui_screen_back(struct ui *ui);
/* The list, from anywhere: nothing to go back to. */
void ui_screen_list(struct ui *ui);

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

/* ---- pixels.c: real pixels in the terminal ---- */
enum { UI_PX_SIXEL = 1, UI_PX_KITTY = 2 };
/* Ask the terminal (after ui_term_start, before the first key is read)
 * whether it shows kitty graphics, for its device attributes and its
 * graphics colour registers; wait at most timeout_ms. The pixel
 * protocols it has (UI_PX_* bits; 0: none), -1: no answer. *colours is
 * set when it told its register count (capped at 256). Keys typed
 * meanwhile are given back to curses. */
int ui_px_probe(int timeout_ms, int *colours);
/* The size of one cell in pixels, from the terminal's window size; false
 * when the terminal does not tell it. */
bool ui_px_cell(int *w, int *h);

/* ---- list.c: the container table ---- */
/* Re-find the selection by id after the model changed; clamp indexes. */
void ui_list_sync(struct ui *ui);
/* Sync the list (ui_list_sync), then the selected container (borrowed
 * from the inventory until it changes), or NULL when the list is empty. */
const struct dk_container *ui_list_selected(struct ui *ui);
/* Move the selection by delta rows (clamped); big values jump to the ends. */
void ui_list_move(struct ui *ui, long delta);
/* Draw the table in rows [y0, y1). */
void ui_list_draw(struct ui *ui, int y0, int y1, int64_t wall_ms, int64_t mono_ms);
/* The tags (ui->tags, freed by ui_control_free): is container id tagged;
 * tag it (once); untag it. */
bool ui_tagged(const struct ui *ui, const char *id);
void ui_tag_add(struct ui *ui, const char *id);
void ui_tag_del(struct ui *ui, const char *id);

/* ---- rows.c: filter and sort ---- */
/* Rebuild ui->rows when the inventory, the stats, the sort or the filter
 * changed since the last build (cheap when nothing did). */
void ui_rows_update(struct ui *ui);
/* Rows on screen (after the filter) and the container of row i (< count). */
size_t ui_rows_count(const struct ui *ui);
const struct dk_container *ui_rows_get(const struct ui *ui, size_t i);
/* Free the row list. */
void ui_rows_free(struct ui *ui);
/* Set the filter (text as typed; "" clears) and rebuild on next update. */
void ui_filter_set(struct ui *ui, const char *text);

/* ---- columns.c: the column table and the session's columns and sort ---- */
/* Every column, indexed by enum ui_col. */
extern const struct ui_col_def ui_cols[UC_COUNT];
/* The column's title ("CPU%"; "" out of range). */
const char *ui_col_title(enum ui_col c);
/* The list column the config file's column cfg names. */
enum ui_col ui_col_from_cfg(enum cfg_col cfg);
/* The text of column c's cell for row r, and its role (UI_R_NORMAL unless
 * worth a colour); buf (n bytes) is scratch space the text may live in. */
const char *ui_col_cell(const struct ui_cellctx *r, enum ui_col c, char *buf, size_t n, enum ui_role *role);
/* True if column c is shown in this session: chosen (ui_cols_init), and
 * the stats columns only with a collector. */
bool ui_col_available(const struct ui *ui, enum ui_col c);
/* The columns and the first sort from the options (the config file):
 * ui->cols, ncols, col_on, sort_col, sort_desc. Call once at start. */
void ui_cols_init(struct ui *ui);
/* Sort by column c; desc false is ascending. */
void ui_sort_set(struct ui *ui, enum ui_col c, bool desc);
/* Step the sort column by +1/-1 through the columns that can be shown,
 * in screen order; the direction becomes the column's natural one. */
void ui_sort_step(struct ui *ui, int step);

/* ---- fmt.c: numbers as text, and the TTL and staleness rules ---- */
/* "512", "1.5K", "123M", "1.2G" (base/units: binary, at most 6 columns; "?" when negative). */
void fmt_bytes(double v, char *out, size_t n);
/* A rate without "/s": "340", "1.2K", "12M" (at most 4 columns). */
void fmt_rate(double v, char *out, size_t n);
/* "12.3" (one decimal; "?" when negative). */
void fmt_pct(double v, char *out, size_t n);
/* The TTL cell and its role: "-", "4m10s", "over 12s", "bad", "…". */
enum ui_role fmt_ttl(const struct dk_container *c, int64_t wall_ms, char *out, size_t n);
/* The UPTIME cell: time since start while up ("3h07m"), time since exit
 * when down ("12m ago"), "…" before inspect, "-" when unknown. */
void fmt_uptime(const struct dk_container *c, int64_t wall_ms, char *out, size_t n);
/* True while c is running, paused or restarting. */
bool fmt_is_up(const struct dk_container *c);
/* The state word to show for c: the engine's, except where the kernel
 * knows better on a local engine (the collector's cgroup samples):
 * "frozen"/"freezing" for a sandbox frozen behind the engine's back,
 * "gone" when no process is left though the engine still says running,
 * "quarantined" when frozen or paused with no network left.
 * role (may be NULL) gets its colour. */
const char *fmt_state(const struct ui *ui, const struct dk_container *c, enum ui_role *role);
/* What the agent does (the ACT column): "active" (its desktop changed in
 * the last activity window: the config's activity-window, else
 * FMT_ACT_WINDOW_S), "stuck" (busy that long with a desktop that
 * did not change), "busy" (busy, no desktop known), "idle" (no drawing,
 * and the agent's CPU under 5% that interval or smoothed over 5 s, that
 * long), "" while it is too soon to say, "-" unknown (not
 * running, the stats API). rank: stuck 4, busy 3, active 2, idle 1, else 0. */
#define FMT_ACT_WINDOW_S 30
const char *fmt_activity(const struct ui *ui, const struct dk_container *c, int64_t mono_ms, enum ui_role *role,
                         int *rank);
/* Cut off from every network (inspected, no network left): frozen or
 * paused that way, fmt_state says "quarantined". */
bool fmt_quarantined(const struct dk_container *c);
/* Age in ms of the collector's last round when it is older than 2.5
 * intervals (stale), 0 when fresh, -1 when there is no collector or no
 * round yet and none is overdue. */
int64_t fmt_stats_stale_ms(const struct ui *ui, int64_t mono_ms);
/* True when the view of one container is older than 2.5 intervals. */
bool fmt_view_stale(const struct ui *ui, const struct st_view *v, int64_t mono_ms);

/* ---- detail.c: the detail pane ---- */
/* Draw the selected container's detail in rows [y0, y1). */
void ui_detail_draw(struct ui *ui, int y0, int y1, int64_t wall_ms, int64_t mono_ms);

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
/* Draw the bottom bar on the last row (the filter prompt while it is open). */
void ui_status_draw_bottom(struct ui *ui, int64_t mono_ms);

/* ---- view.c: desktops ---- */
/* Pick the picture mode (truecolor, 256 colours, none) for this terminal,
 * and whether the large view shows sixel images (ui->o->pixels). */
void ui_view_init(struct ui *ui);
/* Close every desk (their workers and tunnels); the pictures' output
 * finished first (ui_view_finish). */
void ui_view_free(struct ui *ui);
/* Picture output the terminal has not taken yet: the screen waits for it
 * (poll stdout for POLLOUT, then ui_view_drain). */
bool ui_view_writing(void);
/* Write more of it, without waiting: true when it is all out. */
bool ui_view_drain(void);
/* Write the rest, waiting at most wait_ms for the terminal; past that it
 * is cut off where the terminal reads no image into what follows. Before
 * curses leaves the terminal (quit, suspend). */
void ui_view_finish(int wait_ms);
#define UI_VIEW_FINISH_MS 2000
/* Around each frame's drawing: desks not drawn stop reading and close
 * after a while. */
void ui_view_begin(struct ui *ui);
void ui_view_end(struct ui *ui, int64_t mono_ms);
/* The large view of the selected sandbox, in rows [y0, y1). */
void ui_view_draw(struct ui *ui, int y0, int y1, int64_t mono_ms);
/* One desktop pane at (y, x), rows x cols: the title line (name, state),
 * the picture below; sel draws the title selected; fps_milli the pace. */
void ui_view_pane(struct ui *ui, const struct dk_container *ct, int y, int x, int rows, int cols, bool sel,
                  uint32_t fps_milli, int64_t now);
/* After doupdate: write the pictures that changed. */
void ui_view_emit(struct ui *ui);
/* The terminal was cleared or resized: redraw every picture next time. */
void ui_view_invalidate(struct ui *ui);
/* Poll-loop integration (the workers' pipes); tick starts and restarts
 * workers and returns ms until it wants to run again (-1 none). */
size_t ui_view_pollfds(struct ui *ui, struct pollfd *fds, size_t max);
void ui_view_dispatch(struct ui *ui, const struct pollfd *fds, size_t n, bool *dirty);
int ui_view_tick(struct ui *ui, int64_t mono_ms, bool *dirty);
/* Ask the viewed desktop for a full-resolution PNG (saved when it comes). */
void ui_view_screenshot(struct ui *ui);
/* The desk in takeover and where its picture is on screen (rows 0 before
 * the first picture), or NULL. */
struct desk *ui_view_takeover_desk(struct ui *ui, int *y, int *x, int *rows, int *cols);

/* ---- wall.c: the wall of thumbnails ---- */
/* The wall in rows [y0, y1): a header line, then as many tiles as fit. */
void ui_wall_draw(struct ui *ui, int y0, int y1, int64_t mono_ms);
/* Tiles per row at the last draw (1 before the first). */
int ui_wall_per_row(const struct ui *ui);
/* A page of tiles up (-1) or down (+1); the selection comes along. */
void ui_wall_page(struct ui *ui, int dir);
/* Larger (+1) or smaller (-1) tiles. */
void ui_wall_resize(struct ui *ui, int step);
/* The list row of the tile at screen cell (y, x), or -1. */
long ui_wall_tile_at(const struct ui *ui, int y, int x);

/* ---- mouse.c: clicks and the wheel ---- */
/* Ask the terminal for mouse events unless --no-mouse (also after a
 * takeover, which asks for all of them). */
void ui_mouse_restore(struct ui *ui);
/* A KEY_MOUSE from get_wch outside takeover: click selects, double click
 * opens, the wheel scrolls or pages. */
void ui_mouse_event(struct ui *ui);

/* ---- control.c: actions on sandboxes, tags, questions ---- */
/* Ask "text (y/N)" on the bottom line; y runs action, anything else cancels. */
void ui_confirm(struct ui *ui, enum km_action action, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A key while a question or the signal menu is open (raw curses key). */
void ui_confirm_key(struct ui *ui, int r, wint_t k);
/* The action menu (menu.c): open it; a key while it is open (true:
 * taken; *run is then the action chosen, to run as its key would, or
 * KA_NONE); draw it over the list. */
void ui_menu_open(struct ui *ui);
bool ui_menu_key(struct ui *ui, int r, wint_t k, enum km_action *run);
void ui_menu_draw(struct ui *ui, int y0, int y1);
/* Quit, or first ask (default no) when sandboxes are frozen or paused or
 * actions are in flight: saying so is the supervisor's job. */
void ui_quit_ask(struct ui *ui);
/* Run a control action key (tag, pause, kill, kill switch, arm...). */
void ui_control_action(struct ui *ui, enum km_action a);
/* Draw the question, the menu or the last action's results; returns rows
 * used at the bottom of [y0, y1) by the results pane. */
int ui_control_draw_pane(struct ui *ui, int y0, int y1, int64_t mono_ms);
bool ui_control_draw_bottom(struct ui *ui, int y, int cols);
/* Poll-loop hook: timeouts of running actions; ms until next, or -1. */
int ui_control_tick(struct ui *ui, int64_t mono_ms, bool *dirty);
/* Free the control state. Returns true when a snapshot was cut short: its
 * sandbox is resumed only as the engine answers, so the caller drives the
 * client a little longer before freeing it. */
bool ui_control_free(struct ui *ui);
/* Poll-loop integration of the snapshots being taken. */
size_t ui_control_pollfds(struct ui *ui, struct pollfd *fds, size_t max);
void ui_control_dispatch(struct ui *ui, const struct pollfd *fds, size_t n, bool *dirty);

/* ---- takeover.c: takeover input ---- */
/* Start / stop forwarding keys and mouse to the viewed desktop. */
void ui_takeover_start(struct ui *ui);
void ui_takeover_stop(struct ui *ui, const char *why);
/* A key (raw from get_wch) during takeover: C-] stops, the rest goes to the desktop. */
void ui_takeover_key(struct ui *ui, int r, wint_t k);
/* Draw the takeover banner on the bottom line; false when not in takeover. */
bool ui_takeover_draw_bottom(struct ui *ui, int y, int cols);

/* ---- isolation.c: the isolation checks on screen ---- */
/* The ISO cell of c ("ok", "FAIL high", "warn", "unverif", "…" while
 * pending) into buf, and its role. */
enum ui_role ui_iso_cell(const struct ui *ui, const struct dk_container *c, char *buf, size_t n);
/* A sort key: worse is larger; *missing before the first evaluation. */
double ui_iso_rank(const struct ui *ui, const struct dk_container *c, bool *missing);
/* The host checks as one line at row y (left out on short terminals);
 * returns the next free row. */
int ui_iso_host_line(struct ui *ui, int y);
/* The isolation screen of sandbox c (the selected one; NULL: none) in rows [y0, y1). */
void ui_iso_draw(struct ui *ui, const struct dk_container *c, int y0, int y1);
/* Scroll it by delta lines (clamped). */
void ui_iso_scroll(struct ui *ui, long delta);

/* ---- logs.c, logs_draw.c: the logs screen ---- */
/* Open the logs screen on the selected sandbox: a new stream of its last
 * lines (tui_opts.logs_ring) followed live. */
void ui_logs_open(struct ui *ui);
/* Cancel the stream and free the screen's state (NULL-safe). */
void ui_logs_close(struct ui *ui);
/* An action on the logs screen: true when it was the screen's own. */
bool ui_logs_action(struct ui *ui, enum km_action a);
/* The search prompt is open (its keys go to ui_logs_prompt_key). */
bool ui_logs_prompting(const struct ui *ui);
void ui_logs_prompt_key(struct ui *ui, int key);
/* Draw it in rows [y0, y1); its bottom line (false when not on it). */
void ui_logs_draw(struct ui *ui, int y0, int y1);
bool ui_logs_draw_bottom(struct ui *ui, int y, int cols);
/* Poll-loop hook: lines came since the last frame: *dirty (at most one
 * frame per LOGS_FRAME_MS); closes the stream once the screen is left
 * for good. ms until it wants to run again, or -1. */
int ui_logs_tick(struct ui *ui, int64_t mono_ms, bool *dirty);

/* ---- help.c ---- */
/* Draw the help screen in rows [y0, y1). */
void ui_help_draw(struct ui *ui, int y0, int y1);
/* Scroll the help text by delta lines (clamped). */
void ui_help_scroll(struct ui *ui, long delta);

#endif
