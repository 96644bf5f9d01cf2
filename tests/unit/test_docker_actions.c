/* test_docker_actions: the action and evidence calls against a fake daemon that records every request.
 * The fake exists for what the real engine will not do on demand: hostile
 * messages, a stop that never answers, log frames split at awkward places,
 * an exec whose output is not a tar. Each request the client sends is
 * reported to the test through a pipe, so method, path, query and body are
 * asserted exactly. The real engine: test_docker_actions_engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/docker.h"
#include "tests/unit/helper/call.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/text.h"

static struct fake_daemon fake;

/* ---- the fake daemon's answers ---- */

static const char hostile_msg[] = "{\"message\":\"boom\\u001b]0;pwn\\u0007\\r\\nfake row \\u001b[2J\"}";
static const char exec_id[] = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0";
static const char image_id[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

/* Send b's bytes as HTTP chunks cut at the given offsets, with pauses, so
 * that the client reads them in pieces. */
static void send_chunked(int fd, const struct buf *b, const size_t *cuts, size_t ncuts)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
	                           "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
	fake_write_all(fd, head, strlen(head));
	size_t off = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : b->len;
		if (end > off) {
			char h[32];
			int n = snprintf(h, sizeof h, "%zx\r\n", end - off);
			fake_write_all(fd, h, (size_t)n);
			fake_write_all(fd, b->data + off, end - off);
			fake_write_all(fd, "\r\n", 2);
			fake_pause_ms(20);
		}
		off = end;
	}
	fake_write_all(fd, "0\r\n\r\n", 5);
}

/* the log scenarios, by container name */
static void serve_logs(int fd, const char *name)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	if (!strcmp(name, "tty")) {
		buf_puts(&b, "2026-01-01T00:00:00Z raw \x1b[31mtty\r\n");
		size_t cuts[] = {3};
		send_chunked(fd, &b, cuts, 1);
	} else if (!strcmp(name, "badframe")) {
		fake_frame(&b, 1, "2026-01-01T00:00:00Z ok\n", 24);
		buf_append(&b, "\x07\0\0\0\0\0\0\x01z", 9);
		send_chunked(fd, &b, NULL, 0);
	} else if (!strcmp(name, "big")) {
		/* 1000 lines "2026-01-01T00:00:00Z line NNNN\n" on stdout */
		for (int i = 0; i < 1000; i++) {
			char l[64];
			int n = snprintf(l, sizeof l, "2026-01-01T00:00:00Z line %04d\n", i);
			fake_frame(&b, 1, l, (size_t)n);
		}
		size_t cuts[] = {5, 4000, 4003, 20000};
		send_chunked(fd, &b, cuts, 4);
	} else {
		fake_frame(&b, 1, "2026-01-01T00:00:00Z hello", 26);  /* a line cut by stderr */
		fake_frame(&b, 2, "2026-01-01T00:00:01Z \x1b]0;pwn\x07 oops\n", 35);
		fake_frame(&b, 1, " world\n", 7);
		fake_frame(&b, 1, "", 0);
		fake_frame(&b, 1, "2026-01-01T00:00:02Z two\nthree\n", 31);
		fake_frame(&b, 2, "2026-01-01T00:00:03Z tail", 25);
		/* cut inside the first header, between header and payload, inside
		 * a payload, and one byte at a time for a while */
		size_t cuts[] = {3, 8, 12, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 60, 80, 81};
		send_chunked(fd, &b, cuts, sizeof cuts / sizeof *cuts);
	}
	buf_free(&b);
}

/* A fake tar: 1024 bytes with "ustar" at 257. */
static void fake_tar(char *t, size_t n)
{
	memset(t, 0, n);
	memcpy(t, "./hello.txt", 11);
	memcpy(t + 257, "ustar", 5);
	for (size_t i = 512; i < n; i++)
		t[i] = (char)('a' + i % 26);
}

/* exec start: the container name was put in the exec id by exec create */
static void serve_exec(int fd, char which)
{
	struct buf b;
	buf_init(&b, 4u << 20);
	buf_puts(&b, FAKE_UPGRADED);
	char tar[3000];
	fake_tar(tar, sizeof tar);
	switch (which) {
	case 't': /* a tar, split over several frames, noise on stderr */
		fake_frame(&b, 1, tar, 700);
		fake_frame(&b, 2, "tar: ./secret: Cannot open: Permission denied\n", 46);
		fake_frame(&b, 1, tar + 700, sizeof tar - 700);
		break;
	case 'n': /* no tar in the container: the engine's text as stdout */
		buf_puts(&b, "");
		fake_frame(&b, 1, "OCI runtime exec failed: exec failed: \x1b[2Jtar: not found\r\n", 58);
		break;
	case 'e': /* tar failed at once: only stderr */
		fake_frame(&b, 2, "tar: /nope: Cannot open: No such file or directory\n", 51);
		break;
	case 's': /* some output, then nothing for a long time */
		fake_frame(&b, 1, tar, 600);
		fake_write_all(fd, b.data, b.len);
		fake_pause_ms(30000);
		break;
	}
	fake_write_all(fd, b.data, b.len);
	buf_free(&b);
}

static void serve_one(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	char name[128] = "", tail[256] = "";
	if (sscanf(req, "%*s /v1.41/containers/%127[^/? ]%255s", name, tail) >= 1) {
		if (!strcmp(name, "gone")) {
			fake_respond(fd, 404, "{\"message\":\"No such container: gone\"}");
		} else if (!strcmp(name, "busy")) {
			fake_respond(fd, 409, "{\"message\":\"Container busy is not running\\u001b[2J\\u009b31m\"}");
		} else if (!strcmp(name, "boom")) {
			fake_respond(fd, 500, hostile_msg);
		} else if (!strcmp(name, "same")) {
			fake_respond(fd, 304, NULL);
		} else if (!strcmp(name, "frozen")) {
			fake_respond(fd, 409, "{\"message\":\"Container frozen is already paused\"}");
		} else if (!strcmp(name, "hang")) {
			fake_pause_ms(30000);
		} else if (!strcmp(name, "notpaused")) {
			fake_respond(fd, 500, "{\"message\":\"Container 0123 is not paused\"}");
		} else if (!strcmp(name, "pdpaused")) {   /* Podman's words */
			fake_respond(fd, 500, "{\"cause\":\"container state improper\",\"message\":\"\\\"0123\\\" is "
			                      "already paused: container state improper\",\"response\":500}");
		} else if (!strcmp(name, "pdexited")) {
			fake_respond(fd, 500, "{\"cause\":\"container state improper\",\"message\":\"can only kill running "
			                      "containers. 0123 is in state exited: container state improper\",\"response\":500}");
		} else if (!strncmp(tail, "/json", 5)) {
			if (!strcmp(name, "garbage"))
				fake_respond(fd, 200, "{\"Id\": [unterminated");
			else if (!strcmp(name, "tty"))
				fake_respond(fd, 200, "{\"Id\":\"x\",\"Config\":{\"Tty\":true}}");
			else
				fake_respond(fd, 200, "{\"Id\":\"x\",\"Config\":{\"Tty\":false},\"Name\":\"/ok\"}");
		} else if (!strncmp(tail, "/logs", 5)) {
			serve_logs(fd, name);
		} else if (!strncmp(tail, "/exec", 5)) {
			if (!strcmp(name, "paused")) {
				fake_respond(fd, 409, "{\"message\":\"Container paused is paused, unpause the container before exec\"}");
			} else {
				char out[128];
				char k = name[0] == 'n' ? 'a' : name[0] == 'e' ? 'b' : name[0] == 's' ? 'd' : 'c';
				snprintf(out, sizeof out, "{\"Id\":\"%c%.63s\"}", k, exec_id + 1);
				fake_respond(fd, 201, out);
			}
		} else {
			fake_respond(fd, 204, NULL);
		}
	} else if (!strncmp(req, "POST /v1.41/exec/", 17)) {
		char c = req[17];
		serve_exec(fd, c == 'a' ? 'n' : c == 'b' ? 'e' : c == 'd' ? 's' : 't');
	} else if (!strncmp(req, "GET /v1.41/exec/", 16)) {
		char c = req[16];
		fake_respond(fd, 200, c == 'c' ? "{\"Running\":false,\"ExitCode\":2}" : "{\"Running\":false,\"ExitCode\":0}");
	} else if (!strncmp(req, "POST /v1.41/commit?container=garbage", 36)) {
		fake_respond(fd, 201, "{\"Id\":\"not-an-id\"}");
	} else if (!strncmp(req, "POST /v1.41/commit?", 19)) {
		char out[128];
		snprintf(out, sizeof out, "{\"Id\":\"%s\"}", image_id);
		fake_respond(fd, 201, out);
	} else if (!strncmp(req, "POST /v1.41/networks/", 21)) {
		if (strstr(req, "/networks/notmine/"))
			fake_respond(fd, 500, "{\"message\":\"container ok is not connected to network notmine\"}");
		else
			fake_respond(fd, 200, NULL);
	} else {
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
	}
}

static int setup(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "act", serve_one, 0);
}

/* ---- the test side ---- */

static void expect_request(const char *want)
{
	char *got = fake_next_request(&fake, 2000);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void expect_no_request(void)
{
	assert_true(fake_quiet(&fake, 100));
}

static struct dk_client *client(void)
{
	struct dk_client *c = fake_client(&fake);
	assert_non_null(c);
	fake_drain(&fake);
	return c;
}

/* run one call to its callback */
static void run(struct dk_client *c, struct call *r)
{
	assert_int_equal(dk_client_run(c, 10000), 0);
	assert_int_equal(r->calls, 1);
}

enum act { A_PAUSE, A_UNPAUSE, A_KILL, A_STOP, A_RESTART, A_REMOVE, A_DISCONNECT };

/* Start act on name: n is a stop's or restart's timeout, a remove's or a
 * disconnect's force; arg a kill's signal, the disconnected container. */
static void start_act(struct dk_client *c, enum act act, const char *name, int n, const char *arg, struct call *r)
{
	switch (act) {
	case A_PAUSE: dk_pause(c, name, call_on_done, r); break;
	case A_UNPAUSE: dk_unpause(c, name, call_on_done, r); break;
	case A_KILL: dk_kill(c, name, arg, call_on_done, r); break;
	case A_STOP: dk_stop(c, name, n, call_on_done, r); break;
	case A_RESTART: dk_restart(c, name, n, call_on_done, r); break;
	case A_REMOVE: dk_remove(c, name, n != 0, call_on_done, r); break;
	case A_DISCONNECT: dk_network_disconnect(c, name, arg, n != 0, call_on_done, r); break;
	}
}

/* An action and the request the engine gets for it, exactly. */
static const struct req_case {
	enum act act;
	const char *name;
	int n;
	const char *arg, *want;
} req_cases[] = {
	{A_PAUSE, "ok", 0, NULL, "POST /v1.41/containers/ok/pause\n"},
	{A_UNPAUSE, "ok", 0, NULL, "POST /v1.41/containers/ok/unpause\n"},
	{A_STOP, "ok", 7, NULL, "POST /v1.41/containers/ok/stop?t=7\n"},
	{A_RESTART, "ok", 0, NULL, "POST /v1.41/containers/ok/restart?t=0\n"},
	{A_KILL, "ok", 0, NULL, "POST /v1.41/containers/ok/kill?signal=SIGKILL\n"},
	{A_KILL, "ok", 0, "term", "POST /v1.41/containers/ok/kill?signal=SIGTERM\n"},
	{A_KILL, "ok", 0, "sigUsr1", "POST /v1.41/containers/ok/kill?signal=SIGUSR1\n"},
	{A_KILL, "ok", 0, "9", "POST /v1.41/containers/ok/kill?signal=9\n"},
	{A_REMOVE, "ok", 1, NULL, "DELETE /v1.41/containers/ok?force=true&v=false&link=false\n"},
	{A_REMOVE, "ok", 0, NULL, "DELETE /v1.41/containers/ok?force=false&v=false&link=false\n"},
	/* hostile names: every byte that means something in a URL is escaped */
	{A_PAUSE, "ok/../../x?a=1&b#\x1b ", 0, NULL, "POST /v1.41/containers/ok%2F..%2F..%2Fx%3Fa%3D1%26b%23%1B%20/pause\n"},
	{A_DISCONNECT, "net/../x?y=1&z#\x1b\"", 1, "ok",
	 "POST /v1.41/networks/net%2F..%2Fx%3Fy%3D1%26z%23%1B%22/disconnect\n{\"Container\":\"ok\",\"Force\":true}"},
	{A_DISCONNECT, "plain", 0, "a\"b", "POST /v1.41/networks/plain/disconnect\n{\"Container\":\"a\\\"b\",\"Force\":false}"},
};

/* The logs of name, at most max bytes, into r (call_free frees it), run
 * to its one callback. */
static void logs(struct dk_client *c, const char *name, size_t max, struct call *r)
{
	call_init(r, 1, 64u << 20);
	dk_logs(c, name, max, call_on_data, r);
	run(c, r);
}

/* ---- the tests ---- */

static void test_requests_as_sent(void **state)
{
	(void)state;
	struct dk_client *c = client();
	struct call r;
	call_init(&r, 1, 64u << 20);
	for (size_t i = 0; i < sizeof req_cases / sizeof *req_cases; i++) {
		r.calls = 0;
		start_act(c, req_cases[i].act, req_cases[i].name, req_cases[i].n, req_cases[i].arg, &r);
		run(c, &r);
		if (r.rc != 0)
			fail_msg("case %zu: rc %d (%s)", i, r.rc, r.e.msg);
		assert_string_equal(r.e.msg, "");
		expect_request(req_cases[i].want);
	}
	r.calls = 0;
	const char *labels[] = {"sandtop.snapshot=1", "k=v=w", "q=\"\n\x1b", "k=last", NULL};
	dk_commit(c, "ok", "act/evidence", "t1", labels, "why? a&b", true, call_on_text, &r);
	run(c, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.text, image_id);
	expect_request("POST /v1.41/commit?container=ok&repo=act%2Fevidence&tag=t1&comment=why%3F%20a%26b&pause=true\n"
	               "{\"Labels\":{\"sandtop.snapshot\":\"1\",\"k\":\"last\",\"q\":\"\\\"\\n\\u001b\"}}");
	r.calls = 0;
	dk_commit(c, "ok", NULL, NULL, NULL, NULL, false, call_on_text, &r);
	run(c, &r);
	expect_request("POST /v1.41/commit?container=ok&pause=false\n{\"Labels\":{}}");
	r.calls = 0;
	dk_commit(c, "ok", "act-x", NULL, NULL, NULL, false, call_on_text, &r);
	run(c, &r);
	expect_request("POST /v1.41/commit?container=ok&repo=act-x&tag=latest&pause=false\n{\"Labels\":{}}");
	r.calls = 0;
	dk_inspect_raw(c, "ok", call_on_raw, &r);
	run(c, &r);
	expect_request("GET /v1.41/containers/ok/json\n");
	assert_string_equal(r.data.data, "{\"Id\":\"x\",\"Config\":{\"Tty\":false},\"Name\":\"/ok\"}");
	r.calls = 0;
	buf_reset(&r.data);
	dk_logs(c, "ok", 1600, call_on_data, &r);
	run(c, &r);
	expect_request("GET /v1.41/containers/ok/json\n");
	expect_request("GET /v1.41/containers/ok/logs?stdout=1&stderr=1&timestamps=1&tail=102\n");
	r.calls = 0;
	dk_archive_exec(c, "tar", "/tmp/dir with space", 1u << 20, call_on_tar, &r);
	run(c, &r);
	expect_request("POST /v1.41/containers/tar/exec\n{\"AttachStdin\":true,\"AttachStdout\":true,"
	               "\"AttachStderr\":true,\"Tty\":false,\"Cmd\":[\"tar\",\"-C\",\"/tmp/dir with space\",\"-cf\",\"-\",\".\"]}");
	char want[256];
	snprintf(want, sizeof want, "POST /v1.41/exec/c%s/start\n{\"Detach\":false,\"Tty\":false}", exec_id + 1);
	expect_request(want);
	snprintf(want, sizeof want, "GET /v1.41/exec/c%s/json\n", exec_id + 1);
	expect_request(want);
	call_free(&r, 1);
	dk_client_free(c);
}

/* Arguments refused before any request; the callback still comes once,
 * from the loop, never from the call. */
static void test_refused_arguments(void **state)
{
	(void)state;
	struct dk_client *c = client();
	static const char *const bad_signals[] = {"SIGFOO", "KILL;rm", "0", "65", "-9", "9x", "", "SIGKILLX", "sig", NULL};
	for (size_t i = 0; bad_signals[i]; i++) {
		struct call r;
		call_init(&r, 1, 64u << 20);
		dk_kill(c, "ok", bad_signals[i], call_on_done, &r);
		assert_int_equal(r.calls, 0);
		run(c, &r);
		assert_int_equal(r.rc, -1);
		assert_int_equal(r.e.code, ERR_USAGE);
	}
	char canon[32];
	assert_int_equal(dk_signal_canon("hup", canon, sizeof canon), 0);
	assert_string_equal(canon, "SIGHUP");
	assert_int_equal(dk_signal_canon("64", canon, sizeof canon), 0);
	char longid[400];
	memset(longid, 'a', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	struct call rs[12];
	call_init(rs, 12, 64u << 20);
	dk_pause(c, "", call_on_done, &rs[0]);
	dk_unpause(c, NULL, call_on_done, &rs[1]);
	dk_stop(c, "ok", -1, call_on_done, &rs[2]);
	dk_restart(c, "ok", 3601, call_on_done, &rs[3]);
	dk_remove(c, longid, true, call_on_done, &rs[4]);
	dk_network_disconnect(c, "", "ok", true, call_on_done, &rs[5]);
	const char *badlabels[] = {"ok=1", "novalue", NULL};
	dk_commit(c, "ok", "r", NULL, badlabels, NULL, true, call_on_text, &rs[6]);
	dk_commit(c, "ok", NULL, "tag-without-repo", NULL, NULL, true, call_on_text, &rs[7]);
	dk_logs(c, "ok", 0, call_on_data, &rs[8]);
	dk_archive_exec(c, "ok", "relative/path", 100, call_on_tar, &rs[9]);
	dk_archive_exec(c, "", "/tmp", 100, call_on_tar, &rs[10]);
	dk_inspect_raw(c, "", call_on_raw, &rs[11]);
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(rs[i].calls, 0);
	assert_int_equal(dk_client_run(c, 5000), 0);
	for (size_t i = 0; i < 12; i++) {
		assert_int_equal(rs[i].calls, 1);
		assert_int_equal(rs[i].rc, -1);
		assert_int_equal(rs[i].e.code, ERR_USAGE);
	}
	call_free(rs, 12);
	expect_no_request();
	dk_client_free(c);
}

/* An action on a container the fake daemon answers in its own way, and
 * what the caller is told: rc, the code of a failure, the message exactly
 * (is) or in part (has); every message printable. */
static const struct status_case {
	enum act act;
	const char *name;
	int rc, code;
	const char *is, *has[2];
} status_cases[] = {
	{A_PAUSE, "gone", -1, ERR_NOTFOUND, NULL, {"No such container: gone"}},
	{A_KILL, "busy", -1, ERR_CONFLICT, NULL, {"Container busy is not running"}},
	{A_STOP, "boom", -1, ERR_SERVER, NULL, {"boom", "fake row"}},
	{A_STOP, "same", 0, 0, "already stopped", {NULL}},
	{A_PAUSE, "same", 0, 0, "already paused", {NULL}},
	{A_UNPAUSE, "notpaused", -1, ERR_CONFLICT, NULL, {"is not paused"}},
	{A_DISCONNECT, "notmine", -1, ERR_CONFLICT, NULL, {NULL}}, /* the network; the container "ok" */
	{A_REMOVE, "busy", -1, ERR_CONFLICT, NULL, {NULL}},
	{A_RESTART, "same", 0, 0, "nothing to do", {NULL}},
	/* the engine's 409 "already paused" is the goal reached */
	{A_PAUSE, "frozen", 0, 0, "already paused", {NULL}},
	/* Podman answers 500 where the Docker Engine answers 409 or 304: a
	 * pause of a paused container is the goal reached, a kill or stop of
	 * one that is not running a conflict; any other 500 stays a server
	 * error. */
	{A_PAUSE, "pdpaused", 0, 0, "already paused", {NULL}},
	{A_KILL, "pdexited", -1, ERR_CONFLICT, NULL, {"can only kill running containers"}},
	{A_STOP, "pdexited", -1, ERR_CONFLICT, NULL, {NULL}},
	{A_UNPAUSE, "pdexited", -1, ERR_SERVER, NULL, {NULL}},
};

#define NSTATUS (sizeof status_cases / sizeof *status_cases)


/* All in flight at once on one client. */
static void test_status_mapping(void **state)
{
	(void)state;
	struct dk_client *c = client();
	struct call r[NSTATUS];
	call_init(r, NSTATUS, 64u << 20);
	for (size_t i = 0; i < NSTATUS; i++)
		start_act(c, status_cases[i].act, status_cases[i].name, status_cases[i].act == A_REMOVE ? 0 : 1,
		          status_cases[i].act == A_KILL ? "SIGKILL" : "ok", &r[i]);
	assert_int_equal(dk_client_run(c, 10000), 0);
	for (size_t i = 0; i < NSTATUS; i++) {
		const struct status_case *k = &status_cases[i];
		if (r[i].calls != 1 || r[i].rc != k->rc || (k->rc < 0 && r[i].e.code != k->code))
			fail_msg("case %zu (%s): calls %d rc %d code %d (%s), want rc %d code %d", i, k->name, r[i].calls,
			         r[i].rc, (int)r[i].e.code, r[i].e.msg, k->rc, k->code);
		if (k->is && strcmp(r[i].e.msg, k->is) != 0)
			fail_msg("case %zu (%s): message '%s', want '%s'", i, k->name, r[i].e.msg, k->is);
		for (size_t j = 0; j < 2; j++)
			if (k->has[j] && !strstr(r[i].e.msg, k->has[j]))
				fail_msg("case %zu (%s): no '%s' in '%s'", i, k->name, k->has[j], r[i].e.msg);
		text_assert_printable(r[i].e.msg);
	}
	call_free(r, NSTATUS);
	dk_client_free(c);
}

/* The request of a stop lives longer than t: it fails only after t plus
 * the grace, and says it got no answer. */
static void test_stop_times_out(void **state)
{
	(void)state;
	struct dk_client *c = client();
	dk_client_set_stop_grace_ms(c, 300);
	struct call r;
	call_init(&r, 1, 64u << 20);
	int64_t t0 = clock_mono_ms();
	dk_stop(c, "hang", 1, call_on_done, &r);
	run(c, &r);
	int64_t took = clock_mono_ms() - t0;
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.e.code, ERR_TRANSPORT);
	assert_non_null(strstr(r.e.msg, "no answer"));
	assert_true(took >= 1250);
	assert_true(took < 4000);
	expect_request("POST /v1.41/containers/hang/stop?t=1\n");
	call_free(&r, 1);
	dk_client_free(c);
}

/* The logs of the fake's scenarios: rc, the code of a failure, exactly the
 * bytes of a success (each line tagged with its stream; a tty's as they
 * come), never truncated under the cap. */
static const struct log_case {
	const char *name, *what;
	size_t max;
	int rc, code;
	const char *want;
} log_cases[] = {
	/* the stdout line cut by a stderr frame goes on whole once it ends
	 * (docker/logparse: lines of two streams never mix) */
	{"ok", "frames cut everywhere", 1u << 20, 0, 0,
	 "stderr 2026-01-01T00:00:01Z \x1b]0;pwn\x07 oops\n"
	 "stdout 2026-01-01T00:00:00Z hello world\n"
	 "stdout 2026-01-01T00:00:02Z two\n"
	 "stdout three\n"
	 "stderr 2026-01-01T00:00:03Z tail"},
	{"tty", "a tty: the bytes as they come", 1u << 20, 0, 0, "2026-01-01T00:00:00Z raw \x1b[31mtty\r\n"},
	{"badframe", "a broken frame", 1u << 20, -1, ERR_PARSE, NULL},
	{"gone", "no such container: the first request says so", 100, -1, ERR_NOTFOUND, NULL},
};

static void test_logs_demux(void **state)
{
	(void)state;
	struct dk_client *c = client();
	for (size_t i = 0; i < sizeof log_cases / sizeof *log_cases; i++) {
		const struct log_case *k = &log_cases[i];
		struct call r;
		logs(c, k->name, k->max, &r);
		if (r.rc != k->rc || (k->rc < 0 && r.e.code != k->code))
			fail_msg("%s (%s): rc %d code %d (%s)", k->name, k->what, r.rc, (int)r.e.code, r.e.msg);
		if (k->rc == 0) {
			assert_false(r.truncated);
			if (r.data.len != strlen(k->want) || memcmp(r.data.data, k->want, r.data.len) != 0)
				fail_msg("%s (%s): %zu bytes, not the %zu wanted", k->name, k->what, r.data.len, strlen(k->want));
		}
		call_free(&r, 1);
	}
	dk_client_free(c);
}

/* Over max_bytes: the newest lines are kept, from a line start. */
static void test_logs_capped(void **state)
{
	(void)state;
	struct dk_client *c = client();
	struct call r;
	logs(c, "big", 1000, &r);
	assert_int_equal(r.rc, 0);
	assert_true(r.truncated);
	assert_true(r.data.len <= 1000);
	assert_true(r.data.len > 1000 - 40);
	const char *line = "stdout 2026-01-01T00:00:00Z line 0999\n";
	size_t ll = strlen(line);
	assert_memory_equal(r.data.data + r.data.len - ll, line, ll);
	assert_memory_equal(r.data.data, "stdout 2026-01-01T00:00:00Z line 09", 35);
	assert_int_equal(r.data.len % ll, 0);
	/* a cap of exactly the whole: not truncated */
	struct call w;
	logs(c, "big", 1000 * ll, &w);
	assert_false(w.truncated);
	assert_int_equal(w.data.len, 1000 * ll);
	call_free(&r, 1);
	call_free(&w, 1);
	dk_client_free(c);
}

static void test_commit_and_inspect_errors(void **state)
{
	(void)state;
	struct dk_client *c = client();
	struct call r[4];
	call_init(r, 4, 64u << 20);
	dk_commit(c, "garbage", "act-x", "t", NULL, NULL, true, call_on_text, &r[0]);
	dk_commit(c, "ok", "act-x", "t", NULL, "c", false, call_on_text, &r[1]);
	dk_inspect_raw(c, "garbage", call_on_raw, &r[2]);
	dk_inspect_raw(c, "gone", call_on_raw, &r[3]);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_int_equal(r[0].rc, -1);
	assert_int_equal(r[0].e.code, ERR_PARSE);
	assert_int_equal(r[1].rc, 0);
	assert_string_equal(r[1].text, image_id);
	assert_int_equal(r[2].e.code, ERR_PARSE);
	assert_int_equal(r[3].e.code, ERR_NOTFOUND);
	call_free(r, 4);
	dk_client_free(c);
}

static void test_archive(void **state)
{
	(void)state;
	struct dk_client *c = client();
	/* the archives asked for, all in flight at once: container, path, cap */
	static const struct {
		const char *name, *path;
		size_t max;
	} asked[] = {
		{"tar", "/tmp", 1u << 20}, {"notar", "/tmp", 1u << 20}, {"empty", "/nope", 1u << 20},
		{"paused", "/tmp", 1u << 20}, {"tar", "/tmp", 1000},
	};
	struct call r[5];
	call_init(r, 5, 64u << 20);
	for (size_t i = 0; i < 5; i++)
		dk_archive_exec(c, asked[i].name, asked[i].path, asked[i].max, call_on_tar, &r[i]);
	assert_int_equal(dk_client_run(c, 10000), 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(r[i].calls, 1);
	char tar[3000];
	fake_tar(tar, sizeof tar);
	/* the whole tar; tar exited 2 (the fake says so), and its stderr is the note */
	assert_int_equal(r[0].rc, 0);
	assert_false(r[0].truncated);
	assert_int_equal(r[0].data.len, sizeof tar);
	assert_memory_equal(r[0].data.data, tar, sizeof tar);
	assert_non_null(strstr(r[0].e.msg, "tar exited 2"));
	assert_non_null(strstr(r[0].e.msg, "Permission denied"));
	/* the engine's exec failure arrives as stdout: not a tar */
	assert_int_equal(r[1].rc, -1);
	assert_int_equal(r[1].e.code, ERR_BADREQ);
	assert_non_null(strstr(r[1].e.msg, "OCI runtime exec failed"));
	text_assert_printable(r[1].e.msg);
	/* tar failed at once: its stderr */
	assert_int_equal(r[2].rc, -1);
	assert_non_null(strstr(r[2].e.msg, "No such file"));
	assert_int_equal(r[3].e.code, ERR_CONFLICT);
	assert_non_null(strstr(r[3].e.msg, "is paused"));
	/* cut */
	assert_int_equal(r[4].rc, 0);
	assert_true(r[4].truncated);
	assert_int_equal(r[4].data.len, 1000);
	assert_memory_equal(r[4].data.data, tar, 1000);
	call_free(r, 5);
	dk_client_free(c);
}

struct cap_res {
	int calls, freed, rc;
	struct err e;
	size_t out_len;
};

static void on_capture(void *ud, int rc, const struct err *e, struct dk_capture *res)
{
	struct cap_res *r = ud;
	r->calls++;
	r->rc = rc;
	r->e = *e;
	r->out_len = res->out.len;
}

static void cap_free(void *ud)
{
	((struct cap_res *)ud)->freed++;
}

/* A capture whose process never ends times out; one closed before it ends
 * reports nothing and frees its ud. */
static void test_capture_timeout_and_cancel(void **state)
{
	(void)state;
	struct dk_client *c = client();
	const char *const argv[] = {"tar", "-cf", "-", ".", NULL};
	struct cap_res r = {0}, k = {0};
	int64_t t0 = clock_mono_ms();
	assert_non_null(dk_tunnel_capture(c, "slow", argv, 1u << 20, 300, on_capture, &r, cap_free));
	assert_int_equal(dk_client_run(c, 10000), 0);
	int64_t took = clock_mono_ms() - t0;
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.freed, 0);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.e.code, ERR_TRANSPORT);
	assert_non_null(strstr(r.e.msg, "300 ms"));
	assert_true(took >= 300 && took < 3000);
	struct dk_tunnel *t = dk_tunnel_capture(c, "slow", argv, 1u << 20, 5000, on_capture, &k, cap_free);
	assert_non_null(t);
	for (int i = 0; i < 20; i++) {
		call_turn(c, 10);
	}
	dk_tunnel_close(t);
	assert_int_equal(dk_client_run(c, 1000), 0);
	assert_int_equal(k.calls, 0);
	assert_int_equal(k.freed, 1);
	assert_null(dk_tunnel_capture(c, "", argv, 10, 10, on_capture, &k, cap_free));
	assert_null(dk_tunnel_capture(c, "x", argv, 0, 10, on_capture, &k, cap_free));
	assert_int_equal(k.freed, 1);
	dk_client_free(c);
}

/* Freed with everything in flight: no callback, nothing leaks (ASan). */
static void test_free_in_flight(void **state)
{
	(void)state;
	struct dk_client *c = client();
	struct call r;
	call_init(&r, 1, 64u << 20);
	dk_stop(c, "hang", 5, call_on_done, &r);
	dk_logs(c, "big", 100, call_on_data, &r);
	dk_archive_exec(c, "tar", "/tmp", 100, call_on_tar, &r);
	dk_commit(c, "ok", "r", "t", NULL, NULL, true, call_on_text, &r);
	dk_kill(c, "ok", "BAD", call_on_done, &r);
	for (int i = 0; i < 3; i++) {
		call_turn(c, 10);
	}
	int before = r.calls;
	dk_client_free(c);
	assert_int_equal(r.calls, before);
	call_free(&r, 1);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_as_sent),
		cmocka_unit_test(test_refused_arguments),
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_stop_times_out),
		cmocka_unit_test(test_logs_demux),
		cmocka_unit_test(test_logs_capped),
		cmocka_unit_test(test_commit_and_inspect_errors),
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_capture_timeout_and_cancel),
		cmocka_unit_test(test_free_in_flight),
	};
	return cmocka_run_group_tests_name("docker_actions", tests, setup, fake_daemon_teardown);
}
