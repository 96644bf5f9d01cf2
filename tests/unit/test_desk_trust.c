/* test_desk_trust: what a sandtop.vnc=unix: label may reach (only sockets inside the operator's directory, never the engine's) and where a VNC password comes from (the sandbox's identity, never a label). Real sockets and files in a private temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "desktop/desk.h"

static char root[64];      /* the test's own directory */
static char dir[128];      /* the trusted socket directory: root/vnc */
static char outside[128];  /* root/out: not trusted */

static int listener(const char *path)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(s, 4), 0);
	return s;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/sandtop-trust-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(dir, sizeof dir, "%s/vnc", root);
	snprintf(outside, sizeof outside, "%s/out", root);
	return mkdir(dir, 0700) || mkdir(outside, 0700);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void trust(const char *sockdir, const char *pwdir)
{
	struct desk_trust t = {.socket_dir = sockdir, .password_dir = pwdir};
	struct err e;
	assert_int_equal(desk_set_trust(&t, &e), 0);
}

/* desk_unix_connect's refusal for path, its message holding want. */
static void refused(const char *path, const char *engine, const char *want)
{
	struct err e = {0};
	int fd = 7;
	assert_int_equal(desk_unix_connect(path, engine, &fd, &e), -1);
	assert_int_equal(fd, -1);
	assert_int_equal(e.code, DESK_E_REFUSED);
	if (!strstr(e.msg, want))
		fail_msg("%s: \"%s\" lacks \"%s\"", path, e.msg, want);
}

static void test_without_a_directory_unix_is_refused(void **state)
{
	(void)state;
	trust(NULL, NULL);
	char p[160];
	snprintf(p, sizeof p, "%s/ok.sock", dir);
	int l = listener(p);
	refused(p, NULL, "--vnc-socket-dir (none set)");
	close(l);
	unlink(p);
	struct desk_trust bad = {.socket_dir = "/nonexistent/dir"};
	struct err e;
	assert_int_equal(desk_set_trust(&bad, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/dir"));
	bad.socket_dir = "/";
	assert_int_equal(desk_set_trust(&bad, &e), -1);
}

static void test_only_sockets_inside(void **state)
{
	(void)state;
	trust(dir, NULL);
	char in[160], out[160], link_out[160], dots[200], file[160], link_in[160];
	snprintf(in, sizeof in, "%s/ok.sock", dir);
	snprintf(out, sizeof out, "%s/x.sock", outside);
	snprintf(link_out, sizeof link_out, "%s/escape.sock", dir);
	snprintf(link_in, sizeof link_in, "%s/alias.sock", dir);
	snprintf(dots, sizeof dots, "%s/../out/x.sock", dir);
	snprintf(file, sizeof file, "%s/plain", dir);
	int l1 = listener(in), l2 = listener(out);
	assert_int_equal(symlink(out, link_out), 0);
	assert_int_equal(symlink("ok.sock", link_in), 0);
	close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));

	refused(out, NULL, "not inside the VNC socket directory");
	refused(link_out, NULL, "leads out of the VNC socket directory"); /* openat2 RESOLVE_BENEATH */
	refused(dots, NULL, "\"..\"");
	refused(file, NULL, "not a socket");
	refused("relative.sock", NULL, "refused");

	struct err e = {0};
	int fd = -1;
	assert_int_equal(desk_unix_connect(in, "unix:///var/run/docker.sock", &fd, &e), 0);
	assert_true(fd >= 0);
	int a = accept(l1, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(write(fd, "hi", 2), 2);
	char b[2];
	assert_int_equal(read(a, b, 2), 2);
	assert_memory_equal(b, "hi", 2);
	close(a);
	close(fd);
	/* a symlink that stays inside is fine, and so is a symlinked route to
	 * the directory itself */
	assert_int_equal(desk_unix_connect(link_in, NULL, &fd, &e), 0);
	close(fd);
	char route[160], via[200];
	snprintf(route, sizeof route, "%s/route", root);
	assert_int_equal(symlink(dir, route), 0);
	snprintf(via, sizeof via, "%s/ok.sock", route);
	assert_int_equal(desk_unix_connect(via, NULL, &fd, &e), 0);
	close(fd);
	snprintf(via, sizeof via, "%s/not-yet.sock", route);
	assert_int_equal(desk_unix_connect(via, NULL, &fd, &e), -1);
	assert_int_equal(e.code, DESK_E_CONNECT);
	unlink(route);
	/* nothing listening: worth a retry, not a refusal */
	char gone[160];
	snprintf(gone, sizeof gone, "%s/gone.sock", dir);
	assert_int_equal(desk_unix_connect(gone, NULL, &fd, &e), -1);
	assert_int_equal(e.code, DESK_E_CONNECT);
	close(l1);
	close(l2);
	unlink(in);
	unlink(out);
	unlink(link_out);
	unlink(link_in);
	unlink(file);
}

/* The engine's socket inside the directory (or a hard link to it) is
 * refused by inode, whatever it is called. */
static void test_never_the_engine(void **state)
{
	(void)state;
	trust(dir, NULL);
	char engine[160], in[160], hard[160], ep[200];
	snprintf(engine, sizeof engine, "%s/engine.sock", dir);
	snprintf(hard, sizeof hard, "%s/innocent.sock", dir);
	snprintf(in, sizeof in, "%s/ok.sock", dir);
	int le = listener(engine), li = listener(in);
	assert_int_equal(link(engine, hard), 0);
	snprintf(ep, sizeof ep, "unix://%s", engine);
	refused(engine, ep, "the engine's own socket");
	refused(hard, ep, "the engine's own socket");
	struct err e = {0};
	int fd = -1;
	assert_int_equal(desk_unix_connect(in, ep, &fd, &e), 0);
	close(fd);
	/* the host's real engine socket is refused even when the endpoint is another */
	struct stat st;
	if (stat("/var/run/docker.sock", &st) == 0) {
		char via[160];
		snprintf(via, sizeof via, "%s/docker.sock", dir);
		if (link("/var/run/docker.sock", via) == 0) {
			refused(via, "tcp://127.0.0.1:2375", "the engine's own socket");
			unlink(via);
		} else {
			print_message("cannot hard-link the engine socket here (%s): that case skipped\n", strerror(errno));
		}
	}
	close(le);
	close(li);
	unlink(engine);
	unlink(hard);
	unlink(in);
}

static struct dk_container sandbox(const char *name, const char *pw_label)
{
	struct dk_container c = {0};
	snprintf(c.id, sizeof c.id, "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	c.name = xstrdup(name);
	if (pw_label) {
		c.labels = xcalloc(1, sizeof *c.labels);
		c.labels[0].key = xstrdup(DESK_PASSWORD_LABEL);
		c.labels[0].value = xstrdup(pw_label);
		c.nlabels = 1;
	}
	return c;
}

static void put(const char *name, const char *text, mode_t mode)
{
	char p[200];
	snprintf(p, sizeof p, "%s/%s", outside, name);
	int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static char *read_fd(int fd)
{
	static char b[300];
	ssize_t n = read(fd, b, sizeof b - 1);
	b[n > 0 ? n : 0] = '\0';
	close(fd);
	return b;
}

static void test_password_from_identity(void **state)
{
	(void)state;
	trust(NULL, outside);
	struct dk_container c = sandbox("agent-1", NULL);
	struct err e = {0};
	int fd = -2;
	/* no file, none needed */
	assert_int_equal(desk_password_fd(&c, &fd, &e), 0);
	assert_int_equal(fd, -1);
	/* by name, then the full id wins */
	put("agent-1.passwd", "by-name\n", 0600);
	assert_int_equal(desk_password_fd(&c, &fd, &e), 0);
	assert_string_equal(read_fd(fd), "by-name\n");
	put("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.passwd", "by-id\n", 0400);
	assert_int_equal(desk_password_fd(&c, &fd, &e), 0);
	assert_string_equal(read_fd(fd), "by-id\n");
	/* readable by others: refused, saying why */
	put("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.passwd", "by-id\n", 0644);
	assert_int_equal(desk_password_fd(&c, &fd, &e), -1);
	assert_non_null(strstr(e.msg, "readable or writable by others"));
	char p[200];
	snprintf(p, sizeof p, "%s/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.passwd", outside);
	unlink(p);
	/* a symlink is refused, even to a good file */
	put("target", "secret\n", 0600);
	char t[200], l[200];
	snprintf(t, sizeof t, "%s/target", outside);
	snprintf(l, sizeof l, "%s/agent-2.passwd", outside);
	assert_int_equal(symlink(t, l), 0);
	struct dk_container c2 = sandbox("agent-2", NULL);
	assert_int_equal(desk_password_fd(&c2, &fd, &e), -1);
	assert_non_null(strstr(e.msg, "symlink"));
	dk_container_clear(&c2);
	/* the label only says a password is needed; it never names a file */
	struct dk_container c3 = sandbox("agent-3", "agent-1");
	assert_int_equal(desk_password_fd(&c3, &fd, &e), -1);
	assert_non_null(strstr(e.msg, "says a VNC password is needed"));
	assert_non_null(strstr(e.msg, "agent-3.passwd"));
	dk_container_clear(&c3);
	/* a name that is not a plain file name is never looked up */
	struct dk_container c4 = sandbox("../out/agent-1", NULL);
	assert_int_equal(desk_password_fd(&c4, &fd, &e), 0);
	assert_int_equal(fd, -1);
	dk_container_clear(&c4);
	/* an image-set label (from_image) says nothing */
	struct dk_container c5 = sandbox("agent-5", "1");
	c5.labels[0].from_image = true;
	assert_int_equal(desk_password_fd(&c5, &fd, &e), 0);
	assert_int_equal(fd, -1);
	dk_container_clear(&c5);
	dk_container_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_a_directory_unix_is_refused),
		cmocka_unit_test(test_only_sockets_inside),
		cmocka_unit_test(test_never_the_engine),
		cmocka_unit_test(test_password_from_identity),
	};
	return cmocka_run_group_tests_name("desk_trust", tests, setup, teardown);
}
