/* config: the settings file ($XDG_CONFIG_HOME/sandtop/config): its vocabulary, parser, checks and dump. */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "docker/collector.h"   /* enum st_source */

/* Limits on the (untrusted) file. */
#define CFG_FILE_MAX (256 * 1024)  /* larger files are refused whole */
#define CFG_LINE_MAX 1024          /* longer lines are reported and skipped */
#define CFG_LINES_MAX 10000        /* lines past this are not read (one error) */
#define CFG_ERRORS_MAX 20          /* errors reported; the rest are counted */
#define CFG_ENGINES_MAX 32         /* `engine` lines */
#define CFG_ENGINE_NAME_MAX 32     /* bytes of an engine's name */
#define CFG_ENDPOINT_MAX 512       /* bytes of an engine's endpoint */
#define CFG_LABEL_MAX 255          /* bytes of the label selector */
#define CFG_PATH_MAX 4096          /* bytes of a path, after ~ and the file's directory */

/* Defaults (also what --dump-config prints when nothing changes them). */
#define CFG_DEF_REFRESH_MS 1000
#define CFG_DEF_LABEL "sandtop.sandbox"
#define CFG_DEF_LOGS_RING 10000
#define CFG_DEF_ACT_WINDOW 30
#define CFG_DEF_ENGINE_TIMEOUT_MS 2000

/* Ranges (inclusive) the parser accepts. */
#define CFG_REFRESH_MIN_MS 100
#define CFG_REFRESH_MAX_MS 3600000
#define CFG_ENGINE_TIMEOUT_MIN_MS 100
#define CFG_ENGINE_TIMEOUT_MAX_MS 600000
#define CFG_WALL_COLS_MIN 16
#define CFG_WALL_COLS_MAX 400
#define CFG_WALL_ROWS_MIN 4
#define CFG_WALL_ROWS_MAX 200
#define CFG_LOGS_RING_MIN 100
#define CFG_LOGS_RING_MAX 1000000
#define CFG_ACT_WINDOW_MIN 1
#define CFG_ACT_WINDOW_MAX 3600

/* The list's columns, in the list's own order (tui/ maps them onto its
 * enum ui_col by a table). Names: cfg_col_name. */
enum cfg_col {
	CFG_COL_NAME, CFG_COL_ID, CFG_COL_IMAGE, CFG_COL_STATE, CFG_COL_ISO, CFG_COL_ACT,
	CFG_COL_CPU, CFG_COL_QUOTA, CFG_COL_MEM, CFG_COL_MEMPCT, CFG_COL_NET, CFG_COL_IO, CFG_COL_PIDS,
	CFG_COL_UPTIME, CFG_COL_TTL, CFG_COL_OWNER, CFG_COL_TASK,
	CFG_COL_COUNT
};

/* The screen's colour roles (tui/ maps them onto its enum ui_role). */
enum cfg_role {
	CFG_ROLE_TITLE,         /* the top bar */
	CFG_ROLE_HEADER,        /* the table's column titles */
	CFG_ROLE_RUNNING, CFG_ROLE_PAUSED, CFG_ROLE_STOPPED, CFG_ROLE_RESTARTING,
	CFG_ROLE_OTHER,         /* created, removing, unknown */
	CFG_ROLE_BANNER_ERROR,  /* the engine cannot be reached */
	CFG_ROLE_BANNER_INFO,   /* connecting */
	CFG_ROLE_KEY,           /* a key in the hint bar */
	CFG_ROLE_HINT,          /* its label */
	CFG_ROLE_MESSAGE,       /* a transient message */
	CFG_ROLE_DIM,           /* old data */
	CFG_ROLE_WARN,          /* worth a look */
	CFG_ROLE_ALERT,         /* act now */
	CFG_ROLE_COUNT
};

/* A colour: -1 is the terminal's own (default), 0-255 the terminal's
 * palette (0-7 the ANSI colours, 8-15 their bright forms). */
#define CFG_COLOUR_DEFAULT (-1)
/* Attributes of a role (bits). */
#define CFG_ATTR_BOLD 1u
#define CFG_ATTR_DIM 2u
#define CFG_ATTR_UNDERLINE 4u
#define CFG_ATTR_REVERSE 8u

struct cfg_colour {
	short fg, bg;
	unsigned attrs;
};

struct cfg_engine {
	char name[CFG_ENGINE_NAME_MAX + 1];
	char endpoint[CFG_ENDPOINT_MAX + 1];
};

/* Where the file set a setting: its line (0: not set), for "already set
 * on line N". One slot per setting the table in settings.c knows. */
#define CFG_SLOTS 32

/* `pixels`: whether the large view draws the desktop in real pixels. */
enum cfg_pixels {
	CFG_PIXELS_AUTO,    /* what the terminal says it shows: kitty graphics (its answer to a
	                     * query), else sixel images (its DA1 answer) */
	CFG_PIXELS_SIXEL,   /* always sixel (a terminal that shows them but does not say so) */
	CFG_PIXELS_OFF,     /* characters only */
	CFG_PIXELS_KITTY,   /* always kitty graphics */
};
/* "auto", "sixel", "off", "kitty". Static string. */
const char *cfg_pixels_name(enum cfg_pixels p);
/* The enum cfg_pixels value of one of those words, or -1. */
int cfg_pixels_parse(const char *s);

/* The effective settings: cfg_init's defaults, then the file, then
 * whatever the caller overrides (the command line). Plain data: no
 * pointers, nothing to free. */
struct cfg {
	int refresh_ms;                         /* `refresh`: the stats interval */
	struct cfg_colour colour[CFG_ROLE_COUNT];
	enum cfg_col columns[CFG_COL_COUNT];    /* shown in this order */
	int ncolumns;                           /* 1..CFG_COL_COUNT */
	enum cfg_col sort_col;
	int sort_dir;                           /* -1: the column's natural order, 0 ascending, 1 descending */
	char keymap[CFG_PATH_MAX];              /* "": the user's keys file if any; a shipped name; a path */
	enum st_source stats_source;            /* ST_SRC_NONE: auto */
	char label[CFG_LABEL_MAX + 1];          /* KEY or KEY=VALUE: which containers are sandboxes */
	struct cfg_engine engine[CFG_ENGINES_MAX];
	int nengines;
	int wall_cols, wall_rows;               /* a wall tile in cells, gap and title included; 0 cols:
	                                         * auto (the wall's own size), 0 rows: from the width */
	int logs_ring;                          /* lines the logs screen keeps per sandbox */
	int activity_window;                    /* seconds the ACT column looks back */
	bool mouse;
	enum cfg_pixels pixels;                 /* `pixels`: real pixels in the large view */
	int engine_timeout_ms;                  /* the actions' wait for the engine */
	char journal[CFG_PATH_MAX];             /* `journal` (or `audit-log`): the operator log; "": the
	                                         * default ($XDG_STATE_HOME/sandtop/audit.log) */
	unsigned set_line[CFG_SLOTS];           /* private to the parser */
	unsigned colour_line[CFG_ROLE_COUNT];   /* private to the parser */
};

/* Errors: called once per bad line with "file:line: message" already
 * formatted and sanitized (or "file: message" for the file as a whole).
 * msg is valid only during the call. */
typedef void (*cfg_diag_fn)(void *ud, const char *msg);

/* The built-in settings into *c (no file). */
void cfg_init(struct cfg *c);
/* Parse text (name is the file's name, used in messages and to resolve
 * relative paths against its directory) into c. Every bad line is reported
 * (the first CFG_ERRORS_MAX, then one line with how many more) and changes
 * nothing; the rest apply. Never reads past len; text need not be
 * NUL-terminated. Returns the number of bad lines. */
int cfg_parse(struct cfg *c, const char *name, const char *text, size_t len, cfg_diag_fn diag, void *ud);
/* Read (at most CFG_FILE_MAX bytes) and parse path. Returns the number of
 * bad lines, or -1 when the file cannot be read or is too large (diag says
 * why; nothing applied). missing_ok: a file that does not exist is not an
 * error (returns 0, nothing applied). */
int cfg_load_file(struct cfg *c, const char *path, bool missing_ok, cfg_diag_fn diag, void *ud);
/* The default file: $XDG_CONFIG_HOME/sandtop/config, else
 * ~/.config/sandtop/config (base/path.h); NULL without a home directory.
 * Caller frees. */
char *cfg_default_path(void);
/* Print c in the file's own syntax (parsing the output gives c back):
 * every setting, defaults included. */
void cfg_dump(const struct cfg *c, FILE *fp);

/* ---- the vocabulary (values.c) ---- */
/* "cpu", "mem%"...; "" when out of range. Static strings. */
const char *cfg_col_name(enum cfg_col col);
/* The column called name (case-insensitive; also the list's title, such
 * as "CPU%"), or -1. */
int cfg_col_from_name(const char *name);
/* Every column's name, in the table's order, separated by spaces, into
 * buf (cut to cap - 1 bytes). */
void cfg_col_names(char *buf, size_t cap);
/* "running", "banner-error"...; "" when out of range. */
const char *cfg_role_name(enum cfg_role r);
int cfg_role_from_name(const char *name);
/* The built-in colour of role r (what the screen shows without a file). */
struct cfg_colour cfg_colour_builtin(enum cfg_role r);
/* A colour's name or number: 0-255, CFG_COLOUR_DEFAULT for "default",
 * -2 when s is neither (names: black red green yellow blue magenta cyan
 * white, bright-black .. bright-white; any case). */
int cfg_colour_parse(const char *s);
/* The name cfg_colour_parse reads back ("bright-red", "208", "default"). */
void cfg_colour_format(int colour, char *out, size_t n);
/* "cgroup", "api", "auto" (ST_SRC_NONE). */
const char *cfg_source_name(enum st_source s);
/* 0, with key and value set ("" value: any) when sel is a valid label
 * selector, KEY or KEY=VALUE (at most CFG_LABEL_MAX bytes; the key is
 * letters, digits and . _ - /; the value printable ASCII without quotes,
 * backslashes or blanks); -1 otherwise. key and value get up to
 * CFG_LABEL_MAX + 1 bytes each; either may be NULL. */
int cfg_label_check(const char *sel, char *key, char *value);

#endif
