/* test_jsonstr: base/jsonstr: the ASCII-only JSON string literal (escapes, ill-formed UTF-8, the cap, NULL, overflow). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/jsonstr.h"

/* jsonstr_put of s with cap, as a new string */
static char *enc(const char *s, size_t cap)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	jsonstr_put(&b, s, cap);
	assert_false(b.overflow);
	return buf_steal(&b);
}

static void expect(const char *s, size_t cap, const char *want)
{
	char *got = enc(s, cap);
	assert_string_equal(got, want);
	free(got);
}

static void test_plain_and_null(void **state)
{
	(void)state;
	expect("abc", JSONSTR_ALL, "\"abc\"");
	expect("", JSONSTR_ALL, "\"\"");
	expect(NULL, JSONSTR_ALL, "null");
	expect(" ~", JSONSTR_ALL, "\" ~\"");
}

static void test_quote_backslash(void **state)
{
	(void)state;
	expect("a\"b\\c/d", JSONSTR_ALL, "\"a\\\"b\\\\c/d\"");
}

/* every control, DEL included, in the one \u form (no \n, \t short forms) */
static void test_controls(void **state)
{
	(void)state;
	expect("\x01\b\t\n\f\r\x1b\x1f\x7f", JSONSTR_ALL,
	       "\"\\u0001\\u0008\\u0009\\u000a\\u000c\\u000d\\u001b\\u001f\\u007f\"");
}

static void test_non_ascii(void **state)
{
	(void)state;
	expect("\xc3\xa9", JSONSTR_ALL, "\"\\u00e9\"");                 /* e acute */
	expect("\xc2\x9b", JSONSTR_ALL, "\"\\u009b\"");                 /* C1 CSI: escaped, never raw */
	expect("\xe2\x80\xae", JSONSTR_ALL, "\"\\u202e\"");             /* bidi override */
	expect("\xef\xbf\xbf", JSONSTR_ALL, "\"\\uffff\"");
	expect("\xf0\x9f\x98\x80", JSONSTR_ALL, "\"\\ud83d\\ude00\"");  /* U+1F600: a surrogate pair */
	expect("\xf4\x8f\xbf\xbf", JSONSTR_ALL, "\"\\udbff\\udfff\"");  /* U+10FFFF */
}

/* ill-formed UTF-8: one U+FFFD per maximal subpart */
static void test_ill_formed(void **state)
{
	(void)state;
	expect("\xff", JSONSTR_ALL, "\"\\ufffd\"");
	expect("a\x80z", JSONSTR_ALL, "\"a\\ufffdz\"");                 /* stray continuation */
	expect("\xc0\xaf", JSONSTR_ALL, "\"\\ufffd\\ufffd\"");          /* overlong '/' */
	expect("\xed\xa0\x80", JSONSTR_ALL, "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate, UTF-8 encoded */
	expect("\xf4\x90\x80\x80", JSONSTR_ALL, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* over U+10FFFF */
	expect("\xe2\x82", JSONSTR_ALL, "\"\\ufffd\"");                 /* truncated at the end */
	expect("\xe2\x82z", JSONSTR_ALL, "\"\\ufffdz\"");               /* truncated before ASCII */
}

static void test_cap(void **state)
{
	(void)state;
	expect("abcdef", 3, "\"abc\\u2026\"");
	expect("abc", 3, "\"abc\"");                                    /* exactly the cap: not cut */
	expect("a\xc3\xa9z", 2, "\"a\\u2026\"");                        /* never half a character */
	expect("a\xf0\x9f\x98\x80z", 4, "\"a\\u2026\"");
	expect("a\xf0\x9f\x98\x80z", 5, "\"a\\ud83d\\ude00\\u2026\"");
	expect("abc", 0, "\"\\u2026\"");
	expect(NULL, 0, "null");
}

static void test_overflow(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 4);
	jsonstr_put(&b, "abcdef", JSONSTR_ALL);
	assert_true(b.overflow);
	assert_true(b.len <= 4);
	buf_free(&b);
}

/* Any bytes give printable ASCII that a JSON parser reads back; valid
 * UTF-8 comes back byte for byte. */
static void test_ascii_round_trip(void **state)
{
	(void)state;
	char s[64];
	srand(14);
	for (int it = 0; it < 20000; it++) {
		size_t n = (size_t)(rand() % 63);
		for (size_t i = 0; i < n; i++)
			s[i] = (char)(1 + rand() % 255);
		s[n] = '\0';
		char *out = enc(s, JSONSTR_ALL);
		for (const char *p = out; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
		cJSON *j = cJSON_Parse(out);
		assert_non_null(j);
		assert_true(cJSON_IsString(j));
		if (!strstr(out, "\\ufffd"))
			assert_string_equal(j->valuestring, s);
		cJSON_Delete(j);
		free(out);
	}
	const char *valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \"q\" \\ \n";
	char *out = enc(valid, JSONSTR_ALL);
	cJSON *j = cJSON_Parse(out);
	assert_string_equal(j->valuestring, valid);
	cJSON_Delete(j);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_null),
		cmocka_unit_test(test_quote_backslash),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_ill_formed),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_ascii_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
