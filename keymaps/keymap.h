/* keymap: the action list, key names, and the keymap file parser. */
#ifndef KEYMAPS_KEYMAP_H
#define KEYMAPS_KEYMAP_H

#include <stdbool.h>
#include <stdio.h>

/* Key codes, independent of curses (tui/ translates):
 * - a Unicode code point for a printable key ('q', 'G', ' ', U+00E9 ...);
 * - KM_CTRL('c') .. for control keys (1..26 as the terminal sends them);
 * - KM_KEY_* for special keys. */
#define KM_CTRL(c) ((c) & 0x1f)
enum km_special {
	KM_KEY_TAB = 9,
	KM_KEY_ENTER = 13,
	KM_KEY_ESC = 27,
	KM_KEY_BACKSPACE = 127,
	KM_KEY_UP = 0x110000,
	KM_KEY_DOWN,
	KM_KEY_LEFT,
	KM_KEY_RIGHT,
	KM_KEY_HOME,
	KM_KEY_END,
	KM_KEY_PGUP,
	KM_KEY_PGDN,
	KM_KEY_INSERT,
	KM_KEY_DELETE,
	KM_KEY_BTAB,      /* shift-tab */
	KM_KEY_F1,        /* F1..F12 are consecutive */
	KM_KEY_F12 = KM_KEY_F1 + 11,
	KM_KEY_MAX
};

/* Actions, generated from keymaps/actions.def (the one list: enum, names,
 * help). Names (as in keymap files) are the lower-case, dash-separated form
 * of the enum without KA_: KA_PAGE_DOWN is "page-down". The order is:
 * KA_NONE = 0, KA_QUIT, KA_HELP, KA_UP, KA_DOWN, KA_PAGE_UP, KA_PAGE_DOWN,
 * KA_HOME, KA_END, KA_REFRESH (force a full resync and redraw), KA_TOGGLE_ALL
 * (sandboxes only <-> every container), KA_REDRAW (repaint the terminal);
 * new actions are appended in actions.def, before KA_COUNT. */
enum km_action {
#define KM_ACTION(id, name, help) KA_##id,
#include "keymaps/actions.def"
#undef KM_ACTION
	KA_COUNT
};

/* Tables ("*" is global, then "list", "help"): lookup tries the current
 * table, then "*". */
enum km_table {
	KT_GLOBAL = 0,
	KT_LIST,
	KT_HELP,
	KT_VIEW,
	KT_WALL,
	KT_LOGS,
	KT_COUNT
};

/* Limits on untrusted keymap input. */
#define KM_FILE_MAX (1024 * 1024)  /* keymap_load_file refuses larger files */
#define KM_LINE_MAX 1024           /* longer lines are reported and skipped */
#define KM_NOTE_MAX 128            /* bytes of a -n note */
#define KM_BINDINGS_MAX 4096       /* bindings per map, all tables */
#define KM_KEY_NAME_MAX 16         /* buffer size that fits any key name */

/* Name of action a ("page-down"); "" if a is out of range. Static string. */
const char *km_action_name(enum km_action a);
/* The action called name (or by an old name of a renamed action, e.g.
 * "audit"), or -1 if unknown (exact, case-sensitive). */
int km_action_from_name(const char *name);
/* One-line description for the help screen; "" if a is out of range. */
const char *km_action_help(enum km_action a);
/* Name of table t ("*", "list", "help"); "" if out of range. Static string. */
const char *km_table_name(enum km_table t);
/* The table called name, or -1 if unknown. */
int km_table_from_name(const char *name);

/* Key names: "q", "G", "C-c", "Up", "PgDn", "F1", "Space", "Enter", "Tab",
 * "Esc", "BSpace", "BTab", "Home", "End", "IC", "DC", "Left", "Right".
 * A single character (any printable UTF-8 character) is itself and is
 * case-sensitive; longer names are not ("pgdn"), and the aliases Escape,
 * PageUp, PageDown, PPage, NPage, Insert, Delete, Return, Backspace and ^x
 * (for C-x) are accepted. C-x takes a-z (either case), Space, @, [, \, ],
 * ^ and _. Returns the key code, or -1 if the name is not a key. */
int km_key_parse(const char *name);
/* Canonical name of key into out (cap n, truncated, always terminated when
 * n > 0); "" if key is not a valid key code. KM_KEY_NAME_MAX always fits.
 * km_key_parse of the result gives key back. */
void km_key_name(int key, char *out, size_t n);

struct keymap;

/* One binding, as returned by keymap_binding. */
struct km_binding {
	enum km_table table;
	int key;
	enum km_action action;
	const char *note;  /* NULL if none; borrowed until the map next changes */
};

/* An empty map (no bindings). Caller frees with keymap_free. Never NULL. */
struct keymap *keymap_new(void);
/* A map holding the compiled-in default.keys (parsed by the same parser as
 * user files). Caller frees with keymap_free. Never NULL. */
struct keymap *keymap_new_default(void);
/* Free km and its notes; NULL is a no-op. */
void keymap_free(struct keymap *km);

/* Bind key in table t to action a (replacing any binding of that key in t;
 * a new key goes after t's other keys). note (copied; NULL or "" for none)
 * is stored as given: callers pass trusted or already sanitized text.
 * Binding KA_NONE hides the global binding of key in t. Returns 0, or -1 if
 * the map already has KM_BINDINGS_MAX bindings or t/key/a are invalid. */
int keymap_bind(struct keymap *km, enum km_table t, int key, enum km_action a, const char *note);
/* Remove the binding of key in table t. Returns 0, or -1 if there was none. */
int keymap_unbind(struct keymap *km, enum km_table t, int key);

/* Diagnostics: called once per bad line with "file:line: message" already
 * formatted (sanitized), or "file: message" when the file itself cannot be
 * used. msg is valid only during the call. */
typedef void (*km_diag_fn)(void *ud, const char *msg);

/* Parse text (name is used in messages) into km: bad lines are reported and
 * skipped, the rest applies. Notes are stored sanitized. diag may be NULL.
 * Returns the number of bad lines. Syntax: see keymaps/default.keys. */
int keymap_parse(struct keymap *km, const char *name, const char *text, size_t len, km_diag_fn diag, void *ud);
/* Read and parse a file (at most KM_FILE_MAX bytes). Returns bad-line count,
 * or -1 if the file cannot be read or is too large (diag gets the reason;
 * nothing is applied). */
int keymap_load_file(struct keymap *km, const char *path, km_diag_fn diag, void *ud);

/* The maps built into the program besides the defaults, laid over
 * default.keys: "vi" (keymaps/vi.keys) and "htop" (keymaps/htop.keys,
 * htop's and k9s's habits). "default" names the built-in map alone. */
/* The i-th name ("default", "vi", "htop"), or NULL past the end. */
const char *keymap_shipped_name(size_t i);
/* True if name is one of keymap_shipped_name's (exact). */
bool keymap_is_shipped(const char *name);
/* Parse the shipped map called name into km (normally a
 * keymap_new_default()); "default" adds nothing. Returns the bad-line
 * count (0 for every shipped map: tests/unit/test_keymaps_shipped.c), or -1 when no
 * shipped map has that name (nothing applied, diag not called). */
int keymap_load_shipped(struct keymap *km, const char *name, km_diag_fn diag, void *ud);

/* Action bound to key in table t (falls back to "*"); KA_NONE if none. */
enum km_action keymap_lookup(const struct keymap *km, enum km_table t, int key);
/* First key bound to action a in table t, else in "*" (skipping global keys
 * that t overrides), for hints ("q:quit"), into out (cap n); "" if unbound.
 * "First" is file order: the earliest binding still in effect. */
void keymap_key_for(const struct keymap *km, enum km_table t, enum km_action a, char *out, size_t n);
/* Number of bindings in all tables. */
size_t keymap_count(const struct keymap *km);
/* The i-th binding (grouped by table in enum order, then file order, as
 * keymap_dump prints them) into *out. Returns 0, or -1 if i >= count. */
int keymap_binding(const struct keymap *km, size_t i, struct km_binding *out);
/* Print the effective map in keymap-file syntax (re-parsable: parsing it
 * into keymap_new() gives the same bindings in the same order). */
void keymap_dump(const struct keymap *km, FILE *fp);

#endif
