/* test_launch_daemon: dk_create_container, dk_start_container, dk_network_create, the launch workflow and `sandtop launch` against a fake daemon that records every request.
 * The fake answers by name (a name in use, no such image, warnings, a start
 * that fails, networks internal or not); the real engine: t_launch.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "control/launch.h"
#include "control/profile.h"
#include "docker/create.h"
#include "docker/docker.h"
#include "tests/unit/helper/call.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/json_get.h"
#include "tests/unit/helper/launch_body.h"
#include "tests/unit/helper/text.h"

/* The profile text over the defaults (it must parse). */
static void parse_ok(struct lp_profile *p, const char *text)
{
	lp_profile_defaults(p);
	assert_int_equal(lp_parse(p, "p.conf", text, strlen(text), NULL, NULL), 0);
}

/* ---- the fake daemon: one forked child per connection ---- */

static struct fake_daemon fake;

#define ID_OK "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"
#define ID_DEAD "dead0000dead0000dead0000dead0000dead0000dead0000dead0000dead0000"
#define ID_SAME "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
#define ID_NET "4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e"

static void serve_network(int fd, const char *name)
{
	char body[512];
	const char *internal = "true", *icc = "false", *shown = name;
	if (!strcmp(name, "extnet"))
		internal = "false";
	else if (!strcmp(name, "iccnet"))
		icc = "true";
	else if (!strcmp(name, "4e4e"))
		shown = "web";  /* an id prefix */
	else if (strcmp(name, "intnet") != 0) {
		fake_respond(fd, 404, "{\"message\":\"network x not found\"}");
		return;
	}
	snprintf(body, sizeof body, "{\"Name\":\"%s\",\"Id\":\"%s\",\"Driver\":\"bridge\",\"Internal\":%s,"
	         "\"Options\":{\"com.docker.network.bridge.enable_icc\":\"%s\"}}", shown, ID_NET, internal, icc);
	fake_respond(fd, 200, body);
}

static void serve_create(int fd, const char *name)
{
	if (!strcmp(name, "tl-taken"))
		fake_respond(fd, 409, "{\"message\":\"Conflict. The container name \\\"/tl-taken\\\" is already "
		             "in use\\u001b[2J\\u009b31m\"}");
	else if (!strcmp(name, "tl-noimage"))
		fake_respond(fd, 404, "{\"message\":\"No such image: sandtop/sandbox:latest\"}");
	else if (!strcmp(name, "tl-warn"))
		fake_respond(fd, 201, "{\"Id\":\"" ID_OK "\",\"Warnings\":[\"no swap limit\\u001b]0;x\\u0007\","
		             "\"second\"]}");
	else if (!strcmp(name, "tl-nostart"))
		fake_respond(fd, 201, "{\"Id\":\"" ID_DEAD "\",\"Warnings\":[]}");
	else if (!strcmp(name, "tl-running"))
		fake_respond(fd, 201, "{\"Id\":\"" ID_SAME "\",\"Warnings\":null}");
	else
		fake_respond(fd, 201, "{\"Id\":\"" ID_OK "\",\"Warnings\":[]}");
}

static void serve_one(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	char name[128] = "";
	if (sscanf(req, "GET /v1.41/networks/%127[^/? ]", name) == 1)
		serve_network(fd, name);
	else if (!strncmp(req, "POST /v1.41/networks/create ", 28) && strstr(req, "\"Name\":\"racenet\""))
		fake_respond(fd, 409, "{\"message\":\"network with name racenet already exists\"}");
	else if (!strncmp(req, "POST /v1.41/networks/create ", 28))
		fake_respond(fd, 201, "{\"Id\":\"" ID_NET "\",\"Warning\":\"\"}");
	else if (sscanf(req, "POST /v1.41/containers/create?name=%127[^& ]", name) == 1)
		serve_create(fd, name);
	else if (!strncmp(req, "POST /v1.41/containers/" ID_DEAD "/start", 23 + 64 + 6))
		fake_respond(fd, 500, "{\"message\":\"OCI runtime create failed: seccomp\"}");
	else if (!strncmp(req, "POST /v1.41/containers/" ID_SAME "/start", 23 + 64 + 6))
		fake_respond(fd, 304, NULL);
	else if (!strncmp(req, "POST /v1.41/containers/", 23) || !strncmp(req, "DELETE /v1.41/containers/", 25))
		fake_respond(fd, 204, NULL);
	else
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
}

static int setup(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "launch", serve_one, 0);
}

/* The next request the fake saw ("METHOD PATH\nBODY"), or NULL after 2 s. */
static char *next_request(void)
{
	return fake_next_request(&fake, 2000);
}

static void expect_request(const char *want)
{
	char *got = next_request();
	if (!got)
		fail_msg("no request, wanted %s", want);
	if (strcmp(got, want) != 0)
		fail_msg("request '%.200s', wanted '%s'", got, want);
	free(got);
}

static void skip_requests(int n)
{
	for (int i = 0; i < n; i++) {
		char *r = next_request();
		assert_non_null(r);
		free(r);
	}
}

static void expect_no_request(void)
{
	assert_true(fake_quiet(&fake, 100));
}

/* The body of the next request, which must start with head + "\n". */
static cJSON *expect_body(const char *head)
{
	char *got = next_request();
	if (!got)
		fail_msg("no request, wanted %s", head);
	size_t n = strlen(head);
	if (strncmp(got, head, n) != 0 || got[n] != '\n')
		fail_msg("request '%.200s', wanted '%s'", got, head);
	cJSON *b = cJSON_Parse(got + n + 1);
	free(got);
	assert_non_null(b);
	return b;
}

/* ---- the calls ---- */

enum o_call { O_CREATE, O_START, O_NET };

/* One call and what its caller is told: rc, code (when rc is -1), the
 * message exactly (msg) or in part (has), always printable; and the
 * request the engine got: req exactly, "*" any, NULL none. */
struct outcome {
	const char *what;
	enum o_call call;
	const char *arg;  /* the container's name, the started id, the network's name */
	const char *user; /* a create's user, when set */
	int rc, code;
	const char *msg, *has[2];
	const char *req;
};

static const struct outcome outcomes[] = {
	{"a create of a taken name: the engine's message", O_CREATE, "tl-taken", NULL, -1, ERR_CONFLICT, NULL,
	 {"is already in use", NULL}, "*"},
	{"a create with warnings: joined", O_CREATE, "tl-warn", NULL, 0, 0, NULL, {"no swap limit", "; second"}, "*"},
	{"a create as root: refused before any request", O_CREATE, "tl-warn", "root", -1, ERR_USAGE, NULL,
	 {NULL, NULL}, NULL},
	{"a start: 204", O_START, ID_OK, NULL, 0, 0, "", {NULL, NULL}, "POST /v1.41/containers/" ID_OK "/start\n"},
	{"a start: 304", O_START, ID_SAME, NULL, 0, 0, "already started", {NULL, NULL}, "*"},
	{"a start of no id", O_START, "", NULL, -1, ERR_USAGE, NULL, {NULL, NULL}, NULL},
	{"a network name with a space", O_NET, "bad name", NULL, -1, ERR_USAGE, NULL, {NULL, NULL}, NULL},
};

static void check_outcome(struct dk_client *c, struct lp_launch *l, const struct outcome *k)
{
	struct call r = {0};
	const char *user = l->spec.user;
	switch (k->call) {
	case O_CREATE:
		l->spec.name = k->arg;
		if (k->user)
			l->spec.user = k->user;
		dk_create_container(c, &l->spec, call_on_text, &r);
		l->spec.user = user;
		break;
	case O_START:
		dk_start_container(c, k->arg, call_on_done, &r);
		break;
	case O_NET:
		dk_network_create(c, k->arg, NULL, 0, call_on_text, &r);
		break;
	}
	assert_int_equal(r.calls, 0); /* never from inside the call */
	assert_int_equal(dk_client_run(c, 5000), 0);
	if (r.calls != 1 || r.rc != k->rc || (k->rc < 0 && r.e.code != k->code))
		fail_msg("%s: calls %d rc %d code %d (%s), want rc %d code %d", k->what, r.calls, r.rc, (int)r.e.code,
		         r.e.msg, k->rc, k->code);
	if (k->msg && strcmp(r.e.msg, k->msg) != 0)
		fail_msg("%s: message '%s', want '%s'", k->what, r.e.msg, k->msg);
	for (size_t j = 0; j < 2; j++)
		if (k->has[j] && !strstr(r.e.msg, k->has[j]))
			fail_msg("%s: no '%s' in '%s'", k->what, k->has[j], r.e.msg);
	text_assert_printable(r.e.msg);
	if (!k->req) {
		expect_no_request();
	} else if (strcmp(k->req, "*") == 0) {
		char *got = next_request();
		if (!got)
			fail_msg("%s: no request", k->what);
		free(got);
	} else {
		expect_request(k->req);
	}
}

static void test_calls(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct lp_profile p;
	parse_ok(&p, "network = intnet\n");
	struct lp_launch l;
	struct err e;
	assert_int_equal(lp_launch_build(&l, &p, "tl-call", &e), 0);
	struct call r = {0};
	dk_create_container(c, &l.spec, call_on_text, &r);
	assert_int_equal(r.calls, 0);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.text, ID_OK);
	assert_string_equal(r.e.msg, "");
	cJSON *b = expect_body("POST /v1.41/containers/create?name=tl-call");
	launch_body_assert_hardened(b, "intnet");
	cJSON_Delete(b);
	for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
		check_outcome(c, &l, &outcomes[i]);
	/* network create */
	struct dk_label lab = {.key = "sandtop.created-by", .value = "test"};
	memset(&r, 0, sizeof r);
	dk_network_create(c, "newnet", &lab, 1, call_on_text, &r);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.text, ID_NET);
	b = expect_body("POST /v1.41/networks/create");
	assert_string_equal(tj_str(b, "Name"), "newnet");
	assert_true(cJSON_IsTrue(tj_at(b, "Internal")));
	assert_string_equal(tj_str(tj_at(b, "Options"), "com.docker.network.bridge.enable_icc"), "false");
	cJSON_Delete(b);
	lp_launch_clear(&l);
	lp_profile_clear(&p);
	dk_client_free(c);
}

/* ---- the command ---- */

struct out {
	char out[4096], err[4096];
};

static void slurp(int fd, char *buf, size_t cap)
{
	lseek(fd, 0, SEEK_SET);
	ssize_t k = read(fd, buf, cap - 1);
	buf[k > 0 ? k : 0] = '\0';
	close(fd);
}

/* Run `sandtop launch ARGS...` against the fake (or host), capturing stdout and stderr. */
static int launch(struct out *o, const char *host, const char *profile, const char *name, bool json)
{
	char hostarg[160];
	snprintf(hostarg, sizeof hostarg, "unix://%s", host ? host : fake.sock_path);
	/* never the operator's own audit log */
	char auditarg[160];
	snprintf(auditarg, sizeof auditarg, "/tmp/sandtop-launch-audit-%d.log", (int)getpid());
	const char *argv[12];
	int argc = 0;
	argv[argc++] = "launch";
	argv[argc++] = "-H";
	argv[argc++] = hostarg;
	argv[argc++] = "--audit-log";
	argv[argc++] = auditarg;
	if (profile) {
		argv[argc++] = "--profile";
		argv[argc++] = profile;
	}
	if (json)
		argv[argc++] = "--json";
	argv[argc++] = name;
	argv[argc] = NULL;
	char p1[] = "/tmp/sandtop-launch-out-XXXXXX", p2[] = "/tmp/sandtop-launch-err-XXXXXX";
	int f1 = mkstemp(p1), f2 = mkstemp(p2);
	unlink(p1);
	unlink(p2);
	fflush(stdout);
	fflush(stderr);
	int s1 = dup(1), s2 = dup(2);
	dup2(f1, 1);
	dup2(f2, 2);
	int rc = cli_launch_main(argc, (char **)argv);
	char head[200];
	snprintf(head, sizeof head, "%s.head", auditarg);
	unlink(auditarg);
	unlink(head);
	fflush(stdout);
	fflush(stderr);
	dup2(s1, 1);
	dup2(s2, 2);
	close(s1);
	close(s2);
	slurp(f1, o->out, sizeof o->out);
	slurp(f2, o->err, sizeof o->err);
	return rc;
}

static char *profile_file(const char *text)
{
	char *path = xstrdup("/tmp/sandtop-launch-prof-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* A launch on an existing network named by the profile: the exit code,
 * stderr (exactly, or a part), and the requests (the network's inspect,
 * then how many more; none after them). */
static const struct net_case {
	const char *network, *name;
	int rc;
	const char *err_is, *err_has;
	int more;
} nets[] = {
	{"intnet", "tl-int", CLI_OK, "", NULL, 2},                              /* internal: used as is */
	{"iccnet", "tl-icc", CLI_OK, NULL, "enable_icc", 2},                    /* icc on: a note */
	{"extnet", "tl-ext", CLI_FAIL, NULL, "network extnet is not internal", 0}, /* refused */
	{"4e4e", "tl-pfx", CLI_FAIL, NULL, "matched network web", 0},           /* another's id prefix */
};

static void check_net(const struct net_case *k)
{
	char text[64], get[64];
	snprintf(text, sizeof text, "network = %s\n", k->network);
	snprintf(get, sizeof get, "GET /v1.41/networks/%s\n", k->network);
	char *prof = profile_file(text);
	struct out o;
	int rc = launch(&o, NULL, prof, k->name, false);
	if (rc != k->rc || (k->err_is && strcmp(o.err, k->err_is) != 0) || (k->err_has && !strstr(o.err, k->err_has)))
		fail_msg("network %s: exit %d, stderr '%s'", k->network, rc, o.err);
	if (k->rc != CLI_OK)
		assert_string_equal(o.out, "");
	expect_request(get);
	skip_requests(k->more);
	expect_no_request();
	unlink(prof);
	free(prof);
}

static void test_command(void **state)
{
	(void)state;
	struct out o;
	/* defaults: create, start, the id */
	assert_int_equal(launch(&o, NULL, NULL, "tl-cmd", false), CLI_OK);
	assert_string_equal(o.out, ID_OK "\n");
	assert_string_equal(o.err, "");
	cJSON *b = expect_body("POST /v1.41/containers/create?name=tl-cmd");
	launch_body_assert_hardened(b, NULL);
	cJSON_Delete(b);
	expect_request("POST /v1.41/containers/" ID_OK "/start\n");
	expect_no_request();
	/* --json */
	assert_int_equal(launch(&o, NULL, NULL, "tl-cmd", true), CLI_OK);
	assert_string_equal(o.out, "{\"id\":\"" ID_OK "\",\"name\":\"tl-cmd\"}\n");
	skip_requests(2);
	/* a new network: inspect (404), create it internal, then the sandbox on it */
	char *prof = profile_file("network = newnet\nlabel = team=blue\n");
	assert_int_equal(launch(&o, NULL, prof, "tl-net", false), CLI_OK);
	assert_non_null(strstr(o.err, "created internal network newnet"));
	expect_request("GET /v1.41/networks/newnet\n");
	b = expect_body("POST /v1.41/networks/create");
	assert_string_equal(tj_str(b, "Name"), "newnet");
	assert_true(cJSON_IsTrue(tj_at(b, "Internal")));
	assert_string_equal(tj_str(tj_at(b, "Labels"), "sandtop.created-by"), "sandtop launch");
	cJSON_Delete(b);
	b = expect_body("POST /v1.41/containers/create?name=tl-net");
	launch_body_assert_hardened(b, "newnet");
	assert_string_equal(tj_str(tj_at(b, "Labels"), "team"), "blue");
	cJSON_Delete(b);
	expect_request("POST /v1.41/containers/" ID_OK "/start\n");
	unlink(prof);
	free(prof);
	/* an existing network, by its profile */
	for (size_t i = 0; i < sizeof nets / sizeof *nets; i++)
		check_net(&nets[i]);
	/* the engine refuses: 409 name in use, 404 no image: exit 1, the message sanitized */
	assert_int_equal(launch(&o, NULL, NULL, "tl-taken", false), CLI_FAIL);
	assert_non_null(strstr(o.err, "sandtop: launch: cannot create tl-taken: engine answered 409: Conflict."));
	assert_null(strchr(o.err, '\x1b'));
	assert_null(strstr(o.err, "\xc2\x9b"));
	assert_string_equal(o.out, "");
	free(next_request());
	assert_int_equal(launch(&o, NULL, NULL, "tl-noimage", false), CLI_FAIL);
	assert_non_null(strstr(o.err, "No such image"));
	free(next_request());
	/* warnings go to stderr, sanitized; still started */
	assert_int_equal(launch(&o, NULL, NULL, "tl-warn", false), CLI_OK);
	assert_non_null(strstr(o.err, "engine warning: no swap limit"));
	assert_null(strchr(o.err, '\x1b'));
	skip_requests(2);
	/* a start that fails: the container is removed again */
	assert_int_equal(launch(&o, NULL, NULL, "tl-nostart", false), CLI_FAIL);
	assert_non_null(strstr(o.err, "cannot start tl-nostart: engine answered 500: OCI runtime create failed"));
	assert_non_null(strstr(o.err, "removed the container that did not start"));
	free(next_request());
	expect_request("POST /v1.41/containers/" ID_DEAD "/start\n");
	expect_request("DELETE /v1.41/containers/" ID_DEAD "?force=true&v=false&link=false\n");
	/* a bad profile: exit 2, FILE:LINE, no request */
	prof = profile_file("memory = 1g\nenv = OPENAI_API_KEY=sk-123\nprivileged = true\n");
	assert_int_equal(launch(&o, NULL, prof, "tl-bad", false), CLI_USAGE);
	char want[256];
	snprintf(want, sizeof want, "%s:2: env 'OPENAI_API_KEY' looks like a secret", prof);
	assert_non_null(strstr(o.err, want));
	snprintf(want, sizeof want, "%s:3: unknown key 'privileged'", prof);
	assert_non_null(strstr(o.err, want));
	assert_null(strstr(o.err, "sk-123"));
	expect_no_request();
	unlink(prof);
	free(prof);
	/* usage: a bad name, no name, a missing profile */
	assert_int_equal(launch(&o, NULL, NULL, "x", false), CLI_USAGE);
	assert_int_equal(launch(&o, NULL, NULL, "bad\x1b[2Jname", false), CLI_USAGE);
	assert_null(strchr(o.err, '\x1b'));
	assert_int_equal(launch(&o, NULL, "/nonexistent/profile", "tl-x", false), CLI_USAGE);
	assert_non_null(strstr(o.err, "/nonexistent/profile: cannot read"));
	expect_no_request();
	/* no engine: exit 3 */
	assert_int_equal(launch(&o, "/nonexistent/docker.sock", NULL, "tl-x", false), CLI_UNREACHABLE);
	assert_non_null(strstr(o.err, "/nonexistent/docker.sock"));
}

/* ---- the workflow (control/launch.c) on its own ---- */

struct flow {
	int notes, ends, rc;
	char note[8][512];
	struct err e;
	char id[65];
};

static void flow_note(void *ud, const char *msg)
{
	struct flow *f = ud;
	assert_int_equal(f->ends, 0);  /* nothing after the end */
	if (f->notes < 8)
		snprintf(f->note[f->notes], sizeof f->note[0], "%s", msg);
	f->notes++;
}

static void flow_end(void *ud, int rc, const struct err *e, const char *id)
{
	struct flow *f = ud;
	f->ends++;
	f->rc = rc;
	assert_non_null(e);
	f->e = *e;
	if (rc == 0) {
		assert_int_equal(e->code, ERR_OK);
		assert_int_equal(strlen(id), 64);
		snprintf(f->id, sizeof f->id, "%s", id);
	} else {
		assert_null(id);
		assert_int_not_equal(e->code, ERR_OK);
	}
}

/* Launch name with profile text through a fresh client: the outcome. */
static void flow(struct flow *f, const char *profile, const char *name)
{
	memset(f, 0, sizeof *f);
	struct lp_profile p;
	parse_ok(&p, profile);
	struct lp_launch l;
	struct err e;
	assert_int_equal(lp_launch_build(&l, &p, name, &e), 0);
	struct dk_client *c = fake_client(&fake);
	struct launch_run *r = launch_start(c, &l.spec, flow_note, flow_end, f);
	assert_non_null(r);
	assert_int_equal(f->notes + f->ends, 0);  /* nothing from the call itself */
	assert_int_equal(dk_client_run(c, 10000), 0);
	assert_int_equal(f->ends, 1);
	dk_client_free(c);
	launch_free(r);
	lp_launch_clear(&l);
	lp_profile_clear(&p);
}

/* A launch driven by launch_start: the profile and name, how it ended (rc,
 * and the code when -1), its notes (exactly, or a part; each printable),
 * a part of the error's message, and the requests in order ("*": any);
 * none after them. */
static const struct flow_case {
	const char *profile, *name;
	int rc, code, notes;
	const char *note_is[2], *note_has[2], *msg_has;
	const char *req[5];
} flows[] = {
	/* no network: create, start */
	{"", "tl-flow", 0, 0, 0, {NULL, NULL}, {NULL, NULL}, NULL, {"*", "*"}},
	/* a new network, then the container: one note */
	{"network = newnet\n", "tl-flow", 0, 0, 1,
	 {"created internal network newnet (no route out, no traffic between sandboxes)", NULL}, {NULL, NULL}, NULL,
	 {"GET /v1.41/networks/newnet\n", "*", "*", "*"}},
	/* a network with a route out: refused by our rule, nothing created */
	{"network = extnet\n", "tl-flow", -1, LAUNCH_EREFUSED, 1, {NULL, NULL},
	 {"network extnet is not internal", NULL}, "network extnet is not internal", {"GET /v1.41/networks/extnet\n"}},
	/* created and removed under our feet, twice: inspect, create (409), inspect, create (409) */
	{"network = racenet\n", "tl-flow", -1, LAUNCH_EREFUSED, 1,
	 {"network racenet: created and removed under our feet; try again", NULL}, {NULL, NULL}, NULL,
	 {"GET /v1.41/networks/racenet\n", "*", "GET /v1.41/networks/racenet\n", "*"}},
	/* the engine refuses the create: its status, the reason noted */
	{"", "tl-taken", -1, ERR_CONFLICT, 1, {NULL, NULL}, {"cannot create tl-taken: engine answered 409", NULL}, NULL,
	 {"*"}},
	/* warnings noted, still started */
	{"", "tl-warn", 0, 0, 1, {NULL, NULL}, {"engine warning: no swap limit", NULL}, NULL, {"*", "*"}},
	/* a failed start: the reason, then the removal, then the end with the start's error */
	{"", "tl-nostart", -1, ERR_SERVER, 2, {NULL, "removed the container that did not start"},
	 {"cannot start tl-nostart: engine answered 500", NULL}, "cannot start tl-nostart",
	 {"*", "*", "DELETE /v1.41/containers/" ID_DEAD "?force=true&v=false&link=false\n"}},
};

static void check_flow(const struct flow_case *k)
{
	struct flow f;
	flow(&f, k->profile, k->name);
	if (f.rc != k->rc || (k->rc < 0 && f.e.code != k->code) || f.notes != k->notes)
		fail_msg("%s%s: rc %d code %d notes %d (%s), want rc %d code %d notes %d", k->profile, k->name, f.rc,
		         (int)f.e.code, f.notes, f.e.msg, k->rc, k->code, k->notes);
	if (k->rc == 0)
		assert_string_equal(f.id, ID_OK);
	for (int i = 0; i < f.notes && i < 2; i++) {
		if ((k->note_is[i] && strcmp(f.note[i], k->note_is[i]) != 0) ||
		    (k->note_has[i] && !strstr(f.note[i], k->note_has[i])))
			fail_msg("%s: note %d '%s'", k->name, i, f.note[i]);
		text_assert_printable(f.note[i]);
	}
	if (k->msg_has && !strstr(f.e.msg, k->msg_has))
		fail_msg("%s: no '%s' in '%s'", k->name, k->msg_has, f.e.msg);
	for (size_t i = 0; i < sizeof k->req / sizeof *k->req && k->req[i]; i++) {
		if (strcmp(k->req[i], "*") != 0) {
			expect_request(k->req[i]);
			continue;
		}
		char *got = next_request();
		if (!got)
			fail_msg("%s: request %zu missing", k->name, i);
		free(got);
	}
	expect_no_request();
}

static void test_workflow(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof flows / sizeof *flows; i++)
		check_flow(&flows[i]);
	struct flow f;
	/* a client freed mid-launch: no callback, the run freed after */
	memset(&f, 0, sizeof f);
	struct lp_profile p;
	parse_ok(&p, "network = intnet\n");
	struct lp_launch l;
	struct err e;
	assert_int_equal(lp_launch_build(&l, &p, "tl-flow", &e), 0);
	struct dk_client *c = fake_client(&fake);
	struct launch_run *r = launch_start(c, &l.spec, flow_note, flow_end, &f);
	dk_client_free(c);
	launch_free(r);
	assert_int_equal(f.notes + f.ends, 0);
	lp_launch_clear(&l);
	lp_profile_clear(&p);
	launch_free(NULL);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_workflow),
	};
	return cmocka_run_group_tests_name("launch_daemon", tests, setup, fake_daemon_teardown);
}
