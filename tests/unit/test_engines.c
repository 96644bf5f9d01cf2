/* test_engines: several engines in one run: which engines the options and the config file name (-H repeated, a config engine's NAME, its name for its endpoint, --context repeated, the current context's name), ps --json's engine field, one poll loop over several clients where a wedged engine holds up no other, and one action over several engines (act_start_many). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "cli/engines.h"
#include "control/actions.h"
#include "docker/docker.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/files.h"

/* The options of args (a NULL-terminated argv), with the config file of
 * text (NULL: --no-config), loaded into cm. */
static void options(struct cli_common *cm, const char *text, const char *const *args)
{
	char *argv[24];
	int argc = 0;
	argv[argc++] = (char *)"ps";
	char *file = text ? files_tmpfile("engines", text, strlen(text)) : NULL;
	if (file) {
		argv[argc++] = (char *)"-c";
		argv[argc++] = file;
	} else {
		argv[argc++] = (char *)"--no-config";
	}
	for (size_t i = 0; args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	cli_common_begin(cm, CLI_G_ENGINE | CLI_G_CONFIG, "", NULL);
	opterr = 0;
	int ch;
	while ((ch = cli_common_next(cm, argc, argv)) != -1)
		fail_msg("option refused: %d", ch);
	assert_int_equal(cli_common_load(cm), 0);
	if (file) {
		unlink(file);
		free(file);
	}
}

#define CFG3 "engine alpha unix:///run/a.sock\nengine beta tcp://10.0.0.2:2375\nengine gamma unix:///run/c.sock\n"

/* How the engines are resolved from the config (cfg) and the command
 * line (argv): rc; the engines, by name and endpoint (NULL: not checked);
 * has: in the error when rc is -1, else in a one-engine command's refusal
 * of several (NULL: not asked). */
static const struct resolve_case {
	const char *cfg, *argv[7];
	int rc;
	size_t n;
	const char *name[3], *endpoint[3], *has;
} resolves[] = {
	/* -H repeated: one engine each, named by the value */
	{NULL, {"-H", "unix:///x.sock", "-H", "tcp://h:1"}, 0, 2, {"unix:///x.sock", "tcp://h:1"},
	 {"unix:///x.sock"}, "one engine"},
	/* the config file's engines when no -H is given, by their names */
	{CFG3, {NULL}, 0, 3, {"alpha", NULL, "gamma"}, {NULL, "tcp://10.0.0.2:2375"}, "-H NAME"},
	/* the command line wins over the config: -H NAME is that engine, an
	 * endpoint the config names keeps its name, another is named by itself */
	{CFG3, {"-H", "beta", "-H", "unix:///run/c.sock", "-H", "unix:///other.sock"}, 0, 3,
	 {"beta", "gamma", "unix:///other.sock"}, {"tcp://10.0.0.2:2375"}, NULL},
	/* refused: a name the config does not have, an engine named twice */
	{CFG3, {"-H", "delta"}, -1, 0, {NULL}, {NULL}, "delta"},
	{CFG3, {"-H", "alpha", "-H", "unix:///run/a.sock"}, -1, 0, {NULL}, {NULL}, "twice"},
};

static void check_resolve(struct cli_common *cm, struct cli_engines *en, const struct resolve_case *k)
{
	struct err e;
	options(cm, k->cfg, k->argv);
	size_t nh = 0;
	while (k->argv[2 * nh])
		nh++;
	assert_int_equal(cm->nhosts, nh);
	if (nh)
		assert_string_equal(cm->host, k->argv[1]);
	int rc = cli_engines_resolve(cm, en, &e);
	if (rc != k->rc)
		fail_msg("%s: rc %d (%s), want %d", k->argv[0] ? k->argv[1] : "(config)", rc, rc ? e.msg : "", k->rc);
	if (rc < 0) {
		if (!strstr(e.msg, k->has))
			fail_msg("no '%s' in '%s'", k->has, e.msg);
		return;
	}
	assert_int_equal(en->n, k->n);
	for (size_t i = 0; i < k->n; i++) {
		if (k->name[i])
			assert_string_equal(en->e[i].name, k->name[i]);
		if (k->endpoint[i])
			assert_string_equal(en->e[i].endpoint, k->endpoint[i]);
	}
	if (k->has) {
		assert_null(cli_engines_client(cm, &e));
		if (!strstr(e.msg, k->has))
			fail_msg("no '%s' in '%s'", k->has, e.msg);
	}
}

static void test_resolve(void **state)
{
	(void)state;
	struct cli_common *cm = xcalloc(1, sizeof *cm);
	struct cli_engines *en = xcalloc(1, sizeof *en);
	struct err e;
	for (size_t i = 0; i < sizeof resolves / sizeof *resolves; i++)
		check_resolve(cm, en, &resolves[i]);
	/* -H NAME once: a one-engine command takes it */
	const char *a3[] = {"-H", "alpha", NULL};
	options(cm, CFG3, a3);
	struct dk_client *c = cli_engines_client(cm, &e);
	assert_non_null(c);
	assert_string_equal(dk_client_endpoint(c), "unix:///run/a.sock");
	dk_client_free(c);
	/* nothing named: the default engine, named after its endpoint once open */
	const char *none[] = {NULL};
	options(cm, NULL, none);
	setenv("DOCKER_HOST", "unix:///run/default-test.sock", 1);
	assert_int_equal(cli_engines_open(cm, en, &e), 0);
	assert_int_equal(en->n, 1);
	assert_string_equal(en->e[0].name, "unix:///run/default-test.sock");
	assert_true(en->e[0].local);
	cli_engines_close(en);
	unsetenv("DOCKER_HOST");
	free(en);
	free(cm);
}

/* The docker CLI's store names of two contexts (sha256 of the name). */
#define H_CTXA "f38a1edba91098e590dbe6b66a07c374fdc6ff074aaa890828f1c7926e8a9ebd"
#define H_CTXB "bb4701c4fc8759afd557f92d6b3a1c978a85b2553168f0cf7fb0866b8848699a"

/* --context repeats: an engine each, named by its context, reached at its
 * own address; the current context names the default engine. */
static void test_contexts(void **state)
{
	(void)state;
	char dir[256];
	assert_int_equal(files_tmpdir(dir, sizeof dir, "engines-ctx"), 0);
	files_put(dir, "contexts/meta/" H_CTXA "/meta.json",
		"{\"Name\":\"ctxa\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://127.0.0.9:1111\"}}}");
	files_put(dir, "contexts/meta/" H_CTXB "/meta.json",
		"{\"Name\":\"ctxb\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///run/b.sock\"}}}");
	setenv("DOCKER_CONFIG", dir, 1);
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_CONTEXT");
	struct cli_common *cm = xcalloc(1, sizeof *cm);
	struct cli_engines *en = xcalloc(1, sizeof *en);
	struct err e;
	const char *a1[] = {"--context", "ctxa", "--context", "ctxb", NULL};
	options(cm, NULL, a1);
	assert_int_equal(cli_engines_open(cm, en, &e), 0);
	assert_int_equal(en->n, 2);
	assert_string_equal(en->e[0].name, "ctxa");
	assert_string_equal(dk_client_endpoint(en->e[0].client), "tcp://127.0.0.9:1111");
	assert_false(en->e[0].local);
	assert_string_equal(en->e[1].name, "ctxb");
	assert_string_equal(dk_client_endpoint(en->e[1].client), "unix:///run/b.sock");
	assert_true(en->e[1].local);
	cli_engines_close(en);
	const char *a2[] = {"--context", "ctxa", "--context", "ctxa", NULL};
	options(cm, NULL, a2);
	assert_int_equal(cli_engines_resolve(cm, en, &e), -1);
	assert_non_null(strstr(e.msg, "twice"));
	/* nothing named: the current context, by its name */
	files_put(dir, "config.json", "{\"currentContext\":\"ctxb\"}");
	const char *none[] = {NULL};
	options(cm, NULL, none);
	assert_int_equal(cli_engines_open(cm, en, &e), 0);
	assert_int_equal(en->n, 1);
	assert_string_equal(en->e[0].name, "ctxb");
	cli_engines_close(en);
	unsetenv("DOCKER_CONFIG");
	files_rmtree(dir);
	free(en);
	free(cm);
}

static void test_json_engine(void **state)
{
	(void)state;
	struct dk_container c[2] = {{.name = "a"}, {.name = "b"}};
	snprintf(c[0].id, sizeof c[0].id, "%s", "aaaa");
	snprintf(c[1].id, sizeof c[1].id, "%s", "bbbb");
	c[0].state = (char *)"running";
	c[1].state = (char *)"running";
	const char *engines[] = {"east", "we\x1bst"};
	char *s = dk_containers_to_json_engines(c, 2, NULL, engines);
	assert_non_null(strstr(s, "\"name\":\"a\",\"engine\":\"east\""));
	assert_non_null(strstr(s, "\"engine\":\"we\\u001bst\""));   /* untrusted bytes escaped */
	free(s);
	s = dk_containers_to_json(c, 2, NULL);
	assert_null(strstr(s, "\"engine\""));
	free(s);
}

/* ---- one poll loop over several clients ---- */

/* The list, at once on the quick engine; the wedged one never answers. */
static void serve_quick(int fd, const char *req, int rec)
{
	(void)req, (void)rec;
	fake_respond(fd, 200, "[{\"Id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		"\"Names\":[\"/quick\"],\"State\":\"running\",\"Labels\":{}}]");
}

static void serve_wedged(int fd, const char *req, int rec)
{
	(void)fd, (void)req, (void)rec;
	fake_pause_ms(10000);
}

/* How a call to one engine was answered: whether and when, rc, and (a
 * list) how many containers. */
struct answer {
	bool called;
	int rc;
	int64_t at_ms;
	size_t n;
};

static void on_answer(void *ud, int rc, const struct err *e)
{
	(void)e;
	struct answer *a = ud;
	a->called = true;
	a->rc = rc;
	a->at_ms = clock_mono_ms();
}

static void on_list(void *ud, int rc, const struct err *e, struct dk_container_list *l)
{
	struct answer *a = ud;
	on_answer(a, rc, e);
	a->n = rc == 0 ? l->n : 0;
}

/* Two engines for the tests of the loop over several clients: one that
 * answers at once, one that never answers; up before each such test, down
 * after it (whether it passed or not). */
static struct fake_daemon quick, wedged;

static int two_engines_up(void **state)
{
	(void)state;
	if (fake_daemon_start(&quick, "eng-quick", serve_quick, 0) != 0)
		return -1;
	if (fake_daemon_start(&wedged, "eng-wedged", serve_wedged, FAKE_RAW) != 0) {
		fake_daemon_stop(&quick);
		return -1;
	}
	return 0;
}

static int two_engines_down(void **state)
{
	(void)state;
	fake_daemon_stop(&wedged);
	fake_daemon_stop(&quick);
	return 0;
}

static void test_clients_run(void **state)
{
	(void)state;
	struct dk_client *cs[3] = {fake_client(&wedged), NULL, fake_client(&quick)};
	struct answer lw = {0}, lq = {0};
	int64_t t0 = clock_mono_ms();
	dk_list_containers(cs[0], true, NULL, on_list, &lw);
	dk_list_containers(cs[2], true, NULL, on_list, &lq);
	int64_t dl[3] = {t0 + 600, t0, t0 + 5000};
	bool late[3] = {true, true, true};
	size_t nlate = dk_clients_run(cs, 3, dl, late);
	int64_t took = clock_mono_ms() - t0;
	assert_int_equal(nlate, 1);
	assert_true(late[0]);
	assert_false(late[1]);   /* a NULL client is idle */
	assert_false(late[2]);
	assert_true(lq.called);
	assert_int_equal(lq.rc, 0);
	assert_int_equal(lq.n, 1);
	assert_false(lw.called);
	/* the quick engine's answer did not wait for the wedged one's deadline */
	if (lq.at_ms - t0 >= 500)
		fail_msg("the quick engine answered after %lld ms", (long long)(lq.at_ms - t0));
	/* and the loop ended at the wedged one's own deadline, not the quick one's */
	if (took < 550 || took > 3000)
		fail_msg("the loop took %lld ms (the wedged engine's deadline: 600)", (long long)took);
	assert_true(dk_client_inflight(cs[0]) > 0);   /* still in flight: the caller decides */
	dk_client_free(cs[0]);
	dk_client_free(cs[2]);
}

/* dk_ping: an answer is rc 0; a wedged engine's silence is rc -1 once its
 * own wait is over, not the request timeout's 20 s. */
static void test_ping(void **state)
{
	(void)state;
	struct dk_client *cs[2] = {fake_client(&quick), fake_client(&wedged)};
	struct answer pq = {0}, pw = {0};
	int64_t t0 = clock_mono_ms();
	dk_ping(cs[0], 400, on_answer, &pq);
	dk_ping(cs[1], 400, on_answer, &pw);
	int64_t dl[2] = {t0 + 3000, t0 + 3000};
	assert_int_equal(dk_clients_run(cs, 2, dl, NULL), 0);
	assert_true(pq.called);
	assert_int_equal(pq.rc, 0);
	assert_true(pw.called);
	assert_int_equal(pw.rc, -1);
	if (pw.at_ms - t0 < 350 || pw.at_ms - t0 > 2000)
		fail_msg("the wedged engine's ping ended after %lld ms (its wait: 400)", (long long)(pw.at_ms - t0));
	dk_client_free(cs[0]);
	dk_client_free(cs[1]);
}

/* ---- one action over several engines ---- */

/* A kill answered at once; the request recorded. */
static void serve_kill(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	fake_respond(fd, strstr(req, "/kill") ? 204 : 404, NULL);
}

/* act_start_many: a run per engine that has targets, each asking its own
 * engine only (remote engines: no kernel path), none for an engine
 * without targets. */
static void test_act_many(void **state)
{
	(void)state;
	struct fake_daemon f[2];
	assert_int_equal(fake_daemon_start(&f[0], "eng-act0", serve_kill, 0), 0);
	assert_int_equal(fake_daemon_start(&f[1], "eng-act1", serve_kill, 0), 0);
	struct dk_client *cs[3] = {fake_client(&f[0]), fake_client(&f[1]), fake_client(&f[1])};
	struct actions *as[3];
	for (int i = 0; i < 3; i++)
		as[i] = actions_new(cs[i], NULL, false);
	struct dk_container c[3] = {{.name = "a-1"}, {.name = "b-1"}, {.name = "b-2"}};
	for (int i = 0; i < 3; i++) {
		snprintf(c[i].id, sizeof c[i].id, "%064d", i + 1);
		c[i].state = (char *)"running";
	}
	const struct dk_container *tg[3] = {&c[0], &c[1], NULL};
	size_t n[3] = {1, 2, 0};
	struct act_run *runs[3];
	struct act_opts o = {.kind = ACT_KILL_ALL};
	assert_int_equal(act_start_many(as, 3, &o, tg, n, runs), 2);
	assert_non_null(runs[0]);
	assert_non_null(runs[1]);
	assert_null(runs[2]);
	int64_t end = clock_mono_ms() + 5000;
	while ((!act_run_quiet(runs[0]) || !act_run_quiet(runs[1])) && clock_mono_ms() < end) {
		int64_t dl[3] = {clock_mono_ms() + 50, clock_mono_ms() + 50, clock_mono_ms()};
		dk_clients_run(cs, 3, dl, NULL);
		for (int i = 0; i < 3; i++)
			act_tick(as[i], clock_mono_ms());
	}
	for (int i = 0; i < 2; i++) {
		size_t ok, failed, pending, k;
		act_run_counts(runs[i], &ok, &failed, &pending);
		assert_int_equal(ok, n[i]);
		const struct act_result *res = act_run_results(runs[i], &k);
		assert_int_equal(k, n[i]);
		assert_int_equal(res[0].engine, ACT_ENG_OK);
		assert_false(act_run_kernel(runs[i]));
	}
	/* each engine was asked for its own sandboxes only */
	char *r;
	int kills[2] = {0, 0};
	for (int i = 0; i < 2; i++)
		while ((r = fake_next_request(&f[i], 300))) {
			if (strstr(r, "/kill")) {
				kills[i]++;
				assert_non_null(strstr(r, i == 0 ? "0000000000000000000000000000000000000000000000000000000000000001"
				                                  : "00000000000000000000000000000000000000000000000000000000000000"));
				assert_null(i == 1 ? strstr(r, "00000001/kill") : NULL);
			}
			free(r);
		}
	assert_int_equal(kills[0], 1);
	assert_int_equal(kills[1], 2);
	for (int i = 0; i < 3; i++) {
		act_run_free(i < 2 ? runs[i] : NULL);
		actions_free(as[i]);
		dk_client_free(cs[i]);
	}
	fake_daemon_stop(&f[1]);
	fake_daemon_stop(&f[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_contexts),
		cmocka_unit_test(test_json_engine),
		cmocka_unit_test_setup_teardown(test_clients_run, two_engines_up, two_engines_down),
		cmocka_unit_test_setup_teardown(test_ping, two_engines_up, two_engines_down),
		cmocka_unit_test(test_act_many),
	};
	return cmocka_run_group_tests_name("engines", tests, NULL, NULL);
}
