/* test_snapshot_order: the snapshot's steps on the engine path (no view of the host) in the order the engine sees them: the stop exec before the screenshot and the tar, the tar before the pause, the continue exec after the unpause and for exactly what was stopped; --keep-paused, a hostile stop output, a sandbox without a shell.
 * The engine is a fake (tests/unit/fake_daemon.h): the order of requests and
 * outputs a sandbox's shell would never print are what it injects; the
 * real engine and sandbox run these paths in tests/integration/t_snapshot.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/text.h"
#include "tests/unit/helper/fixture.h"

#include <sys/stat.h>

#include "snapshot/machine.h"
#include "snapshot/snapshot.h"
#include "host/agent_stop.h"

#define ID_BOX "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
#define ID_BAD "bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0"
#define ID_NOSH "dead0000dead0000dead0000dead0000dead0000dead0000dead0000dead0000"
#define EXEC_TAIL "00000000000000000000000000000000000000000000000000000000000000"  /* 62 */
#define IMAGE_ID "sha256:1111111111111111111111111111111111111111111111111111111111111111"

/* The group's fixture: the fake engine and its stats answer, a scratch
 * directory for the bundles, a client of the fake. */
static struct fake_daemon fake;
static char *stats_body;
static char bundles[64];
static struct dk_client *client;

/* ---- the fake engine ---- */

static void inspect_body(int fd, const char *id)
{
	char body[1024];
	snprintf(body, sizeof body, "{\"Id\":\"%s\",\"Name\":\"/box\",\"State\":{\"Status\":\"running\",\"Running\":true,"
	         "\"Pid\":4242},\"Config\":{\"Image\":\"img\",\"Tty\":false,\"Labels\":{}},\"HostConfig\":{\"Tmpfs\":"
	         "{\"/tmp\":\"rw\"}},\"Mounts\":[]}", id);
	fake_respond(fd, 200, body);
}

/* exec ids are hex: the kind (a stop, b tar, c cont) and the scenario
 * (d box, e hostile, f no shell) are their first two digits */
static void serve_start(int fd, char kind, char scenario)
{
	kind = kind == 'a' ? 's' : kind == 'b' ? 't' : 'c';
	scenario = scenario == 'e' ? 'h' : scenario == 'f' ? 'n' : 'b';
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, FAKE_UPGRADED);
	const char *out = "";
	char tar[1024];
	if (kind == 's' && scenario == 'b')
		out = "I 1 10 tini\nK 7 50 Xvfb\nS 12 100 bash\nK 8 51 x11vnc\nS 13 101 sleep\nA 14 102 T job\nE 2 0\n";
	else if (kind == 's' && scenario == 'h')  /* two stopped, an escape in a name, then garbage */
		out = "S 12 100 ba\x1b[31msh\nS 13 101 x\x07y\nS 99999999 1 huge\nrm -rf /\n";
	else if (kind == 's')
		out = "OCI runtime exec failed: exec: \"/bin/sh\": stat /bin/sh: no such file or directory\r\n";
	else if (kind == 'c')
		out = scenario == 'h' ? "C 12\nG 13\nE\n" : "C 12\nC 13\nE\n";
	if (kind == 't') {
		memset(tar, 0, sizeof tar);
		memcpy(tar, "./a.txt", 7);
		memcpy(tar + 257, "ustar", 5);
		fake_frame(&b, 1, tar, sizeof tar);
	} else if (out[0]) {
		fake_frame(&b, 1, out, strlen(out));
	}
	fake_write_all(fd, b.data, b.len);
	buf_free(&b);
}

static void serve(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	char id[80] = "", tail[256] = "";
	if (!strncmp(req, "POST /v1.41/exec/", 17)) {
		serve_start(fd, req[17], req[18]);
	} else if (!strncmp(req, "GET /v1.41/exec/", 16)) {
		fake_respond(fd, 200, "{\"Running\":false,\"ExitCode\":0}");
	} else if (!strncmp(req, "POST /v1.41/commit?", 19)) {
		fake_respond(fd, 201, "{\"Id\":\"" IMAGE_ID "\"}");
	} else if (sscanf(req, "%*s /v1.41/containers/%79[^/? ]%255s", id, tail) >= 1) {
		char scenario = !strncmp(id, "bad0", 4) ? 'h' : !strncmp(id, "dead", 4) ? 'n' : 'b';
		if (!strncmp(tail, "/json", 5)) {
			inspect_body(fd, scenario == 'h' ? ID_BAD : scenario == 'n' ? ID_NOSH : ID_BOX);
		} else if (!strncmp(tail, "/exec", 5)) {
			char kind = strstr(req, "kill -s STOP") ? 's' : strstr(req, "kill -s CONT") ? 'c' : 't';
			char out[96];
			snprintf(out, sizeof out, "{\"Id\":\"%c%c%s\"}", kind == 's' ? 'a' : kind == 't' ? 'b' : 'c',
			         scenario == 'h' ? 'e' : scenario == 'n' ? 'f' : 'd', EXEC_TAIL);
			fake_respond(fd, 201, out);
		} else if (!strncmp(tail, "/logs", 5)) {
			struct buf b;
			buf_init(&b, 4096);
			fake_frame(&b, 1, "2026-01-01T00:00:00Z hello\n", 27);
			fake_respond_len(fd, 200, b.data, b.len);
			buf_free(&b);
		} else if (!strncmp(tail, "/stats", 6)) {
			fake_respond(fd, 200, stats_body);
		} else {
			fake_respond(fd, 204, NULL);  /* pause, unpause */
		}
	} else {
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
	}
}

/* ---- the test side ---- */

static int setup(void **state)
{
	(void)state;
	size_t n;
	stats_body = fixture_read("stats_running.json", &n);
	if (fake_daemon_start(&fake, "snaporder", serve, 0) < 0)
		return -1;
	if (files_tmpdir(bundles, sizeof bundles, "snaporder") < 0 || !(client = fake_client(&fake)))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dk_client_free(client);
	files_rmtree(bundles);
	fake_daemon_stop(&fake);
	free(stats_body);
	return 0;
}

static const struct snap_result *run_snapshot(const char *id, bool keep_paused, struct snap **out)
{
	struct dk_container ct;
	memset(&ct, 0, sizeof ct);
	snprintf(ct.id, sizeof ct.id, "%s", id);
	ct.name = "box";
	struct snap_opts o = {.parent_dir = bundles, .armed = true, .keep_paused = keep_paused, .host_access = false};
	struct err e = {0};
	struct snap *s = snap_start(client, NULL, &ct, &o, &e);
	assert_non_null(s);
	for (int i = 0; i < 2000 && !snap_done(s); i++) {
		struct pollfd fds[64];
		int timeout = 20;
		size_t n = dk_client_pollfds(client, fds, 60, &timeout);
		size_t k = snap_pollfds(s, fds + n, 64 - n);
		poll(fds, n + k, 20);
		dk_client_dispatch(client, fds, n);
		snap_dispatch(s, fds + n, k);
		snap_tick(s, clock_mono_ms());
	}
	assert_true(snap_done(s));
	*out = s;
	return snap_result(s);
}

/* The requests in order, each reduced to a word: "stop", "tar", "cont" (exec
 * creates), "pause", "unpause"; others are left out. The cont exec's body
 * goes to cont_body. */
static size_t order(char words[][16], size_t max, char *cont_body, size_t n)
{
	size_t k = 0;
	char *r;
	while (k < max && (r = fake_next_request(&fake, 300))) {
		const char *w = NULL;
		if (strstr(r, "/exec\n") && strstr(r, "kill -s STOP"))
			w = "stop";
		else if (strstr(r, "/exec\n") && strstr(r, "kill -s CONT")) {
			w = "cont";
			snprintf(cont_body, n, "%s", r);
		} else if (strstr(r, "/exec\n"))
			w = "tar";
		else if (strstr(r, "/pause\n"))
			w = "pause";
		else if (strstr(r, "/unpause\n"))
			w = "unpause";
		if (w)
			snprintf(words[k++], sizeof words[0], "%s", w);
		free(r);
	}
	return k;
}

/* What the order case shows beyond the table: the steps began in order,
 * and the manifest says how each file was obtained. */
static void order_more(const struct snap_result *r)
{
	/* the steps began in this order */
	const int seq[] = {SNAP_STEP_STOP, SNAP_STEP_SCREENSHOT, SNAP_STEP_PAUSE, SNAP_STEP_INSPECT, SNAP_STEP_RESUME,
	                   SNAP_STEP_CONTINUE, SNAP_STEP_MANIFEST};
	for (size_t i = 1; i < sizeof seq / sizeof *seq; i++)
		assert_true(r->steps[seq[i - 1]].at_ms <= r->steps[seq[i]].at_ms);
	/* the manifest says how each file was obtained */
	char *m = xasprintf("%s/manifest.json", r->dir);
	FILE *fp = fopen(m, "r");
	assert_non_null(fp);
	static char json[1 << 16];
	size_t len = fread(json, 1, sizeof json - 1, fp);
	json[len] = '\0';
	fclose(fp);
	free(m);
	assert_non_null(strstr(json, "\"how\":\"tar run inside the sandbox by an exec as its own user (as trustworthy as "
	                       "the sandbox), before the pause, the agent's 2 processes stopped (SIGSTOP), the sandbox "
	                       "not frozen\""));
	assert_non_null(strstr(json, "\"how\":\"engine API (GET /containers/ID/json), the sandbox paused by the engine, "
	                       "its agent stopped (SIGSTOP) before the pause\""));
	assert_non_null(strstr(json, "\"agent_stop\":{\"method\":\"exec\""));
	assert_non_null(strstr(json, "\"stopped\":[{\"pid\":12,\"comm\":\"bash\",\"late\":false,\"continued\":true}"));
	assert_non_null(strstr(json, "\"left_alone\":[{\"pid\":14,\"comm\":\"job\",\"why\":\"stopped before\"}]"));
}

/* What one step of the result says: its state, and its message (a part,
 * or the whole). */
struct step_check {
	bool on;
	int step;
	enum snap_state state;
	const char *has[2], *is;
};

/* A snapshot over the exec path against the fake engine: the requests in
 * order (as words), what the continue exec's body holds and must not, the
 * result's ok (-1: not checked), and what its steps say. */
static const struct scenario {
	const char *what, *id;
	bool keep_paused;
	const char *words;
	const char *cont_has, *cont_not;
	int ok;
	struct step_check steps[4];
	void (*more)(const struct snap_result *r);
} scenarios[] = {
	{"stop, tar, pause, unpause, continue: exactly what was stopped is continued (12 and 13, not the kept, "
	 "the init or the one stopped before)",
	 ID_BOX, false, "stop tar pause unpause cont", "for x in 12:100 13:101;", NULL, 1,
	 {{true, SNAP_STEP_STOP, SNAP_OK,
	   {"2 processes stopped (SIGSTOP) by an exec",
	    "left running: tini (the sandbox's init), Xvfb (display server), x11vnc (VNC server)"}, NULL},
	  {true, SNAP_STEP_CONTINUE, SNAP_OK, {"SIGCONT to 2 processes by an exec after the unpause"}, NULL},
	  {true, SNAP_STEP_PAUSE, SNAP_OK, {"the agent was stopped"}, NULL}},
	 order_more},
	{"kept paused: no unpause, no exec into the paused sandbox; what the operator must run, on the result line",
	 ID_BOX, true, "stop tar pause", NULL, NULL, 1,
	 {{true, SNAP_STEP_CONTINUE, SNAP_SKIPPED,
	   {"after `sandtop unpause b0b0b0b0b0b0`, continue its 2 stopped processes: docker exec b0b0b0b0b0b0 sh -c "
	    "'kill -CONT 12 13'"}, NULL}},
	 NULL},
	/* The sandbox's output is untrusted: an escape in a name is shown
	 * sanitized, garbage fails the step, and what was stopped before it is
	 * still continued; the agent may have seen it coming: not ok, said so */
	{"hostile stop output", ID_BAD, false, "stop tar pause unpause cont", "for x in 12:100 13:101;", "99999999", 0,
	 {{true, SNAP_STEP_STOP, SNAP_FAILED, {"2 processes stopped before that"}, NULL},
	  {true, SNAP_STEP_PAUSE, SNAP_OK, {NULL}, NULL}, /* the evidence went on */
	  {true, SNAP_STEP_CONTINUE, SNAP_OK,
	   {"SIGCONT to 1 process by an exec after the unpause (some had ended or changed: not signalled)"}, NULL}},
	 NULL},
	/* No shell in the sandbox: the stop fails, said; nothing to continue. */
	{"no shell", ID_NOSH, false, "stop tar pause unpause", NULL, NULL, -1,
	 {{true, SNAP_STEP_STOP, SNAP_FAILED, {"the stop exec failed", "OCI runtime exec failed"}, NULL},
	  {true, SNAP_STEP_CONTINUE, SNAP_SKIPPED, {NULL}, "nothing was stopped"},
	  {true, SNAP_STEP_COMMIT, SNAP_OK, {NULL}, NULL}},
	 NULL},
};

static void test_exec_paths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
		const struct scenario *k = &scenarios[i];
		print_message("case: %s\n", k->what);
		fake_drain(&fake);
		struct snap *s;
		const struct snap_result *r = run_snapshot(k->id, k->keep_paused, &s);
		char w[16][16], cont[8192] = "", words[256] = "";
		size_t n = order(w, 16, cont, sizeof cont);
		for (size_t j = 0; j < n; j++)
			snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s", j ? " " : "", w[j]);
		assert_string_equal(words, k->words);
		if (k->cont_has && !strstr(cont, k->cont_has))
			fail_msg("%s: no '%s' in the continue exec: %s", k->what, k->cont_has, cont);
		if (k->cont_not)
			assert_null(strstr(cont, k->cont_not));
		if (k->ok >= 0)
			assert_int_equal(r->ok, k->ok);
		for (size_t j = 0; j < 4 && k->steps[j].on; j++) {
			const struct step_check *c = &k->steps[j];
			const char *msg = r->steps[c->step].msg;
			assert_int_equal(r->steps[c->step].state, c->state);
			for (size_t h = 0; h < 2; h++)
				if (c->has[h] && !strstr(msg, c->has[h]))
					fail_msg("%s: step %d: no '%s' in '%s'", k->what, c->step, c->has[h], msg);
			if (c->is)
				assert_string_equal(msg, c->is);
			text_assert_printable(msg);
		}
		if (k->more)
			k->more(r);
		snap_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_paths),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
