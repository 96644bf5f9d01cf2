/* test_launch: the launch profile parser (every key, bad lines, secrets, sandtop.* labels) and the hardened create body it becomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "isolation/isolation.h"
#include "control/profile.h"
#include "docker/create.h"
#include "docker/docker.h"
#include "tests/unit/helper/expect.h"
#include "tests/unit/helper/json_get.h"
#include "tests/unit/helper/launch_body.h"

/* ---- the profile parser ---- */

struct diags {
	int n;
	char msg[32][512];
};

static void collect(void *ud, const char *msg)
{
	struct diags *d = ud;
	if (d->n < 32)
		snprintf(d->msg[d->n], sizeof d->msg[0], "%s", msg);
	d->n++;
}

/* Parse text over the defaults; p is cleared by the caller. */
static int parse(struct lp_profile *p, const char *text, struct diags *d)
{
	memset(d, 0, sizeof *d);
	lp_profile_defaults(p);
	int n = lp_parse(p, "p.conf", text, strlen(text), collect, d);
	assert_int_equal(n, d->n);
	return n;
}

/* text must fail with exactly one message starting with want */
static void bad(const char *text, const char *want)
{
	struct lp_profile p;
	struct diags d;
	int n = parse(&p, text, &d);
	if (n != 1 || strncmp(d.msg[0], want, strlen(want)) != 0)
		fail_msg("'%s': %d errors, first '%s', want '%s'", text, n, n ? d.msg[0] : "", want);
	lp_profile_clear(&p);
}

/* label[N], env[N]: the Nth "K=V" of the profile's list (null past the end) */
static void get_kv(const void *obj, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	const struct lp_profile *p = obj;
	char **list = f->name[0] == 'l' ? p->labels : p->env;
	size_t n = f->name[0] == 'l' ? p->nlabels : p->nenv;
	size_t i = arg ? strtoul(arg, NULL, 10) : n;
	if (i < n)
		ex_str(v, list[i]);
}

/* What a parsed profile holds, for checks written as data (expect.h). */
static const struct ex_field profile_fields[] = {
#define PF(member, kind) EX_M(struct lp_profile, member, kind)
	/* the strings, the sizes and numbers, the lists */
	PF(image, EX_PTR), PF(network, EX_PTR), PF(owner, EX_PTR), PF(task, EX_PTR),
	PF(memory, EX_I64), PF(nano_cpus, EX_I64), PF(pids, EX_I64), PF(shm, EX_I64),
	PF(tmp_size, EX_I64), PF(home_size, EX_I64), PF(ttl, EX_I64),
	PF(nlabels, EX_SIZE), EX_G("label", get_kv), PF(nenv, EX_SIZE), EX_G("env", get_kv),
#undef PF
	{NULL, EX_PTR, 0, NULL},
};

static void test_defaults(void **state)
{
	(void)state;
	struct lp_profile p;
	lp_profile_defaults(&p);
	ex_expect("defaults", &p, profile_fields,
	          "image = sandtop/sandbox:latest\n"
	          "memory = 1073741824\n"     /* 1g */
	          "nano_cpus = 1000000000\n"  /* 1.0 CPU */
	          "pids = 512\n"
	          "shm = 67108864\n"          /* 64m */
	          "tmp_size = 268435456\n"    /* 256m */
	          "home_size = 268435456\n"
	          "network = null\n"
	          "ttl = 3600\n"
	          "owner = null\n"
	          "task = \"\"\n"
	          "nlabels = 0\n"
	          "nenv = 0");
	lp_profile_clear(&p);
}

static void test_every_key(void **state)
{
	(void)state;
	struct lp_profile p;
	struct diags d;
	const char *text =
		"# a profile\r\n"
		"\n"
		"   image = sandtop/mini:latest   \n"
		"memory=2g\n"
		"cpus = 1.5\r\n"
		"pids = 300\n"
		"shm = 128MiB\n"
		"tmp_size = 1536k\n"
		"home_size = 0.5g\n"
		"\t# indented comment\n"
		"network = agents-int\n"
		"ttl = 600\n"
		"owner = alice\n"
		"task = fix the # parser = now\n"
		"label = team=red\n"
		"label = com.example.tier=\n"
		"env = LANG=C.UTF-8\n"
		"env = WIDTH=1280\n";
	assert_int_equal(parse(&p, text, &d), 0);
	ex_expect("every key", &p, profile_fields,
	          "image = sandtop/mini:latest\n"
	          "memory = 2147483648\n"     /* 2g */
	          "nano_cpus = 1500000000\n"
	          "pids = 300\n"
	          "shm = 134217728\n"         /* 128MiB */
	          "tmp_size = 1572864\n"      /* 1536k */
	          "home_size = 536870912\n"   /* 0.5g */
	          "network = agents-int\n"
	          "ttl = 600\n"
	          "owner = alice\n"
	          "task = \"fix the # parser = now\"\n"
	          "nlabels = 2\n"
	          "label[0] = \"team=red\"\n"
	          "label[1] = \"com.example.tier=\"\n"
	          "nenv = 2\n"
	          "env[0] = \"LANG=C.UTF-8\"\n"
	          "env[1] = \"WIDTH=1280\"");
	lp_profile_clear(&p);
	/* numbers in their other spellings; network none = the default */
	assert_int_equal(parse(&p, "memory = 1073741824\ncpus = 2\ncpus_x = 1\n", &d), 1);
	lp_profile_clear(&p);
	assert_int_equal(parse(&p, "memory = 1.5GB\ncpus = .5\nnetwork = x1\n", &d), 1); /* .5: no integer part */
	assert_int_equal(p.memory, 3LL << 29);
	lp_profile_clear(&p);
	assert_int_equal(parse(&p, "cpus = 0.000000001\n", &d), 1);  /* below 0.01 */
	lp_profile_clear(&p);
	assert_int_equal(parse(&p, "cpus = 0.123456789\nnetwork = none\n", &d), 0);
	assert_int_equal(p.nano_cpus, 123456789);
	assert_null(p.network);
	lp_profile_clear(&p);
}

static void test_bad_lines(void **state)
{
	(void)state;
	bad("image\n", "p.conf:1: expected 'key = value'");
	bad("\n\nuser = root\n", "p.conf:3: unknown key 'user'");
	bad("privileged = true\n", "p.conf:1: unknown key 'privileged'");
	bad("seccomp = unconfined\n", "p.conf:1: unknown key 'seccomp'");
	bad("memory = 1g\nmemory = 2g\n", "p.conf:2: memory given twice (first on line 1)");
	bad("memory = lots\n", "p.conf:1: memory: 'lots' is not a size");
	bad("memory = 1q\n", "p.conf:1: memory: '1q' is not a size");
	bad("memory = 0x40000000\n", "p.conf:1: memory: '0x40000000' is not a size");
	bad("memory = 1m\n", "p.conf:1: memory: '1m' is below the minimum of 6m");
	bad("memory = -1\n", "p.conf:1: memory: '-1' is not a size");
	bad("memory = 0\n", "p.conf:1: memory: '0' is below the minimum");
	bad("shm = 2g\n", "p.conf: shm, tmp_size and home_size must each fit in memory");
	bad("cpus = 0\n", "p.conf:1: cpus: '0' is not a number of CPUs");
	bad("cpus = 1.1234567891\n", "p.conf:1: cpus:");
	bad("cpus = 1e3\n", "p.conf:1: cpus:");
	bad("pids = 0\n", "p.conf:1: pids: '0' is not a number between 1 and 4096");
	bad("pids = -1\n", "p.conf:1: pids: '-1'");
	bad("pids = 4097\n", "p.conf:1: pids: '4097'");
	bad("ttl = 0\n", "p.conf:1: ttl: '0' is not a number of seconds");
	bad("ttl = 1h\n", "p.conf:1: ttl: '1h'");
	bad("network = host\n", "p.conf:1: network: 'host' is the engine's own network");
	bad("network = bridge\n", "p.conf:1: network: 'bridge' is the engine's own network");
	bad("network = default\n", "p.conf:1: network: 'default'");
	bad("network = container:x\n", "p.conf:1: network: 'container:x' is not a network name");
	bad("network =\n", "p.conf:1: network: '' is not a network name");
	bad("image = a b\n", "p.conf:1: image: 'a b' is not an image reference");
	bad("image = --privileged\n", "p.conf:1: image:");
	bad("owner =\n", "p.conf:1: owner: the value is empty");
	bad("owner = a\x1b]0;x\x07\n", "p.conf:1: owner: the value holds a control character");
	bad("task = caf\xe9\n", "p.conf:1: task: the value is not valid UTF-8");
	bad("task = a\xe2\x80\xae" "b\n", "p.conf:1: task: the value holds an invisible or bidi character");
	bad("env = NOVALUE\n", "p.conf:1: env wants KEY=VALUE");
	bad("env = =x\n", "p.conf:1: env wants KEY=VALUE");
	bad("env = 1X=y\n", "p.conf:1: env key '1X' is not a variable name");
	bad("env = A-B=y\n", "p.conf:1: env key 'A-B'");
	bad("env = A=1\nenv = A=2\n", "p.conf:2: env 'A' given twice");
	bad("label = a b=c\n", "p.conf:1: label key 'a b'");
	bad("label = k=v\nlabel = k=w\n", "p.conf:2: label 'k' given twice");
	/* a NUL byte and an overlong line */
	struct lp_profile p;
	struct diags d;
	lp_profile_defaults(&p);
	memset(&d, 0, sizeof d);
	assert_int_equal(lp_parse(&p, "p.conf", "ttl = 5\nowner = a\0b\n", 18, collect, &d), 1);
	assert_string_equal(d.msg[0], "p.conf:2: a NUL byte");
	assert_int_equal(p.ttl, 5);
	lp_profile_clear(&p);
	char *big = xmalloc(5000);
	memset(big, 'a', 4999);
	big[4999] = '\0';
	memcpy(big, "task=", 5);
	bad(big, "p.conf:1: line longer than 4096 bytes");
	free(big);
	/* a hostile file name is sanitized in the message */
	lp_profile_defaults(&p);
	memset(&d, 0, sizeof d);
	assert_int_equal(lp_parse(&p, "evil\x1b[2J.conf", "x\n", 2, collect, &d), 1);
	assert_null(strchr(d.msg[0], '\x1b'));
	lp_profile_clear(&p);
}

static void test_error_cap(void **state)
{
	(void)state;
	struct lp_profile p;
	int calls;
	struct buf b;
	buf_init(&b, 1u << 20);
	for (int i = 0; i < 30; i++)
		buf_puts(&b, "nonsense\n");
	lp_profile_defaults(&p);
	struct diags d = {0};
	assert_int_equal(lp_parse(&p, "p.conf", b.data, b.len, collect, &d), 30);
	calls = d.n;
	assert_int_equal(calls, 21);
	assert_string_equal(d.msg[20], "p.conf: too many errors; the rest are not shown");
	lp_profile_clear(&p);
	buf_free(&b);
}

static void test_secrets_and_own_labels(void **state)
{
	(void)state;
	static const char *const secret[] = {
		"API_KEY", "my_apikey", "x_Api_Key_2", "GITHUB_TOKEN", "SLACK_TOKEN", "client_secret", "DB_PASSWORD",
		"passwd", "AWS_REGION", "aws_secret_access_key", "ANTHROPIC_BASE_URL", "OPENAI_ORG",
		"GOOGLE_APPLICATION_CREDENTIALS", "E2B_API_KEY", "MY_CREDENTIALS", "SSH_PRIVATE_KEY",
	};
	static const char *const fine[] = {"LANG", "TZ", "WIDTH", "HTTP_PROXY", "MY_AWS_THING", "KEYBOARD"};
	for (size_t i = 0; i < sizeof secret / sizeof *secret; i++) {
		assert_true(iso_secret_key(secret[i]));
		char line[128], want[128];
		snprintf(line, sizeof line, "env = %s=x\n", secret[i]);
		snprintf(want, sizeof want, "p.conf:1: env '%s' looks like a secret", secret[i]);
		bad(line, want);
		snprintf(line, sizeof line, "label = %s=x\n", secret[i]);
		snprintf(want, sizeof want, "p.conf:1: label '%s' looks like a secret", secret[i]);
		bad(line, want);
	}
	for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
		assert_false(iso_secret_key(fine[i]));
	bad("label = sandtop.vnc=tcp:5900\n", "p.conf:1: label 'sandtop.vnc': the sandtop.* labels are sandtop's own");
	bad("label = sandtop.owner=mallory\n", "p.conf:1: label 'sandtop.owner'");
	bad("label = SANDTOP.sandbox=0\n", "p.conf:1: label 'SANDTOP.sandbox'");
	bad("label = sandtop.ttl=99999999\n", "p.conf:1: label 'sandtop.ttl'");
	struct lp_profile p;
	struct diags d;
	assert_int_equal(parse(&p, "label = sandtopx=1\nlabel = my.sandtop.thing=2\n", &d), 0);
	lp_profile_clear(&p);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[] = "/tmp/sandtop-launch-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "memory = 512m\nbogus\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	struct lp_profile p;
	struct diags d = {0};
	lp_profile_defaults(&p);
	assert_int_equal(lp_load(&p, path, collect, &d), 1);
	char want[128];
	snprintf(want, sizeof want, "%s:2: expected 'key = value'", path);
	assert_string_equal(d.msg[0], want);
	assert_int_equal(p.memory, 512LL << 20);
	lp_profile_clear(&p);
	unlink(path);
	memset(&d, 0, sizeof d);
	lp_profile_defaults(&p);
	assert_int_equal(lp_load(&p, path, collect, &d), 1);
	snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
	assert_string_equal(d.msg[0], want);
	memset(&d, 0, sizeof d);
	assert_int_equal(lp_load(&p, "/tmp", collect, &d), 1);
	assert_string_equal(d.msg[0], "/tmp: cannot read: not a regular file");
	lp_profile_clear(&p);
}

/* ---- the create body ---- */

static void test_spec_to_body(void **state)
{
	(void)state;
	struct lp_profile p;
	struct diags d;
	assert_int_equal(parse(&p, "owner = bob\ntask = t1\nlabel = team=red\nenv = LANG=C\n", &d), 0);
	struct lp_launch l;
	struct err e;
	assert_int_equal(lp_launch_build(&l, &p, "tl-unit", &e), 0);
	char *body = dk_create_body(&l.spec, &e);
	assert_non_null(body);
	cJSON *b = cJSON_Parse(body);
	assert_non_null(b);
	launch_body_assert_hardened(b, NULL);
	assert_string_equal(tj_str(b, "Image"), "sandtop/sandbox:latest");
	assert_string_equal(tj_str(b, "Hostname"), "tl-unit");
	const cJSON *l0 = tj_at(b, "Labels");
	assert_int_equal(cJSON_GetArraySize(l0), 7);
	assert_string_equal(tj_str(l0, "sandtop.ttl"), "3600");
	assert_string_equal(tj_str(l0, "sandtop.owner"), "bob");
	assert_string_equal(tj_str(l0, "sandtop.task"), "t1");
	assert_string_equal(tj_str(l0, "team"), "red");
	const cJSON *env = tj_at(b, "Env");
	assert_int_equal(cJSON_GetArraySize(env), 1);
	assert_string_equal(cJSON_GetArrayItem(env, 0)->valuestring, "LANG=C");
	const cJSON *h = tj_at(b, "HostConfig");
	assert_true(tj_num(h, "Memory") == 1073741824.0);
	assert_true(tj_num(h, "NanoCpus") == 1e9);
	assert_true(tj_num(h, "PidsLimit") == 512);
	assert_true(tj_num(h, "ShmSize") == 67108864.0);
	const cJSON *t = tj_at(h, "Tmpfs");
	assert_string_equal(tj_str(t, "/tmp"), "rw,nosuid,nodev,noexec,size=256m");
	assert_string_equal(tj_str(t, "/home/agent"), "rw,nosuid,nodev,noexec,size=256m,uid=10001,gid=10001,mode=0700");
	cJSON_Delete(b);
	free(body);
	lp_launch_clear(&l);
	lp_profile_clear(&p);
	/* another profile: sizes printed in the largest whole unit, a network */
	assert_int_equal(parse(&p, "memory = 4g\ncpus=2.5\npids=64\nshm=1g\ntmp_size=1536k\nhome_size=3000000\n"
	                       "network=agents\nttl=60\n", &d), 0);
	assert_int_equal(lp_launch_build(&l, &p, "tl-unit-2", &e), 0);
	assert_non_null(strchr(l.spec.labels[3].value, '\0'));  /* the default owner: someone */
	assert_true(strlen(l.spec.labels[3].value) > 0);
	body = dk_create_body(&l.spec, &e);
	b = cJSON_Parse(body);
	launch_body_assert_hardened(b, "agents");
	h = tj_at(b, "HostConfig");
	assert_true(tj_num(h, "Memory") == 4294967296.0);
	assert_true(tj_num(h, "MemorySwap") == 4294967296.0);
	assert_true(tj_num(h, "NanoCpus") == 2.5e9);
	assert_true(tj_num(h, "PidsLimit") == 64);
	t = tj_at(h, "Tmpfs");
	assert_string_equal(tj_str(t, "/tmp"), "rw,nosuid,nodev,noexec,size=1536k");
	assert_string_equal(tj_str(t, "/home/agent"), "rw,nosuid,nodev,noexec,size=3000000,uid=10001,gid=10001,mode=0700");
	assert_string_equal(tj_str(tj_at(b, "Labels"), "sandtop.ttl"), "60");
	cJSON_Delete(b);
	free(body);
	lp_launch_clear(&l);
	/* names */
	assert_int_equal(lp_launch_build(&l, &p, "-x", &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
	lp_launch_clear(&l);
	assert_true(lp_name_ok("tl-1"));
	assert_true(lp_name_ok("A_b.c-9"));
	assert_false(lp_name_ok("a"));
	assert_false(lp_name_ok("/abs"));
	assert_false(lp_name_ok("a b"));
	assert_false(lp_name_ok(".hidden"));
	lp_profile_clear(&p);
}

static void test_body_refused(void **state)
{
	(void)state;
	struct dk_label lab = {.key = "k", .value = "v"};
	struct dk_create_spec ok = {
		.name = "x1", .image = "img", .user = "10001:10001", .labels = &lab, .nlabels = 1,
		.shm_size = 1, .memory = 1, .nano_cpus = 1, .pids_limit = 1,
		.seccomp_json = "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", .seccomp_len = 34,
	};
	struct err e;
	char *body = dk_create_body(&ok, &e);
	assert_non_null(body);
	free(body);
	static const char *const users[] = {"", "root", "0", "0:0", "000", "root:10001"};
	for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
		struct dk_create_spec s = ok;
		s.user = users[i];
		assert_null(dk_create_body(&s, &e));
		assert_int_equal(e.code, ERR_USAGE);
	}
	struct dk_create_spec s = ok;
	s.memory = 0;
	assert_null(dk_create_body(&s, &e));
	s = ok;
	s.pids_limit = -1;
	assert_null(dk_create_body(&s, &e));
	s = ok;
	s.nano_cpus = 0;
	assert_null(dk_create_body(&s, &e));
	s = ok;
	s.seccomp_json = "[]";
	s.seccomp_len = 2;
	assert_null(dk_create_body(&s, &e));
	assert_string_equal(e.msg, "the seccomp profile is not a JSON object");
	s.seccomp_json = NULL;
	s.seccomp_len = 0;
	assert_null(dk_create_body(&s, &e));
	s = ok;
	const char *env[] = {"NOEQ"};
	s.env = env;
	s.nenv = 1;
	assert_null(dk_create_body(&s, &e));
	s = ok;
	s.image = "";
	assert_null(dk_create_body(&s, &e));
	/* the seccomp profile as the embedded symbol holds it: NUL-terminated, the committed file */
	assert_int_equal(strlen(sandtop_seccomp_profile), sandtop_seccomp_profile_len);
	assert_memory_equal(sandtop_seccomp_profile, "{", 1);
	/* the network body */
	char *nb = dk_network_create_body("agents", &lab, 1);
	assert_string_equal(nb, "{\"Name\":\"agents\",\"CheckDuplicate\":true,\"Driver\":\"bridge\",\"Internal\":true,"
	                        "\"Attachable\":false,\"EnableIPv6\":false,\"Options\":{\"com.docker.network.bridge."
	                        "enable_icc\":\"false\"},\"Labels\":{\"k\":\"v\"}}");
	free(nb);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_secrets_and_own_labels),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_spec_to_body),
		cmocka_unit_test(test_body_refused),
	};
	return cmocka_run_group_tests_name("launch_profile", tests, NULL, NULL);
}
