/* test_stats_api: stats API bodies -> st_raw beyond the captured cases (test_fixtures): v1 shapes, missing sections, counters above 2^53, hostile bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/expect.h"
#include "tests/unit/helper/fields.h"
#include "tests/unit/helper/fixture.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/json/util.h"
#include "host/stats.h"

static int parse_str(const char *body, struct st_raw *r)
{
	struct err e = {0};
	int rc = dk_stats_parse(body, strlen(body), r, &e);
	if (rc < 0)
		assert_int_equal(e.code, ERR_PARSE);
	return rc;
}

/* The captured bodies (stats_running.json, stats_stopped.json, stats_v2.json)
 * are cases: tests/fixtures/cases/stats_*.expect (test_fixtures). */

/* A hand-written body and the values it must give (expect lines: see
 * helper/expect.h, fields in helper/fields.h). */
struct body_case {
	const char *why;
	const char *body;
	const char *want;
};

static void run_cases(const struct body_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct st_raw r;
		if (parse_str(c[i].body, &r) != 0)
			fail_msg("%s: does not parse", c[i].why);
		ex_expect(c[i].why, &r, fields_st_raw, c[i].want);
	}
}

/* cgroup v1 shapes: capitalised ops (Sync/Async/Total/Discard not counted),
 * the percpu_usage fallback, total_inactive_file preferred over the
 * non-hierarchical inactive_file, lo skipped, "unlimited" memory and pids. */
static void test_v1_ops(void **state)
{
	(void)state;
	static const struct body_case cases[] = {
		{"v1 ops",
		 "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":500,\"percpu_usage\":[1,2,3,4]},"
		 "\"system_cpu_usage\":9000,\"online_cpus\":0},"
		 "\"memory_stats\":{\"usage\":1000,\"limit\":9223372036854771712,"
		 "\"stats\":{\"inactive_file\":10,\"total_inactive_file\":300}},"
		 "\"networks\":{\"lo\":{\"rx_bytes\":999,\"tx_bytes\":999},\"eth0\":{\"rx_bytes\":5,\"tx_bytes\":6}},"
		 "\"blkio_stats\":{\"io_service_bytes_recursive\":["
		 "{\"major\":8,\"minor\":0,\"op\":\"Read\",\"value\":100},"
		 "{\"major\":8,\"minor\":0,\"op\":\"Write\",\"value\":200},"
		 "{\"major\":8,\"minor\":0,\"op\":\"Sync\",\"value\":300},"
		 "{\"major\":8,\"minor\":0,\"op\":\"Async\",\"value\":400},"
		 "{\"major\":8,\"minor\":0,\"op\":\"Discard\",\"value\":500},"
		 "{\"major\":8,\"minor\":0,\"op\":\"Total\",\"value\":700},"
		 "{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":1},"
		 "{\"major\":8,\"minor\":16,\"op\":\"\",\"value\":1000},"
		 "{\"major\":8,\"minor\":16,\"value\":1000},"
		 "{\"major\":8,\"minor\":16,\"op\":\"Write\",\"value\":-5}]},"
		 "\"pids_stats\":{\"current\":3,\"limit\":0}}",
		 "have = cpu mem inactive memlimit net blk pids\nonline_cpus = 4\ncpu_ns = 500\nsystem_ns = 9000\n"
		 "mem_inactive_file = 300\nmem_limit = 0\nnet_rx = 5\nnet_tx = 6\nblk_read = 101\nblk_write = 200\n"
		 "pids = 3\npids_limit = 0"},
		/* no online_cpus and no percpu_usage (old Podman): CPU known, count 0 */
		{"old Podman", "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1},\"system_cpu_usage\":2}}",
		 "have = cpu\nonline_cpus = 0"},
		/* pids limit: a real one is kept, above PID_MAX_LIMIT is "max" */
		{"pid_max", "{\"pids_stats\":{\"current\":1,\"limit\":4194304}}", "pids_limit = 4194304"},
		{"past pid_max", "{\"pids_stats\":{\"current\":1,\"limit\":4194305}}", "pids_limit = 0"},
		/* memory limit 0 = unlimited, still reported */
		{"no memory limit", "{\"memory_stats\":{\"limit\":0}}", "have = memlimit\nmem_limit = 0"},
	};
	run_cases(cases, sizeof cases / sizeof *cases);
}

/* Sections missing, empty, null or of the wrong type: rc 0, bits clear. */
static void test_missing_sections(void **state)
{
	(void)state;
	static const struct body_case cases[] = {
		{"empty", "{}", "have = \"\""},
		{"cpu", "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5},\"system_cpu_usage\":6,\"online_cpus\":2}}",
		 "have = cpu"},
		/* total_usage without system_cpu_usage (a stopped container) */
		{"stopped cpu", "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5}}}", "have = \"\""},
		/* null blkio list: zero I/O in a live sample, nothing otherwise */
		{"null blkio, live", "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5},\"system_cpu_usage\":6},"
		                     "\"blkio_stats\":{\"io_service_bytes_recursive\":null}}",
		 "have = cpu blk\nblk_read = 0"},
		{"null blkio", "{\"blkio_stats\":{\"io_service_bytes_recursive\":null}}", "have = \"\""},
		{"empty blkio", "{\"blkio_stats\":{}}", "have = \"\""},
		/* usage without stats / limit */
		{"usage only", "{\"memory_stats\":{\"usage\":42}}", "have = mem\nmem_usage = 42"},
		/* networks present but empty: known, zero */
		{"no networks", "{\"networks\":{}}", "have = net\nnet_rx = 0"},
		/* wrong types everywhere: no claims, no failure */
		{"wrong types", "{\"cpu_stats\":\"x\",\"memory_stats\":[1,2],\"networks\":[{\"rx_bytes\":1}],"
		                "\"blkio_stats\":{\"io_service_bytes_recursive\":{\"op\":\"Read\"}},"
		                "\"pids_stats\":null}",
		 "have = \"\""},
		/* numbers that are not counters: strings, negative, fractional, 2^64 */
		{"not counters", "{\"memory_stats\":{\"usage\":\"123\",\"limit\":-1},"
		                 "\"pids_stats\":{\"current\":1.5,\"limit\":18446744073709551616}}",
		 "have = \"\"\nmem_usage = 0"},
		/* exponent / trailing-zero forms are still integers */
		{"exponents", "{\"memory_stats\":{\"usage\":1e3},\"pids_stats\":{\"current\":12.0}}",
		 "have = mem pids\nmem_usage = 1000\npids = 12"},
	};
	run_cases(cases, sizeof cases / sizeof *cases);
}

/* Counters above 2^53 go through cJSON's double: a few ns off at most, so
 * the deltas of two samples one interval apart stay right; 2^64 and more,
 * negative and fractional values are absent, never wrapped. */
static void test_big_integers(void **state)
{
	(void)state;
	struct st_raw a, b;
	assert_int_equal(parse_str("{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":9007199254740993},"
	                           "\"system_cpu_usage\":16588800000000001,\"online_cpus\":8}}", &a), 0);
	assert_int_equal(parse_str("{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":9007199754740993},"
	                           "\"system_cpu_usage\":16588808000000001,\"online_cpus\":8}}", &b), 0);
	assert_int_equal(a.have, ST_HAVE_CPU);
	assert_true(a.cpu_ns >= (UINT64_C(1) << 53) && a.cpu_ns <= (UINT64_C(1) << 53) + 2);
	/* 0.5 s of CPU over 8 s of host time (1 s on 8 CPUs): exact to a few ns */
	uint64_t dcpu = b.cpu_ns - a.cpu_ns, dsys = b.system_ns - a.system_ns;
	assert_true(dcpu >= 500000000 - 4 && dcpu <= 500000000 + 4);
	assert_true(dsys >= 8000000000 - 8 && dsys <= 8000000000 + 8);

	struct st_raw r;
	assert_int_equal(parse_str("{\"networks\":{\"eth0\":{\"rx_bytes\":18446744073709551616,\"tx_bytes\":5}},"
	                           "\"memory_stats\":{\"usage\":-1},\"pids_stats\":{\"current\":1.5}}", &r), 0);
	assert_true(r.net_rx == 0 && r.net_tx == 5); /* the 2^64 counter is skipped, not wrapped */
	assert_false(r.have & ST_HAVE_MEM);
	assert_false(r.have & ST_HAVE_PIDS);
}

static void expect_eparse(const char *body, size_t len)
{
	struct st_raw r;
	struct err e = {0};
	memset(&r, 0xa5, sizeof r);
	assert_int_equal(dk_stats_parse(body, len, &r, &e), -1);
	assert_int_equal(e.code, ERR_PARSE);
	assert_true(e.msg[0] != '\0');
	assert_int_equal(r.have, 0);
}

/* {"memory_stats":{"usage":1},"x":[[...1...]]} with k brackets. */
static size_t deep_body(char *out, size_t cap, int k)
{
	size_t n = (size_t)snprintf(out, cap, "{\"memory_stats\":{\"usage\":1},\"x\":");
	for (int i = 0; i < k; i++)
		out[n++] = '[';
	out[n++] = '1';
	for (int i = 0; i < k; i++)
		out[n++] = ']';
	out[n++] = '}';
	assert_true(n < cap);
	return n;
}

/* Garbage, truncation (every prefix of a real body), wrong top-level type,
 * deep nesting: -1 with ERR_PARSE. */
static void test_hostile(void **state)
{
	(void)state;
	expect_eparse(NULL, 0);
	expect_eparse("", 0);
	expect_eparse("not json", 8);
	expect_eparse("[]", 2);
	expect_eparse("123", 3);
	expect_eparse("\"cpu_stats\"", 11);
	expect_eparse("null", 4);
	expect_eparse("{\"a\":1,}", 8);
	expect_eparse("{\"a\":01x}", 9);
	expect_eparse("{\"a\":1e}", 8);
	expect_eparse("{\"a\":--1}", 9);

	size_t len;
	char *body = fixture_read("stats_running.json", &len);
	while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
		len--;
	for (size_t n = 1; n < len; n++)
		expect_eparse(body, n);
	free(body);

	/* nested deeper than DK_JSON_DEPTH_MAX (the object is level 1), in an
	 * ignored member; one level less is fine */
	char deep[512];
	size_t n = deep_body(deep, sizeof deep, DK_JSON_DEPTH_MAX);
	expect_eparse(deep, n);
	n = deep_body(deep, sizeof deep, DK_JSON_DEPTH_MAX - 1);
	struct st_raw r;
	struct err e;
	assert_int_equal(dk_stats_parse(deep, n, &r, &e), 0);
	assert_int_equal(r.have, ST_HAVE_MEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_ops),
		cmocka_unit_test(test_missing_sections),
		cmocka_unit_test(test_big_integers),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
