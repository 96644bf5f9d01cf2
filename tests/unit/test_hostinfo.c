/* test_hostinfo: the network, /info and /version facts captured from this engine, Podman, network and exec events, the health check's command as events show it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/hardening.h"

/* sha256 of sandbox/image/seccomp.json in canonical form, computed apart
 * (python3: json.dumps(sort_keys=True, separators=(',', ':'))) */
#define SANDBOX_SECCOMP_SHA256 "3ab727a31a1f77d98bb34c67e2f211265503ed2272c55b3304e2ebf3896820ee"

/* The captured networks are cases (tests/fixtures/cases/network_*.expect);
 * here the forms this engine did not send. */
static void test_netinfo(void **state)
{
	(void)state;
	struct dk_netinfo n;
	struct err e;
	const char *iso = "{\"Id\":\"ab\",\"Name\":\"x\",\"Driver\":\"bridge\",\"Options\":"
	                  "{\"com.docker.network.bridge.gateway_mode_ipv4\":\"isolated\"}}";
	assert_int_equal(dk_parse_netinfo(iso, strlen(iso), &n, &e), 0);
	assert_true(n.gateway_isolated);
	dk_netinfo_clear(&n);
	const char *odd = "{\"Id\":\"ab\",\"Name\":5,\"Internal\":\"true\",\"Options\":[]}";
	assert_int_equal(dk_parse_netinfo(odd, strlen(odd), &n, &e), 0);
	assert_string_equal(n.name, "");
	assert_string_equal(n.driver, "");
	assert_false(n.internal);
	dk_netinfo_clear(&n);
	const char *bad[] = {"", "[]", "{}", "{\"Id\":\"XYZ\"}", "garbage"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(dk_parse_netinfo(bad[i], strlen(bad[i]), &n, &e), -1);
		dk_netinfo_clear(&n);
	}
}

static void test_hostinfo(void **state)
{
	(void)state;
	size_t len;
	struct dk_hostinfo h;
	struct err e;
	char *body = fixture_read("info.json", &len);
	assert_int_equal(dk_parse_info(body, len, &h, &e), 0);
	free(body);
	assert_true(h.seccomp);
	assert_string_equal(h.seccomp_profile, "default");
	assert_false(h.apparmor); /* this host has no AppArmor */
	assert_false(h.selinux || h.userns || h.rootless);
	assert_int_equal(h.cgroup_version, 1);
	assert_string_equal(h.default_runtime, "runc");
	body = fixture_read("version.json", &len);
	assert_int_equal(dk_parse_version_components(body, len, &h, &e), 0);
	free(body);
	assert_string_equal(h.engine_version, "20.10.24+dfsg1");
	assert_string_equal(h.runc_version, "1.1.5+ds1");
	assert_false(h.podman);
	assert_int_equal(h.cgroup_version, 1); /* kept */
	dk_hostinfo_clear(&h);

	/* hostile: escapes are sanitized in the fixed fields, odd forms read */
	const char *info = "{\"DefaultRuntime\":\"ev\\u001b]0;pwn\\u0007il\",\"CgroupVersion\":2,"
	                   "\"SecurityOptions\":[5,\"name=apparmor\",\"profile=x\",\"name=seccomp,profile=unconfined\","
	                   "\"name=rootless\",\"name=userns\",\"name=selinux\"],\"Runtimes\":[]}";
	assert_int_equal(dk_parse_info(info, strlen(info), &h, &e), 0);
	assert_null(strchr(h.default_runtime, '\x1b'));
	assert_null(strchr(h.default_runtime, '\x07'));
	assert_int_equal(h.cgroup_version, 2);
	assert_true(h.apparmor && h.rootless && h.userns && h.selinux && h.seccomp);
	assert_string_equal(h.seccomp_profile, "unconfined");
	const char *ver = "{\"Version\":\"x\\u001b[2J\",\"Components\":[{\"Name\":\"runc\",\"Version\":5},"
	                  "{\"Name\":\"runc\",\"Version\":\"1.0\"},7]}";
	assert_int_equal(dk_parse_version_components(ver, strlen(ver), &h, &e), 0);
	assert_null(strchr(h.engine_version, '\x1b'));
	assert_string_equal(h.runc_version, "1.0");
	assert_false(h.podman);
	assert_int_equal(h.cgroup_version, 2);
	assert_int_equal(dk_parse_version_components("[]", 2, &h, &e), -1);
	assert_string_equal(h.runc_version, "");
	dk_hostinfo_clear(&h);
	const char *odd = "{\"CgroupVersion\":\"3\",\"DefaultRuntime\":7}";
	assert_int_equal(dk_parse_info(odd, strlen(odd), &h, &e), 0);
	assert_int_equal(h.cgroup_version, 0);
	assert_string_equal(h.default_runtime, "");
	dk_hostinfo_clear(&h);
	assert_int_equal(dk_parse_info("nope", 4, &h, &e), -1);
	dk_hostinfo_clear(&h);
}

/* Network events beyond the captured ones (tests/fixtures/cases/events_network.expect). */
static void test_network_events(void **state)
{
	(void)state;
	/* a container event names itself; a prune names nothing; garbage attributes */
	struct dk_event ev;
	struct err e;
	const char *ct = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abc\"}}";
	assert_int_equal(dk_parse_event(ct, strlen(ct), &ev, &e), 0);
	assert_string_equal(ev.container, "abc");
	const char *prune = "{\"Type\":\"network\",\"Action\":\"prune\",\"Actor\":{\"ID\":\"\",\"Attributes\":{}}}";
	assert_int_equal(dk_parse_event(prune, strlen(prune), &ev, &e), 0);
	assert_string_equal(ev.id, "");
	assert_string_equal(ev.container, "");
	const char *evil = "{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"ab\","
	                   "\"Attributes\":{\"container\":\"x\\u001b[2J\"}}}";
	assert_int_equal(dk_parse_event(evil, strlen(evil), &ev, &e), 0);
	assert_string_equal(ev.container, "");
	const char *noid = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"\"}}";
	assert_int_equal(dk_parse_event(noid, strlen(noid), &ev, &e), -1);
}

/* The health check's command in the form exec_create events print it, and
 * that text in the event: the audit tells the engine's own probes from an
 * exec someone opened. */
static void test_health_cmd_and_exec_detail(void **state)
{
	(void)state;
	static const struct { const char *test, *want; } cases[] = {
		{"[\"CMD-SHELL\",\"xdpyinfo -display :1 >/dev/null 2>&1 || exit 1\"]",
		 "/bin/sh -c xdpyinfo -display :1 >/dev/null 2>&1 || exit 1"},
		{"[\"CMD\",\"/bin/check\",\"--fast\"]", "/bin/check --fast"},
		{"[\"NONE\"]", ""},
		{"[]", ""},
		{"\"weird\"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char body[512];
		snprintf(body, sizeof body, "{\"Id\":\"%064d\",\"Config\":{\"Healthcheck\":{\"Test\":%s}}}", 7,
			cases[i].test);
		struct dk_hardening h;
		struct err e;
		assert_int_equal(dk_parse_hardening(body, strlen(body), &h, &e), 0);
		assert_string_equal(h.health_cmd, cases[i].want);
		dk_hardening_clear(&h);
	}
	const char *line = "{\"Type\":\"container\",\"Action\":\"exec_create: /bin/sh -c xdpyinfo -display :1 "
		"\\u003e/dev/null 2\\u003e\\u00261 || exit 1\",\"Actor\":{\"ID\":\"%064d\"},\"timeNano\":1}";
	char buf[512];
	snprintf(buf, sizeof buf, line, 7);
	struct dk_event ev;
	struct err e;
	assert_int_equal(dk_parse_event(buf, strlen(buf), &ev, &e), 0);
	assert_string_equal(ev.action, "exec_create");
	assert_string_equal(ev.detail, "/bin/sh -c xdpyinfo -display :1 >/dev/null 2>&1 || exit 1");
	assert_string_equal(ev.exec_id, "");
	snprintf(buf, sizeof buf, "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"%064d\"}}", 7);
	assert_int_equal(dk_parse_event(buf, strlen(buf), &ev, &e), 0);
	assert_string_equal(ev.detail, "");
	/* the exec's id (engines since 20.10 name it), kept only when it is one */
	snprintf(buf, sizeof buf, "{\"Type\":\"container\",\"Action\":\"exec_die\",\"Actor\":{\"ID\":\"%064d\","
	         "\"Attributes\":{\"execID\":\"%064d\",\"exitCode\":\"0\"}}}", 7, 9);
	assert_int_equal(dk_parse_event(buf, strlen(buf), &ev, &e), 0);
	assert_int_equal(strlen(ev.exec_id), 64);
	assert_int_equal(ev.exec_id[63], '9');
	snprintf(buf, sizeof buf, "{\"Type\":\"container\",\"Action\":\"exec_die\",\"Actor\":{\"ID\":\"%064d\","
	         "\"Attributes\":{\"execID\":\"x\\u001b[2J\"}}}", 7);
	assert_int_equal(dk_parse_event(buf, strlen(buf), &ev, &e), 0);
	assert_string_equal(ev.exec_id, "");
}

/* An exec session's command line, as exec_create events print it: the
 * health check found among ExecIDs is told from a session someone opened. */
static void test_exec_cmdline(void **state)
{
	(void)state;
	char out[DK_EXEC_CMDLINE_MAX];
	struct err e;
	const char *hc = "{\"ID\":\"x\",\"Running\":true,\"ProcessConfig\":{\"tty\":false,\"entrypoint\":\"/bin/sh\","
	                 "\"arguments\":[\"-c\",\"xdpyinfo -display :1 >/dev/null 2>&1 || exit 1\"],\"privileged\":false}}";
	assert_int_equal(dk_parse_exec_cmdline(hc, strlen(hc), out, sizeof out, &e), 0);
	assert_string_equal(out, "/bin/sh -c xdpyinfo -display :1 >/dev/null 2>&1 || exit 1");
	const char *noargs = "{\"ProcessConfig\":{\"entrypoint\":\"sleep\",\"arguments\":{\"a\":\"5\"}}}";
	assert_int_equal(dk_parse_exec_cmdline(noargs, strlen(noargs), out, sizeof out, &e), 0);
	assert_string_equal(out, "sleep");
	char small[8];
	assert_int_equal(dk_parse_exec_cmdline(hc, strlen(hc), small, sizeof small, &e), 0);
	assert_string_equal(small, "/bin/sh");
	const char *none = "{\"ProcessConfig\":{}}";
	assert_int_equal(dk_parse_exec_cmdline(none, strlen(none), out, sizeof out, &e), -1);
	assert_int_equal(e.code, ERR_PARSE);
	assert_int_equal(dk_parse_exec_cmdline("[1", 2, out, sizeof out, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netinfo),
		cmocka_unit_test(test_hostinfo),
		cmocka_unit_test(test_network_events),
		cmocka_unit_test(test_health_cmd_and_exec_detail),
		cmocka_unit_test(test_exec_cmdline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
