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

/* The version negotiation against engines whose GET /_ping says different
 * things: the API version and engine version the client keeps (and uses:
 * the list's path), whether it asked GET /version as well, and how a list
 * fails when the client cannot go on. */
struct nego_case {
	const char *what;
	const char *ping;   /* the whole answer to GET /_ping */
	const char *api;    /* kept; NULL: the list fails with code */
	const char *engine; /* kept; NULL: anything printable but empty */
	bool asked_version;
	int code;
};

#define PING(status, heads) "HTTP/1.1 " status "\r\n" heads "Connection: close\r\nContent-Length: 2\r\n\r\nOK"
static const struct nego_case nego_cases[] = {
	{"a dockerd's ping", PING("200 OK", "Api-Version: 1.41\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\n"),
	 "1.41", "20.10.24+dfsg1", false, 0},
	{"a Podman's ping, the names in other cases", PING("200 OK", "api-version: 1.41\r\nSERVER: Libpod/4.3.1 (linux)\r\n"),
	 "1.41", "4.3.1", false, 0},
	{"a newer engine: our newest API", PING("200 OK", "Api-Version:1.99\r\nServer: Docker/99.1\r\n"),
	 "1.43", "99.1", false, 0},
	{"a hostile Server header, shown sanitized", PING("200 OK", "Api-Version: 1.41\r\nServer: Docker/\x1b]0;pwn\x07\x1b[2J (linux)\r\n"),
	 "1.41", NULL, false, 0},
	{"a ping without Api-Version: /version asked", PING("200 OK", "Server: a-proxy\r\n"),
	 "1.41", "99.0", true, 0},
	{"no /_ping (404): /version asked", PING("404 Not Found", ""), "1.41", "99.0", true, 0},
	{"an engine too old", PING("200 OK", "Api-Version: 1.12\r\n"), NULL, "", false, ERR_VERSION},
	{"a ping answered 500: its error, no /version", PING("500 Internal Server Error", ""), NULL, "", false, ERR_SERVER},
};
static const struct nego_case *nego_now; /* the case the next fake (forked at its start) serves */

static void serve_nego(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	if (!strncmp(req, "GET /_ping ", 11))
		fake_write_all(fd, nego_now->ping, strlen(nego_now->ping));
	else if (!strncmp(req, "GET /version ", 13))
		fake_respond(fd, 200, FAKE_VERSION_BODY);
	else
		fake_respond(fd, 200, "[]");
}

static void test_negotiation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof nego_cases / sizeof *nego_cases; i++) {
		const struct nego_case *k = nego_now = &nego_cases[i];
		struct fake_daemon d;
		assert_int_equal(fake_daemon_start(&d, "nego", serve_nego, FAKE_RAW), 0);
		struct dk_client *c = fake_client(&d);
		struct call r;
		call_init(&r, 1, 0);
		dk_list_containers(c, true, NULL, call_on_list, &r);
		assert_int_equal(dk_client_run(c, 5000), 0);
		bool asked = false;
		char list_path[64] = "", *q;
		while ((q = fake_next_request(&d, 100))) {
			asked |= !strncmp(q, "GET /version\n", 13);
			if (strstr(q, "/containers/json"))
				snprintf(list_path, sizeof list_path, "%s", q);
			free(q);
		}
		char want_path[64], api[16], engine[64];
		snprintf(want_path, sizeof want_path, "GET /v%s/containers/json", k->api ? k->api : "");
		const char *a = dk_client_api_version(c), *v = dk_client_engine_version(c);
		snprintf(api, sizeof api, "%s", a ? a : "");
		snprintf(engine, sizeof engine, "%s", v ? v : "");
		int rc = r.rc, code = (int)r.e.code;
		call_free(&r, 1);
		dk_client_free(c);
		fake_daemon_stop(&d);
		if (asked != k->asked_version)
			fail_msg("%s: /version %s", k->what, asked ? "asked" : "not asked");
		if (k->api && (rc != 0 || strcmp(api, k->api) || strncmp(list_path, want_path, strlen(want_path))))
			fail_msg("%s: rc %d api '%s' list '%s', want API %s", k->what, rc, api, list_path, k->api);
		if (!k->api && (rc != -1 || code != k->code || api[0] || list_path[0]))
			fail_msg("%s: rc %d code %d api '%s' list '%s', want code %d", k->what, rc, code, api, list_path, k->code);
		if (k->engine ? strcmp(engine, k->engine) != 0 : !engine[0])
			fail_msg("%s: engine '%s', want '%s'", k->what, engine, k->engine ? k->engine : "(printable)");
		text_assert_printable(engine);
	}
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
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_events_reconnect),
	};
	return cmocka_run_group_tests_name("docker_client", tests, setup, fake_daemon_teardown);
}
