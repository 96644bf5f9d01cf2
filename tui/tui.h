/* tui: the interactive full-screen supervisor (the only module that uses curses). */
#ifndef TUI_TUI_H
#define TUI_TUI_H

#include <stdbool.h>

#include "config/config.h"

struct actions;
struct collector;
struct dk_client;
struct inventory;
struct iso_runner;
struct keymap;

/* One engine on the screen, with what watches it and acts on it (all
 * owned by main). */
struct tui_engine {
	const char *name;           /* shown in the ENGINE column, the header and its banner */
	struct dk_client *client;
	struct inventory *inv;      /* already started (inv_start called) */
	struct collector *coll;     /* NULL: no resource numbers */
	struct actions *act;        /* NULL with read_only */
	struct iso_runner *iso;     /* the isolation checks; NULL: none */
	bool local;                 /* its containers' cgroups are on this host */
};

struct tui_opts {
	struct tui_engine *engines; /* owned by main: at least one; the screen lists them all as one */
	size_t nengines;
	struct keymap *km;          /* owned by main */
	bool no_color;              /* --no-color or NO_COLOR env set */
	enum cfg_pixels pixels;     /* `pixels` / --pixels: the large view in sixel images */
	int keymap_errors;          /* count of bad keymap lines (shown in the status bar for a few seconds) */
	const char *keymap_first_error; /* "file:line: message" or NULL */
	bool read_only;             /* --read-only: no mutating action at all */
	bool armed;                 /* --armed: no confirmations (shown loudly) */
	int ttl_policy;             /* enum ttl_policy: TTL_FLAG only shows a spent budget; else act (needs act) */
	int engine_wait_ms;         /* --engine-timeout: how long a result waits for the engine (0: default) */
	/* from the config file (config/config.h); zeroes keep the built-in look */
	const struct cfg_colour *colours; /* [CFG_ROLE_COUNT], owned by main; NULL: the built-in colours */
	const enum cfg_col *columns;      /* the list's columns in this order, owned by main; NULL: all */
	int ncolumns;
	enum cfg_col sort_col;      /* the list's sort at start */
	int sort_dir;               /* -1 the column's natural order, 0 ascending, 1 descending */
	bool mouse;                 /* mouse in the list and the wall */
	int wall_tile_cols, wall_tile_rows; /* a wall tile, gap and title included (0: built-in) */
	int logs_ring;              /* lines the logs screen keeps per sandbox (0: its default) */
	int activity_window_s;      /* how far the ACT column looks back (0: FMT_ACT_WINDOW_S) */
};

/* Run the interactive screen until quit; returns the process exit status
 * (0 on quit or C-c, 128+signal on SIGTERM/SIGHUP, 1 if the terminal could
 * not be set up). Needs stdin and stdout to be a terminal and setlocale()
 * already called. Restores the terminal on every exit path, including
 * fatal signals. Not reentrant; call from the main thread only. */
int tui_run(const struct tui_opts *o);

#endif
