/* test_snapshot_manifest: the bundle's manifest.json (every step with its start time, how each file was obtained, the agent's stop, untrusted names made safe), and the parsers of what the stop and continue scripts print inside a sandbox (untrusted: checked line by line, capped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "snapshot/internal.h"
#include "docker/exec_stop.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ---- the manifest ---- */

static void test_manifest(void **state)
{
	(void)state;
	struct snap_step steps[SNAP_STEP_COUNT] = {0};
	for (int i = 0; i < SNAP_STEP_COUNT; i++)
		steps[i].state = SNAP_OK;
	steps[SNAP_STEP_LOGS].state = SNAP_FAILED;
	snprintf(steps[SNAP_STEP_LOGS].msg, sizeof steps[0].msg, "engine said \"no\"");
	steps[SNAP_STEP_STOP].at_ms = 1769506255123;
	struct snap_file files[2] = {{.name = "abc.txt", .size = 3, .sha256 = SHA_ABC, .how = "engine API, frozen"},
	                             {.name = "empty", .size = 0, .sha256 = SHA_EMPTY}};
	struct ag_proc procs[3] = {
		{.pid = 7, .comm = "agent\x1b[2J", .exe = "bash", .kind = AG_STOPPED, .continued = true},
		{.pid = 8, .comm = "Xvfb", .exe = "Xvfb", .kind = AG_KEPT, .why = "display server"},
		{.pid = 9, .comm = "job", .kind = AG_ALREADY, .why = "stopped before"},
	};
	struct ag_stop ast = {.p = procs, .n = 3, .stopped = 1, .kept = 1, .already = 1, .rounds = 2,
	                            .continued = 1};
	struct snap_agent agent = {.st = &ast, .method = "kernel", .stopped_ms = 840, .held_by = "freeze"};
	struct snap_scratch sc = {.dest = "/tmp", .type = "tmpfs", .rw = true, .file = "scratch-1.tar",
	                          .state = SNAP_OK, .method = "host"};
	sc.st.files = 2;
	snprintf(sc.st.notes, sizeof sc.st.notes, "fifo, not archived: tmp/p\nsocket, not archived: tmp/s\n");
	struct snap_manifest m = {
		.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.name = "evil\x1b]0;title\x07-\xe2\x80\xae-caf\xc3\xa9\xff", .image = "img", .state_before = "running",
		.pid = 42, .reason = "incident #7", .started_ms = 1769506255123, .finished_ms = 1769506256123,
		.image_id = "sha256:abc", .repo = "sandtop-snapshot", .tag = "t", .image_how = "engine API: POST /commit",
		.agent = &agent, .steps = steps,
		.scratch = &sc, .nscratch = 1, .files = files, .nfiles = 2,
	};
	char *json = snap_manifest_json(&m);
	assert_non_null(json);
	for (const unsigned char *p = (const unsigned char *)json; *p; p++)
		assert_true(*p < 0x7f && (*p >= 0x20 || *p == '\n'));
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "version")->valueint, SNAP_FORMAT_VERSION);
	const cJSON *fl = cJSON_GetObjectItem(j, "files");
	assert_int_equal(cJSON_GetArraySize(fl), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(fl, 0), "sha256")->valuestring, SHA_ABC);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(fl, 1), "size")->valueint, 0);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(fl, 0), "how")->valuestring, "engine API, frozen");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(fl, 1), "how")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "image"), "how")->valuestring,
	                    "engine API: POST /commit");
	const cJSON *steps_j = cJSON_GetObjectItem(j, "steps");
	assert_int_equal(cJSON_GetArraySize(steps_j), SNAP_STEP_COUNT);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(steps_j, 0), "step")->valuestring, "stop");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(steps_j, 0), "at")->valuestring, "2026-01-27T09:30:55.123Z");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(steps_j, 1), "at")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(steps_j, SNAP_STEP_CONTINUE), "step")->valuestring,
	                    "continue");
	const cJSON *ag = cJSON_GetObjectItem(j, "agent_stop");
	assert_string_equal(cJSON_GetObjectItem(ag, "method")->valuestring, "kernel");
	assert_int_equal(cJSON_GetObjectItem(ag, "stopped_before_hold_ms")->valueint, 840);
	assert_string_equal(cJSON_GetObjectItem(ag, "held_by")->valuestring, "freeze");
	const cJSON *pr = cJSON_GetObjectItem(ag, "processes");
	const cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(pr, "stopped"), 0);
	assert_int_equal(cJSON_GetObjectItem(p0, "pid")->valueint, 7);
	assert_null(strchr(cJSON_GetObjectItem(p0, "comm")->valuestring, '\x1b'));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(p0, "continued")));
	const cJSON *k0 = cJSON_GetArrayItem(cJSON_GetObjectItem(pr, "left_running"), 0);
	assert_string_equal(cJSON_GetObjectItem(k0, "why")->valuestring, "display server");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(pr, "left_alone")), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(pr, "not_stopped")), 0);
	const cJSON *ct = cJSON_GetObjectItem(j, "container");
	const char *name = cJSON_GetObjectItem(ct, "name")->valuestring;
	assert_null(strchr(name, '\x1b'));
	assert_null(strstr(name, "\xe2\x80\xae"));   /* the bidi override is gone */
	assert_non_null(strstr(name, "caf\xc3\xa9"));
	const cJSON *st = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "steps"), SNAP_STEP_LOGS);
	assert_string_equal(cJSON_GetObjectItem(st, "step")->valuestring, "logs");
	assert_string_equal(cJSON_GetObjectItem(st, "result")->valuestring, "failed");
	assert_string_equal(cJSON_GetObjectItem(st, "detail")->valuestring, "engine said \"no\"");
	const cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "scratch"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s0, "notes")), 2);
	assert_string_equal(cJSON_GetObjectItem(j, "started")->valuestring, "2026-01-27T09:30:55.123Z");
	assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "incident #7");
	assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "operator"), "uid"));
	cJSON_Delete(j);
	free(json);
}

/* ---- the parsers, on what a sandbox could print ---- */

/* What the stop script printed, which must parse, into st. */
static void parse_stop_ok(const char *out, struct ag_stop *st)
{
	struct err e = {0};
	if (dk_agent_parse_stop(out, strlen(out), st, &e) != 0)
		fail_msg("'%s' does not parse: %s", out, e.msg);
}

static void test_parse_stop(void **state)
{
	(void)state;
	struct ag_stop st;
	struct err e = {0};
	parse_stop_ok("I 1 5 tini\nS 30 7 my agent) S 1 2\nK 31 8 Xvfb\nF 32 9 sshd\nA 33 9 Z gone\nE 3 1\n", &st);
	assert_true(st.exec);
	assert_int_equal(st.n, 5);
	assert_int_equal(st.stopped, 1);
	assert_int_equal(st.kept, 1);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.already, 1);
	assert_int_equal(st.rounds, 3);
	assert_true(st.still_forking);
	assert_string_equal(st.p[1].comm, "my agent) S 1 2");
	assert_string_equal(st.p[4].why, "dead before");
	char pids[64];
	ag_pids(&st, pids, sizeof pids);
	assert_string_equal(pids, "30");
	ag_clear(&st);
	static const char *const bad[] = {
		"S 30 7 x\n",                 /* no last line: cut off */
		"S 30 7 x\nE 1 0\nS 31 1 y\n",/* more after the end */
		"S -3 7 x\nE 1 0\n",          /* a negative pid */
		"S 0 7 x\nE 1 0\n",
		"S 30 7 x\nS 30 7 x\nE 1 0\n",/* twice */
		"Z 30 7 x\nE 1 0\n",
		"S 123456789012345678901234 7 x\nE 1 0\n",
		"E 1000 0\n",
		"\nE 1 0\n",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(dk_agent_parse_stop(bad[i], strlen(bad[i]), &st, &e), -1);
		assert_null(strchr(e.msg, '\n'));
		ag_clear(&st);
	}
	/* out is len bytes, not a C string: the reason is cut from those alone
	 * (tests/fuzz found strcspn reading past an exact-size buffer without
	 * '\n' or NUL; the san build's ASan fails this test on such a read) */
	char *exact = xmalloc(4);
	memcpy(exact, "garb", 4);
	assert_int_equal(dk_agent_parse_stop(exact, 4, &st, &e), -1);
	assert_non_null(strstr(e.msg, "\"garb\""));
	ag_clear(&st);
	free(exact);
	/* a NUL byte, and too much */
	assert_int_equal(dk_agent_parse_stop("S 1 2 a\0b\nE 1 0\n", 16, &st, &e), -1);
	ag_clear(&st);
	size_t big = DK_AGENT_OUT_MAX + 1;
	char *huge = xmalloc(big);
	memset(huge, 'x', big);
	assert_int_equal(dk_agent_parse_stop(huge, big, &st, &e), -1);
	ag_clear(&st);
	free(huge);
	/* more processes than the cap: counted, not recorded */
	struct buf b;
	buf_init(&b, 1u << 20);
	for (int i = 0; i < AG_MAX + 5; i++)
		buf_printf(&b, "S %d 1 p\n", i + 2);
	buf_puts(&b, "E 1 0\n");
	assert_int_equal(dk_agent_parse_stop(b.data, b.len, &st, &e), 0);
	assert_int_equal(st.n, AG_MAX);
	assert_int_equal(st.over_cap, 5);
	char line[40];
	ag_pids(&st, line, sizeof line);
	assert_non_null(strstr(line, " ..."));
	assert_true(strlen(line) < sizeof line);
	ag_clear(&st);
	buf_free(&b);
}

static void test_parse_cont(void **state)
{
	(void)state;
	struct ag_stop st;
	struct err e = {0};
	parse_stop_ok("S 30 7 a\nS 31 8 b\nK 32 9 Xvfb\nE 1 0\n", &st);
	assert_int_equal(dk_agent_parse_cont("C 30\nF 31\nE\n", 12, &st, &e), 0);
	assert_int_equal(st.continued, 1);
	assert_int_equal(st.cont_failed, 1);
	assert_true(st.p[0].continued);
	assert_false(st.p[1].continued);
	/* a pid it was not asked for (the kept server, or one continued already) */
	static const char *const bad[] = {"C 32\nE\n", "C 30\nE\n", "G 31\n" /* no end */, "C 31 x\nE\n"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (dk_agent_parse_cont(bad[i], strlen(bad[i]), &st, &e) != -1)
			fail_msg("'%s' accepted", bad[i]);
	ag_clear(&st);
	assert_string_equal(ag_server("Xvfb", "Xvfb"), "display server");
	assert_null(ag_server("Xvfb", "bash"));  /* a process that only calls itself so */
	assert_string_equal(ag_server("x11vnc", NULL), "VNC server");
	assert_null(ag_server("xvfb", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest), cmocka_unit_test(test_parse_stop), cmocka_unit_test(test_parse_cont),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
