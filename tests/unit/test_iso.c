/* test_iso: the isolation checks: a hardened sandbox passes, each weakness fails exactly its checks, the kernel's word beats the configuration, nothing unverified passes, host version gates, the /proc reader on a fake tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/files.h"
#include "tests/unit/helper/iso_world.h"
#include "tests/unit/helper/parsed.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "isolation/isolation.h"
#include "isolation/run.h"

#define SANDBOX_SECCOMP_SHA256 "3ab727a31a1f77d98bb34c67e2f211265503ed2272c55b3304e2ebf3896820ee"

/* The reference sandbox as captured from the engine, with the namespace
 * and the kernel facts a hardened one has. */
static int setup(void **state)
{
	struct world *w = isow_new("hard_reference.json", "network_internal.json", "info.json", "version.json");
	free(w->h.cgroupns_mode);
	w->h.cgroupns_mode = xstrdup("private");
	w->h.started_at_ms = clock_wall_ms() - 60000;
	/* the fixture ran sleep from sandtop/mini; the reference image has tini
	 * and a health check */
	free(w->h.entry_path);
	w->h.entry_path = xstrdup("/usr/bin/tini");
	w->h.has_health = true;
	w->p = (struct iso_proc){
		.ok = true, .uid = {10001, 10001, 10001, 10001}, .no_new_privs = 1, .seccomp = 2, .caps_known = true,
		.ns_net = 0, .ns_pid = 0, .ns_ipc = 0, .ns_uts = 0, .ns_user = 1, .ns_cgroup = 0, .root_ro = 1,
	};
	w->pol = (struct iso_policy){.pinned_seccomp_sha256 = SANDBOX_SECCOMP_SHA256, .local = true};
	*state = w;
	return 0;
}

static const struct iso_report *eval(struct world *w)
{
	iso_evaluate(&w->h, &w->p, &w->net, 1, &w->host, &w->pol, clock_wall_ms(), &w->r);
	return &w->r;
}

static void test_reference_passes(void **state)
{
	struct world *w = *state;
	const struct iso_report *r = eval(w);
	assert_string_equal(isow_ids(r, ISO_FAIL), "");
	assert_string_equal(isow_ids(r, ISO_UNVERIFIABLE), "");
	/* what this host lacks (no LSM) and what an internal bridge gives (the
	 * host's address) are the only warnings */
	assert_string_equal(isow_ids(r, ISO_WARN), "PRIV-08 NET-06");
	assert_true(r->kernel);
	assert_true(r->n >= 40);
	assert_true(r->recheck_wall_ms > clock_wall_ms());   /* when the TTL runs out */
	assert_false(iso_fails_at(r, ISO_INFO));
}

static void test_remote_engine_never_passes_kernel_facts(void **state)
{
	struct world *w = *state;
	iso_evaluate(&w->h, NULL, &w->net, 1, &w->host, &w->pol, clock_wall_ms(), &w->r);
	assert_string_equal(isow_ids(&w->r, ISO_FAIL), "");
	assert_string_equal(isow_ids(&w->r, ISO_UNVERIFIABLE), "PRIV-04 PRIV-05 PRIV-06 PRIV-07 PRIV-09 PRIV-10 PRIV-17 NET-01 FS-01");
	assert_non_null(strstr(isow_check(&w->r, "PRIV-06")->reason, "not on this host"));
	/* a process that is not the container's is not read either */
	w->p.ok = false;
	snprintf(w->p.why, sizeof w->p.why, "kernel not read: PID 7 is not the container's process");
	eval(w);
	assert_non_null(strstr(isow_check(&w->r, "PRIV-07")->reason, "PID 7"));
	assert_int_equal(isow_check(&w->r, "PRIV-07")->result, ISO_UNVERIFIABLE);
}

static void test_kernel_contradicts_config(void **state)
{
	struct world *w = *state;
	w->p.no_new_privs = 0;
	w->p.seccomp = 0;
	w->p.uid[1] = 0;
	w->p.ns_net = 1;
	w->p.root_ro = 0;
	w->p.cap_bnd = 1ull << 21;
	const struct iso_report *r = eval(w);
	assert_string_equal(isow_ids(r, ISO_FAIL), "PRIV-04 PRIV-05 PRIV-06 PRIV-07 PRIV-09 NET-01 FS-01");
	assert_non_null(strstr(isow_check(r, "PRIV-06")->reason, "but the kernel says"));
	assert_non_null(strstr(isow_check(r, "PRIV-04")->reason, "SYS_ADMIN"));
	assert_int_equal(isow_check(r, "PRIV-17")->result, ISO_WARN);
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void test_each_weakness_fails_its_checks(void **state)
{
	struct world *w = *state;
	w->h.privileged = true;
	w->h.nmasked_paths = w->h.nreadonly_paths = -1;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-01 PRIV-07 PRIV-12");
	assert_int_equal(isow_check(&w->r, "PRIV-01")->sev, ISO_CRIT);
	w->h.privileged = false;
	w->h.nmasked_paths = 0;
	w->h.nreadonly_paths = 5;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-12");
	w->h.nmasked_paths = 10;

	w->h.seccomp = DK_SECCOMP_UNCONFINED;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-07");
	w->h.seccomp = DK_SECCOMP_PROFILE;
	set_str(&w->h.seccomp_default_action, "SCMP_ACT_ALLOW");
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-07");
	set_str(&w->h.seccomp_default_action, "SCMP_ACT_ERRNO");
	memset(w->h.seccomp_sha256, 'a', 64);
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "");
	assert_int_equal(isow_check(&w->r, "PRIV-07")->result, ISO_WARN);   /* a profile we do not know */
	memcpy(w->h.seccomp_sha256, SANDBOX_SECCOMP_SHA256, 65);
	w->h.seccomp = DK_SECCOMP_DEFAULT;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "");
	w->pol.require_pinned_seccomp = true;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-07");
	w->pol.require_pinned_seccomp = false;

	static const char *const roots[] = {"", "root", "0", "000", "0:0", "ROOT:wheel"};
	for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
		set_str(&w->h.user, roots[i]);
		assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-09");
	}
	set_str(&w->h.user, "10001:10001");

	set_str(&w->h.network_mode, "host");
	w->p.ns_net = 1;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "NET-01 NET-02 NET-06");
	w->p.ns_net = 0;
	set_str(&w->h.network_mode, "h1-net");
	w->net.internal = false;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "NET-02");
	assert_int_equal(isow_check(&w->r, "CRED-04")->result, ISO_WARN);
	w->net.internal = true;

	set_str(&w->h.pid_mode, "host");
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-10");
	assert_int_equal(isow_check(&w->r, "PRIV-10")->sev, ISO_CRIT);
	set_str(&w->h.pid_mode, "");
	w->p.ns_ipc = 1;   /* the kernel says so even though the config does not */
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "PRIV-10");
	assert_int_equal(isow_check(&w->r, "PRIV-10")->sev, ISO_HIGH);
	w->p.ns_ipc = 0;

	w->h.readonly_rootfs = false;
	w->p.root_ro = 0;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "FS-01");
	assert_int_equal(isow_check(&w->r, "FS-05")->result, ISO_WARN);
	w->h.readonly_rootfs = true;
	w->p.root_ro = 1;

	w->h.memory = 0;
	w->h.nano_cpus = 0;
	w->h.pids_limit = 0;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "RES-01 RES-02 RES-03");
	w->h.cpu_shares = 512;
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "RES-01 RES-03");
	assert_int_equal(isow_check(&w->r, "RES-02")->result, ISO_WARN);
	w->h.memory = w->h.memory_swap = 1 << 30;
	w->h.nano_cpus = 1000000000;
	w->h.pids_limit = 512;

	set_str(&w->h.restart_policy, "always");
	assert_string_equal(isow_ids(eval(w), ISO_FAIL), "KS-01");
	set_str(&w->h.restart_policy, "no");
}

static void test_exec_sessions(void **state)
{
	struct world *w = *state;
	w->h.nexec_ids = 1;
	assert_int_equal(isow_check(eval(w), "PRIV-16")->result, ISO_WARN);
	w->h.nexec_own = 1;   /* our own desktop relay */
	assert_int_equal(isow_check(eval(w), "PRIV-16")->result, ISO_PASS);
	assert_string_equal(isow_check(&w->r, "PRIV-16")->reason, "only sandtop's own desktop relay");
	w->h.nexec_ids = 3;
	assert_int_equal(isow_check(eval(w), "PRIV-16")->result, ISO_WARN);
	assert_non_null(strstr(isow_check(&w->r, "PRIV-16")->reason, "2 exec sessions known to the engine (besides"));
	/* the engine's health check running at the moment of the look */
	w->h.nexec_ids = 2;
	w->h.nexec_health = 1;
	assert_int_equal(isow_check(eval(w), "PRIV-16")->result, ISO_PASS);
	assert_string_equal(isow_check(&w->r, "PRIV-16")->reason,
	                    "only sandtop's own desktop relay and the engine's health check");
	w->h.nexec_own = 0;
	w->h.nexec_ids = 2;
	assert_int_equal(isow_check(eval(w), "PRIV-16")->result, ISO_WARN);
	assert_string_equal(isow_check(&w->r, "PRIV-16")->reason,
	                    "1 exec session known to the engine (besides the engine's health check)");
	/* counts that disagree with ExecIDs never make a negative */
	w->h.nexec_ids = 1;
	w->h.nexec_own = 1;
	w->h.nexec_health = 5;
	assert_int_equal(isow_check(eval(w), "PRIV-16")->result, ISO_PASS);
	w->h.nexec_health = 0;
}

static void test_own_runtime(void **state)
{
	struct world *w = *state;
	/* the host's default: judged in the host's checks, not here */
	set_str(&w->h.runtime, "runc");
	eval(w);
	for (size_t i = 0; i < w->r.n; i++)
		assert_string_not_equal(w->r.checks[i].id, "PRIV-14");
	set_str(&w->h.runtime, "runsc");
	assert_int_equal(isow_check(eval(w), "PRIV-14")->result, ISO_PASS);
	set_str(&w->h.runtime, "crun");
	assert_int_equal(isow_check(eval(w), "PRIV-14")->result, ISO_UNVERIFIABLE);
}

static void test_cut_lists_prove_nothing(void **state)
{
	struct world *w = *state;
	w->h.cut = true;   /* a 65th mount could be the engine's socket */
	const struct iso_report *r = eval(w);
	assert_string_equal(isow_ids(r, ISO_FAIL), "");
	assert_int_equal(isow_check(r, "PRIV-02")->result, ISO_UNVERIFIABLE);
	assert_int_equal(isow_check(r, "CRED-01")->result, ISO_UNVERIFIABLE);
	assert_int_equal(isow_check(r, "PRIV-01")->result, ISO_PASS);   /* not a list */
}

static void test_secrets_named_never_valued(void **state)
{
	struct world *w = *state;
	static const char *const keys[] = {"OPENAI_API_KEY", "github_token", "AWS_REGION", "DB_PASSWORD",
	                                   "ANTHROPIC_BASE", "MY_SECRET", "GOOGLE_APPLICATION_CREDENTIALS"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_true(iso_secret_key(keys[i]));
	static const char *const fine[] = {"PATH", "HOME", "DISPLAY", "XAUTHORITY", "LANG", "TOKENIZERS"};
	for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
		assert_int_equal(iso_secret_key(fine[i]), !strcmp(fine[i], "TOKENIZERS"));
	struct dk_hardening h;
	parsed_hardening("hard_secret_env.json", &h);
	iso_evaluate(&h, NULL, NULL, 0, &w->host, &w->pol, clock_wall_ms(), &w->r);
	const struct iso_check *c = isow_check(&w->r, "CRED-01");
	assert_int_equal(c->result, ISO_FAIL);
	assert_non_null(strstr(c->reason, "OPENAI_API_KEY"));
	/* values are never kept, so no reason can show one */
	for (size_t i = 0; i < h.env_keys.n; i++)
		assert_null(strchr(h.env_keys.v[i], '='));
	assert_null(strstr(c->reason, "OPENAI_API_KEY="));
	dk_hardening_clear(&h);
	/* our own label names a file, not a password */
	assert_int_equal(isow_check(eval(w), "CRED-03")->result, ISO_PASS);
}

static void test_ttl_budget(void **state)
{
	struct world *w = *state;
	for (size_t i = 0; i < w->h.nlabels; i++)
		if (!strcmp(w->h.labels[i].key, "sandtop.ttl")) {
			set_str(&w->h.labels[i].value, "30");
			assert_string_equal(isow_ids(eval(w), ISO_FAIL), "RES-05");
			assert_non_null(strstr(isow_check(&w->r, "RES-05")->reason, "spent 30 s ago"));
			assert_int_equal(w->r.recheck_wall_ms, 0);
			set_str(&w->h.labels[i].value, "12x");
			assert_string_equal(isow_ids(eval(w), ISO_FAIL), "RES-05");
			set_str(&w->h.labels[i].key, "other");
			assert_string_equal(isow_ids(eval(w), ISO_FAIL), "RES-05");
			assert_non_null(strstr(isow_check(&w->r, "RES-05")->reason, "no sandtop.ttl"));
			return;
		}
	fail_msg("the reference fixture has no sandtop.ttl");
}

/* The image set sandtop.ttl and sandtop.owner (an agent's own image):
 * both ignored, KS-07 says which; the reference sandbox's labels (set by
 * whoever ran it) pass KS-07. */
static void test_image_labels_ignored(void **state)
{
	struct world *w = *state;
	assert_int_equal(isow_check(eval(w), "KS-07")->result, ISO_PASS);
	size_t marked = 0;
	for (size_t i = 0; i < w->h.nlabels; i++)
		if (!strcmp(w->h.labels[i].key, "sandtop.ttl") || !strcmp(w->h.labels[i].key, "sandtop.owner")) {
			w->h.labels[i].from_image = true;
			marked++;
		}
	assert_int_equal(marked, 2);
	eval(w);
	const struct iso_check *c = isow_check(&w->r, "KS-07");
	assert_int_equal(c->result, ISO_WARN);
	assert_non_null(strstr(c->reason, "image sets sandtop.ttl, sandtop.owner: ignored"));
	assert_int_equal(isow_check(&w->r, "RES-05")->result, ISO_FAIL);
	assert_non_null(strstr(isow_check(&w->r, "RES-05")->reason, "no sandtop.ttl"));
	assert_int_equal(isow_check(&w->r, "KS-05")->result, ISO_WARN);
}

static void host_with(struct world *w, const char *runc, const char *engine, const char *endpoint)
{
	snprintf(w->host.runc_version, sizeof w->host.runc_version, "%s", runc);
	snprintf(w->host.engine_version, sizeof w->host.engine_version, "%s", engine);
	iso_evaluate_host(&w->host, NULL, endpoint, &w->r);
}

static void test_host_checks(void **state)
{
	struct world *w = *state;
	host_with(w, "1.1.5+ds1", "20.10.24+dfsg1", "unix:///var/run/docker.sock");
	assert_string_equal(isow_ids(&w->r, ISO_UNVERIFIABLE), "PRIV-14 NET-05");
	assert_string_equal(isow_ids(&w->r, ISO_FAIL), "");
	host_with(w, "1.1.5", "20.10.24", "unix:///run/docker.sock");
	assert_string_equal(isow_ids(&w->r, ISO_FAIL), "PRIV-14 NET-05");
	host_with(w, "1.2.8", "26.1.4", "tcp://127.0.0.1:2375");
	assert_string_equal(isow_ids(&w->r, ISO_FAIL), "HOST-05");
	static const struct { const char *v; bool bad; } runc[] = {
		{"1.1.12", true}, {"1.2.7", true}, {"1.2.8", false}, {"1.3.2", true}, {"1.3.3", false},
		{"1.4.0", false}, {"v1.1.4", true},
	};
	for (size_t i = 0; i < sizeof runc / sizeof *runc; i++) {
		host_with(w, runc[i].v, "26.0.0", "unix:///x");
		assert_int_equal(isow_check(&w->r, "PRIV-14")->result, runc[i].bad ? ISO_FAIL : ISO_PASS);
	}
	static const struct { const char *v; bool bad; } eng[] = {
		{"23.0.10", true}, {"23.0.11", false}, {"24.0.9", true}, {"25.0.4", true}, {"25.0.5", false}, {"27.3.1", false},
	};
	for (size_t i = 0; i < sizeof eng / sizeof *eng; i++) {
		host_with(w, "1.2.8", eng[i].v, "unix:///x");
		assert_int_equal(isow_check(&w->r, "NET-05")->result, eng[i].bad ? ISO_FAIL : ISO_PASS);
	}
	host_with(w, "", "", "unix:///x");
	assert_int_equal(isow_check(&w->r, "PRIV-14")->result, ISO_UNVERIFIABLE);
	host_with(w, "1.4.0-rc.1", "26.0.0", "unix:///x");
	assert_int_equal(isow_check(&w->r, "PRIV-14")->result, ISO_UNVERIFIABLE);   /* a pre-release */
	snprintf(w->host.default_runtime, sizeof w->host.default_runtime, "runsc");
	host_with(w, "1.1.5", "26.0.0", "unix:///x");
	assert_int_equal(isow_check(&w->r, "PRIV-14")->result, ISO_PASS);
	snprintf(w->host.default_runtime, sizeof w->host.default_runtime, "crun");
	host_with(w, "1.1.5", "26.0.0", "unix:///x");
	assert_int_equal(isow_check(&w->r, "PRIV-14")->result, ISO_UNVERIFIABLE);   /* not runc: not checked */
	w->host.podman = true;
	host_with(w, "1.2.8", "4.9.3", "unix:///run/podman/podman.sock");
	assert_int_equal(isow_check(&w->r, "NET-05")->result, ISO_UNVERIFIABLE);   /* Podman's own version */
	w->host.podman = false;
	w->host.seccomp = false;
	iso_evaluate_host(&w->host, NULL, "unix:///x", &w->r);
	assert_int_equal(isow_check(&w->r, "HOST-01")->result, ISO_FAIL);
	/* the engine's facts not read: nothing about the host passes */
	iso_evaluate_host(NULL, "engine answered 500", "unix:///x", &w->r);
	assert_string_equal(isow_ids(&w->r, ISO_UNVERIFIABLE), "HOST-01 HOST-02 PRIV-14 NET-05 HOST-03 HOST-04");
	assert_non_null(strstr(isow_check(&w->r, "HOST-01")->reason, "engine answered 500"));
	enum iso_sev s;
	assert_int_equal(iso_sev_parse("critical", &s), 0);
	assert_int_equal(s, ISO_CRIT);
	assert_int_equal(iso_sev_parse("Med", &s), 0);
	assert_int_equal(s, ISO_MED);
	assert_int_equal(iso_sev_parse("severe", &s), -1);
}

/* ---- the /proc reader on a fake tree ---- */

static void test_proc_reader(void **state)
{
	(void)state;
	char root[] = "/tmp/sandtop-proc-XXXXXX";
	assert_non_null(mkdtemp(root));
	const char *cid = "4ec311f99ce0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char d[64], dns[80], init[64], ins[80], tmp[700];
	snprintf(d, sizeof d, "%s/4242", root);
	snprintf(dns, sizeof dns, "%s/ns", d);
	snprintf(init, sizeof init, "%s/1", root);
	snprintf(ins, sizeof ins, "%s/ns", init);
	assert_int_equal(mkdir(d, 0700) | mkdir(dns, 0700) | mkdir(init, 0700) | mkdir(ins, 0700), 0);
	snprintf(tmp, sizeof tmp, "%s/attr", d);
	assert_int_equal(mkdir(tmp, 0700), 0);
	files_put(d, "status", "Name:\tsh\nUid:\t10001\t10001\t10001\t10001\nNoNewPrivs:\t1\nSeccomp:\t2\n"
	                 "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000400\n");
	snprintf(tmp, sizeof tmp, "12:pids:/docker/%s\n0::/\n", cid);
	files_put(d, "cgroup", tmp);
	files_put(d, "mountinfo", "100 90 0:50 / / ro,relatime - overlay overlay rw\n101 100 0:51 / /tmp rw - tmpfs tmpfs rw\n");
	files_put(d, "attr/current", "docker-default (enforce)\n");
	/* net is the host's (one file, two names); the others are not */
	static const char *const nss[] = {"pid", "ipc", "uts", "user", "cgroup"};
	files_put(ins, "net", "");
	snprintf(tmp, sizeof tmp, "%s/net", ins);
	char ln[700];
	snprintf(ln, sizeof ln, "%s/net", dns);
	assert_int_equal(link(tmp, ln), 0);
	for (size_t i = 0; i < sizeof nss / sizeof *nss; i++) {
		files_put(ins, nss[i], "");
		files_put(dns, nss[i], "");
	}
	struct iso_proc p;
	iso_proc_read(root, 4242, cid, &p);
	assert_true(p.ok);
	assert_int_equal(p.uid[0], 10001);
	assert_int_equal(p.no_new_privs, 1);
	assert_int_equal(p.seccomp, 2);
	assert_true(p.cap_bnd == 0x400 && p.cap_eff == 0);
	assert_int_equal(p.ns_net, 1);
	assert_int_equal(p.ns_pid, 0);
	assert_int_equal(p.root_ro, 1);
	assert_string_equal(p.lsm, "docker-default (enforce)");
	/* another container's process (a reused PID) is refused */
	iso_proc_read(root, 4242, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", &p);
	assert_false(p.ok);
	assert_non_null(strstr(p.why, "not the container's process"));
	iso_proc_read(root, 4343, cid, &p);
	assert_false(p.ok);
	iso_proc_read(root, 0, cid, &p);
	assert_false(p.ok);
	snprintf(tmp, sizeof tmp, "rm -rf '%s'", root);
	assert_int_equal(system(tmp), 0);
}

/* The runner keeps its sandboxes in the order of their ids (the screen
 * looks one up per row): ids wanted in any order are all found, dropped
 * ones are gone, the others stay, and asking again adds nothing. */
static void test_runner_ids(void **state)
{
	(void)state;
	enum { N = 300 };
	static char ids[N][65];
	uint32_t x = 2463534242u;
	for (int i = 0; i < N; i++) {
		for (int k = 0; k < 64; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			ids[i][k] = "0123456789abcdef"[x % 16];
		}
		ids[i][64] = '\0';
	}
	struct iso_runner *r = iso_runner_new(NULL, NULL);
	for (int i = 0; i < N; i++)
		iso_runner_want(r, ids[i]);
	iso_runner_want(r, "short");   /* not a 64-hex id: not taken */
	for (int i = 0; i < N; i++)
		iso_runner_want(r, ids[N - 1 - i]);
	assert_int_equal(iso_runner_pending(r), N);
	for (int i = 0; i < N; i++)
		assert_true(iso_runner_has(r, ids[i]));
	for (int i = 0; i < N; i += 3)
		iso_runner_drop(r, ids[i]);
	iso_runner_drop(r, ids[0]);   /* twice: nothing more */
	iso_runner_drop(r, "short");
	assert_int_equal(iso_runner_pending(r), N - (N + 2) / 3);
	for (int i = 0; i < N; i++) {
		assert_int_equal(iso_runner_has(r, ids[i]), i % 3 != 0);
		assert_null(iso_runner_report(r, ids[i]));
	}
	char other[65];
	memcpy(other, ids[1], sizeof other);
	other[63] = other[63] == '0' ? '1' : '0';
	assert_false(iso_runner_has(r, other));
	iso_runner_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reference_passes, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_remote_engine_never_passes_kernel_facts, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_contradicts_config, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_each_weakness_fails_its_checks, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_cut_lists_prove_nothing, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_own_runtime, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_exec_sessions, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_secrets_named_never_valued, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_ttl_budget, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_image_labels_ignored, setup, isow_teardown),
		cmocka_unit_test_setup_teardown(test_host_checks, setup, isow_teardown),
		cmocka_unit_test(test_proc_reader),
		cmocka_unit_test(test_runner_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
