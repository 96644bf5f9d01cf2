/* test_keymap: cmocka tests for keymaps/ (names, parser, lookup, dump, loader). */
#include "keymaps/keymap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/helper/memout.h"
#include "tests/unit/helper/diags.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/text.h"

extern const char km_default_keys[];
extern const size_t km_default_keys_len;

static int parse(struct keymap *km, const char *text, struct diags *d)
{
	memset(d, 0, sizeof *d);
	return keymap_parse(km, "t.keys", text, strlen(text), diags_collect, d);
}

/* Load the file at path into km, its messages into d (cleared first). */
static int load(struct keymap *km, const char *path, struct diags *d)
{
	memset(d, 0, sizeof *d);
	return keymap_load_file(km, path, diags_collect, d);
}

/* d's first message is the printf-formatted text. */
static void first_msg_is(const struct diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void first_msg_is(const struct diags *d, const char *fmt, ...)
{
	char want[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	if (d->n < 1 || strcmp(d->msg[0], want) != 0)
		fail_msg("%d messages, the first '%s', want '%s'", d->n, d->n ? d->msg[0] : "", want);
}

/* The default keymap with text parsed over it, which must parse clean; n
 * (when not NULL) gets the default's count of bindings. The caller frees
 * the keymap. */
static struct keymap *default_with(const char *text, size_t *n)
{
	struct keymap *km = keymap_new_default();
	if (n)
		*n = keymap_count(km);
	struct diags d;
	if (parse(km, text, &d) != 0)
		fail_msg("'%s': %s", text, d.msg[0]);
	return km;
}

/* The name of the key bound to a in table t ("" for none), in a buffer
 * of its own that the next call overwrites. */
static const char *key_for(const struct keymap *km, enum km_table t, enum km_action a)
{
	static char out[KM_KEY_NAME_MAX];
	keymap_key_for(km, t, a, out, sizeof out);
	return out;
}

/* Each lookup: in table t the key is bound to a (KA_NONE: to nothing). */
struct lk {
	enum km_table t;
	int key;
	enum km_action a;
};

static void expect_lookups(const struct keymap *km, const struct lk *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum km_action got = keymap_lookup(km, l[i].t, l[i].key);
		if (got != l[i].a)
			fail_msg("lookup %zu: table %d key %d is action %d, want %d", i, (int)l[i].t, l[i].key, (int)got,
			         (int)l[i].a);
	}
}

#define LOOKUPS(km, ...) \
	expect_lookups(km, (const struct lk[]){__VA_ARGS__}, sizeof((const struct lk[]){__VA_ARGS__}) / sizeof(struct lk))

static void test_action_and_table_names(void **state)
{
	(void)state;
	static const struct { const char *id, *name; } ids[] = {
#define KM_ACTION(id, name, help) { #id, name },
#include "keymaps/actions.def"
#undef KM_ACTION
	};
	assert_int_equal(sizeof ids / sizeof ids[0], KA_COUNT);
	for (int a = 0; a < KA_COUNT; a++) {
		/* the name is the enum id in lower case with '_' -> '-' */
		char want[64];
		size_t i;
		for (i = 0; ids[a].id[i]; i++)
			want[i] = ids[a].id[i] == '_' ? '-' : (char)(ids[a].id[i] + ('a' - 'A'));
		want[i] = '\0';
		assert_string_equal(km_action_name((enum km_action)a), want);
		assert_int_equal(km_action_from_name(want), a);
		assert_true(strlen(km_action_help((enum km_action)a)) > 0);
	}
	assert_int_equal(KA_PAGE_DOWN, 6);
	assert_int_equal(KA_REDRAW, 11);
	assert_string_equal(km_action_name(KA_COUNT), "");
	assert_int_equal(km_action_from_name("Quit"), -1);
	assert_int_equal(km_action_from_name(""), -1);
	/* a renamed action's old name is still read, and written as the new */
	assert_int_equal(km_action_from_name("audit"), KA_ISOLATION);
	assert_string_equal(km_action_name(KA_ISOLATION), "isolation");
	assert_string_equal(km_table_name(KT_GLOBAL), "*");
	assert_string_equal(km_table_name(KT_HELP), "help");
	assert_string_equal(km_table_name(KT_VIEW), "view");
	assert_string_equal(km_table_name(KT_WALL), "wall");
	assert_int_equal(km_table_from_name("list"), KT_LIST);
	assert_int_equal(km_table_from_name("lst"), -1);
	assert_string_equal(km_table_name(KT_COUNT), "");
}

static void test_defaults_parse_clean(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d = { 0 };
	int bad = keymap_parse(km, "default.keys", km_default_keys, km_default_keys_len, diags_collect, &d);
	assert_int_equal(bad, 0);
	assert_int_equal(d.n, 0);
	assert_true(keymap_count(km) >= 20);

	struct keymap *def = keymap_new_default();
	assert_int_equal(keymap_count(def), keymap_count(km));
	keymap_free(def);
	keymap_free(km);
}

static void test_default_bindings(void **state)
{
	(void)state;
	static const struct { const char *key; enum km_action a; } want[] = {
		{ "q", KA_QUIT }, { "F10", KA_QUIT }, { "?", KA_HELP }, { "F1", KA_HELP },
		{ "Up", KA_UP }, { "k", KA_UP }, { "Down", KA_DOWN }, { "j", KA_DOWN },
		{ "PgUp", KA_PAGE_UP }, { "C-b", KA_PAGE_UP },
		{ "PgDn", KA_PAGE_DOWN }, { "C-f", KA_PAGE_DOWN },
		{ "Home", KA_HOME }, { "g", KA_HOME }, { "End", KA_END }, { "G", KA_END },
		{ "C-l", KA_REDRAW }, { "r", KA_REFRESH }, { "F5", KA_REFRESH },
		{ "a", KA_TOGGLE_ALL }, { ">", KA_SORT_NEXT }, { "<", KA_SORT_PREV },
		{ "I", KA_SORT_REVERSE }, { "/", KA_FILTER }, { "F", KA_FOLLOW },
		{ "Enter", KA_DETAIL }, { "Esc", KA_CLEAR_FILTER },
	};
	struct keymap *km = keymap_new_default();

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_int_equal(keymap_lookup(km, KT_LIST, km_key_parse(want[i].key)), want[i].a);
	/* toggle-all is a list key only; q closes help; F10 quits everywhere */
	LOOKUPS(km, {KT_GLOBAL, 'a', KA_NONE}, {KT_HELP, 'a', KA_NONE}, {KT_HELP, 'q', KA_HELP},
	        {KT_HELP, KM_KEY_ESC, KA_HELP});
	assert_int_equal(keymap_lookup(km, KT_GLOBAL, KM_KEY_ESC), KA_NONE);  /* Esc never quits */
	LOOKUPS(km, {KT_HELP, KM_KEY_F1 + 9, KA_QUIT}, {KT_LIST, 'z', KA_NONE});
	/* actions: on the list; the kill switch and pause everywhere */
	LOOKUPS(km, {KT_LIST, ' ', KA_TAG}, {KT_LIST, 'x', KA_DISMISS}, {KT_VIEW, 'p', KA_PAUSE},
	        {KT_WALL, KM_KEY_F1 + 8, KA_KILL_ALL}, {KT_VIEW, KM_KEY_F1 + 7, KA_FREEZE_ALL});
	assert_int_equal(keymap_lookup(km, KT_VIEW, 'D'), KA_NONE); /* remove only from the list */
	/* desktops: v and w from the list; q and Esc go back from the view
	 * and the wall (they never quit there); F10 still quits */
	LOOKUPS(km, {KT_LIST, 'v', KA_VIEW}, {KT_LIST, 'w', KA_WALL}, {KT_VIEW, 'q', KA_BACK},
	        {KT_VIEW, KM_KEY_ESC, KA_BACK}, {KT_VIEW, 's', KA_SCREENSHOT}, {KT_VIEW, 'T', KA_TAKEOVER},
	        {KT_VIEW, KM_KEY_DOWN, KA_DOWN}, {KT_WALL, 'q', KA_BACK}, {KT_WALL, KM_KEY_ENTER, KA_VIEW},
	        {KT_WALL, KM_KEY_LEFT, KA_LEFT}, {KT_WALL, 'l', KA_RIGHT}, {KT_WALL, KM_KEY_F1 + 9, KA_QUIT});
	assert_int_equal(keymap_lookup(km, KT_LIST, 's'), KA_SNAPSHOT); /* a screenshot only in the view */
	LOOKUPS(km, {KT_LIST, 'm', KA_MENU}, {KT_LIST, KM_KEY_F1 + 1, KA_MENU});

	assert_string_equal(key_for(km, KT_LIST, KA_QUIT), "q");
	assert_string_equal(key_for(km, KT_HELP, KA_QUIT), "F10");  /* q is overridden in help */
	assert_string_equal(key_for(km, KT_LIST, KA_HELP), "?");
	assert_string_equal(key_for(km, KT_LIST, KA_TOGGLE_ALL), "a");
	assert_string_equal(key_for(km, KT_HELP, KA_TOGGLE_ALL), "");
	keymap_free(km);
}

static void test_lookup_fallback(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d;

	assert_int_equal(keymap_lookup(km, KT_LIST, 'x'), KA_NONE);
	assert_int_equal(parse(km, "bind * x quit\nbind list x up\nbind help y none\nbind * y down\n", &d), 0);
	LOOKUPS(km, {KT_GLOBAL, 'x', KA_QUIT}, {KT_LIST, 'x', KA_UP}, {KT_HELP, 'x', KA_QUIT});
	/* "none" in a table hides the global binding there */
	LOOKUPS(km, {KT_HELP, 'y', KA_NONE}, {KT_LIST, 'y', KA_DOWN});
	keymap_free(km);
}

static void test_bind_overrides(void **state)
{
	(void)state;
	size_t n;
	struct keymap *km = default_with("bind -n \"Help me\" * q help\nbind list q refresh\n", &n);

	LOOKUPS(km, {KT_GLOBAL, 'q', KA_HELP}, {KT_LIST, 'q', KA_REFRESH});
	assert_int_equal(keymap_count(km), n + 1);  /* * q replaced, list q new */
	assert_string_equal(key_for(km, KT_LIST, KA_QUIT), "F10");
	/* the replaced binding keeps its place and takes the new note */
	struct km_binding b;
	assert_int_equal(keymap_binding(km, 0, &b), 0);
	assert_int_equal(b.key, 'q');
	assert_int_equal(b.action, KA_HELP);
	assert_string_equal(b.note, "Help me");
	assert_int_equal(keymap_binding(km, keymap_count(km), &b), -1);
	keymap_free(km);
}

static void test_unbind(void **state)
{
	(void)state;
	size_t n;
	struct keymap *km = default_with("unbind * q\nunbind list q\nunbind help q\n", &n);

	assert_int_equal(keymap_count(km), n - 2);
	LOOKUPS(km, {KT_LIST, 'q', KA_NONE}, {KT_HELP, 'q', KA_NONE});
	assert_string_equal(key_for(km, KT_LIST, KA_QUIT), "F10");
	assert_int_equal(keymap_unbind(km, KT_GLOBAL, 'q'), -1);
	assert_int_equal(keymap_unbind(km, KT_GLOBAL, KM_KEY_F1 + 9), 0);
	assert_string_equal(key_for(km, KT_LIST, KA_QUIT), "");
	keymap_free(km);
}

static void test_key_names(void **state)
{
	(void)state;
	static const struct { const char *name; int key; const char *canon; } k[] = {
		{ "q", 'q', "q" }, { "G", 'G', "G" }, { "C-x", KM_CTRL('x'), "C-x" },
		{ "C-X", KM_CTRL('x'), "C-x" }, { "^c", KM_CTRL('c'), "C-c" },
		{ "C-Space", 0, "C-Space" }, { "C-\\", 28, "C-\\" }, { "C-_", 31, "C-_" },
		{ "C-i", KM_KEY_TAB, "Tab" }, { "C-m", KM_KEY_ENTER, "Enter" },
		{ "C-[", KM_KEY_ESC, "Esc" }, { "C-h", 8, "C-h" },
		{ "F1", KM_KEY_F1, "F1" }, { "F9", KM_KEY_F1 + 8, "F9" },
		{ "F12", KM_KEY_F12, "F12" }, { "f5", KM_KEY_F1 + 4, "F5" },
		{ "Up", KM_KEY_UP, "Up" }, { "Down", KM_KEY_DOWN, "Down" },
		{ "Left", KM_KEY_LEFT, "Left" }, { "Right", KM_KEY_RIGHT, "Right" },
		{ "Home", KM_KEY_HOME, "Home" }, { "End", KM_KEY_END, "End" },
		{ "PgUp", KM_KEY_PGUP, "PgUp" }, { "PgDn", KM_KEY_PGDN, "PgDn" },
		{ "pgdn", KM_KEY_PGDN, "PgDn" }, { "PageDown", KM_KEY_PGDN, "PgDn" },
		{ "NPage", KM_KEY_PGDN, "PgDn" }, { "IC", KM_KEY_INSERT, "IC" },
		{ "Delete", KM_KEY_DELETE, "DC" }, { "Space", ' ', "Space" },
		{ " ", ' ', "Space" }, { "Enter", KM_KEY_ENTER, "Enter" },
		{ "Return", KM_KEY_ENTER, "Enter" }, { "Tab", KM_KEY_TAB, "Tab" },
		{ "BTab", KM_KEY_BTAB, "BTab" }, { "Esc", KM_KEY_ESC, "Esc" },
		{ "Escape", KM_KEY_ESC, "Esc" }, { "BSpace", KM_KEY_BACKSPACE, "BSpace" },
		{ "#", '#', "#" }, { "'", '\'', "'" }, { "\\", '\\', "\\" }, { "-", '-', "-" },
		{ "\xc3\xa9", 0xe9, "\xc3\xa9" },                    /* é */
		{ "\xe2\x82\xac", 0x20ac, "\xe2\x82\xac" },          /* € */
		{ "\xf0\x9f\x98\x80", 0x1f600, "\xf0\x9f\x98\x80" }, /* emoji */
	};
	char out[KM_KEY_NAME_MAX];

	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		assert_int_equal(km_key_parse(k[i].name), k[i].key);
		km_key_name(k[i].key, out, sizeof out);
		assert_string_equal(out, k[i].canon);
		assert_int_equal(km_key_parse(out), k[i].key);
	}

	static const char *const bad[] = {
		"", "Ctl-x", "C-", "C-1", "C-\xc3\xa9", "C-Up", "F0", "F13", "F01", "F1x",
		"qq", "Upp", "\x1b", "\x7f", "\t", "\xc3", "\xc0\xaf", "\xe0\x80\xaf",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x80\xae", "\xe2\x80\x8b",
		"\xc2\x85", "\xef\xbb\xbf",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(km_key_parse(bad[i]), -1);

	/* every key code that has a name parses back to itself */
	long named = 0;
	for (int key = -1; key <= KM_KEY_MAX; key++) {
		km_key_name(key, out, sizeof out);
		if (!out[0])
			continue;
		named++;
		assert_int_equal(km_key_parse(out), key);
	}
	/* all of Unicode but C1 (32), surrogates (2048) and the 234 invisible
	 * characters of base/utf8 (bidi, zero-width, noncharacters, tags),
	 * plus the 23 special keys */
	assert_int_equal(named, 0x110000 - 32 - 2048 - 234 + 23);
	km_key_name(-1, out, sizeof out);
	assert_string_equal(out, "");
	km_key_name(KM_KEY_MAX, out, sizeof out);
	assert_string_equal(out, "");
	km_key_name(0xd800, out, sizeof out);
	assert_string_equal(out, "");
	km_key_name(KM_KEY_BACKSPACE, out, 3);
	assert_string_equal(out, "BS");
}

static void test_quoting_in_files(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d;

	assert_int_equal(parse(km,
		"bind * '#' quit   # a comment\n"
		"bind * \"'\" help\n"
		"bind * '\"' up\n"
		"bind * \"\\\\\" down\n"
		"\tbind  *\t\xc3\xa9 refresh\r\n"
		"bind * Space redraw#not-a-comment\n", &d), 1);
	LOOKUPS(km, {KT_LIST, '#', KA_QUIT}, {KT_LIST, '\'', KA_HELP}, {KT_LIST, '"', KA_UP},
	        {KT_LIST, '\\', KA_DOWN}, {KT_LIST, 0xe9, KA_REFRESH});
	assert_string_equal(d.msg[0], "t.keys:6: unknown action 'redraw#not-a-comment'");
	assert_int_equal(keymap_count(km), 5);
	keymap_free(km);
}

static void test_bad_lines(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d;
	static const char *const want[] = {
		"t.keys:2: unknown action 'kil'",
		"t.keys:3: bad key name 'Ctl-x'",
		"t.keys:4: unknown table 'lst'",
		"t.keys:5: bind: missing key",
		"t.keys:6: bind: missing table",
		"t.keys:7: bind: missing action",
		"t.keys:8: unterminated quote",
		"t.keys:9: unknown command 'bnd'",
		"t.keys:10: bind: unexpected 'extra' after the action",
		"t.keys:11: unbind: missing key",
		"t.keys:12: bind: unknown flag '-x'",
		"t.keys:13: bind: -n needs a note",
		"t.keys:14: unbind: unexpected 'q' after the key",
		"t.keys:15: bad key name ''",
		"t.keys:18: unknown table 'help,list'",
	};
	int bad = parse(km,
		"bind list x quit\n"
		"bind list x kil\n"
		"bind list Ctl-x quit\n"
		"bind lst y quit\n"
		"bind list\n"
		"bind\n"
		"bind list z\n"
		"bind -n \"note list z quit\n"
		"bnd list z quit\n"
		"bind list z quit extra\n"
		"unbind list\n"
		"bind -x list z quit\n"
		"bind -n\n"
		"unbind list x q\n"
		"bind list '' quit\n"
		"\n"
		"   # comment\n"
		"bind help,list z quit\n"
		"bind list y down", &d);
	assert_int_equal(bad, (int)(sizeof want / sizeof want[0]));
	assert_int_equal(d.n, bad);
	for (int i = 0; i < d.n; i++)
		assert_string_equal(d.msg[i], want[i]);
	/* the good lines around them applied */
	LOOKUPS(km, {KT_LIST, 'x', KA_QUIT}, {KT_LIST, 'y', KA_DOWN}, {KT_LIST, 'z', KA_NONE});
	assert_int_equal(keymap_count(km), 2);
	/* no diag callback: still counted */
	static const char two_bad[] = "bind\nbind * q quit\nx\n";
	assert_int_equal(keymap_parse(km, "t", two_bad, sizeof two_bad - 1, NULL, NULL), 2);
	assert_int_equal(keymap_lookup(km, KT_LIST, 'q'), KA_QUIT);
	keymap_free(km);
}

static void test_overlong_and_nul(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d;
	char text[4 * KM_LINE_MAX];

	/* line 2 is exactly KM_LINE_MAX bytes (fine), line 3 one more (bad) */
	int n = snprintf(text, sizeof text, "bind * a quit\nbind * b up%*s\nbind * c up%*s\nbind * d down\n",
		KM_LINE_MAX - 11, "", KM_LINE_MAX - 10, "");
	assert_int_equal(parse(km, text, &d), 1);
	assert_int_equal(n, 14 + KM_LINE_MAX + 1 + KM_LINE_MAX + 2 + 14);
	assert_string_equal(d.msg[0], "t.keys:3: line too long (over 1024 bytes)");
	LOOKUPS(km, {KT_LIST, 'b', KA_UP}, {KT_LIST, 'c', KA_NONE}, {KT_LIST, 'd', KA_DOWN});

	static const char nul[] = "bind * e quit\nbind * f\0 quit\nbind * g help\n";
	memset(&d, 0, sizeof d);
	assert_int_equal(keymap_parse(km, "t.keys", nul, sizeof nul - 1, diags_collect, &d), 1);
	assert_string_equal(d.msg[0], "t.keys:2: line contains a NUL byte");
	LOOKUPS(km, {KT_LIST, 'e', KA_QUIT}, {KT_LIST, 'f', KA_NONE}, {KT_LIST, 'g', KA_HELP});
	keymap_free(km);
}

/* No byte of s is a C0 control or DEL. */
static void test_messages_sanitized(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d;
	const char *esc = "\xe2\x90\x9b";  /* U+241B, what sanitize shows for ESC */

	memset(&d, 0, sizeof d);
	const char *text = "bind * \x1b[2J\x1b]0;pwned\x07X quit\nbind * z quit\n";
	assert_int_equal(keymap_parse(km, "evil\x1b[31m.keys", text, strlen(text), diags_collect, &d), 1);
	text_assert_printable(d.msg[0]);
	assert_null(strstr(d.msg[0], "\x1b"));
	assert_non_null(strstr(d.msg[0], esc));
	assert_true(strncmp(d.msg[0], "evil", 4) == 0);
	assert_non_null(strstr(d.msg[0], ".keys:1: bad key name '"));
	assert_int_equal(d.msg[0][strlen(d.msg[0]) - 1], '\'');
	assert_int_equal(keymap_lookup(km, KT_LIST, 'z'), KA_QUIT);

	/* a long bad token is cut */
	char line[400];
	snprintf(line, sizeof line, "bind * q %0300d\n", 7);
	assert_int_equal(parse(km, line, &d), 1);
	assert_int_equal(strlen(d.msg[0]), strlen("t.keys:1: unknown action ''") + 40 + 3);
	assert_non_null(strstr(d.msg[0], "000...'"));

	/* notes are stored sanitized; too long ones are refused */
	assert_int_equal(parse(km, "bind -n \"a\x1b[31mb\" * n quit\n", &d), 0);
	struct km_binding b;
	size_t i;
	for (i = 0; keymap_binding(km, i, &b) == 0; i++)
		if (b.key == 'n')
			break;
	assert_int_equal(b.key, 'n');
	assert_non_null(b.note);
	text_assert_printable(b.note);
	assert_true(b.note[0] == 'a' && b.note[strlen(b.note) - 1] == 'b');
	snprintf(line, sizeof line, "bind -n %0*d * m quit\n", KM_NOTE_MAX + 1, 0);
	assert_int_equal(parse(km, line, &d), 1);
	assert_string_equal(d.msg[0], "t.keys:1: note too long (over 128 bytes)");
	assert_int_equal(keymap_lookup(km, KT_LIST, 'm'), KA_NONE);
	keymap_free(km);
}

static char *dump_string(const struct keymap *km)
{
	struct memout m;
	keymap_dump(km, memout_open(&m));
	return memout_text(&m);
}

/* Fail unless km's dump parses clean into an empty keymap, to the same
 * bindings in the same order (notes too), which dump the same again. The
 * dump; the caller frees it. */
static char *assert_dump_reparses(const struct keymap *km)
{
	struct diags d;
	char *text = dump_string(km);
	struct keymap *again = keymap_new();
	if (parse(again, text, &d) != 0)
		fail_msg("the dump does not parse back: %s\n%s", d.msg[0], text);
	assert_int_equal(keymap_count(again), keymap_count(km));
	for (size_t i = 0; i < keymap_count(km); i++) {
		struct km_binding a, b;
		assert_int_equal(keymap_binding(km, i, &a), 0);
		assert_int_equal(keymap_binding(again, i, &b), 0);
		assert_int_equal(a.table, b.table);
		assert_int_equal(a.key, b.key);
		assert_int_equal(a.action, b.action);
		if (a.note)
			assert_string_equal(a.note, b.note);
		else
			assert_null(b.note);
	}
	char *text2 = dump_string(again);
	assert_string_equal(text, text2);
	free(text2);
	keymap_free(again);
	return text;
}

static void test_dump_reparses(void **state)
{
	(void)state;
	struct keymap *km = default_with("bind -n 'say \"hi\" \\o/' list '#' refresh\n"
	                                 "bind list '\"' up\nbind help \"'\" down\nbind * '\\' end\n"
	                                 "bind -n \"\" * C-Space redraw\nbind * \xc3\xa9 none\nbind help Tab help\n"
	                                 "bind list F12 quit\nunbind * G\n",
	                                 NULL);
	char *text = assert_dump_reparses(km);
	assert_non_null(strstr(text, "bind -n \"say \\\"hi\\\" \\\\o/\" list \"#\" refresh\n"));
	free(text);
	keymap_free(km);
}

/* A note sanitized grows (a bad byte becomes U+FFFD, three bytes): it is
 * kept within KM_NOTE_MAX, so that the dump still parses (tests/fuzz: a
 * 128-byte note of bad bytes came back from the dump as "note too long"). */
static void test_note_fits_after_sanitizing(void **state)
{
	(void)state;
	char text[KM_NOTE_MAX + 64];
	char bad[KM_NOTE_MAX + 1];
	memset(bad, 0xff, KM_NOTE_MAX);
	bad[KM_NOTE_MAX] = '\0';
	snprintf(text, sizeof text, "bind -n \"%s\" list x refresh\n", bad);
	struct keymap *km = keymap_new();
	struct diags d;
	assert_int_equal(parse(km, text, &d), 0);
	struct km_binding b;
	assert_int_equal(keymap_binding(km, 0, &b), 0);
	assert_non_null(b.note);
	assert_true(strlen(b.note) <= KM_NOTE_MAX);
	assert_memory_equal(b.note, "\xef\xbf\xbd", 3);
	free(assert_dump_reparses(km));
	keymap_free(km);
}

static void test_bindings_capped(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d;

	for (int i = 0; i < KM_BINDINGS_MAX; i++)
		assert_int_equal(keymap_bind(km, KT_LIST, 0x4e00 + i, KA_UP, NULL), 0);
	assert_int_equal(keymap_bind(km, KT_LIST, 'x', KA_UP, NULL), -1);
	assert_int_equal(keymap_bind(km, KT_LIST, 0x4e00, KA_DOWN, "rebinding still works"), 0);
	assert_int_equal(parse(km, "bind * x quit\n", &d), 1);
	assert_string_equal(d.msg[0], "t.keys:1: too many bindings (limit 4096)");
	assert_int_equal(keymap_lookup(km, KT_LIST, 0x4e00), KA_DOWN);
	/* invalid arguments are refused */
	assert_int_equal(keymap_bind(km, KT_COUNT, 'x', KA_UP, NULL), -1);
	assert_int_equal(keymap_bind(km, KT_LIST, 0x4e00, KA_COUNT, NULL), -1);
	assert_int_equal(keymap_bind(km, KT_LIST, -5, KA_UP, NULL), -1);
	keymap_free(km);
}

static void test_load_file(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d = { 0 };

	assert_int_equal(load(km, "/nonexistent/sandtop/keys", &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msg[0], "/nonexistent/sandtop/keys: cannot open: No such file or directory");

	assert_int_equal(load(km, "/tmp", &d), -1);
	assert_string_equal(d.msg[0], "/tmp: cannot read: Is a directory");

	/* BOM, CRLF, a bad line: path:line messages */
	static const char text[] = "\xef\xbb\xbf" "bind * q quit\r\nbind * w wat\r\nbind list w up\r\n";
	char *path = files_tmpfile("keymap", text, sizeof text - 1);
	assert_int_equal(load(km, path, &d), 1);
	first_msg_is(&d, "%s:2: unknown action 'wat'", path);
	LOOKUPS(km, {KT_LIST, 'q', KA_QUIT}, {KT_LIST, 'w', KA_UP});
	unlink(path);
	free(path);

	assert_int_equal(load(km, "/dev/null", &d), 0);
	assert_int_equal(d.n, 0);
	keymap_free(km);
}

static void test_load_huge_file(void **state)
{
	(void)state;
	struct keymap *km = keymap_new();
	struct diags d = { 0 };
	char *big = malloc(KM_FILE_MAX + 1);

	/* exactly KM_FILE_MAX bytes: comment lines, then one binding */
	memset(big, '#', KM_FILE_MAX + 1);
	for (size_t i = 63; i < KM_FILE_MAX; i += 64)
		big[i] = '\n';
	static const char tail[] = "\nbind * z quit\n";
	memcpy(big + KM_FILE_MAX - (sizeof tail - 1), tail, sizeof tail - 1);
	char *path = files_tmpfile("keymap", big, KM_FILE_MAX);
	assert_int_equal(load(km, path, &d), 0);
	assert_int_equal(keymap_lookup(km, KT_LIST, 'z'), KA_QUIT);
	unlink(path);
	free(path);

	/* one byte more: refused as a whole, nothing applied */
	struct keymap *km2 = keymap_new();
	memcpy(big + KM_FILE_MAX + 1 - (sizeof tail - 1), tail, sizeof tail - 1);
	path = files_tmpfile("keymap", big, KM_FILE_MAX + 1);
	assert_int_equal(load(km2, path, &d), -1);
	assert_int_equal(d.n, 1);
	first_msg_is(&d, "%s: file too large (over 1048576 bytes)", path);
	assert_int_equal(keymap_count(km2), 0);
	unlink(path);
	free(path);
	free(big);
	keymap_free(km2);
	keymap_free(km);
	keymap_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_and_table_names),
		cmocka_unit_test(test_defaults_parse_clean),
		cmocka_unit_test(test_default_bindings),
		cmocka_unit_test(test_lookup_fallback),
		cmocka_unit_test(test_bind_overrides),
		cmocka_unit_test(test_unbind),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_quoting_in_files),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_overlong_and_nul),
		cmocka_unit_test(test_messages_sanitized),
		cmocka_unit_test(test_dump_reparses),
		cmocka_unit_test(test_note_fits_after_sanitizing),
		cmocka_unit_test(test_bindings_capped),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_huge_file),
	};
	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
