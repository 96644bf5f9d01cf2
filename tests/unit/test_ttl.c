/* test_ttl: the sandtop.ttl budget (parse, time left, policies) and the enforcer's decisions, without an engine (a fake daemon answers the actions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "control/actions.h"
#include "journal/journal.h"
#include "control/ttl.h"
#include "docker/docker.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/text.h"

#define W 1700000000000LL   /* "now" in the tests, epoch ms */

/* ---- a fake daemon: 204 to every action on an id starting with 'a', 409
 * "not running" to one starting with 'd'; each request line goes to the
 * record pipe ---- */

static struct fake_daemon fake;

static void serve_one(int fd, const char *req, int rec)
{
	char line[256];
	snprintf(line, sizeof line, "%.*s\n", (int)strcspn(req, "\r\n"), req);
	fake_write_all(rec, line, strlen(line));
	if (strstr(req, "/containers/d"))
		fake_respond(fd, 409, "{\"message\":\"Container d is not running\"}");
	else
		fake_respond(fd, 204, NULL);
}

static int fake_up(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "ttl", serve_one, 0);
}

/* ---- helpers ---- */

struct evs {
	int n;
	enum ttl_ev_kind kind[64];
	char text[64][512];
};

static void on_ev(void *ud, const struct ttl_event *ev)
{
	struct evs *e = ud;
	assert_true(e->n < 64);
	e->kind[e->n] = ev->kind;
	snprintf(e->text[e->n], sizeof e->text[0], "%s", ev->text);
	assert_non_null(ev->id);
	assert_int_equal(strlen(ev->id), 64);
	e->n++;
}

/* Fail unless e holds n events, the last of kind; the last one's text. */
static const char *last_ev(const struct evs *e, int n, enum ttl_ev_kind kind)
{
	assert_int_equal(e->n, n);
	assert_int_equal(e->kind[n - 1], kind);
	return e->text[n - 1];
}

static void mk(struct dk_container *c, char idch, const char *name, const char *state, int64_t started, const char *ttl)
{
	memset(c, 0, sizeof *c);
	memset(c->id, idch, 64);
	c->name = xstrdup(name);
	c->state = xstrdup(state);
	c->inspected = true;
	c->started_at_ms = started;
	c->labels = xcalloc(3, sizeof *c->labels);
	c->labels[c->nlabels].key = xstrdup("sandtop.sandbox");
	c->labels[c->nlabels++].value = xstrdup("1");
	if (ttl) {
		c->labels[c->nlabels].key = xstrdup(TTL_LABEL);
		c->labels[c->nlabels++].value = xstrdup(ttl);
	}
}

static void set_state(struct dk_container *c, const char *state)
{
	free(c->state);
	c->state = xstrdup(state);
}

static const struct dk_container *arr_get(const void *src, size_t i)
{
	return &((const struct dk_container *)src)[i];
}

static int scan(struct ttl_enf *t, struct dk_container *cs, size_t n, int64_t wall)
{
	return ttl_enf_scan(t, cs, n, arr_get, wall);
}

static struct ttl_enf *enf(struct actions *a, enum ttl_policy p, const char *label, struct evs *e)
{
	memset(e, 0, sizeof *e);
	struct ttl_enf_opts o = {.policy = p, .label = label, .stop_timeout_s = -1, .cb = on_ev, .ud = e};
	return ttl_enf_new(a, &o);
}

/* The end of a test: free the enforcer t, clear the n containers of c. */
static void done(struct ttl_enf *t, struct dk_container *c, size_t n)
{
	ttl_enf_free(t);
	for (size_t i = 0; i < n; i++)
		dk_container_clear(&c[i]);
}

/* Fail unless the requests the fake daemon recorded since the last look
 * include want. */
static void assert_requested(const char *want)
{
	char reqs[1024];
	ssize_t k = read(fake.rec_fd, reqs, sizeof reqs - 1);
	assert_true(k > 0);
	reqs[k] = '\0';
	if (!strstr(reqs, want))
		fail_msg("no '%s' in the requests:\n%s", want, reqs);
}

/* How many times needle occurs in s. */
static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* ---- the arithmetic ---- */

static void test_parse(void **state)
{
	(void)state;
	int64_t s = -5;
	assert_int_equal(ttl_parse(NULL, &s), 0);
	assert_int_equal(s, -5);
	assert_int_equal(ttl_parse("0", &s), 1);
	assert_int_equal(s, 0);
	assert_int_equal(ttl_parse("3", &s), 1);
	assert_int_equal(s, 3);
	assert_int_equal(ttl_parse("007", &s), 1);
	assert_int_equal(s, 7);
	assert_int_equal(ttl_parse("999999999999", &s), 1);
	assert_int_equal(s, 999999999999LL);
	static const char *const bad[] = {"", "1234567890123", "-1", "+1", " 1", "1 ", "1s", "1.5", "0x10", "1e3",
		"\xd9\xa3", "\x1b[31m", "3\n"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(ttl_parse(bad[i], &s), -1);
}

static void test_left(void **state)
{
	(void)state;
	struct dk_container c;
	int64_t left = 0;
	mk(&c, 'a', "tw-a", "running", W - 2500, "3");
	assert_int_equal(ttl_left(&c, W, &left), 1);
	assert_int_equal(left, 1);                   /* 2 whole seconds ran */
	assert_int_equal(ttl_left(&c, W + 500, &left), 1);
	assert_int_equal(left, 0);                   /* exactly spent */
	assert_int_equal(ttl_left(&c, W + 5499, &left), 1);
	assert_int_equal(left, -4);
	assert_int_equal(ttl_left(&c, W - 10000, &left), 1);
	assert_int_equal(left, 3);                   /* a start in our future: just started */
	c.inspected = false;
	assert_int_equal(ttl_left(&c, W, &left), -2);
	c.inspected = true;
	c.started_at_ms = 0;
	assert_int_equal(ttl_left(&c, W, &left), -2);
	dk_container_clear(&c);
	mk(&c, 'a', "tw-a", "running", W, NULL);
	assert_int_equal(ttl_left(&c, W, &left), 0);
	dk_container_clear(&c);
	mk(&c, 'a', "tw-a", "running", W, "soon");
	assert_int_equal(ttl_left(&c, W, &left), -1);
	c.inspected = false;
	assert_int_equal(ttl_left(&c, W, &left), -1); /* the label is known before inspect */
	dk_container_clear(&c);
}

static void test_policy_words(void **state)
{
	(void)state;
	assert_int_equal(ttl_policy_parse("flag"), TTL_FLAG);
	assert_int_equal(ttl_policy_parse("pause"), TTL_PAUSE);
	assert_int_equal(ttl_policy_parse("stop"), TTL_STOP);
	assert_int_equal(ttl_policy_parse("kill"), TTL_KILL);
	assert_int_equal(ttl_policy_parse("Pause"), -1);
	assert_int_equal(ttl_policy_parse(""), -1);
	assert_int_equal(ttl_policy_parse(NULL), -1);
	assert_int_equal(ttl_policy_parse("kill-all"), -1);
	for (int p = TTL_FLAG; p <= TTL_KILL; p++)
		assert_int_equal(ttl_policy_parse(ttl_policy_name((enum ttl_policy)p)), p);
}

/* ---- the enforcer's decisions ---- */

static void test_flag_once_per_start(void **state)
{
	(void)state;
	struct evs e;
	struct ttl_enf *t = enf(NULL, TTL_FLAG, NULL, &e);
	struct dk_container c;
	/* spent once a whole second past the budget has run, as the screen's
	 * TTL column says "over" */
	mk(&c, 'a', "tw-a", "running", W - 2000, "3");
	assert_int_equal(scan(t, &c, 1, W), 2000);   /* wake at the expiry */
	assert_int_equal(e.n, 0);
	assert_int_equal(scan(t, &c, 1, W + 1999), 1);
	assert_int_equal(scan(t, &c, 1, W + 2000), -1);
	assert_string_equal(last_ev(&e, 1, TTL_EV_EXPIRED), "expired tw-a (aaaaaaaaaaaa) over by 1s (sandtop.ttl=3): flag only");
	assert_int_equal(scan(t, &c, 1, W + 60000), -1);
	assert_int_equal(e.n, 1);                    /* once per start */
	/* a restart: a new StartedAt, a new budget */
	c.started_at_ms = W + 61000;
	assert_int_equal(scan(t, &c, 1, W + 62000), 3000);
	assert_int_equal(e.n, 1);
	scan(t, &c, 1, W + 68500);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.text[1], "expired tw-a (aaaaaaaaaaaa) over by 4s (sandtop.ttl=3): flag only");
	/* a paused one is left alone, also once spent; counted when it runs */
	c.started_at_ms = W + 70000;
	set_state(&c, "paused");
	assert_int_equal(scan(t, &c, 1, W + 80000), -1);
	set_state(&c, "exited");
	assert_int_equal(scan(t, &c, 1, W + 80000), -1);
	assert_int_equal(e.n, 2);
	set_state(&c, "running");
	scan(t, &c, 1, W + 80000);
	assert_int_equal(e.n, 3);
	assert_non_null(strstr(e.text[2], "over by 7s"));
	done(t, &c, 1);
}

static void test_bad_label(void **state)
{
	(void)state;
	struct evs e;
	struct ttl_enf *t = enf(NULL, TTL_PAUSE, NULL, &e);
	struct dk_container c[2];
	mk(&c[0], 'b', "tw-bad", "running", W - 100000, "3s");
	mk(&c[1], 'c', "tw-\x1b]0;pwn\x07\r\nx", "running", W - 100000, "\x1b[2J9\x9b");
	c[1].inspected = false;   /* the label is known from the list */
	assert_int_equal(scan(t, c, 2, W), -1);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.kind[0], TTL_EV_BAD);
	assert_string_equal(e.text[0], "bad sandtop.ttl on tw-bad (bbbbbbbbbbbb): '3s' is not a number of seconds; not enforced");
	assert_int_equal(e.kind[1], TTL_EV_BAD);
	text_assert_printable(e.text[1]);
	assert_null(strstr(e.text[1], "\x1b"));
	scan(t, c, 2, W + 1000);
	c[0].started_at_ms = W + 2000;    /* restarted: still reported only once */
	scan(t, c, 2, W + 100000);
	assert_int_equal(e.n, 2);
	done(t, c, 2);
}

static void test_what_is_not_looked_at(void **state)
{
	(void)state;
	struct evs e;
	struct ttl_enf *t = enf(NULL, TTL_FLAG, "team=x", &e);
	struct dk_container c[4];
	mk(&c[0], 'a', "tw-uninspected", "running", 0, "1");
	c[0].inspected = false;
	mk(&c[1], 'b', "tw-nolabel", "running", W - 100000, NULL);
	mk(&c[2], 'c', "tw-other-team", "running", W - 100000, "1");
	mk(&c[3], 'd', "tw-\x1b[31mred", "running", W - 100000, "1");
	for (int i = 0; i < 4; i++) {
		c[i].labels[c[i].nlabels].key = xstrdup("team");
		c[i].labels[c[i].nlabels++].value = xstrdup(i == 2 ? "y" : "x");
	}
	scan(t, c, 4, W);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.text[0], "expired tw-\xe2\x90\x9bred (dddddddddddd) over by 99s (sandtop.ttl=1): flag only");
	c[0].inspected = true;           /* inspected now: expired at once */
	c[0].started_at_ms = W - 2500;
	scan(t, c, 4, W);
	assert_int_equal(e.n, 2);
	assert_non_null(strstr(e.text[1], "tw-uninspected"));
	done(t, c, 4);
}

/* A log that cannot be written holds nothing up: the action goes ahead,
 * its records are kept, and the problem is said. */
static void test_log_failing(void **state)
{
	(void)state;
	char dir[64];
	assert_int_equal(files_tmpdir(dir, sizeof dir, "ttl"), 0);
	files_put(dir, "file", "");
	char *log = xasprintf("%s/file/audit.log", dir);
	struct err er;
	struct dk_client *cl = dk_client_new("unix:///nonexistent/docker.sock", &er);
	assert_non_null(cl);
	struct actions *a = actions_new(cl, log, false);   /* its parent is a file */
	struct evs e;
	struct ttl_enf *t = enf(a, TTL_PAUSE, NULL, &e);
	struct dk_container c;
	mk(&c, 'a', "tw-a", "running", W - 10000, "3");
	scan(t, &c, 1, W);
	assert_string_equal(last_ev(&e, 1, TTL_EV_EXPIRED), "expired tw-a (aaaaaaaaaaaa) over by 7s (sandtop.ttl=3): pausing");
	assert_int_equal(ttl_enf_busy(t), 1);           /* not refused: in flight */
	assert_non_null(act_problem(a));
	assert_non_null(strstr(act_problem(a), "JOURNAL: 1 record not written"));
	/* the engine is not there: the pause fails, and says so */
	dk_client_run(cl, 3000);
	scan(t, &c, 1, W + 5000);
	assert_non_null(strstr(last_ev(&e, 2, TTL_EV_FAILED), "pause tw-a (aaaaaaaaaaaa) failed: "));
	assert_non_null(strstr(e.text[1], "not in the journal"));
	ttl_enf_free(t);
	/* no actions context at all: refused too */
	t = enf(NULL, TTL_KILL, NULL, &e);
	scan(t, &c, 1, W);
	assert_string_equal(last_ev(&e, 2, TTL_EV_REFUSED), "kill tw-a (aaaaaaaaaaaa) refused: no actions context");
	done(t, &c, 1);
	actions_free(a);
	dk_client_free(cl);
	files_rmtree(dir);
	free(log);
}

static void test_burst_is_spread(void **state)
{
	(void)state;
	struct evs e;
	struct ttl_enf *t = enf(NULL, TTL_KILL, NULL, &e);
	struct dk_container c[10];
	for (int i = 0; i < 10; i++) {
		char name[16];
		snprintf(name, sizeof name, "tw-%d", i);
		mk(&c[i], (char)('a' + i), name, "running", W - 5000, "1");
	}
	assert_int_equal(scan(t, c, 10, W), 0);      /* more to do at once */
	assert_int_equal(e.n, 16);                   /* 8 expired + 8 refused */
	assert_int_equal(scan(t, c, 10, W), -1);
	assert_int_equal(e.n, 20);
	assert_int_equal(scan(t, c, 10, W), -1);
	assert_int_equal(e.n, 20);
	done(t, c, 10);
}

/* Through the fake daemon: the action, its report, the journal records, and
 * the sandbox resumed by someone else afterwards. */
static void test_actions(void **state)
{
	(void)state;
	char dir[64];
	assert_int_equal(files_tmpdir(dir, sizeof dir, "ttl"), 0);
	char *log = xasprintf("%s/audit.log", dir);
	struct err er;
	struct dk_client *cl = fake_client(&fake);
	assert_non_null(cl);
	struct actions *a = actions_new(cl, log, false);
	assert_null(act_problem(a));
	struct evs e;
	struct ttl_enf *t = enf(a, TTL_PAUSE, NULL, &e);
	struct dk_container c[2];
	mk(&c[0], 'a', "tw-a", "running", W - 4200, "3");
	mk(&c[1], 'd', "tw-d", "running", W - 4200, "3");
	scan(t, c, 2, W);
	assert_int_equal(e.n, 2);
	assert_int_equal(ttl_enf_busy(t), 2);
	scan(t, c, 2, W + 10);                       /* in flight: nothing new */
	assert_int_equal(e.n, 2);
	ttl_enf_drain(t);                            /* shutting down: still reported */
	assert_int_equal(dk_client_run(cl, 5000), 0);
	scan(t, c, 2, W + 20);
	assert_int_equal(ttl_enf_busy(t), 0);
	assert_int_equal(e.n, 4);
	assert_int_equal(e.kind[2], TTL_EV_DONE);
	assert_non_null(strstr(e.text[2], "paused tw-a (aaaaaaaaaaaa) in "));
	assert_int_equal(e.kind[3], TTL_EV_FAILED);
	assert_non_null(strstr(e.text[3], "pause tw-d (dddddddddddd) failed: "));
	assert_non_null(strstr(e.text[3], "is not running"));
	assert_requested("POST /v1.41/containers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/pause");
	ttl_enf_free(t);

	/* a new enforcer, not draining: the still-"running" row right after
	 * the pause is no resume; a pause and unpause seen after it is */
	t = enf(a, TTL_PAUSE, NULL, &e);
	scan(t, c, 1, W);
	assert_int_equal(dk_client_run(cl, 5000), 0);
	scan(t, c, 1, W + 30);
	last_ev(&e, 2, TTL_EV_DONE);
	scan(t, c, 1, W + 40);
	assert_int_equal(e.n, 2);
	set_state(&c[0], "paused");
	scan(t, c, 1, W + 50);
	set_state(&c[0], "running");
	scan(t, c, 1, W + 60);
	scan(t, c, 1, W + 70);
	assert_string_equal(last_ev(&e, 3, TTL_EV_RESUMED),
			    "tw-a (aaaaaaaaaaaa) is running again past its budget: left alone until it restarts");
	assert_int_equal(ttl_enf_busy(t), 0);
	ttl_enf_free(t);

	/* stop and kill: the engine calls they make */
	static const char *const want[] = {"/stop?t=10 ", "/kill?signal=SIGKILL "};
	static const char *const said[] = {"stopped tw-a (aaaaaaaaaaaa) in ", "killed tw-a (aaaaaaaaaaaa) in "};
	for (int i = 0; i < 2; i++) {
		t = enf(a, i == 0 ? TTL_STOP : TTL_KILL, NULL, &e);
		scan(t, c, 1, W);
		assert_int_equal(dk_client_run(cl, 5000), 0);
		scan(t, c, 1, W + 10);
		assert_non_null(strstr(last_ev(&e, 2, TTL_EV_DONE), said[i]));
		assert_requested(want[i]);
		ttl_enf_free(t);
	}

	/* the journal: intent and result of each, with the reason, unarmed */
	assert_int_equal(journal_verify(log, NULL, &er), 0);
	char *body = files_read(log, NULL);
	assert_int_equal(count(body, "\"phase\":\"intent\""), 5);
	assert_int_equal(count(body, "\"phase\":\"result\""), 5);
	assert_non_null(strstr(body, "ttl expired: sandtop.ttl=3, running 4 s"));
	assert_null(strstr(body, "\"armed\":true"));
	free(body);
	actions_free(a);
	dk_client_free(cl);
	dk_container_clear(&c[0]);
	dk_container_clear(&c[1]);
	files_rmtree(dir);
	free(log);
}

static void test_drain(void **state)
{
	(void)state;
	struct evs e;
	struct ttl_enf *t = enf(NULL, TTL_FLAG, NULL, &e);
	struct dk_container c;
	mk(&c, 'a', "tw-a", "running", W - 5000, "1");
	ttl_enf_drain(t);
	assert_int_equal(scan(t, &c, 1, W), -1);
	assert_int_equal(e.n, 0);
	assert_int_equal(ttl_enf_busy(t), 0);
	done(t, &c, 1);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_left),
		cmocka_unit_test(test_policy_words),
		cmocka_unit_test(test_flag_once_per_start),
		cmocka_unit_test(test_bad_label),
		cmocka_unit_test(test_what_is_not_looked_at),
		cmocka_unit_test(test_log_failing),
		cmocka_unit_test(test_burst_is_spread),
		cmocka_unit_test_setup_teardown(test_actions, fake_up, fake_daemon_teardown),
		cmocka_unit_test(test_drain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
