/* test_docker_json: Engine API JSON decoding beyond the captured cases (test_fixtures): hostile and broken bodies, copies, the ps JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fixture.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/docker.h"
#include "host/stats.h"

static const char evil_task[] = "evil \x1b[2J\x1b]0;pwn\x07 \xe2\x80\xae task";

/* The captured inspect answer tests/fixtures/NAME, parsed into c (the
 * caller clears it); its values are held by the cases (test_fixtures). */
static void inspect_fixture(const char *name, struct dk_container *c)
{
	size_t len;
	char *body = fixture_read(name, &len);
	struct err e;
	assert_int_equal(dk_parse_inspect(body, len, c, &e), 0);
	free(body);
}

static void test_event_action_cut(void **state)
{
	(void)state;
	const char *line = "{\"Type\":\"container\",\"Action\":\"exec_create: sh -c \\u001b[2J\","
	                   "\"Actor\":{\"ID\":\"abc123\"},\"timeNano\":5}";
	struct dk_event ev;
	struct err e;
	assert_int_equal(dk_parse_event(line, strlen(line), &ev, &e), 0);
	assert_string_equal(ev.action, "exec_create");
	assert_string_equal(ev.id, "abc123");
}

/* The engine's own 404 is a case (tests/fixtures/cases/error_404.expect). */
static void test_http_error(void **state)
{
	(void)state;
	struct err e;
	/* a hostile message is shown sanitized */
	const char *evil = "{\"message\":\"boom \\u001b]0;x\\u0007\\r\\nfake\"}";
	dk_http_error(&e, 500, evil, strlen(evil));
	assert_int_equal(e.code, ERR_SERVER);
	for (const char *p = e.msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	dk_http_error(&e, 409, NULL, 0);
	assert_int_equal(e.code, ERR_CONFLICT);
}

/* Hostile or broken bodies: every one is a clean ERR_PARSE, never a crash. */
static void test_bad_bodies(void **state)
{
	(void)state;
	const char *bad[] = {
		"", "[", "{\"Id\":", "nul\0l", "{}", "[{\"Id\":\"not-hex!\"}]", "[{\"Names\":[\"/x\"]}]",
		"[{\"Id\":\"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0\"}]",
		"[1,2,3]", "\"string\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct dk_container_list l;
		struct err e;
		assert_int_equal(dk_parse_container_list(bad[i], strlen(bad[i]), &l, &e), -1);
		assert_int_equal(e.code, ERR_PARSE);
		assert_int_equal(l.n, 0);
		struct dk_container c;
		assert_int_equal(dk_parse_inspect(bad[i], strlen(bad[i]), &c, &e), -1);
		assert_int_equal(e.code, ERR_PARSE);
	}
	/* nesting bombs are refused before cJSON sees them */
	size_t n = 100000;
	char *deep = xmalloc(n + 1);
	memset(deep, '[', n);
	deep[n] = '\0';
	struct dk_container_list l;
	struct err e;
	assert_int_equal(dk_parse_container_list(deep, n, &l, &e), -1);
	assert_non_null(strstr(e.msg, "nested"));
	free(deep);
	/* a truncated fixture body */
	size_t len;
	char *body = fixture_read("containers_list.json", &len);
	assert_int_equal(dk_parse_container_list(body, len / 2, &l, &e), -1);
	free(body);
}

static void test_ps_json_ascii_roundtrip(void **state)
{
	(void)state;
	struct dk_container c;
	inspect_fixture("inspect_running.json", &c);
	char *out = dk_containers_to_json(&c, 1, NULL);
	for (const char *p = out; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	cJSON *o = cJSON_GetArrayItem(j, 0);
	assert_string_equal(cJSON_GetObjectItem(o, "id")->valuestring, c.id);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring, "fx-sandbox");
	assert_string_equal(cJSON_GetObjectItem(o, "state")->valuestring, "running");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "started_at")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "finished_at")));
	cJSON *labels = cJSON_GetObjectItem(o, "labels");
	/* the exact bytes survive the ASCII escaping */
	assert_string_equal(cJSON_GetObjectItem(labels, "sandtop.task")->valuestring, evil_task);
	cJSON_Delete(j);
	free(out);
	dk_container_clear(&c);
}

/* pids_limit: the stats source's when it read one, else the configured
 * HostConfig.PidsLimit (Podman's stats API has none), else null. */
static void test_ps_json_pids_limit(void **state)
{
	(void)state;
	struct dk_container c;
	inspect_fixture("inspect_running.json", &c);
	static const struct {
		int64_t configured;
		uint64_t seen;
		double want; /* -1: null */
	} cases[] = {{512, 0, 512}, {512, 100, 100}, {0, 0, -1}, {-1, 0, -1}, {-1, 64, 64}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c.pids_limit = cases[i].configured;
		struct st_snapshot st = {.valid = true};
		st.raw.have = ST_HAVE_PIDS;
		st.raw.pids = 3;
		st.raw.pids_limit = cases[i].seen;
		char *out = dk_containers_to_json(&c, 1, &st);
		cJSON *j = cJSON_Parse(out);
		const cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "pids_limit");
		if (cases[i].want < 0)
			assert_true(cJSON_IsNull(v));
		else
			assert_true(cJSON_IsNumber(v) && v->valuedouble == cases[i].want);
		cJSON_Delete(j);
		free(out);
	}
	dk_container_clear(&c);
}

static void test_container_copy(void **state)
{
	(void)state;
	struct dk_container c, d;
	inspect_fixture("inspect_running.json", &c);
	dk_container_copy(&d, &c);
	dk_container_clear(&c);
	assert_string_equal(d.name, "fx-sandbox");
	assert_string_equal(dk_container_label(&d, "sandtop.owner"), "alice");
	dk_container_clear(&d);
}

/* The ports and networks of an inspect (tests/fixtures/cases/inspect_ports.expect):
 * copy and merge carry them. */
static void test_inspect_ports_copied(void **state)
{
	(void)state;
	struct dk_container c;
	inspect_fixture("inspect_ports.json", &c);
	struct dk_container d, m;
	dk_container_copy(&d, &c);
	memset(&m, 0, sizeof m);
	m.health = xstrdup("");
	dk_container_merge_inspect(&m, &c);
	dk_container_merge_inspect(&m, &c); /* again: the old ones are freed */
	dk_container_clear(&c);
	assert_int_equal(d.nports, 2);
	assert_int_equal(dk_container_port(&d, 5900, "tcp")->host_port, 32769);
	assert_string_equal(d.networks[1].name, "tun-net");
	assert_string_equal(d.ip, "172.17.0.2");
	assert_int_equal(m.nports, 2);
	assert_int_equal(m.nnetworks, 2);
	assert_string_equal(m.ip, "172.17.0.2");
	assert_true(m.inspected);
	dk_container_clear(&d);
	dk_container_clear(&m);
}

/* Garbage in NetworkSettings is skipped entry by entry, never a failure. */
static void test_inspect_ports_hostile(void **state)
{
	(void)state;
	const char *body = "{\"Id\":\"abc\",\"NetworkSettings\":{"
		"\"IPAddress\":\"172.17.0.9\","
		"\"Ports\":{"
		"\"0/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"1\"}],"
		"\"65536/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"2\"}],"
		"\"-5/tcp\":[{\"HostPort\":\"3\"}],"
		"\"80\":[{\"HostPort\":\"4\"}],"
		"\"80/TCP\":[{\"HostPort\":\"5\"}],"
		"\"80/tcp\\u001b[2J\":[{\"HostPort\":\"6\"}],"
		"\"81/averyverylongproto\":[{\"HostPort\":\"7\"}],"
		"\"82/tcp\":\"notanarray\","
		"\"83/tcp\":[1,\"x\",null,{\"HostPort\":80},{\"HostPort\":\"0\"},{\"HostPort\":\"65536\"},"
		"  {\"HostPort\":\" 8\"},{\"HostPort\":\"+9\"},{\"HostPort\":\"000010\"},"
		"  {\"HostIp\":\"evil\\u001b]0;x\\u0007\",\"HostPort\":\"11\"},"
		"  {\"HostIp\":\"::1\",\"HostPort\":\"12\"},"
		"  {\"HostPort\":\"13\"}],"
		"\"65535/sctp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"65535\"}]},"
		"\"Networks\":{\"\":{\"IPAddress\":\"10.0.0.1\"},\"n1\":5,"
		"\"n2\":{\"IPAddress\":\"300.1.1.1\"},\"n3\":{\"IPAddress\":\"\"},"
		"\"n4\":{\"IPAddress\":\"10.1.2.3\"}}}}";
	struct dk_container c;
	struct err e;
	assert_int_equal(dk_parse_inspect(body, strlen(body), &c, &e), 0);
	assert_int_equal(c.nports, 3);
	assert_int_equal(c.ports[0].private_port, 83);
	assert_string_equal(c.ports[0].host_ip, "::1");
	assert_int_equal(c.ports[0].host_port, 12);
	assert_int_equal(c.ports[1].host_port, 13);
	assert_string_equal(c.ports[1].host_ip, "");
	assert_int_equal(c.ports[2].private_port, 65535);
	assert_string_equal(c.ports[2].proto, "sctp");
	assert_int_equal(c.nnetworks, 3); /* n2, n3, n4 */
	assert_string_equal(c.networks[0].ip, "");
	assert_string_equal(c.ip, "10.1.2.3"); /* the networks win over the legacy field */
	dk_container_clear(&c);

	/* wrong types everywhere */
	const char *bad[] = {
		"{\"Id\":\"abc\",\"NetworkSettings\":7}",
		"{\"Id\":\"abc\",\"NetworkSettings\":{\"Ports\":[],\"Networks\":[],\"IPAddress\":1}}",
		"{\"Id\":\"abc\",\"NetworkSettings\":{\"Ports\":null,\"Networks\":null,\"IPAddress\":\"x\"}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(dk_parse_inspect(bad[i], strlen(bad[i]), &c, &e), 0);
		assert_int_equal(c.nports, 0);
		assert_int_equal(c.nnetworks, 0);
		assert_string_equal(c.ip, "");
		dk_container_clear(&c);
	}

	/* more bindings than the cap */
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, "{\"Id\":\"abc\",\"NetworkSettings\":{\"Ports\":{\"5900/tcp\":[");
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "%s{\"HostPort\":\"%d\"}", i ? "," : "", 1000 + i);
	buf_puts(&b, "]},\"Networks\":{");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "%s\"n%d\":{\"IPAddress\":\"10.0.0.%d\"}", i ? "," : "", i, i % 250 + 1);
	buf_puts(&b, "}}}");
	assert_int_equal(dk_parse_inspect(b.data, b.len, &c, &e), 0);
	assert_int_equal(c.nports, DK_PORTS_MAX);
	assert_int_equal(c.nnetworks, DK_NETWORKS_MAX);
	assert_string_equal(c.ip, "10.0.0.1");
	dk_container_clear(&c);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_action_cut),
		cmocka_unit_test(test_http_error),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_ps_json_ascii_roundtrip),
		cmocka_unit_test(test_ps_json_pids_limit),
		cmocka_unit_test(test_container_copy),
		cmocka_unit_test(test_inspect_ports_copied),
		cmocka_unit_test(test_inspect_ports_hostile),
	};
	return cmocka_run_group_tests_name("docker_json", tests, NULL, NULL);
}
