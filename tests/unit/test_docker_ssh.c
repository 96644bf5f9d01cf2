/* test_docker_ssh: the ssh:// transport: its addresses (user, host, port and the forms refused), the ssh command line, and its processes with a stand-in `ssh` on PATH (what it says on stderr reaches the error sanitized; none is left behind). The real ssh and sshd are exercised by tests/integration/t_ssh.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/ssh.h"
#include "tests/unit/helper/call.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/text.h"

static const struct {
	const char *url;
	const char *user, *host, *port; /* NULL host: refused */
	const char *why;                /* refused: a part of the message */
} forms[] = {
	{"ssh://host", "", "host", "", NULL},
	{"ssh://me@host", "me", "host", "", NULL},
	{"ssh://me@host:2222", "me", "host", "2222", NULL},
	{"ssh://host:22", "", "host", "22", NULL},
	{"ssh://alias.example.com:65535", "", "alias.example.com", "65535", NULL},
	{"ssh://deploy_1@10.0.0.5", "deploy_1", "10.0.0.5", "", NULL},
	{"ssh://[::1]", "", "::1", "", NULL},
	{"ssh://root@[fe80::1]:2200", "root", "fe80::1", "2200", NULL},
	{"ssh://", NULL, NULL, NULL, "no host"},
	{"ssh://me@", NULL, NULL, NULL, "no host"},
	{"ssh://:22", NULL, NULL, NULL, "no host"},
	{"ssh://host:", NULL, NULL, NULL, "port"},
	{"ssh://host:0", NULL, NULL, NULL, "port"},
	{"ssh://host:65536", NULL, NULL, NULL, "port"},
	{"ssh://host:22a", NULL, NULL, NULL, "port"},
	{"ssh://host:-1", NULL, NULL, NULL, "port"},
	{"ssh://host:123456", NULL, NULL, NULL, "port"},
	{"ssh://me:secret@host", NULL, NULL, NULL, "password"},
	{"ssh://@host", NULL, NULL, NULL, "empty user"},
	{"ssh://a@b@host", NULL, NULL, NULL, "user"},
	{"ssh://host/", NULL, NULL, NULL, "path"},
	{"ssh://host/var/run/docker.sock", NULL, NULL, NULL, "path"},
	{"ssh://host?x=1", NULL, NULL, NULL, "query"},
	{"ssh://host#frag", NULL, NULL, NULL, "fragment"},
	{"ssh://-oProxyCommand=sh", NULL, NULL, NULL, "host"},
	{"ssh://me@-host", NULL, NULL, NULL, "host"},
	{"ssh://-l@host", NULL, NULL, NULL, "user"},
	{"ssh://ho st", NULL, NULL, NULL, "host"},
	{"ssh://h%41st", NULL, NULL, NULL, "host"},
	{"ssh://[::1", NULL, NULL, NULL, "]"},
	{"ssh://[::1]x", NULL, NULL, NULL, "PORT"},
	{"ssh://[not:v6]", NULL, NULL, NULL, "IPv6"},
	{"ssh://[]", NULL, NULL, NULL, "IPv6"},
	{"ssh://ho]st", NULL, NULL, NULL, "host"},
	{"tcp://host:22", NULL, NULL, NULL, "ssh://"},
	{"SSH://host", NULL, NULL, NULL, "ssh://"},
	{"ssh://h\x1b]0;pwn\x07", NULL, NULL, NULL, "host"},
	{"ssh://\xc3\xa9t\xc3\xa9", NULL, NULL, NULL, "host"},
};

static void test_parse_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct dk_ssh_dest d;
		struct err e;
		err_clear(&e);
		int rc = dk_ssh_parse(forms[i].url, &d, &e);
		if (forms[i].host) {
			if (rc != 0)
				fail_msg("%s: refused: %s", forms[i].url, e.msg);
			assert_string_equal(d.user, forms[i].user);
			assert_string_equal(d.host, forms[i].host);
			assert_string_equal(d.port, forms[i].port);
		} else {
			if (rc != -1)
				fail_msg("%s: taken (host '%s')", forms[i].url, d.host);
			assert_int_equal(e.code, ERR_USAGE);
			if (!strstr(e.msg, forms[i].why))
				fail_msg("%s: '%s' does not say '%s'", forms[i].url, e.msg, forms[i].why);
			assert_non_null(strstr(e.msg, "bad engine address"));
			text_assert_printable(e.msg);
		}
	}
	/* the longest host and user taken, one more refused */
	char url[600];
	char name[DK_SSH_HOST_MAX + 2];
	memset(name, 'h', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	struct dk_ssh_dest d;
	struct err e;
	snprintf(url, sizeof url, "ssh://%.*s", DK_SSH_HOST_MAX, name);
	assert_int_equal(dk_ssh_parse(url, &d, &e), 0);
	assert_int_equal(strlen(d.host), DK_SSH_HOST_MAX);
	snprintf(url, sizeof url, "ssh://%s", name);
	assert_int_equal(dk_ssh_parse(url, &d, &e), -1);
	snprintf(url, sizeof url, "ssh://%.*s@h", DK_SSH_USER_MAX, name);
	assert_int_equal(dk_ssh_parse(url, &d, &e), 0);
	snprintf(url, sizeof url, "ssh://%.*s@h", DK_SSH_USER_MAX + 1, name);
	assert_int_equal(dk_ssh_parse(url, &d, &e), -1);
	assert_int_equal(dk_ssh_parse(NULL, &d, &e), -1);
}

static char *joined(const char *const *argv)
{
	struct buf b;
	buf_init(&b, 4096);
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			buf_append(&b, " ", 1);
		buf_append(&b, argv[i], strlen(argv[i]));
	}
	buf_append(&b, "", 1);
	return b.data;
}

/* The docker CLI's command line: no -F (the user's config applies), never a
 * prompt, the host after --. */
static void test_argv(void **state)
{
	(void)state;
	static const struct {
		const char *url, *want;
	} cases[] = {
		{"ssh://me@host:2222",
		 "ssh -o BatchMode=yes -o ConnectTimeout=15 -T -l me -p 2222 -- host docker system dial-stdio"},
		{"ssh://alias", "ssh -o BatchMode=yes -o ConnectTimeout=15 -T -- alias docker system dial-stdio"},
		{"ssh://[::1]:22", "ssh -o BatchMode=yes -o ConnectTimeout=15 -T -p 22 -- ::1 docker system dial-stdio"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dk_ssh_dest d;
		struct err e;
		assert_int_equal(dk_ssh_parse(cases[i].url, &d, &e), 0);
		const char *argv[DK_SSH_ARGV_MAX];
		size_t n = dk_ssh_argv(&d, argv);
		assert_null(argv[n]);
		char *s = joined(argv);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

/* The client takes ssh:// (no I/O, no process yet) and names it as given;
 * a bad one is a usage error that names the form. */
static void test_client_forms(void **state)
{
	(void)state;
	struct err e;
	struct dk_client *c = dk_client_new("ssh://me@host:2222", &e);
	assert_non_null(c);
	assert_string_equal(dk_client_endpoint(c), "ssh://me@host:2222");
	assert_int_equal(dk_ssh_children(dk_client_ssh(c)), 0);
	dk_client_free(c);
	assert_null(dk_client_new("ssh://host/path", &e));
	assert_int_equal(e.code, ERR_USAGE);
	assert_null(dk_client_new("sftp://host", &e));
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, "ssh://[USER@]HOST[:PORT]"));
}

/* ---- a stand-in ssh on PATH ---- */

static char dir[256];
static char *old_path;

static int setup(void **state)
{
	(void)state;
	if (files_tmpdir(dir, sizeof dir, "sshtest") < 0)
		return -1;
	const char *p = getenv("PATH");
	old_path = xstrdup(p ? p : "/usr/bin:/bin");
	char *np = xasprintf("%s/bin:%s", dir, old_path);
	setenv("PATH", np, 1);
	free(np);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	setenv("PATH", old_path, 1);
	free(old_path);
	return files_rmtree(dir);
}

static void fake_ssh(const char *script)
{
	char *body = xasprintf("#!/bin/sh\n%s", script);
	files_put(dir, "bin/ssh", body);
	free(body);
	char *path = xasprintf("%s/bin/ssh", dir);
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
}

/* No child of ours is left, reaped or not. */
static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* ssh fails (a key refused): its words, hostile bytes and all, reach the
 * request's error sanitized, and its process is reaped. */
static void test_ssh_says_why(void **state)
{
	(void)state;
	char *script = xasprintf("echo \"$@\" > %s/args\n"
	                         "printf 'Warning: Permanently added [h]:22 (ED25519) to the list of known hosts.\\r\\n' >&2\n"
	                         "printf 'root@h: Permission denied (publickey).\\033]0;pwn\\007\\033[2J\\n' >&2\n"
	                         "exit 255\n",
	                         dir);
	fake_ssh(script);
	free(script);
	struct err e;
	struct dk_client *c = dk_client_new("ssh://root@h:2222", &e);
	assert_non_null(c);
	struct call r;
	call_init(&r, 1, 0);
	dk_pause(c, "abc", call_on_done, &r);
	assert_int_equal(dk_client_run(c, 10000), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.e.code, ERR_TRANSPORT);
	if (!strstr(r.e.msg, "cannot reach engine at ssh://root@h:2222: ssh: root@h: Permission denied (publickey)."))
		fail_msg("error: %s", r.e.msg);
	assert_null(strstr(r.e.msg, "Warning"));
	text_assert_printable(r.e.msg);
	call_free(&r, 1);
	char *args_path = xasprintf("%s/args", dir);
	char *args = files_read(args_path, NULL);
	assert_string_equal(args, "-o BatchMode=yes -o ConnectTimeout=15 -T -l root -p 2222 -- h docker system dial-stdio\n");
	free(args);
	free(args_path);
	dk_client_free(c);
	assert_no_children();
}

/* No ssh at all: the error says it could not be started. */
static void test_no_ssh(void **state)
{
	(void)state;
	const char *saved = getenv("PATH");
	char *keep = xstrdup(saved);
	setenv("PATH", "/nonexistent", 1);
	struct err e;
	struct dk_client *c = dk_client_new("ssh://h", &e);
	struct call r;
	call_init(&r, 1, 0);
	dk_pause(c, "abc", call_on_done, &r);
	assert_int_equal(dk_client_run(c, 10000), 0);
	setenv("PATH", keep, 1);
	free(keep);
	assert_int_equal(r.rc, -1);
	if (!strstr(r.e.msg, "ssh: cannot start ssh"))
		fail_msg("error: %s", r.e.msg);
	call_free(&r, 1);
	dk_client_free(c);
	assert_no_children();
}

/* A connection's ssh that does not end when its connection is closed is
 * told to (SIGTERM) after a grace, from the client's own loop; one that
 * ignores SIGTERM is killed when the client is freed. Neither outlives it. */
static void test_lingering_children(void **state)
{
	(void)state;
	fake_ssh("exec sleep 30\n");
	struct err e;
	struct dk_client *c = dk_client_new("ssh://h", &e);
	struct dk_ssh *s = dk_client_ssh(c);
	int fd = dk_ssh_open(s, &e);
	assert_true(fd >= 0);
	assert_int_equal(dk_ssh_children(s), 1);
	dk_ssh_close(s, fd);
	for (int i = 0; i < 100 && dk_ssh_children(s) > 0; i++)
		call_turn(c, 100);
	assert_int_equal(dk_ssh_children(s), 0);
	assert_no_children();

	char *script = xasprintf("trap '' TERM\ntouch %s/ready\nexec sleep 30\n", dir);
	fake_ssh(script);
	free(script);
	int fd2 = dk_ssh_open(s, &e);
	assert_true(fd2 >= 0);
	assert_int_equal(dk_ssh_children(s), 1);
	char *ready = xasprintf("%s/ready", dir);
	for (int i = 0; i < 500 && access(ready, F_OK) != 0; i++)
		usleep(10000);
	assert_int_equal(access(ready, F_OK), 0);
	free(ready);
	dk_client_free(c);   /* closes it, SIGTERM, then SIGKILL */
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_client_forms),
		cmocka_unit_test(test_ssh_says_why),
		cmocka_unit_test(test_no_ssh),
		cmocka_unit_test(test_lingering_children),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
