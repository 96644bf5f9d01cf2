/* test_hardening: the hardening facts of inspect bodies beyond the captured cases (test_fixtures): SecurityOpt forms, hostile bodies, cut lists, the canonical seccomp hash, the root-user test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fixture.h"
#include "tests/unit/helper/parsed.h"

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

/* The captured containers (hard_*.json) are cases: what each must give is in
 * tests/fixtures/cases/hard_*.expect (test_fixtures). Here: a cleared one
 * clears again. */
static void test_clear_twice(void **state)
{
	(void)state;
	struct dk_hardening h;
	parsed_hardening("hard_reference.json", &h);
	dk_hardening_clear(&h);
	dk_hardening_clear(&h);
	assert_null(h.name);
}

/* Append n items to b, joined by sep: item is a printf format that may
 * take the item's number (from base). */
static void put_list(struct buf *b, const char *item, const char *sep, int n, int base)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_puts(b, sep);
		buf_printf(b, item, base + i);
	}
}

/* Append an array nested n deep ("[[...]]") to b. */
static void put_nested(struct buf *b, int n)
{
	put_list(b, "[", "", n, 0);
	put_list(b, "]", "", n, 0);
}

/* Parse the body {"Id":"abc",INNER} into h, INNER being the format inner
 * with arg in its %s (arg NULL: inner has none); fails unless it parses. */
static void parse_abc(const char *inner, const char *arg, struct dk_hardening *h)
{
	struct buf b;
	buf_init(&b, 8u << 20);
	buf_puts(&b, "{\"Id\":\"abc\",");
	buf_printf(&b, inner, arg ? arg : "");
	buf_puts(&b, "}");
	struct err e;
	assert_int_equal(dk_parse_hardening(b.data, b.len, h, &e), 0);
	buf_free(&b);
}

static void parse_opts(const char *secopt_json, struct dk_hardening *h)
{
	parse_abc("\"HostConfig\":{\"SecurityOpt\":%s}", secopt_json, h);
}

static void test_security_opt_forms(void **state)
{
	(void)state;
	struct dk_hardening h;
	static const struct {
		const char *opts;
		bool nnp, label_disable;
		enum dk_seccomp seccomp;
		const char *apparmor;
	} cases[] = {
		{"[\"no-new-privileges\"]", true, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges=true\"]", true, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges:true\"]", true, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges=1\"]", true, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges=false\"]", false, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges:false\"]", false, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges\",\"no-new-privileges=false\"]", false, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"no-new-privileges=maybe\"]", false, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"seccomp=unconfined\"]", false, false, DK_SECCOMP_UNCONFINED, ""},
		{"[\"seccomp:unconfined\"]", false, false, DK_SECCOMP_UNCONFINED, ""},
		{"[\"seccomp=builtin\"]", false, false, DK_SECCOMP_BUILTIN, ""},
		{"[\"seccomp=\"]", false, false, DK_SECCOMP_DEFAULT, ""},
		{"[\"seccomp=/etc/profile.json\"]", false, false, DK_SECCOMP_PATH, ""}, /* Podman's form */
		{"[\"seccomp=profile.json\"]", false, false, DK_SECCOMP_BAD, ""},
		{"[\"seccomp=[1,2]\"]", false, false, DK_SECCOMP_BAD, ""},
		{"[\"seccomp=unconfined\",\"seccomp={}\"]", false, false, DK_SECCOMP_PROFILE, ""},
		{"[\"seccomp={}\",\"seccomp=unconfined\"]", false, false, DK_SECCOMP_UNCONFINED, ""},
		{"[\"apparmor=unconfined\"]", false, false, DK_SECCOMP_DEFAULT, "unconfined"},
		{"[\"apparmor:docker-default\"]", false, false, DK_SECCOMP_DEFAULT, "docker-default"},
		{"[\"label=disable\"]", false, true, DK_SECCOMP_DEFAULT, ""},
		{"[\"label:disable\"]", false, true, DK_SECCOMP_DEFAULT, ""},
		{"[\"disable\"]", false, true, DK_SECCOMP_DEFAULT, ""},
		{"[\"label=user:x\",\"label=level:s0\",\"mystery\",\"systempaths=unconfined\"]", false, false,
		 DK_SECCOMP_DEFAULT, ""},
		{"[1,null,{},[\"no-new-privileges\"]]", false, false, DK_SECCOMP_DEFAULT, ""},
		{"\"seccomp=unconfined\"", false, false, DK_SECCOMP_DEFAULT, ""},
		{"null", false, false, DK_SECCOMP_DEFAULT, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		parse_opts(cases[i].opts, &h);
		if (h.nnp_opt != cases[i].nnp || h.label_disable != cases[i].label_disable ||
		    h.seccomp != cases[i].seccomp || strcmp(h.apparmor_opt, cases[i].apparmor))
			fail_msg("case %zu (%s): nnp %d label %d seccomp %d apparmor %s", i, cases[i].opts,
			         h.nnp_opt, h.label_disable, (int)h.seccomp, h.apparmor_opt);
		assert_false(h.cut);
		assert_non_null(h.seccomp_default_action);
		assert_int_equal(strlen(h.seccomp_sha256), h.seccomp == DK_SECCOMP_PROFILE ? 64 : 0);
		dk_hardening_clear(&h);
	}

	/* an inline profile: its defaultAction and canonical hash */
	parse_opts("[\"seccomp={\\\"syscalls\\\":[],\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\"]", &h);
	assert_int_equal(h.seccomp, DK_SECCOMP_PROFILE);
	assert_string_equal(h.seccomp_default_action, "SCMP_ACT_ALLOW");
	char want[65];
	struct err e;
	const char *canon = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}";
	assert_int_equal(dk_seccomp_canon_sha256(canon, strlen(canon), want, &e), 0);
	assert_string_equal(h.seccomp_sha256, want);
	dk_hardening_clear(&h);

	/* an unreadable profile: BAD, nothing of it kept */
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, "[\"seccomp={\\\"defaultAction\\\":");
	put_list(&b, "x", "", 500, 0);
	buf_puts(&b, "\"]");
	parse_opts(b.data, &h);
	assert_int_equal(h.seccomp, DK_SECCOMP_BAD);
	assert_string_equal(h.seccomp_default_action, "");
	assert_string_equal(h.seccomp_sha256, "");
	assert_false(h.cut);
	dk_hardening_clear(&h);
	buf_free(&b);

	/* a profile nested past the depth limit is unreadable, not a crash */
	buf_init(&b, 1u << 20);
	buf_puts(&b, "[\"seccomp={\\\"a\\\":");
	put_nested(&b, 200);
	buf_puts(&b, "}\"]");
	parse_opts(b.data, &h);
	assert_int_equal(h.seccomp, DK_SECCOMP_BAD);
	dk_hardening_clear(&h);
	buf_free(&b);
}

static void test_caps_and_ports(void **state)
{
	(void)state;
	struct dk_hardening h;
	parse_abc("\"HostConfig\":{"
		"\"CapAdd\":[\"cap_net_raw\",\"Cap_Sys_Admin\",\"NET_ADMIN\",\"ALL\",7],"
		"\"CapDrop\":[\"CAP_CHOWN\"],"
		"\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}],"
		"  \"81/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}],\"82/tcp\":null},"
		"\"Init\":true},"
		"\"NetworkSettings\":{\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"},"
		"  {\"HostIp\":\"::\",\"HostPort\":\"8080\"},{\"HostIp\":\"::\",\"HostPort\":\"8080\"}],\"83/tcp\":null}}",
		NULL, &h);
	assert_int_equal(h.cap_add.n, 4);
	assert_string_equal(h.cap_add.v[0], "NET_RAW");
	assert_string_equal(h.cap_add.v[1], "SYS_ADMIN");
	assert_string_equal(h.cap_add.v[2], "NET_ADMIN");
	assert_string_equal(h.cap_add.v[3], "ALL");
	assert_string_equal(h.cap_drop.v[0], "CHOWN");
	assert_int_equal(h.nports, 3); /* 0.0.0.0:8080, [::]:8080, then 127.0.0.1:(any) for 81 */
	assert_string_equal(h.ports[0].host_ip, "0.0.0.0");
	assert_string_equal(h.ports[1].host_ip, "::");
	assert_string_equal(h.ports[2].container_port, "81/tcp");
	assert_string_equal(h.ports[2].host_ip, "127.0.0.1");
	assert_string_equal(h.ports[2].host_port, "");
	assert_int_equal(h.init, 1);
	dk_hardening_clear(&h);
}

/* Garbage: not an object, no valid Id, wrong types, deep nesting, huge arrays. */
static void test_hostile_bodies(void **state)
{
	(void)state;
	struct dk_hardening h;
	struct err e;
	const char *fail[] = {
		"", "[]", "5", "\"x\"", "null", "\x01\x02 not json", "{\"Id\":5}", "{\"Id\":\"\"}",
		"{\"Id\":\"ABC\"}", "{\"Id\":\"abc\\u001b[2J\"}",
		"{\"Id\":\"00000000000000000000000000000000000000000000000000000000000000000\"}",
	};
	for (size_t i = 0; i < sizeof fail / sizeof *fail; i++) {
		assert_int_equal(dk_parse_hardening(fail[i], strlen(fail[i]), &h, &e), -1);
		assert_int_equal(e.code, ERR_PARSE);
		dk_hardening_clear(&h);
	}
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, "{\"Id\":\"abc\",\"x\":");
	put_nested(&b, 100);
	buf_puts(&b, "}");
	assert_int_equal(dk_parse_hardening(b.data, b.len, &h, &e), -1);
	buf_free(&b);

	/* wrong types everywhere: parsed, with the documented defaults */
	const char *odd[] = {
		"{\"Id\":\"abc\"}",
		"{\"Id\":\"abc\",\"Name\":5,\"State\":5,\"Config\":[],\"HostConfig\":\"x\",\"Mounts\":{},"
		"\"NetworkSettings\":7,\"ExecIDs\":\"x\"}",
		"{\"Id\":\"abc\",\"State\":{\"Running\":\"true\",\"Pid\":-5,\"Health\":[]},"
		"\"Config\":{\"Env\":\"A=1\",\"Labels\":[],\"Healthcheck\":{\"Test\":\"NONE\"}},"
		"\"HostConfig\":{\"Privileged\":1,\"CapAdd\":\"SYS_ADMIN\",\"SecurityOpt\":\"seccomp=unconfined\","
		"\"MaskedPaths\":\"x\",\"ReadonlyPaths\":{},\"Ulimits\":[1,{\"Name\":5},{\"Name\":\"core\",\"Hard\":\"0\"}],"
		"\"Tmpfs\":[],\"RestartPolicy\":\"always\",\"LogConfig\":{\"Config\":[]},\"Init\":\"yes\","
		"\"PortBindings\":[],\"Devices\":5},"
		"\"Mounts\":[1,\"x\",null],\"NetworkSettings\":{\"Ports\":{\"80/tcp\":[1,null]},\"Networks\":[]}}",
	};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		assert_int_equal(dk_parse_hardening(odd[i], strlen(odd[i]), &h, &e), 0);
		assert_string_equal(h.id, "abc");
		assert_non_null(h.name);
		assert_string_equal(h.user, "");
		assert_string_equal(h.restart_policy, "");
		assert_string_equal(h.log_max_size, "");
		assert_string_equal(h.seccomp_default_action, "");
		assert_false(h.privileged);
		assert_false(h.running);
		assert_int_equal(h.pid, 0);
		assert_int_equal(h.seccomp, DK_SECCOMP_DEFAULT);
		assert_int_equal(h.nmasked_paths, -1);
		assert_int_equal(h.nreadonly_paths, -1);
		assert_int_equal(h.ulimit_core_hard, -2);
		assert_int_equal(h.init, -1);
		assert_int_equal(h.cap_add.n + h.env_keys.n + h.nlabels + h.ntmpfs + h.nports + h.nnets, 0);
		assert_int_equal(h.ndevices, 0);
		assert_false(h.cut);
		dk_hardening_clear(&h);
	}

	/* huge arrays are capped */
	buf_init(&b, 8u << 20);
	static const struct {
		const char *before, *item, *sep;
		int n, base;
	} huge[] = {
		{"{\"Id\":\"abc\",\"Config\":{\"Env\":[", "\"K%d=v\"", ",", 3000, 0},
		{"],\"Labels\":{", "\"l%d\":\"v\"", ",", 3000, 0},
		{"}},\"HostConfig\":{\"SecurityOpt\":[", "\"odd%d\"", ",", 3000, 0},
		{"],\"CapAdd\":[\"", "a", "", 10000, 0}, /* one long string */
		{"\"],\"PortBindings\":{\"80/tcp\":[", "{\"HostIp\":\"\",\"HostPort\":\"%d\"}", ",", 400, 1000},
		{"]},\"Devices\":[", "{}", ",", 5000, 0},
		{"]},\"Mounts\":[", "{\"Type\":\"bind\",\"Destination\":\"/m%d\"}", ",", 200, 0},
		{"],\"NetworkSettings\":{\"Networks\":{", "\"n%d\":{\"NetworkID\":\"zz\"}", ",", 200, 0},
	};
	for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
		buf_puts(&b, huge[i].before);
		put_list(&b, huge[i].item, huge[i].sep, huge[i].n, huge[i].base);
	}
	buf_puts(&b, "}}}");
	assert_int_equal(dk_parse_hardening(b.data, b.len, &h, &e), 0);
	assert_int_equal(h.env_keys.n, DK_HLIST_MAX);
	assert_string_equal(h.env_keys.v[0], "K0");
	assert_int_equal(h.nlabels, DK_HLIST_MAX);
	assert_int_equal(h.seccomp, DK_SECCOMP_DEFAULT); /* 3000 unknown SecurityOpt entries, all read */
	assert_int_equal(h.cap_add.n, 1);
	assert_int_equal(strlen(h.cap_add.v[0]), DK_HSTR_MAX);
	assert_int_equal(h.nports, DK_PORTS_MAX);
	assert_int_equal(h.ndevices, 5000);
	assert_int_equal(h.nmounts, DK_MOUNTS_MAX);
	assert_int_equal(h.nnets, DK_NETWORKS_MAX);
	assert_string_equal(h.nets[0].id, ""); /* not hex */
	assert_true(h.cut);
	dk_hardening_clear(&h);
	buf_free(&b);
}

/* A body of "{"Id":"abc",<inner>}" with n copies of item (a printf format
 * taking the index) joined by commas in place of the %s of inner. */
static bool parse_cut(const char *inner, const char *item, int n)
{
	struct buf list;
	buf_init(&list, 8u << 20);
	put_list(&list, item, ",", n, 0);
	struct dk_hardening h;
	parse_abc(inner, list.data, &h);
	bool cut = h.cut;
	dk_hardening_clear(&h);
	buf_free(&list);
	return cut;
}

/* cut: set by every cap and every string cut, not by a list exactly at its cap */
static void test_cut(void **state)
{
	(void)state;
	static const struct {
		const char *inner, *item;
		int cap;
	} lists[] = {
		{"\"Mounts\":[%s]", "{\"Type\":\"bind\",\"Source\":\"/s\",\"Destination\":\"/m%d\"}", DK_MOUNTS_MAX},
		{"\"NetworkSettings\":{\"Networks\":{%s}}", "\"n%d\":{}", DK_NETWORKS_MAX},
		{"\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[%s]}}", "{\"HostIp\":\"\",\"HostPort\":\"%d\"}",
		 DK_PORTS_MAX},
		{"\"Config\":{\"Env\":[%s]}", "\"K%d=v\"", DK_HLIST_MAX},
		{"\"Config\":{\"Labels\":{%s}}", "\"l%d\":\"v\"", DK_HLIST_MAX},
		{"\"HostConfig\":{\"CapAdd\":[%s]}", "\"C%d\"", DK_HLIST_MAX},
		{"\"HostConfig\":{\"CapDrop\":[%s]}", "\"C%d\"", DK_HLIST_MAX},
		{"\"HostConfig\":{\"ExtraHosts\":[%s]}", "\"h%d:10.0.0.1\"", DK_HLIST_MAX},
		{"\"HostConfig\":{\"Tmpfs\":{%s}}", "\"/t%d\":\"\"", DK_HLIST_MAX},
		{"\"HostConfig\":{\"Ulimits\":[%s]}", "{\"Name\":\"u%d\"}", DK_HLIST_MAX},
	};
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		if (parse_cut(lists[i].inner, lists[i].item, lists[i].cap))
			fail_msg("list %zu (%s): cut at exactly its cap %d", i, lists[i].inner, lists[i].cap);
		if (!parse_cut(lists[i].inner, lists[i].item, lists[i].cap + 1))
			fail_msg("list %zu (%s): not cut at %d", i, lists[i].inner, lists[i].cap + 1);
	}
	/* the review's case: 70 mounts */
	assert_true(parse_cut("\"Mounts\":[%s]", "{\"Type\":\"volume\",\"Destination\":\"/v%d\"}", 70));
	/* entries skipped for their type do not count */
	assert_false(parse_cut("\"Mounts\":[%s,1,2,3]", "{\"Destination\":\"/m%d\"}", DK_MOUNTS_MAX));

	/* strings cut at DK_HSTR_MAX: a list string, a network name, the health command */
	char *big = xcalloc(1, DK_HSTR_MAX + 2);
	memset(big, 'a', DK_HSTR_MAX + 1);
	static const char *const strs[] = {
		"\"HostConfig\":{\"CapAdd\":[\"%s\"]}",
		"\"Config\":{\"Env\":[\"%s=1\"]}",
		"\"NetworkSettings\":{\"Networks\":{\"%s\":{}}}",
		"\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"%s\"]}}",
	};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
		big[DK_HSTR_MAX] = '\0';
		if (parse_cut(strs[i], big, 1))
			fail_msg("string %zu (%s): cut at exactly %d bytes", i, strs[i], DK_HSTR_MAX);
		big[DK_HSTR_MAX] = 'a';
		if (!parse_cut(strs[i], big, 1))
			fail_msg("string %zu (%s): not cut at %d bytes", i, strs[i], DK_HSTR_MAX + 1);
	}
	free(big);
}

/* the inline profile of an inspect fixture (the CLI's compacted copy) */
static char *inline_profile(const char *fixture)
{
	size_t len;
	char *body = fixture_read(fixture, &len);
	char *p = strstr(body, "\"seccomp={");
	assert_non_null(p);
	/* unescape the JSON string: only \" and \\ occur in this profile */
	struct buf b;
	buf_init(&b, 1u << 20);
	for (p += strlen("\"seccomp="); *p && *p != '"'; p++) {
		if (*p == '\\')
			p++;
		buf_append(&b, p, 1);
	}
	free(body);
	return buf_steal(&b);
}

static void test_canonical_hash(void **state)
{
	(void)state;
	char a[65], b[65];
	struct err e;
	size_t len;
	char *pretty = fixture_read("../../sandbox/image/seccomp.json", &len);
	assert_int_equal(dk_seccomp_canon_sha256(pretty, len, a, &e), 0);
	assert_string_equal(a, SANDBOX_SECCOMP_SHA256);
	char *compact = inline_profile("hard_seccomp_profile.json");
	printf("inline seccomp profile: %zu bytes (file: %zu)\n", strlen(compact), len);
	assert_true(strlen(compact) < len);
	assert_int_equal(dk_seccomp_canon_sha256(compact, strlen(compact), b, &e), 0);
	assert_string_equal(a, b);
	free(compact);
	free(pretty);

	/* key order, spacing and escapes do not matter; array order and values do */
	const char *x = "{\"b\":1,\"a\":{\"y\":[1,{\"d\":2,\"c\":3}],\"x\":\"\xc3\xa9\"}}";
	const char *y = " { \"a\" : { \"x\" : \"\\u00e9\", \"y\" : [ 1 , { \"c\" : 3, \"d\" : 2 } ] },\n\t\"b\" : 1 } ";
	const char *z = "{\"b\":1,\"a\":{\"y\":[{\"d\":2,\"c\":3},1],\"x\":\"\xc3\xa9\"}}";
	char cz[65];
	assert_int_equal(dk_seccomp_canon_sha256(x, strlen(x), a, &e), 0);
	assert_int_equal(dk_seccomp_canon_sha256(y, strlen(y), b, &e), 0);
	assert_int_equal(dk_seccomp_canon_sha256(z, strlen(z), cz, &e), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, cz);
	assert_int_equal(dk_seccomp_canon_sha256("{\"a\":1}", 7, a, &e), 0);
	assert_string_equal(a, "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");

	const char *bad[] = {"", "[]", "\"x\"", "5", "{", "nope"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(dk_seccomp_canon_sha256(bad[i], strlen(bad[i]), a, &e), -1);
		assert_int_equal(e.code, ERR_PARSE);
		assert_string_equal(a, "");
	}
}

static void test_user_is_root(void **state)
{
	(void)state;
	static const char *const root[] = {
		"", "root", "ROOT", "Root", "0", "00", "0000000", "root:root", "0:0", "000:1000", "ROOT:wheel", ":0",
		":staff", NULL,
	};
	static const char *const not_root[] = {
		"10001", "10001:10001", "1000:0", "rootx", "xroot", "roo", "root2", "01", "10", "nobody", "0x0", " 0",
		"0 ", "root ", "-0", "agent:root",
	};
	for (size_t i = 0; i < sizeof root / sizeof *root; i++)
		if (!dk_user_is_root(root[i]))
			fail_msg("'%s' should be root", root[i] ? root[i] : "(null)");
	for (size_t i = 0; i < sizeof not_root / sizeof *not_root; i++)
		if (dk_user_is_root(not_root[i]))
			fail_msg("'%s' should not be root", not_root[i]);
}

/* Network events from this engine: connect/disconnect name the container. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_twice),
		cmocka_unit_test(test_security_opt_forms),
		cmocka_unit_test(test_caps_and_ports),
		cmocka_unit_test(test_hostile_bodies),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_canonical_hash),
		cmocka_unit_test(test_user_is_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
