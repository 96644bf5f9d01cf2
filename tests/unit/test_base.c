/* test_base: clock parsing/formatting, the capped buffer, the error record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/helper/memout.h"

#include "base/buf.h"
#include "base/natcmp.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/sanitize.h"

#include <stdio.h>
#include <unistd.h>

/* ---- clock_parse_rfc3339 ------------------------------------------------ */

static void test_rfc3339_docker(void **state)
{
	(void)state;
	/* expected values from Python's calendar.timegm */
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50.123456789Z"),
			 INT64_C(1795770230123));
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50.999999999Z"),
			 INT64_C(1795770230999)); /* truncated, not rounded */
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50Z"),
			 INT64_C(1795770230000));
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50.1Z"),
			 INT64_C(1795770230100));
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50.12Z"),
			 INT64_C(1795770230120));
	assert_int_equal(clock_parse_rfc3339("2026-01-01T00:00:00Z"),
			 INT64_C(1767225600000));
	assert_int_equal(clock_parse_rfc3339("2000-02-29T12:00:00Z"),
			 INT64_C(951825600000)); /* leap day */
	assert_int_equal(clock_parse_rfc3339("2038-01-19T03:14:08Z"),
			 INT64_C(2147483648000)); /* past 32-bit time_t */
	assert_int_equal(clock_parse_rfc3339("9999-12-31T23:59:59.999Z"),
			 INT64_C(253402300799999));
	assert_int_equal(clock_parse_rfc3339("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(clock_parse_rfc3339("1970-01-01T00:00:01.5Z"), 1500);
	assert_int_equal(clock_parse_rfc3339("2026-11-27t09:03:50z"),
			 INT64_C(1795770230000));
}

static void test_rfc3339_offsets(void **state)
{
	(void)state;
	const int64_t want = INT64_C(1795770230123);
	assert_int_equal(clock_parse_rfc3339("2026-11-27T11:03:50.123+02:00"), want);
	assert_int_equal(clock_parse_rfc3339("2026-11-27T03:33:50.123-05:30"), want);
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50.123+00:00"), want);
	assert_int_equal(clock_parse_rfc3339("2026-11-27T09:03:50.123-00:00"), want);
	/* an offset can move the date */
	assert_int_equal(clock_parse_rfc3339("2026-11-28T01:03:50.123+16:00"), want);
}

static void test_rfc3339_zero_time(void **state)
{
	(void)state;
	assert_int_equal(clock_parse_rfc3339("0001-01-01T00:00:00Z"), 0);
	assert_int_equal(clock_parse_rfc3339("0001-01-01T00:00:00.000000000Z"), 0);
	/* other pre-epoch times are "never" too; this one used to give -1,
	 * the error value */
	assert_int_equal(clock_parse_rfc3339("1969-12-31T23:59:59.999Z"), 0);
	assert_int_equal(clock_parse_rfc3339("1900-06-01T00:00:00Z"), 0);
}

static void test_rfc3339_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"garbage",
		"2026",
		"2026-11-27",
		"2026-11-27T",
		"2026-11-27T09:03",
		"2026-11-27T09:03:50",          /* no zone */
		"2026-11-27T09:03:50.Z",        /* empty fraction */
		"2026-11-27T09:03:50.123",
		"2026-11-27T09:03:50Zjunk",
		"2026-11-27T09:03:50+02",
		"2026-11-27T09:03:50+0200",
		"2026-11-27T09:03:50+02:0",
		"2026-11-27X09:03:50Z",
		"26-11-27T09:03:50Z",
		"2026-1-27T09:03:50Z",
		"2026-11-27T9:03:50Z",
		"2026/11/27T09:03:50Z",
		" 2026-11-27T09:03:50Z",
		"2026-00-10T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-11-32T00:00:00Z",
		"2026-11-31T00:00:00Z",         /* November has 30 days */
		"2026-02-29T00:00:00Z",         /* not a leap year */
		"1900-02-29T00:00:00Z",         /* century, not a leap year */
		"2026-11-27T24:00:00Z",
		"2026-11-27T09:60:00Z",
		"2026-11-27T09:03:61Z",
		"2026-11-27T09:03:50+24:00",
		"2026-11-27T09:03:50+02:60",
		"2026-11-27T09:03:50-99:99",
		"2026-11-27T09:03:50\xef\xbc\xba",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (clock_parse_rfc3339(bad[i]) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(clock_parse_rfc3339(NULL), -1);
	/* still valid: leap years, leap second */
	assert_int_not_equal(clock_parse_rfc3339("2024-02-29T00:00:00Z"), -1);
	assert_int_not_equal(clock_parse_rfc3339("2000-02-29T00:00:00Z"), -1);
	assert_int_equal(clock_parse_rfc3339("2016-12-31T23:59:60Z"),
			 clock_parse_rfc3339("2017-01-01T00:00:00Z"));
}

/* ---- clock_fmt_duration ------------------------------------------------- */

static void expect_dur(int64_t s, const char *want)
{
	char out[32];
	memset(out, 'X', sizeof out);
	clock_fmt_duration(s, out, sizeof out);
	assert_string_equal(out, want);
}

static void test_fmt_duration(void **state)
{
	(void)state;
	expect_dur(0, "0s");
	expect_dur(45, "45s");
	expect_dur(59, "59s");
	expect_dur(60, "1m");
	expect_dur(12 * 60 + 59, "12m");
	expect_dur(3599, "59m");
	expect_dur(3600, "1h00m");
	expect_dur(3 * 3600 + 7 * 60 + 5, "3h07m");
	expect_dur(86399, "23h59m");
	expect_dur(86400, "1d00h");
	expect_dur(2 * 86400 + 4 * 3600 + 59 * 60, "2d04h");
	expect_dur(400 * 86400, "400d00h");
	expect_dur(-5, "0s");

	/* the output size is respected and the result NUL-terminated */
	char small[4];
	memset(small, 'X', sizeof small);
	clock_fmt_duration(3 * 3600 + 7 * 60, small, 3);
	assert_string_equal(small, "3h");
	assert_int_equal(small[3], 'X');
}

/* ---- buf ---------------------------------------------------------------- */

static void test_buf_cap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(b.len, 0);
	assert_false(b.overflow);
	assert_int_equal(buf_append(&b, "abcd", 4), 0);
	assert_string_equal(b.data, "abcd");
	assert_int_equal(buf_puts(&b, "efgh"), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	assert_false(b.overflow);
	/* one more byte is past the cap: refused, flagged, data untouched */
	assert_int_equal(buf_append(&b, "i", 1), -1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	/* an empty append still fits */
	assert_int_equal(buf_append(&b, "", 0), 0);
	buf_free(&b);

	/* a single append larger than the cap; SIZE_MAX must not wrap */
	buf_init(&b, 4);
	assert_int_equal(buf_append(&b, "12345", 5), -1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), -1);
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(b.data, "1234");
	assert_int_equal(buf_printf(&b, "%d", 5), -1);
	assert_string_equal(b.data, "1234");
	/* reset clears data and the flag, keeps the cap */
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_append(&b, "12345", 5), -1);
	buf_free(&b);
	assert_null(b.data);
}

static void test_buf_binary_growth(void **state)
{
	(void)state;
	struct buf b;
	enum { MAX = 100000 };
	buf_init(&b, MAX);
	for (size_t i = 0; i < MAX; i++) {
		char c = (char)(i % 251); /* includes NUL bytes */
		assert_int_equal(buf_append(&b, &c, 1), 0);
	}
	assert_int_equal(b.len, MAX);
	assert_true(b.cap >= MAX + 1);
	assert_int_equal(b.data[MAX], '\0');
	for (size_t i = 0; i < MAX; i++)
		if (b.data[i] != (char)(i % 251))
			fail_msg("byte %zu corrupted", i);
	assert_int_equal(buf_append(&b, "z", 1), -1);
	assert_true(b.overflow);
	buf_free(&b);
}

/* Make b, capped at max, hold text (which must fit). */
static void buf_with(struct buf *b, size_t max, const char *text)
{
	buf_init(b, max);
	assert_int_equal(buf_puts(b, text), 0);
}

/* Consume n bytes of b; fail unless what is left is exactly left. */
static void consume_to(struct buf *b, size_t n, const char *left)
{
	buf_consume(b, n);
	assert_int_equal(b->len, strlen(left));
	assert_string_equal(b->data, left);
}

static void test_buf_consume(void **state)
{
	(void)state;
	struct buf b;
	buf_with(&b, 64, "hello world");
	consume_to(&b, 6, "world");
	consume_to(&b, 0, "world");
	consume_to(&b, 5, "");
	/* room again after consuming */
	assert_int_equal(buf_puts(&b, "again"), 0);
	consume_to(&b, 100, ""); /* more than len drops all */
	buf_free(&b);

	/* consuming everything does not forget a refused append */
	buf_with(&b, 4, "abcd");
	assert_int_equal(buf_puts(&b, "e"), -1);
	buf_consume(&b, 4);
	assert_true(b.overflow);
	buf_free(&b);

	/* consume on a never-used buffer is harmless */
	buf_init(&b, 4);
	buf_consume(&b, 0);
	buf_consume(&b, 3);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_buf_steal(void **state)
{
	(void)state;
	struct buf b;
	buf_with(&b, 32, "payload");
	char *p = buf_steal(&b);
	assert_string_equal(p, "payload");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 32);
	free(p);
	/* the buffer is usable again, with the same cap */
	assert_int_equal(buf_puts(&b, "x"), 0);
	assert_string_equal(b.data, "x");
	free(buf_steal(&b));
	/* stealing an empty buffer gives an empty string, not NULL */
	p = buf_steal(&b);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
}

/* ---- err ---------------------------------------------------------------- */

static void test_err_set(void **state)
{
	(void)state;
	struct err e;
	err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");

	assert_int_equal(err_set(&e, 42, "x=%d %s", 5, "y"), -1);
	assert_int_equal(e.code, 42);
	assert_string_equal(e.msg, "x=5 y");

	/* one line */
	err_set(&e, 1, "a\nb\r\nc\td");
	assert_string_equal(e.msg, "a b  c d");

	/* NULL-safe */
	assert_int_equal(err_set(NULL, 7, "ignored %s", "x"), -1);
	err_clear(NULL);

	err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
}

static void test_err_untrusted(void **state)
{
	(void)state;
	struct err e;
	/* daemon text with escapes is shown, not executed */
	err_set(&e, 2, "docker: %s", "No such image: \x1b]0;pwned\x07x\x1b[2J");
	assert_string_equal(e.msg, "docker: No such image: \xe2\x90\x9bx\xe2\x90\x9b");
	err_set(&e, 2, "%s", "ok\xe2\x80\xae\xff");
	assert_string_equal(e.msg, "ok\xef\xbf\xbd\xef\xbf\xbd");

	/* long messages are cut below ERR_MSG_MAX on a character boundary */
	char big[3 * ERR_MSG_MAX];
	for (size_t i = 0; i + 3 <= sizeof big; i += 3)
		memcpy(big + i, "\xe6\x97\xa5", 3);
	big[sizeof big - 1] = '\0';
	err_set(&e, 3, "%s", big);
	size_t n = strlen(e.msg);
	assert_true(n < ERR_MSG_MAX);
	assert_true(n >= ERR_MSG_MAX - 3);
	assert_int_equal(n % 3, 0);

	/* wrapping the previous message in place */
	err_set(&e, 4, "inner %d", 1);
	err_set(&e, e.code, "outer: %s", e.msg);
	assert_string_equal(e.msg, "outer: inner 1");
	assert_int_equal(e.code, 4);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char b[16384];
	size_t n = fread(b, 1, sizeof b - 1, fp);
	b[n] = '\0';
	fclose(fp);
	return b;
}

/* A log line quoting hostile text (what a container or a VNC server sends):
 * one line, no ESC, BEL or raw control byte, invalid UTF-8 replaced. */
static void test_log_line_sanitized(void **state)
{
	(void)state;
	char path[] = "/tmp/sandtop-logtest-XXXXXX";
	int tmp = mkstemp(path);
	assert_true(tmp >= 0);
	close(tmp);
	int saved = dup(2); /* log_open takes fd 2 */
	assert_int_equal(log_open(path), 0);
	log_msg(LOG_WARN, "desk %s: %s", "abc", "evil\x1b[2J\x1b]0;title\x07 \xff\xfe tail\nfake 2nd line\r\tend");
	log_msg(LOG_INFO, "plain %d", 42);
	log_close();
	dup2(saved, 2);
	close(saved);
	const char *t = slurp(path);
	unlink(path);
	const char *nl = strchr(t, '\n');
	assert_non_null(nl);
	assert_non_null(strchr(nl + 1, '\n'));
	assert_null(strchr(strchr(nl + 1, '\n') + 1, '\n')); /* two lines, not three */
	for (const char *p = t; *p; p++)
		assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
	assert_null(strchr(t, 0x7f));
	assert_non_null(strstr(t, " warn desk abc: evil\xe2\x90\x9b")); /* ESC sequence -> U+241B */
	assert_non_null(strstr(t, "\xef\xbf\xbd")); /* invalid UTF-8 -> U+FFFD */
	assert_non_null(strstr(t, "tail\xe2\x90\x8a" "fake 2nd line")); /* newline -> U+240A */
	assert_non_null(strstr(t, " info plain 42\n"));
}

/* sanitize_fprintf: the formatted text sanitized, the format's own line
 * end kept. */
static void test_sanitize_fprintf(void **state)
{
	(void)state;
	struct memout m;
	FILE *fp = memout_open(&m);
	sanitize_fprintf(fp, "sandtop: screenshot: %s\n", "disconnected: \x1b[31mred\x1b[0m\n\x9b" "2J");
	sanitize_fprintf(fp, "%s", "no line end");
	char *buf = memout_text(&m);
	assert_string_equal(buf, "sandtop: screenshot: disconnected: \xe2\x90\x9bred\xe2\x90\x9b\xe2\x90\x8a\xe2\x90\x9b\n"
	                         "no line end");
	free(buf);
}

/* natcmp: each pair in the order people expect (a before b). */
static void test_natcmp(void **state)
{
	(void)state;
	static const char *const before[][2] = {
		{"ux-1", "ux-2"}, {"ux-2", "ux-10"}, {"ux-9", "ux-10"}, {"ux-10", "ux-11"}, {"a", "a1"},
		{"ux-01", "ux-1"}, {"ux-1", "ux-1a"}, {"a2b3", "a2b10"}, {"9", "10"}, {"abc", "abd"},
		{"x-99999999999999999999", "x-100000000000000000000"}, {"", "a"}, {"a", "Z"}, {"Demo-2", "demo-10"}, {"A", "a"},
	};
	for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
		if (natcmp(before[i][0], before[i][1]) >= 0)
			fail_msg("natcmp(\"%s\", \"%s\") >= 0", before[i][0], before[i][1]);
		if (natcmp(before[i][1], before[i][0]) <= 0)
			fail_msg("natcmp(\"%s\", \"%s\") <= 0", before[i][1], before[i][0]);
	}
	assert_int_equal(natcmp("ux-10", "ux-10"), 0);
	assert_true(natcmp(NULL, "a") < 0);
	assert_true(natcmp("a", NULL) > 0);
	assert_int_equal(natcmp(NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_docker),
		cmocka_unit_test(test_rfc3339_offsets),
		cmocka_unit_test(test_rfc3339_zero_time),
		cmocka_unit_test(test_rfc3339_malformed),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_binary_growth),
		cmocka_unit_test(test_buf_consume),
		cmocka_unit_test(test_buf_steal),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_err_untrusted),
		cmocka_unit_test(test_log_line_sanitized),
		cmocka_unit_test(test_sanitize_fprintf),
		cmocka_unit_test(test_natcmp),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
