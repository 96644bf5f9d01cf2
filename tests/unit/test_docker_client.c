/* test_docker_client: the Engine client against a fake daemon on a unix socket.
 * A fake is right here only because it injects faults the real engine will not
 * produce on demand: 500s with hostile messages, oversized, truncated and
 * garbage bodies, and an events stream that drops. The real engine is
 * exercised by tests/integration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "tests/unit/helper/call.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/text.h"

static struct fake_daemon fake;

/* One request per connection; the path picks the fault. */
static void serve_one(int fd, const char *req, int rec)
{
	(void)rec;
	if (strstr(req, "all=1&filters")) { /* label filter: a 500 with a hostile message */
		fake_respond(fd, 500, "{\"message\":\"boom\\u001b]0;pwn\\u0007\\r\\nfake row\"}");
	} else if (strstr(req, "/containers/json?all=0")) { /* oversized */
		size_t len = (9u << 20);
		char *big = xmalloc(len);
		memset(big, ' ', len);
		big[0] = '[';
		big[len - 1] = ']';
		fake_respond_len(fd, 200, big, len);
		free(big);
	} else if (strstr(req, "/containers/json?all=1")) { /* truncated: promise more than we send */
		const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[{\"Id\":";
		fake_write_all(fd, head, strlen(head));
	} else if (strstr(req, "/containers/garbage/json")) {
		fake_respond(fd, 200, "\x01\x02not json");
	} else if (strstr(req, "/containers/missing/json")) {
		fake_respond(fd, 404, "{\"message\":\"No such container: missing\"}");
	} else if (strstr(req, "GET /v1.41/events")) {
		/* one event, then the stream drops */
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
		const char *ev = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abc\"},\"timeNano\":1}\n";
		char chunk[256];
		int m = snprintf(chunk, sizeof chunk, "%zx\r\n%s\r\n", strlen(ev), ev);
		fake_write_all(fd, head, strlen(head));
		fake_write_all(fd, chunk, (size_t)m);
		fake_pause_ms(50);
	} else {
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
	}
}

static int setup(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "fake", serve_one, 0);
}

/* An inspect whose container is not kept: recorded as call_on_done. */
static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	call_on_done(ud, rc, e);
	if (rc == 0) {
		dk_container_clear(ct);
		free(ct);
	}
}

static void start_list(struct dk_client *c, bool all, const char *label, struct call *r)
{
	dk_list_containers(c, all, label, call_on_list, r);
}

static void start_inspect(struct dk_client *c, bool all, const char *name, struct call *r)
{
	(void)all;
	dk_inspect(c, name, on_inspect, r);
}

/* Requests that the fake daemon fails, all in flight at once on one client:
 * how, and what each caller is told. */
static const struct fail_case {
	const char *what;
	void (*start)(struct dk_client *c, bool all, const char *arg, struct call *r);
	bool all;
	const char *arg; /* the list's label filter, the inspected name */
	int code;
	const char *has[2];
} fail_cases[] = {
	{"a list answered 500 with a hostile message", start_list, true, "sandtop.sandbox", ERR_SERVER,
	 {"500", "boom"}},
	{"a list with an oversized body", start_list, false, NULL, ERR_TOOBIG, {NULL, NULL}},
	{"a list cut short of its Content-Length", start_list, true, NULL, ERR_TRANSPORT, {NULL, NULL}},
	{"an inspect answered garbage", start_inspect, false, "garbage", ERR_PARSE, {NULL, NULL}},
	{"an inspect answered 404", start_inspect, false, "missing", ERR_NOTFOUND,
	 {"No such container: missing", NULL}},
};

#define NFAIL (sizeof fail_cases / sizeof *fail_cases)

static void test_failures(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct call r[NFAIL];
	call_init(r, NFAIL, 0);
	for (size_t i = 0; i < NFAIL; i++)
		fail_cases[i].start(c, fail_cases[i].all, fail_cases[i].arg, &r[i]);
	assert_int_equal(dk_client_run(c, 10000), 0);
	for (size_t i = 0; i < NFAIL; i++) {
		const struct fail_case *k = &fail_cases[i];
		if (r[i].calls != 1 || r[i].rc != -1 || r[i].e.code != k->code)
			fail_msg("%s: calls %d rc %d code %d, want one failure with code %d (%s)", k->what,
			         r[i].calls, r[i].rc, (int)r[i].e.code, k->code, r[i].e.msg);
		for (size_t j = 0; j < 2; j++)
			if (k->has[j] && !strstr(r[i].e.msg, k->has[j]))
				fail_msg("%s: no '%s' in '%s'", k->what, k->has[j], r[i].e.msg);
		text_assert_printable(r[i].e.msg);
	}
	/* learnt from the answers, failures or not */
	assert_string_equal(dk_client_api_version(c), "1.41");
	assert_string_equal(dk_client_engine_version(c), "99.0");
	call_free(r, NFAIL);
	dk_client_free(c);
}

static void test_unreachable(void **state)
{
	(void)state;
	struct err e;
	struct dk_client *c = dk_client_new("unix:///nonexistent/sock", &e);
	struct call r;
	call_init(&r, 1, 0);
	dk_list_containers(c, true, NULL, call_on_list, &r);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.e.code, ERR_TRANSPORT);
	assert_non_null(strstr(r.e.msg, "/nonexistent/sock"));
	dk_client_free(c);
	assert_null(dk_client_new("ftp://x", &e));
	assert_int_equal(e.code, ERR_USAGE);
	assert_null(dk_client_new("tcp://nohostport", &e));
	assert_int_equal(e.code, ERR_USAGE);
}

struct evrec {
	int opened, dropped, events;
};

static void ev_cb(void *ud, const struct dk_event *ev)
{
	struct evrec *r = ud;
	assert_string_equal(ev->action, "start");
	r->events++;
}

static void ev_state(void *ud, bool connected, const struct err *e)
{
	struct evrec *r = ud;
	if (connected) {
		r->opened++;
	} else {
		r->dropped++;
		assert_non_null(e);
	}
}

/* The stream drops after one event: the client reports it, backs off and
 * reconnects by itself. */
static void test_events_reconnect(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct evrec r = {0};
	dk_events_start(c, ev_cb, ev_state, &r);
	for (int i = 0; i < 400 && r.opened < 3; i++)
		call_turn(c, 50);
	assert_true(r.opened >= 3);
	assert_true(r.dropped >= 2);
	assert_true(r.events >= 2);
	dk_events_stop(c);
	dk_client_free(c);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_events_reconnect),
	};
	return cmocka_run_group_tests_name("docker_client", tests, setup, fake_daemon_teardown);
}
