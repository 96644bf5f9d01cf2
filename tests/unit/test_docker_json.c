/* test_docker_json: Engine API JSON decoding against fixtures captured from this engine, and hostile bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/docker.h"

static const struct dk_container *by_name(const struct dk_container_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

static const char evil_task[] = "evil \x1b[2J\x1b]0;pwn\x07 \xe2\x80\xae task";

static void test_list_fixture(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("containers_list.json", &len);
	struct dk_container_list l;
	struct err e;
	assert_int_equal(dk_parse_container_list(body, len, &l, &e), 0);
	assert_int_equal(l.n, 2);
	const struct dk_container *s = by_name(&l, "fx-sandbox");
	const struct dk_container *p = by_name(&l, "fx-plain");
	assert_non_null(s);
	assert_non_null(p);
	assert_int_equal(strlen(s->id), 64);
	assert_string_equal(s->image, "sandtop/mini:latest");
	assert_string_equal(s->state, "running");
	assert_true(strncmp(s->status, "Up ", 3) == 0);
	assert_string_equal(dk_container_label(s, "sandtop.sandbox"), "1");
	assert_string_equal(dk_container_label(s, "sandtop.owner"), "alice");
	/* untrusted label text is kept exactly: sanitizing is the display's job */
	assert_string_equal(dk_container_label(s, "sandtop.task"), evil_task);
	assert_null(dk_container_label(p, "sandtop.sandbox"));
	assert_true(s->created > 1700000000);
	assert_false(s->inspected);
	dk_container_list_free(&l);
	free(body);
}

static void test_inspect_running(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("inspect_running.json", &len);
	struct dk_container c;
	struct err e;
	assert_int_equal(dk_parse_inspect(body, len, &c, &e), 0);
	assert_string_equal(c.name, "fx-sandbox");
	assert_string_equal(c.state, "running");
	assert_true(c.inspected);
	assert_true(c.pid > 0);
	assert_true(c.started_at_ms > 1700000000000LL);
	assert_int_equal(c.finished_at_ms, 0); /* Go's zero time means never */
	assert_string_equal(c.command, "sleep 1000");
	assert_string_equal(dk_container_label(&c, "sandtop.task"), evil_task);
	dk_container_clear(&c);
	free(body);
}

static void test_inspect_exited(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("inspect_exited.json", &len);
	struct dk_container c;
	struct err e;
	assert_int_equal(dk_parse_inspect(body, len, &c, &e), 0);
	assert_string_equal(c.name, "fx-plain");
	assert_string_equal(c.state, "exited");
	assert_int_equal(c.pid, 0);
	assert_true(c.finished_at_ms >= c.started_at_ms);
	assert_true(c.started_at_ms > 0);
	dk_container_clear(&c);
	free(body);
}

static void test_events_fixture(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("events.jsonl", &len);
	const char *want[] = {"create", "start", "pause", "unpause", "die", "destroy"};
	size_t found = 0, lines = 0;
	for (char *line = strtok(body, "\n"); line; line = strtok(NULL, "\n")) {
		struct dk_event ev;
		struct err e;
		assert_int_equal(dk_parse_event(line, strlen(line), &ev, &e), 0);
		assert_string_equal(ev.type, "container");
		assert_int_equal(strlen(ev.id), 64);
		assert_true(ev.time_ns > 0);
		assert_null(strchr(ev.action, ':'));
		if (found < 6 && !strcmp(ev.action, want[found]))
			found++;
		lines++;
	}
	assert_true(lines >= 6);
	assert_int_equal(found, 6); /* in this order */
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

static void test_version(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("version.json", &len);
	struct dk_version_info v;
	struct err e;
	assert_int_equal(dk_parse_version(body, len, &v, &e), 0);
	assert_string_equal(v.api, "1.41");
	assert_true(strlen(v.engine) > 0);
	free(body);
}

static void test_http_error(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("error_404.json", &len);
	struct err e;
	dk_http_error(&e, 404, body, len);
	assert_int_equal(e.code, DK_ENOTFOUND);
	assert_non_null(strstr(e.msg, "No such container: nope"));
	/* a hostile message is shown sanitized */
	const char *evil = "{\"message\":\"boom \\u001b]0;x\\u0007\\r\\nfake\"}";
	dk_http_error(&e, 500, evil, strlen(evil));
	assert_int_equal(e.code, DK_ESERVER);
	for (const char *p = e.msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	dk_http_error(&e, 409, NULL, 0);
	assert_int_equal(e.code, DK_ECONFLICT);
	free(body);
}

/* Hostile or broken bodies: every one is a clean DK_EPARSE, never a crash. */
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
		assert_int_equal(e.code, DK_EPARSE);
		assert_int_equal(l.n, 0);
		struct dk_container c;
		assert_int_equal(dk_parse_inspect(bad[i], strlen(bad[i]), &c, &e), -1);
		assert_int_equal(e.code, DK_EPARSE);
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
	size_t len;
	char *body = fixture_read("inspect_running.json", &len);
	struct dk_container c;
	struct err e;
	assert_int_equal(dk_parse_inspect(body, len, &c, &e), 0);
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
	free(body);
}

static void test_container_copy(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("inspect_running.json", &len);
	struct dk_container c, d;
	struct err e;
	assert_int_equal(dk_parse_inspect(body, len, &c, &e), 0);
	dk_container_copy(&d, &c);
	dk_container_clear(&c);
	assert_string_equal(d.name, "fx-sandbox");
	assert_string_equal(dk_container_label(&d, "sandtop.owner"), "alice");
	dk_container_clear(&d);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_fixture),
		cmocka_unit_test(test_inspect_running),
		cmocka_unit_test(test_inspect_exited),
		cmocka_unit_test(test_events_fixture),
		cmocka_unit_test(test_event_action_cut),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_http_error),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_ps_json_ascii_roundtrip),
		cmocka_unit_test(test_container_copy),
	};
	return cmocka_run_group_tests_name("docker_json", tests, NULL, NULL);
}
