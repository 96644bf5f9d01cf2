/* test_docker_tunnel_engine: exec tunnels on the real engine, to x11vnc in a reference sandbox.
 * Skips unless /var/run/docker.sock answers and SANDTOP_TEST_CONTAINER names
 * a running sandbox (tests/integration/t_tunnel.sh starts one and sets it).
 * Uses the docker CLI (docker top) to see the processes in the sandbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/engine.h"
#include "tests/unit/helper/engine_case.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "tests/unit/helper/tunnel_echo.h"
#include "tests/unit/helper/tunnel_side.h"

static const char *const relay_argv[] = {
	"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5900 || exit 1; cat <&3 & cat >&3; kill $!", NULL};
#define RELAY_MARK "/dev/tcp/127.0.0.1/5900"

static const char *container;

/* A client of the engine that runs SANDTOP_TEST_CONTAINER; the test skips
 * without one. */
static struct dk_client *engine_or_skip(void)
{
	if (!(container = engine_var("SANDTOP_TEST_CONTAINER")))
		skip();
	struct dk_client *c = engine_client();
	if (engine_running_pid(c, container, NULL) <= 0) {
		print_message("container %s not found or not running: skipped\n", container);
		dk_client_free(c);
		skip();
	}
	return c;
}

/* The pids in the sandbox (docker top) whose command line contains mark,
 * and their children; returns the count, pids into out. */
static size_t relay_pids(const char *mark, long *out, size_t max)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "docker top '%s' -eo pid,ppid,args 2>/dev/null", container);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	long pid[512], ppid[512];
	bool hit[512];
	size_t n = 0;
	char line[4096];
	while (fgets(line, sizeof line, p) && n < 512) {
		if (sscanf(line, "%ld %ld", &pid[n], &ppid[n]) != 2)
			continue; /* the title line */
		hit[n] = strstr(line, mark) != NULL;
		n++;
	}
	pclose(p);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool child = false;
		for (size_t j = 0; j < n; j++)
			if (hit[j] && ppid[i] == pid[j])
				child = true;
		if ((hit[i] || child) && k < max)
			out[k++] = pid[i];
	}
	return k;
}

static bool got_12(const struct side *s)
{
	return s->in.len >= 12 || s->eof || (s->calls && s->rc < 0);
}

static bool got_types(const struct side *s)
{
	return (s->in.len > 12 && s->in.len >= 13u + (unsigned char)s->in.data[12]) || s->eof;
}

/* Open the relay, do the first RFB steps, see the relay running. */
static void vnc_handshake(struct dk_client *c, struct side *s)
{
	side_init(s);
	s->t = dk_tunnel_open(c, container, relay_argv, side_on_tunnel, s);
	assert_non_null(s->t);
	side_loop(c, s, 1, 15000, got_12);
	assert_int_equal(s->calls, 1);
	if (s->rc < 0)
		print_error("tunnel failed: %s\n", s->e.msg);
	assert_int_equal(s->rc, 0);
	assert_true(s->in.len >= 12);
	assert_memory_equal(s->in.data, "RFB 003.008\n", 12);
	s->out = "RFB 003.008\n";
	s->out_len = 12;
	side_loop(c, s, 1, 10000, got_types);
	assert_false(s->eof);
	size_t ntypes = (unsigned char)s->in.data[12];
	assert_true(ntypes >= 1);
	bool none = false;
	for (size_t i = 0; i < ntypes; i++)
		none = none || s->in.data[13 + i] == 1;
	assert_true(none); /* x11vnc -nopw offers security type None */
	long pids[16];
	size_t n = relay_pids(RELAY_MARK, pids, 16);
	assert_true(n >= 2); /* bash and its cat(s) */
}

/* Keep pumping until the sandbox has none of the relay's processes left. */
static void assert_relay_gone(struct dk_client *c, struct side *s)
{
	long pids[16];
	size_t n = 1;
	for (int i = 0; i < 30 && n > 0; i++) {
		side_loop(c, s, 1, 100, NULL);
		n = relay_pids(RELAY_MARK, pids, 16);
	}
	assert_int_equal(n, 0);
}

/* After the handshake, the relay in the sandbox ends whichever side ends
 * the tunnel: its caller (by_caller) or main. */
static void relay_ends(bool by_caller)
{
	struct dk_client *c = engine_or_skip();
	struct side s;
	vnc_handshake(c, &s);
	if (by_caller) {
		/* the caller (the VNC worker) goes away */
		close(s.fd);
		s.fd = -1;
	} else {
		/* main closes the tunnel: the caller reads EOF, the relay ends */
		dk_tunnel_close(s.t);
		s.t = NULL;
		side_loop(c, &s, 1, 2000, side_at_eof);
		assert_true(s.eof);
	}
	assert_relay_gone(c, &s);
	dk_tunnel_close(s.t);
	dk_client_free(c);
	side_free(&s);
}

static void test_vnc_relay_caller_closes(void **state)
{
	(void)state;
	relay_ends(true);
}

static void test_vnc_relay_tunnel_closed(void **state)
{
	(void)state;
	relay_ends(false);
}

/* stdin EOF reaches the process (cat ends), stdout comes back demultiplexed
 * and stderr does not reach the caller. */
static void test_half_close_and_stderr(void **state)
{
	(void)state;
	struct dk_client *c = engine_or_skip();
	static const char *const argv[] = {"sh", "-c", "echo to-stderr >&2; cat; echo done", NULL};
	size_t n = 1u << 20;
	char *data = side_pattern(n);
	tunnel_echo(c, container, argv, data, n, 20000, "done\n");
	dk_client_free(c);
	free(data);
}

static void test_no_such_container(void **state)
{
	(void)state;
	struct dk_client *c = engine_or_skip();
	struct side s;
	side_init(&s);
	s.t = dk_tunnel_open(c, "tun-no-such-container-9f3e", relay_argv, side_on_tunnel, &s);
	side_loop(c, &s, 1, 10000, side_called);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.rc, -1);
	assert_int_equal(s.e.code, ERR_NOTFOUND);
	dk_tunnel_close(s.t);
	dk_client_free(c);
	side_free(&s);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vnc_relay_caller_closes),
		cmocka_unit_test(test_vnc_relay_tunnel_closed),
		cmocka_unit_test(test_half_close_and_stderr),
		cmocka_unit_test(test_no_such_container),
	};
	return cmocka_run_group_tests_name("docker_tunnel_engine", tests, NULL, NULL);
}
