/* test_docker_tunnel: exec tunnels against a fake daemon on a unix socket, and the frame parser.
 * The fake injects what the real engine will not do on demand: frames split
 * at awkward places, stderr with escapes, absurd sizes and unknown streams,
 * hostile error messages, a start that never answers, a stream that stops
 * mid-frame. The real engine is exercised by test_docker_tunnel_engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/docker.h"
#include "docker/tunnel/mux.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/tunnel_echo.h"
#include "tests/unit/helper/tunnel_side.h"
#include "tests/unit/helper/text.h"

static struct fake_daemon fake;

/* ---- the fake daemon: one forked child per connection ---- */

static const char *const relay_argv[] = {"relay", "a b", "\"q\"\n\x1b", NULL};
static const char relay_cmd[] = "\"Cmd\":[\"relay\",\"a b\",\"\\\"q\\\"\\n\\u001b\"]";

static void send_frame(int fd, int stream, const void *p, size_t n)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	fake_frame(&b, stream, p, n);
	fake_write_all(fd, b.data, b.len);
	buf_free(&b);
}

/* Echo what arrives as stdout frames (split in two, with an empty frame and
 * a stderr frame in between), and report the half-close. */
static void serve_echo(int fd)
{
	fake_write_all(fd, FAKE_UPGRADED, strlen(FAKE_UPGRADED));
	char chunk[8192];
	for (;;) {
		ssize_t k = read(fd, chunk, sizeof chunk);
		if (k <= 0) {
			send_frame(fd, 1, "EOF-SEEN\n", 9);
			return;
		}
		struct buf b;
		buf_init(&b, 1u << 20);
		size_t half = (size_t)k / 3;
		fake_frame(&b, 1, chunk, half);
		fake_frame(&b, 1, "", 0);
		fake_frame(&b, 2, "echo noise\n", 11);
		fake_frame(&b, 1, chunk + half, (size_t)k - half);
		fake_write_all(fd, b.data, b.len);
		buf_free(&b);
	}
}

static void serve_frames(int fd)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, FAKE_UPGRADED);
	fake_frame(&b, 1, "hel", 3); /* in the same write as the headers */
	fake_write_all(fd, b.data, b.len);
	buf_reset(&b);
	fake_pause_ms(30);
	fake_frame(&b, 1, "lo ", 3);
	fake_write_all(fd, b.data, 3); /* a header split across reads */
	fake_pause_ms(30);
	fake_write_all(fd, b.data + 3, 6); /* the rest of it and one payload byte */
	fake_pause_ms(30);
	fake_write_all(fd, b.data + 9, 2);
	fake_pause_ms(30);
	buf_reset(&b); /* several frames, stderr among them, in one write */
	fake_frame(&b, 1, "wor", 3);
	fake_frame(&b, 2, "\x1b]0;pwn\x07 err\rline\n", 18);
	fake_frame(&b, 1, "ld", 2);
	fake_frame(&b, 1, "", 0);
	fake_frame(&b, 3, "engine says", 11);
	fake_frame(&b, 1, "!\n", 2);
	fake_write_all(fd, b.data, b.len);
	buf_free(&b);
}

/* The upgrade, a good frame "ok", then the n bytes of bad; the daemon
 * stays (5 s). */
static void ok_then(int fd, const unsigned char *bad, size_t n)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	buf_puts(&b, FAKE_UPGRADED);
	fake_frame(&b, 1, "ok", 2);
	buf_append(&b, bad, n);
	fake_write_all(fd, b.data, b.len);
	buf_free(&b);
	fake_pause_ms(5000);
}

static void serve_scenario(int fd, char which)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	switch (which) {
	case '1':
		serve_echo(fd);
		break;
	case '2':
		serve_frames(fd);
		break;
	case '3': { /* a good frame, then an absurd size; the daemon stays */
		static const unsigned char absurd[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'x', 'y'};
		ok_then(fd, absurd, sizeof absurd);
		break;
	}
	case '4': /* never answers */
		fake_pause_ms(30000);
		break;
	case '5': { /* announces 100 bytes, sends 10, closes */
		static const unsigned char h[] = {1, 0, 0, 0, 0, 0, 0, 100};
		buf_puts(&b, FAKE_UPGRADED);
		buf_append(&b, h, sizeof h);
		buf_puts(&b, "0123456789");
		fake_write_all(fd, b.data, b.len);
		break;
	}
	case '6':
		fake_respond(fd, 404, "{\"message\":\"No such exec instance: \\u001b[31mred\\r\\nfake\"}");
		break;
	case '7': { /* an unknown stream type */
		static const unsigned char h[] = {7, 0, 0, 0, 0, 0, 0, 1, 'z'};
		ok_then(fd, h, sizeof h);
		break;
	}
	case '8': /* an older engine: 200 and the stream */
		buf_puts(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n");
		fake_frame(&b, 1, "old\n", 4);
		fake_write_all(fd, b.data, b.len);
		break;
	case '9': /* an error answer without Content-Length, chunked */
		buf_puts(&b, "HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		             "2a\r\n{\"message\":\"container is paused\\u0007\"}\n\r\n0\r\n\r\n");
		fake_write_all(fd, b.data, b.len);
		break;
	}
	buf_free(&b);
}

static void serve_one(int fd, const char *req, int rec)
{
	(void)rec;
	const char *body = strstr(req, "\r\n\r\n") + 4;
	char name[80] = "";
	if (sscanf(req, "POST /v1.41/containers/%79[^/]/exec ", name) == 1) {
		if (!strstr(body, "\"AttachStdin\":true") || !strstr(body, "\"AttachStdout\":true") ||
		    !strstr(body, "\"Tty\":false") || !strstr(body, relay_cmd)) {
			fake_respond(fd, 400, "{\"message\":\"bad exec create body\"}");
		} else if (!strcmp(name, "hostile")) {
			fake_respond(fd, 500, "{\"message\":\"boom\\u001b]0;pwn\\u0007\\r\\nfake row\"}");
		} else if (!strcmp(name, "missing")) {
			fake_respond(fd, 404, "{\"message\":\"No such container: missing\"}");
		} else if (!strcmp(name, "slowcreate")) {
			fake_pause_ms(30000);
		} else {
			static const char *const names[] = {"echo", "frames", "absurd", "hang", "midframe",
			                                    "start404", "badstream", "old", "chunked"};
			char c = '0';
			for (size_t i = 0; i < sizeof names / sizeof *names; i++)
				if (!strcmp(name, names[i]))
					c = (char)('1' + i);
			char id[65], out[128];
			memset(id, c, 64);
			id[64] = '\0';
			snprintf(out, sizeof out, "{\"Id\":\"%s\"}", id);
			fake_respond(fd, 201, out);
		}
	} else if (sscanf(req, "POST /v1.41/exec/%79[^/]/start ", name) == 1) {
		if (!strstr(req, "\r\nConnection: Upgrade\r\n") || !strstr(req, "\r\nUpgrade: tcp\r\n") ||
		    strcmp(body, "{\"Detach\":false,\"Tty\":false}") != 0 || strlen(name) != 64)
			fake_respond(fd, 400, "{\"message\":\"bad exec start request\"}");
		else
			serve_scenario(fd, name[0]);
	} else {
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
	}
}

static int setup(void **state)
{
	*state = &fake;
	/* the same daemon on a loopback TCP port too, for tcp:// endpoints */
	return fake_daemon_start(&fake, "tun", serve_one, FAKE_TCP);
}

/* ---- the client side ---- */

/* Open name, run until the caller reads EOF, return what it read. */
static void run_to_eof(const char *name, struct side *s, int ms)
{
	struct dk_client *c = fake_client(&fake);
	side_init(s);
	s->t = dk_tunnel_open(c, name, relay_argv, side_on_tunnel, s);
	assert_non_null(s->t);
	side_loop(c, s, 1, ms, side_at_eof);
	dk_tunnel_close(s->t);
	dk_client_free(c);
}

/* ---- the tests ---- */

static char log_path[128];
static int saved_stderr = -1;

static void log_capture(void)
{
	snprintf(log_path, sizeof log_path, "/tmp/sandtop-tun-%d.log", (int)getpid());
	unlink(log_path);
	saved_stderr = dup(2);
	assert_int_equal(log_open(log_path), 0);
	log_set_level(LOG_INFO);
}

static char *log_release(void)
{
	log_close();
	log_set_level(LOG_ERROR);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	FILE *fp = fopen(log_path, "rb");
	assert_non_null(fp);
	char *text = xcalloc(1, 1 << 16);
	size_t n = fread(text, 1, (1 << 16) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	unlink(log_path);
	return text;
}

static void test_frames_split(void **state)
{
	(void)state;
	log_capture();
	struct side s;
	run_to_eof("frames", &s, 5000);
	char *log = log_release();
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.rc, 0);
	assert_true(s.eof);
	assert_int_equal(s.in.len, 13);
	assert_memory_equal(s.in.data, "hello world!\n", 13);
	/* stderr reached the log, sanitized, not the caller */
	const char *line = strstr(log, "stderr: ");
	assert_non_null(line);
	assert_non_null(strstr(line, "\xe2\x90\x9b err\xe2\x90\x8dline")); /* ␛ err␍line */
	assert_non_null(strstr(log, "engine says"));
	assert_null(strchr(log, '\x1b'));
	assert_null(strchr(log, '\a'));
	assert_null(strchr(log, '\r'));
	free(log);
	side_free(&s);
}

/* Bytes go through verbatim both ways; the caller's EOF reaches the
 * process as a half-close; with the caller not reading, the tunnel stops
 * taking its input (bounded buffers). */
static void test_echo_verbatim_and_half_close(void **state)
{
	(void)state;
	size_t n = 3u << 20;
	char *data = side_pattern(n);
	struct dk_client *c = fake_client(&fake);
	struct side s;
	side_init(&s);
	side_send(&s, data, n);
	s.reading = false; /* first: write only */
	s.t = dk_tunnel_open(c, "echo", relay_argv, side_on_tunnel, &s);
	side_loop(c, &s, 1, 1500, NULL);
	assert_int_equal(s.rc, 0);
	/* nobody reads: the tunnel, the socketpair and the daemon hold a bounded amount */
	size_t stuck = s.out_off;
	assert_true(stuck > 0);
	assert_true(stuck < n);
	side_loop(c, &s, 1, 300, NULL);
	assert_int_equal(s.out_off, stuck);
	s.reading = true;
	tunnel_echoed(c, &s, data, n, 20000, "EOF-SEEN\n");
	dk_client_free(c);
	free(data);
}

/* The same over a tcp:// endpoint: the tunnel connects to the address curl used. */
static void test_echo_tcp(void **state)
{
	(void)state;
	char host[64];
	snprintf(host, sizeof host, "tcp://localhost:%d", fake.tcp_port);
	struct err e;
	struct dk_client *c = dk_client_new(host, &e);
	assert_non_null(c);
	static const char msg[] = "over tcp\0with a NUL\n";
	tunnel_echo(c, "echo", relay_argv, msg, sizeof msg - 1, 5000, "EOF-SEEN\n");
	dk_client_free(c);
}

/* A tunnel to a scenario of the fake daemon, run until the caller reads EOF:
 * a success (rc 0, then EOF) with exactly the bytes read, or a failure with
 * its code and a part of its message (printable); within max_ms when set. */
static const struct eof_case {
	const char *name, *what;
	int rc, code;
	const char *data; /* rc 0: what the caller read; -1: in the message */
	int64_t max_ms;
} eof_cases[] = {
	{"absurd", "an absurd frame size ends the stream (not the daemon closing after 5 s)", 0, 0, "ok", 3000},
	{"badstream", "a frame of an unknown stream ends it", 0, 0, "ok", 0},
	{"midframe", "the daemon closes mid-frame", 0, 0, "0123456789", 0},
	{"old", "an old engine answers 200, not 101", 0, 0, "old\n", 0},
	{"hostile", "the create answered 500 with a hostile message", -1, ERR_SERVER, "boom", 0},
	{"missing", "the create answered 404", -1, ERR_NOTFOUND, "No such container: missing", 0},
	{"start404", "the start answered 404", -1, ERR_NOTFOUND, "No such exec instance", 0},
	{"chunked", "the start answered 409, chunked", -1, ERR_CONFLICT, "container is paused", 0},
};

static void test_run_to_eof(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof eof_cases / sizeof *eof_cases; i++) {
		const struct eof_case *k = &eof_cases[i];
		struct side s;
		int64_t t0 = clock_mono_ms();
		run_to_eof(k->name, &s, 4000);
		int64_t took = clock_mono_ms() - t0;
		if (s.calls != 1 || s.rc != k->rc || (k->rc < 0 && s.e.code != k->code))
			fail_msg("%s (%s): calls %d rc %d code %d (%s)", k->name, k->what, s.calls, s.rc, (int)s.e.code,
			         s.e.msg);
		if (k->rc == 0) {
			assert_true(s.eof);
			if (s.in.len != strlen(k->data) || memcmp(s.in.data, k->data, s.in.len) != 0)
				fail_msg("%s (%s): read %zu bytes, want '%s'", k->name, k->what, s.in.len, k->data);
		} else {
			if (!strstr(s.e.msg, k->data))
				fail_msg("%s (%s): no '%s' in '%s'", k->name, k->what, k->data, s.e.msg);
			text_assert_printable(s.e.msg);
		}
		if (k->max_ms && took >= k->max_ms)
			fail_msg("%s (%s): took %lld ms", k->name, k->what, (long long)took);
		side_free(&s);
	}
}

static void test_timeouts(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	/* 1 s: the fake daemon's answer to the create must come well within
	 * it, also under valgrind (make valgrind), or "hang" times out at its
	 * create instead of its start */
	dk_tunnel_set_timeout_ms(c, 1000);
	struct side s[2];
	side_init(&s[0]);
	side_init(&s[1]);
	int64_t t0 = clock_mono_ms();
	s[0].t = dk_tunnel_open(c, "hang", relay_argv, side_on_tunnel, &s[0]);
	s[1].t = dk_tunnel_open(c, "slowcreate", relay_argv, side_on_tunnel, &s[1]);
	side_loop(c, s, 2, 8000, side_called);
	int64_t took = clock_mono_ms() - t0;
	assert_true(took >= 950 && took < 4000);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s[i].calls, 1);
		assert_int_equal(s[i].rc, -1);
		assert_int_equal(s[i].e.code, ERR_TRANSPORT);
		assert_non_null(strstr(s[i].e.msg, "timed out"));
	}
	assert_non_null(strstr(s[0].e.msg, "start"));
	assert_non_null(strstr(s[1].e.msg, "create"));
	side_loop(c, s, 2, 100, NULL);
	assert_int_equal(s[0].calls + s[1].calls, 2);
	dk_tunnel_close(s[0].t);
	dk_tunnel_close(s[1].t);
	dk_client_free(c);
	side_free(&s[0]);
	side_free(&s[1]);
}

/* dk_client_run waits for the tunnel's callback (and no longer). */
static void test_client_run_waits(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct side s;
	side_init(&s);
	s.t = dk_tunnel_open(c, "frames", relay_argv, side_on_tunnel, &s);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.rc, 0);
	dk_tunnel_close(s.t);
	/* the tunnel's end is closed: the caller reads what was pumped, then EOF */
	fcntl(s.fd, F_SETFL, fcntl(s.fd, F_GETFL) & ~O_NONBLOCK);
	char tmp[64];
	while (read(s.fd, tmp, sizeof tmp) > 0)
		;
	dk_client_free(c);
	side_free(&s);
}

/* Close at every stage; cb is never called after; the client frees what is left. */
static void test_close_any_stage(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct side s[5];
	for (int i = 0; i < 5; i++)
		side_init(&s[i]);
	/* stage: exec create in flight */
	s[0].t = dk_tunnel_open(c, "echo", relay_argv, side_on_tunnel, &s[0]);
	dk_tunnel_close(s[0].t);
	/* stage: start sent, never answered */
	s[1].t = dk_tunnel_open(c, "hang", relay_argv, side_on_tunnel, &s[1]);
	/* stage: open */
	s[2].t = dk_tunnel_open(c, "echo", relay_argv, side_on_tunnel, &s[2]);
	/* closed from inside its own callback */
	s[3].close_in_cb = true;
	s[3].t = dk_tunnel_open(c, "echo", relay_argv, side_on_tunnel, &s[3]);
	/* left open for dk_client_free */
	s[4].t = dk_tunnel_open(c, "echo", relay_argv, side_on_tunnel, &s[4]);
	side_loop(c, s, 5, 3000, NULL);
	assert_int_equal(s[0].calls, 0);
	assert_int_equal(s[1].calls, 0);
	assert_int_equal(s[2].calls, 1);
	assert_int_equal(s[2].rc, 0);
	assert_int_equal(s[3].calls, 1);
	assert_true(s[3].eof); /* closed in cb: the caller reads EOF */
	dk_tunnel_close(s[1].t);
	s[2].out = "ping";
	s[2].out_len = 4;
	side_loop(c, s, 5, 2000, NULL);
	assert_true(s[2].in.len >= 4);
	assert_memory_equal(s[2].in.data, "ping", 4);
	dk_tunnel_close(s[2].t);
	side_loop(c, s, 5, 200, NULL);
	assert_true(s[2].eof);
	assert_false(s[4].eof);
	assert_int_equal(dk_client_pollfds_max(c), 64 + 2 * 1);
	dk_client_free(c);
	assert_int_equal(s[1].calls, 0);
	/* the client closed the last one: its caller reads EOF */
	side_loop(c = fake_client(&fake), s, 5, 200, NULL);
	assert_true(s[4].eof);
	dk_client_free(c);
	for (int i = 0; i < 5; i++)
		side_free(&s[i]);
}

static void test_bad_args(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	const char *const empty[] = {NULL};
	assert_null(dk_tunnel_open(c, "x", empty, side_on_tunnel, NULL));
	assert_null(dk_tunnel_open(c, "x", NULL, side_on_tunnel, NULL));
	assert_null(dk_tunnel_open(c, "", relay_argv, side_on_tunnel, NULL));
	assert_null(dk_tunnel_open(c, NULL, relay_argv, side_on_tunnel, NULL));
	const char **many = xcalloc(300, sizeof *many);
	for (int i = 0; i < 299; i++)
		many[i] = "a";
	assert_null(dk_tunnel_open(c, "x", many, side_on_tunnel, NULL));
	free(many);
	dk_tunnel_close(NULL);
	assert_int_equal(dk_client_pollfds_max(c), 64);
	dk_client_free(c);
}

/* ---- the frame parser alone ---- */

/* Demultiplex stream in chunks of the given size; stdout into out. Returns
 * the last kind seen. */
static enum dk_mux_kind demux_all(const unsigned char *p, size_t n, size_t chunk, struct buf *out, struct buf *err)
{
	struct dk_mux m;
	dk_mux_init(&m, 1000);
	enum dk_mux_kind k = DK_MUX_HEADER;
	for (size_t off = 0; off < n;) {
		size_t avail = n - off < chunk ? n - off : chunk;
		size_t pos = 0;
		while (pos < avail) {
			size_t span;
			k = dk_mux_next(&m, p + off + pos, avail - pos, &span);
			if (k == DK_MUX_BAD_SIZE || k == DK_MUX_BAD_STREAM)
				return k;
			if (k == DK_MUX_STDOUT || k == DK_MUX_STDERR) {
				/* take at most 2 bytes at a time, as a slow reader would */
				if (span > 2)
					span = 2;
				buf_append(k == DK_MUX_STDOUT ? out : err, p + off + pos, span);
				dk_mux_took(&m, span);
			}
			pos += span;
		}
		off += avail;
	}
	assert_int_equal(dk_mux_mid_frame(&m), 0);
	return k;
}

static void test_mux_every_split(void **state)
{
	(void)state;
	struct buf s, out, err;
	buf_init(&s, 1 << 16);
	buf_init(&out, 1 << 16);
	buf_init(&err, 1 << 16);
	fake_frame(&s, 1, "abc", 3);
	fake_frame(&s, 2, "E1", 2);
	fake_frame(&s, 1, "", 0);
	fake_frame(&s, 1, "defgh", 5);
	fake_frame(&s, 3, "S", 1);
	char big[1000];
	memset(big, 'z', sizeof big);
	fake_frame(&s, 1, big, sizeof big); /* exactly the cap */
	for (size_t chunk = 1; chunk <= s.len; chunk++) {
		buf_reset(&out);
		buf_reset(&err);
		demux_all((const unsigned char *)s.data, s.len, chunk, &out, &err);
		assert_int_equal(out.len, 8 + sizeof big);
		assert_memory_equal(out.data, "abcdefgh", 8);
		assert_memory_equal(out.data + 8, big, sizeof big);
		assert_int_equal(err.len, 3);
		assert_memory_equal(err.data, "E1S", 3);
	}
	/* one over the cap, stream 0 and 4, nonzero reserved bytes: refused */
	static const unsigned char over[] = {1, 0, 0, 0, 0, 0, 0x03, 0xe9};
	static const unsigned char s0[] = {0, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char s4[] = {4, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char rsv[] = {1, 0, 1, 0, 0, 0, 0, 1};
	for (size_t chunk = 1; chunk <= 8; chunk++) {
		assert_int_equal(demux_all(over, 8, chunk, &out, &err), DK_MUX_BAD_SIZE);
		assert_int_equal(demux_all(s0, 8, chunk, &out, &err), DK_MUX_BAD_STREAM);
		assert_int_equal(demux_all(s4, 8, chunk, &out, &err), DK_MUX_BAD_STREAM);
		assert_int_equal(demux_all(rsv, 8, chunk, &out, &err), DK_MUX_BAD_STREAM);
	}
	/* a bad parser stays bad */
	struct dk_mux m;
	size_t span;
	dk_mux_init(&m, 10);
	assert_int_equal(dk_mux_next(&m, s0, 8, &span), DK_MUX_BAD_STREAM);
	assert_int_equal(dk_mux_next(&m, (const unsigned char *)s.data, s.len, &span), DK_MUX_BAD_STREAM);
	assert_int_equal(span, 0);
	/* stopping inside a frame is visible */
	dk_mux_init(&m, 10);
	assert_int_equal(dk_mux_next(&m, (const unsigned char *)s.data, 5, &span), DK_MUX_HEADER);
	assert_int_equal(dk_mux_mid_frame(&m), 1);
	buf_free(&s);
	buf_free(&out);
	buf_free(&err);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_INFO); /* the echo's stderr noise would flood the output */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mux_every_split),
		cmocka_unit_test(test_frames_split),
		cmocka_unit_test(test_echo_verbatim_and_half_close),
		cmocka_unit_test(test_echo_tcp),
		cmocka_unit_test(test_run_to_eof),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_client_run_waits),
		cmocka_unit_test(test_close_any_stage),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests_name("docker_tunnel", tests, setup, fake_daemon_teardown);
}
