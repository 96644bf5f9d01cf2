/* test_podman: what Podman's Docker-compatible API says in its own way (captured from Podman 4.3): its inspect, /version and exec answers parsed, the isolation checks that neither pass nor fail on what it does not show, its partial log lines joined, its kernel masks read, its rootless /info, a cgroup that names its container (the stats trust no other). */
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

#include "base/clock.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/hardening.h"
#include "docker/logparse.h"
#include "host/freezer.h"
#include "isolation/isolation.h"
#include "tests/unit/helper/fixture.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/iso_world.h"
#include "tests/unit/helper/parsed.h"

#define PD_ID "2524cd1a7b927d49926423d63bbc562f8b5275cf0250b2540d4a3908b5561e19"

static bool strv_has(const struct dk_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}

/* ---- its answers, parsed ---- */

static void test_inspect(void **state)
{
	(void)state;
	struct dk_hardening h;
	parsed_hardening("podman_inspect.json", &h);
	assert_string_equal(h.id, PD_ID);
	/* RLIMIT_CORE is core, RLIMIT_NOFILE nofile */
	assert_int_equal(h.ulimit_core_hard, 0);
	assert_true(strv_has(&h.ulimits, "nofile") && strv_has(&h.ulimits, "nproc"));
	/* the profile's file, not its rules */
	assert_int_equal(h.seccomp, DK_SECCOMP_PATH);
	assert_string_equal(h.seccomp_sha256, "");
	/* --cap-drop ALL as a list */
	assert_int_equal(h.cap_drop.n, 14);
	assert_false(strv_has(&h.cap_drop, "ALL"));
	/* no masked paths shown, yet not privileged */
	assert_false(h.privileged);
	assert_int_equal(h.nmasked_paths, -1);
	assert_int_equal(h.nreadonly_paths, -1);
	/* NetworkID is the network's name: no id, the name kept */
	assert_int_equal(h.nnets, 1);
	assert_string_equal(h.nets[0].name, "pdt-net");
	assert_string_equal(h.nets[0].id, "");
	assert_string_equal(h.runtime, "oci");
	assert_string_equal(h.log_type, "json-file");
	assert_string_equal(h.log_max_size, "");   /* --log-opt max-size=10m was given */
	assert_int_equal(h.nexec_ids, 1);
	dk_hardening_clear(&h);
}

/* /version answers, read in turn into one host (a later one resets what an
 * earlier one said): the body (or a fixture), rc, and then whether it is
 * Podman, its engine version and runc's (NULL: not checked). */
static const struct version_case {
	const char *what, *body, *fixture;
	int rc;
	bool podman;
	const char *engine_version, *runc_version;
} versions[] = {
	{"podman 4.x, docker-compatible API: a \"Podman Engine\" component, Version is Podman's own",
	 "{\"Platform\":{\"Name\":\"linux/amd64/debian-12\"},\"Components\":["
	 "{\"Name\":\"Podman Engine\",\"Version\":\"4.3.1\",\"Details\":{\"APIVersion\":\"4.3.1\"}},"
	 "{\"Name\":\"Conmon\",\"Version\":\"conmon version 2.1.6\"},"
	 "{\"Name\":\"OCI Runtime (crun)\",\"Version\":\"crun version 1.8.1\"}],"
	 "\"Version\":\"4.3.1\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.24\"}",
	 NULL, 0, true, "4.3.1", ""},
	{"the name must match exactly",
	 "{\"Version\":\"24.0.7\",\"Components\":[{\"Name\":\"podman engine\"},"
	 "{\"Name\":\"Engine\",\"Version\":\"24.0.7\"},{\"Name\":\"Podman\"}]}",
	 NULL, 0, false, NULL, NULL},
	{"\"OCI Runtime (runc)\": \"runc version 1.1.5+ds1\\ncommit: ...\"", NULL, "podman_version.json", 0, true,
	 "4.3.1", "1.1.5+ds1"},
	{"not JSON: what the last one said is gone", "nope", NULL, -1, false, "", NULL},
	{"a runtime text that is not runc's own words: unknown",
	 "{\"Version\":\"4.3.1\",\"Components\":[{\"Name\":\"Podman Engine\"},"
	 "{\"Name\":\"OCI Runtime (runc)\",\"Version\":\"\\u001b[31mevil\"}]}",
	 NULL, 0, true, NULL, ""},
};

static void test_version_components(void **state)
{
	(void)state;
	struct dk_hostinfo host = {0};
	for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
		const struct version_case *k = &versions[i];
		size_t len = k->body ? strlen(k->body) : 0;
		char *body = k->body ? xstrdup(k->body) : fixture_read(k->fixture, &len);
		struct err e;
		int rc = dk_parse_version_components(body, len, &host, &e);
		free(body);
		if (rc != k->rc || host.podman != k->podman)
			fail_msg("%s: rc %d podman %d, want rc %d podman %d", k->what, rc, host.podman, k->rc, k->podman);
		if (k->engine_version)
			assert_string_equal(host.engine_version, k->engine_version);
		if (k->runc_version)
			assert_string_equal(host.runc_version, k->runc_version);
	}
	dk_hostinfo_clear(&host);
}

static void test_exec_ended(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("podman_exec_ended.json", &len);
	char line[DK_EXEC_CMDLINE_MAX];
	struct err e;
	assert_int_equal(dk_parse_exec_cmdline(body, len, line, sizeof line, &e), 0);
	assert_true(!strncmp(line, "bash -c exec 3<>/dev/tcp/127.0.0.1/5900", 39));
	assert_false(dk_parse_exec_running(body, len));
	free(body);
	const char *live = "{\"Running\":true,\"ProcessConfig\":{\"entrypoint\":\"sh\"}}";
	assert_true(dk_parse_exec_running(live, strlen(live)));
	/* unreadable or silent: it may run */
	assert_true(dk_parse_exec_running("{", 1));
	assert_true(dk_parse_exec_running("{}", 2));
	assert_true(dk_parse_exec_running("{\"Running\":0}", 13));
}

/* ---- the isolation checks on what it shows ---- */

static int setup(void **state)
{
	struct world *w = isow_new("podman_inspect.json", "podman_network_internal.json", "podman_info.json",
	                           "podman_version.json");
	w->h.started_at_ms = clock_wall_ms() - 60000;
	assert_true(w->net.internal);
	/* the screenshot's exec, ended: the runner counts it so */
	w->h.nexec_ended = 1;
	/* what the kernel showed for that container */
	w->p = (struct iso_proc){
		.ok = true, .uid = {10001, 10001, 10001, 10001}, .no_new_privs = 1, .seccomp = 2, .caps_known = true,
		.ns_net = 0, .ns_pid = 0, .ns_ipc = 0, .ns_uts = 0, .ns_user = 1, .ns_cgroup = 0, .root_ro = 1,
		.masked = 1, .nmasks = 4,
	};
	w->pol = (struct iso_policy){.local = true};
	*state = w;
	return 0;
}

static const struct iso_report *eval(struct world *w, const struct iso_proc *p)
{
	iso_evaluate(&w->h, p, &w->net, 1, &w->host, &w->pol, clock_wall_ms(), &w->r);
	return &w->r;
}

static void test_audit_local(void **state)
{
	struct world *w = *state;
	const struct iso_report *r = eval(w, &w->p);
	/* the one true finding: --read-only gave it an unbounded /var/tmp */
	assert_string_equal(isow_ids(r, ISO_FAIL), "FS-02");
	assert_non_null(strstr(isow_check(r, "FS-02")->reason, "/var/tmp"));
	/* what Podman does not show, and the kernel cannot say */
	assert_string_equal(isow_ids(r, ISO_UNVERIFIABLE), "PRIV-07 RES-06");
	assert_non_null(strstr(isow_check(r, "PRIV-07")->reason, "Seccomp 2"));
	assert_int_equal(isow_check(r, "PRIV-07")->sev, ISO_MED);
	/* the list of dropped capabilities, the kernel's masks, the kernel's
	 * name for the core limit, an ended exec: all as they are */
	assert_int_equal(isow_check(r, "PRIV-05")->result, ISO_PASS);
	assert_non_null(strstr(isow_check(r, "PRIV-05")->reason, "listed one by one"));
	assert_int_equal(isow_check(r, "PRIV-12")->result, ISO_PASS);
	assert_non_null(strstr(isow_check(r, "PRIV-12")->reason, "4 paths masked"));
	assert_int_equal(isow_check(r, "RES-04")->result, ISO_PASS);
	assert_int_equal(isow_check(r, "PRIV-16")->result, ISO_PASS);
	assert_int_equal(isow_check(r, "NET-02")->result, ISO_PASS);
	/* "oci" is Podman's default runtime, judged in the host's report */
	for (size_t i = 0; i < r->n; i++)
		assert_true(strcmp(r->checks[i].id, "PRIV-14") != 0);
}

static void test_audit_contradicted_or_unknown(void **state)
{
	struct world *w = *state;
	/* a remote Podman: what only the kernel could say is unverifiable */
	const struct iso_report *r = eval(w, NULL);
	assert_int_equal(isow_check(r, "PRIV-12")->result, ISO_UNVERIFIABLE);
	assert_int_equal(isow_check(r, "PRIV-07")->result, ISO_UNVERIFIABLE);
	assert_int_equal(isow_check(r, "PRIV-05")->result, ISO_UNVERIFIABLE);
	/* the kernel says no filter, nothing masked */
	w->p.seccomp = 0;
	w->p.masked = 0;
	r = eval(w, &w->p);
	assert_int_equal(isow_check(r, "PRIV-07")->result, ISO_FAIL);
	assert_int_equal(isow_check(r, "PRIV-07")->sev, ISO_CRIT);
	assert_int_equal(isow_check(r, "PRIV-12")->result, ISO_FAIL);
	/* the list short of one default capability is not all dropped */
	free(w->h.cap_drop.v[0]);
	w->h.cap_drop.v[0] = xstrdup("BOGUS");
	assert_int_equal(isow_check(eval(w, &w->p), "PRIV-05")->result, ISO_FAIL);
	/* the exec session runs: someone is inside */
	w->h.nexec_ended = 0;
	assert_int_equal(isow_check(eval(w, &w->p), "PRIV-16")->result, ISO_WARN);
	/* the same inspect from the Docker Engine: json-file without max-size */
	w->host.podman = false;
	assert_int_equal(isow_check(eval(w, &w->p), "RES-06")->result, ISO_WARN);
	/* privileged (Docker shows no list either): a FAIL, whatever the kernel */
	w->h.privileged = true;
	w->p.masked = 1;
	assert_int_equal(isow_check(eval(w, &w->p), "PRIV-12")->result, ISO_FAIL);
}

static void test_host_report(void **state)
{
	struct world *w = *state;
	struct iso_report r;
	iso_evaluate_host(&w->host, NULL, "unix:///run/sandtop-podman/pdt/podman.sock", &r);
	const struct iso_check *c = isow_check(&r, "PRIV-14");
	/* runc's version is known now: a distribution build, said so */
	assert_int_equal(c->result, ISO_UNVERIFIABLE);
	assert_non_null(strstr(c->reason, "1.1.5+ds1"));
	assert_non_null(strstr(isow_check(&r, "NET-05")->reason, "Podman 4.3.1"));
}

static void test_rootless_host(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("podman_info_rootless.json", &len);
	struct dk_hostinfo host;
	struct err e;
	assert_int_equal(dk_parse_info(body, len, &host, &e), 0);
	free(body);
	/* Podman says "Rootless": true at the top, not name=rootless */
	assert_true(host.rootless);
	struct iso_report r;
	iso_evaluate_host(&host, NULL, "unix:///run/sandtop-podman/itrl/podman.sock", &r);
	assert_int_equal(isow_check(&r, "HOST-04")->result, ISO_PASS);
	body = fixture_read("podman_info.json", &len);
	assert_int_equal(dk_parse_info(body, len, &host, &e), 0);
	free(body);
	assert_false(host.rootless);
}

/* The stats take a cgroup's files as a container's only when the cgroup
 * names it: a rootless container on cgroup v1 sits in the user's or the
 * root cgroup. */
static void test_cgroup_names_container(void **state)
{
	(void)state;
	assert_true(cg_path_names("/sys/fs/cgroup/cpuacct/libpod_parent/libpod-" PD_ID, PD_ID));
	assert_true(cg_path_names("/sys/fs/cgroup/user.slice/user-1001.slice/libpod-" PD_ID ".scope/container", PD_ID));
	assert_true(cg_path_names("/sys/fs/cgroup/cpuacct/docker/" PD_ID, PD_ID));
	assert_false(cg_path_names("/sys/fs/cgroup/cpuacct/", PD_ID));
	assert_false(cg_path_names("/sys/fs/cgroup/cpuacct/user.slice/user-1001.slice/session-3.scope", PD_ID));
	assert_false(cg_path_names("/sys/fs/cgroup/cpuacct/libpod_parent/libpod-" PD_ID "x", PD_ID));
	assert_false(cg_path_names("/sys/fs/cgroup/cpuacct/libpod_parent/libpodx" PD_ID, PD_ID));
	assert_false(cg_path_names("/sys/fs/cgroup/cpuacct/libpod_parent/libpod-" PD_ID, "2524cd1a7b92"));
	assert_false(cg_path_names(NULL, PD_ID));
}

/* ---- its kernel masks, read from /proc ---- */

static void test_proc_masks(void **state)
{
	(void)state;
	char root[] = "/tmp/sandtop-pdproc-XXXXXX";
	assert_non_null(mkdtemp(root));
	char d[64], tmp[512];
	snprintf(d, sizeof d, "%s/4242", root);
	assert_int_equal(mkdir(d, 0700), 0);
	files_put(d, "status", "Name:\ttini\nUid:\t10001\t10001\t10001\t10001\nNoNewPrivs:\t1\nSeccomp:\t2\n"
	                 "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n");
	files_put(d, "cgroup", "6:freezer:/libpod_parent/libpod-" PD_ID "\n0::/libpod_parent/libpod-" PD_ID "\n");
	/* as Podman 4.3 mounted them (cut) */
	static const char podman_mi[] =
		"89 58 0:41 / / ro,relatime - overlay overlay rw\n"
		"91 89 0:46 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
		"93 89 0:48 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
		"59 93 0:48 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
		"62 93 0:48 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
		"63 93 0:53 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n"
		"64 93 0:44 /null /proc/keys rw,nosuid,noexec - tmpfs tmpfs rw,size=65536k,mode=755\n"
		"65 93 0:44 /null /proc/timer_list rw,nosuid,noexec - tmpfs tmpfs rw,size=65536k,mode=755\n"
		"67 91 0:54 / /sys/firmware ro,relatime - tmpfs tmpfs ro\n";
	files_put(d, "mountinfo", podman_mi);
	struct iso_proc p;
	iso_proc_read(root, 4242, PD_ID, &p);
	if (!p.ok)
		fail_msg("%s", p.why);
	assert_int_equal(p.root_ro, 1);
	assert_int_equal(p.masked, 1);
	assert_int_equal(p.nmasks, 4);
	/* unmask=ALL: /proc/sys writable, nothing over the paths */
	files_put(d, "mountinfo", "89 58 0:41 / / rw,relatime - overlay overlay rw\n"
	                    "93 89 0:48 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n");
	iso_proc_read(root, 4242, PD_ID, &p);
	assert_true(p.ok);
	assert_int_equal(p.root_ro, 0);
	assert_int_equal(p.masked, 0);
	/* masks but /proc/sys writable: not masked */
	files_put(d, "mountinfo", "62 93 0:48 /sys /proc/sys rw,relatime - proc proc rw\n"
	                    "67 91 0:54 / /sys/firmware ro,relatime - tmpfs tmpfs ro\n");
	iso_proc_read(root, 4242, PD_ID, &p);
	assert_int_equal(p.masked, 0);
	/* not read: unknown */
	iso_proc_read(root, 0, PD_ID, &p);
	assert_int_equal(p.masked, -1);
	snprintf(tmp, sizeof tmp, "rm -rf '%s'", root);
	assert_int_equal(system(tmp), 0);
}

/* ---- its partial log lines ---- */

struct got {
	char line[8][160];
	char ts[8][48];
	int stream[8];
	int n;
	bool open;   /* a line is being assembled */
};

static void on_piece(void *ud, const struct dk_lp_piece *pc)
{
	struct got *g = ud;
	assert_true(g->n < 8);
	if (pc->first) {
		snprintf(g->ts[g->n], sizeof g->ts[g->n], "%.*s", (int)pc->ts_len, pc->ts ? pc->ts : "");
		g->line[g->n][0] = '\0';
		g->stream[g->n] = pc->stream;
	}
	size_t have = strlen(g->line[g->n]);
	snprintf(g->line[g->n] + have, sizeof g->line[g->n] - have, "%.*s", (int)pc->len, pc->text);
	if (pc->last)
		g->n++;
}

/* a frame: stream s, payload p */
static size_t frame(char *out, int s, const char *p)
{
	size_t n = strlen(p);
	unsigned char h[8] = {(unsigned char)s, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                      (unsigned char)(n >> 8), (unsigned char)n};
	memcpy(out, h, 8);
	memcpy(out + 8, p, n);
	return 8 + n;
}

static void test_partial_frames(void **state)
{
	(void)state;
	/* what Podman sent for the X server's two writes of one line, with
	 * a stdout line between its halves, and a continuation that is no
	 * timestamp */
	char buf[512];
	size_t n = 0;
	n += frame(buf + n, 2, "2026-12-05T09:07:36.000000001Z _XSERVTrans");
	n += frame(buf + n, 1, "2026-12-05T09:07:36.100000000Z out line\n");
	n += frame(buf + n, 2, "2026-12-05T09:07:36.200000000Z mkdir: Owner of /tmp/.X11-unix\n");
	n += frame(buf + n, 2, "2026-12-05T09:07:37Z half");
	n += frame(buf + n, 2, "-not a timestamp\n");
	n += frame(buf + n, 2, "2026-12-05T09:07:38Z ");
	n += frame(buf + n, 2, "2026-12-05T09:07:38Z whole\n");
	/* every split of the stream in two */
	for (size_t cut = 0; cut <= n; cut++) {
		struct got g = {0};
		struct dk_logparse p;
		dk_lp_init(&p, false, true, 4096, on_piece, &g);
		assert_int_equal(dk_lp_feed(&p, buf, cut), 0);
		assert_int_equal(dk_lp_feed(&p, buf + cut, n - cut), 0);
		assert_false(dk_lp_finish(&p));
		dk_lp_free(&p);
		assert_int_equal(g.n, 4);
		assert_int_equal(g.stream[0], 1);
		assert_string_equal(g.line[0], "out line");
		assert_int_equal(g.stream[1], 2);
		assert_string_equal(g.line[1], "_XSERVTransmkdir: Owner of /tmp/.X11-unix");
		assert_string_equal(g.ts[1], "2026-12-05T09:07:36.000000001Z");
		assert_string_equal(g.line[2], "half-not a timestamp");
		assert_string_equal(g.line[3], "whole");
		assert_string_equal(g.ts[3], "2026-12-05T09:07:38Z");
	}
	/* without timestamps nothing is dropped */
	n = 0;
	n += frame(buf + n, 2, "_XSERVTrans");
	n += frame(buf + n, 2, "2026-12-05T09:07:36Z mkdir\n");
	struct got g = {0};
	struct dk_logparse p;
	dk_lp_init(&p, false, false, 4096, on_piece, &g);
	assert_int_equal(dk_lp_feed(&p, buf, n), 0);
	dk_lp_finish(&p);
	dk_lp_free(&p);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.line[0], "_XSERVTrans2026-12-05T09:07:36Z mkdir");
	/* a stream that ends inside a continuation's timestamp: its bytes are text */
	n = 0;
	n += frame(buf + n, 1, "2026-12-05T09:07:36Z a");
	n += frame(buf + n, 1, "2026-12-05T09:07:37Z b");
	memset(&g, 0, sizeof g);
	dk_lp_init(&p, false, true, 4096, on_piece, &g);
	assert_int_equal(dk_lp_feed(&p, buf, n - 4), 0);
	assert_true(dk_lp_finish(&p));   /* it ended mid-frame */
	dk_lp_free(&p);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.line[0], "a2026-12-05T09:07:3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect),
		cmocka_unit_test(test_version_components),
		cmocka_unit_test(test_exec_ended),
		cmocka_unit_test_setup_teardown(test_audit_local, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_audit_contradicted_or_unknown, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_host_report, setup, isow_teardown),
		cmocka_unit_test(test_rootless_host),
		cmocka_unit_test(test_cgroup_names_container),
		cmocka_unit_test(test_proc_masks),
		cmocka_unit_test(test_partial_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
