/* test_keymaps_shipped: the shipped keymaps (vi, htop): they parse cleanly over the defaults and bind what the man page says. */
#include "keymaps/keymap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/diags.h"

#include <stdio.h>
#include <string.h>

extern const char km_vi_keys[];
extern const size_t km_vi_keys_len;
extern const char km_htop_keys[];
extern const size_t km_htop_keys_len;

/* What a map binds, as man/sandtop-keys.5 lists it. */
struct want {
	enum km_table t;
	const char *key;
	enum km_action a;
};

static const struct want vi[] = {
	{KT_GLOBAL, "C-d", KA_PAGE_DOWN}, {KT_GLOBAL, "C-u", KA_PAGE_UP}, {KT_GLOBAL, "C-e", KA_DOWN},
	{KT_GLOBAL, "C-y", KA_UP}, {KT_GLOBAL, "H", KA_HOME}, {KT_GLOBAL, "L", KA_END},
	{KT_LIST, "m", KA_TAG}, {KT_VIEW, "h", KA_BACK}, {KT_VIEW, "y", KA_SCREENSHOT},
	{KT_LOGS, "h", KA_LEFT}, {KT_LOGS, "l", KA_RIGHT}, {KT_LOGS, "n", KA_SEARCH_NEXT}, {KT_LIST, "l", KA_LOGS},
	/* from the defaults, still there */
	{KT_LIST, "j", KA_DOWN}, {KT_LIST, "k", KA_UP}, {KT_LIST, "g", KA_HOME}, {KT_LIST, "G", KA_END},
	{KT_LIST, "/", KA_FILTER}, {KT_WALL, "h", KA_LEFT}, {KT_WALL, "l", KA_RIGHT}, {KT_LIST, "F9", KA_KILL_ALL},
};

static const struct want htop[] = {
	{KT_LIST, "F3", KA_FILTER}, {KT_LIST, "F4", KA_FILTER}, {KT_LIST, "\\", KA_FILTER}, {KT_LIST, "F6", KA_SORT_NEXT},
	{KT_LIST, "F9", KA_KILL}, {KT_VIEW, "F9", KA_KILL}, {KT_LIST, "C-k", KA_KILL}, {KT_LIST, "F12", KA_KILL_ALL},
	{KT_LIST, "U", KA_UNTAG_ALL}, {KT_LIST, "d", KA_DETAIL}, {KT_LIST, "C-d", KA_REMOVE},
	{KT_LOGS, "F3", KA_SEARCH}, {KT_LIST, "l", KA_LOGS}, {KT_LOGS, "t", KA_TIMESTAMPS},
	/* from the defaults, still there */
	{KT_LIST, "F1", KA_HELP}, {KT_LIST, "F5", KA_REFRESH}, {KT_LIST, "F10", KA_QUIT}, {KT_LIST, "Space", KA_TAG},
	{KT_LIST, "F8", KA_FREEZE_ALL}, {KT_LIST, "k", KA_UP}, {KT_LIST, "I", KA_SORT_REVERSE},
};

static void check_map(const char *name, const struct want *w, size_t n)
{
	struct keymap *km = keymap_new_default();
	struct diags d = {0};
	assert_int_equal(keymap_load_shipped(km, name, diags_collect, &d), 0);
	if (d.n)
		fail_msg("%s: %s", name, d.msg[0]);
	for (size_t i = 0; i < n; i++) {
		int key = km_key_parse(w[i].key);
		assert_true(key >= 0);
		enum km_action got = keymap_lookup(km, w[i].t, key);
		if (got != w[i].a)
			fail_msg("%s: %s %s is %s, not %s", name, km_table_name(w[i].t), w[i].key, km_action_name(got),
				km_action_name(w[i].a));
	}
	/* every shipped map keeps a way to quit, to get help and both kill
	 * switches, from the list and the desktops */
	static const enum km_action must[] = {KA_QUIT, KA_HELP, KA_FREEZE_ALL, KA_KILL_ALL};
	static const enum km_table where[] = {KT_LIST, KT_VIEW, KT_WALL, KT_LOGS};
	char key[KM_KEY_NAME_MAX];
	for (size_t t = 0; t < sizeof where / sizeof where[0]; t++) {
		for (size_t a = 0; a < sizeof must / sizeof must[0]; a++) {
			keymap_key_for(km, where[t], must[a], key, sizeof key);
			if (!key[0])
				fail_msg("%s: no key for %s in %s", name, km_action_name(must[a]), km_table_name(where[t]));
		}
	}
	keymap_free(km);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(keymap_shipped_name(0), "default");
	assert_string_equal(keymap_shipped_name(1), "vi");
	assert_string_equal(keymap_shipped_name(2), "htop");
	assert_null(keymap_shipped_name(3));
	assert_true(keymap_is_shipped("vi"));
	assert_false(keymap_is_shipped("VI"));
	assert_false(keymap_is_shipped("./vi"));
	assert_false(keymap_is_shipped(""));
	struct keymap *km = keymap_new_default();
	size_t n = keymap_count(km);
	struct diags d = {0};
	assert_int_equal(keymap_load_shipped(km, "emacs", diags_collect, &d), -1);
	assert_int_equal(d.n, 0);
	assert_int_equal(keymap_load_shipped(km, "default", diags_collect, &d), 0);
	assert_int_equal(keymap_count(km), n);   /* default adds nothing */
	keymap_free(km);
}

/* Each file alone, into an empty map: no diagnostics either. */
static void test_files_parse_clean(void **state)
{
	(void)state;
	static const struct { const char *name; const char *text; const size_t *len; } files[] = {
		{"vi.keys", km_vi_keys, &km_vi_keys_len}, {"htop.keys", km_htop_keys, &km_htop_keys_len},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct keymap *km = keymap_new();
		struct diags d = {0};
		assert_int_equal(keymap_parse(km, files[i].name, files[i].text, *files[i].len, diags_collect, &d), 0);
		if (d.n)
			fail_msg("%s", d.msg[0]);
		assert_true(keymap_count(km) >= 8);
		keymap_free(km);
	}
}

static void test_vi(void **state)
{
	(void)state;
	check_map("vi", vi, sizeof vi / sizeof vi[0]);
}

static void test_htop(void **state)
{
	(void)state;
	check_map("htop", htop, sizeof htop / sizeof htop[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_files_parse_clean),
		cmocka_unit_test(test_vi),
		cmocka_unit_test(test_htop),
	};
	return cmocka_run_group_tests_name("keymaps_shipped", tests, NULL, NULL);
}
