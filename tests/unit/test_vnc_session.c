/* test_vnc_session: main's side of the worker protocol against fake workers (shell scripts replaying prepared bytes), and the sandtop.vnc label. */
#include "vnc/session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "desktop/desk.h"
#include "vnc/proto.h"

/* A fake worker (a script written by start()): it records its environment
 * in env_path, writes the bytes of out_path to main, copies what main sends
 * into in_path, then does END ("exit N" or "kill -SYS $$"). */
static char dir[64], script[128], out_path[128], in_path[128], env_path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_vnc_session.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(script, sizeof script, "%s/worker.sh", dir);
	snprintf(out_path, sizeof out_path, "%s/out.bin", dir);
	snprintf(in_path, sizeof in_path, "%s/in.bin", dir);
	snprintf(env_path, sizeof env_path, "%s/env.txt", dir);
	setenv("SANDTOP_VNC", script, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(script);
	unlink(out_path);
	unlink(in_path);
	unlink(env_path);
	rmdir(dir);
	return 0;
}

static void msg(struct buf *b, uint32_t magic, uint16_t type, const void *p, uint32_t len, uint32_t claimed)
{
	struct vp_hdr h = {.magic = magic, .type = type, .len = claimed};
	buf_append(b, &h, sizeof h);
	if (len)
		buf_append(b, p, len);
}

static void state_msg(struct buf *b, uint32_t code, uint32_t w, uint32_t h, const char *reason)
{
	struct vp_state st = {.code = code, .fb_w = w, .fb_h = h};
	snprintf(st.reason, sizeof st.reason, "%s", reason);
	msg(b, VP_MAGIC, VP_STATE, &st, sizeof st, sizeof st);
}

/* Start a fake worker that sends b and then runs end. */
static struct vnc_session *start(struct buf *b, const char *end)
{
	FILE *fp = fopen(out_path, "wb");
	assert_non_null(fp);
	if (b->len)
		fwrite(b->data, 1, b->len, fp);
	fclose(fp);
	/* the worker gets an empty environment: the paths are in the script */
	fp = fopen(script, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n/usr/bin/env > '%s'\n/bin/cat '%s'\n/usr/bin/timeout 2 /bin/cat > '%s'\n%s\n", env_path,
	        out_path, in_path, end);
	fclose(fp);
	chmod(script, 0755);
	struct vs_target t = {.fd = -1, .tcp = "127.0.0.1:1"};
	struct err e = {0};
	struct vnc_session *s = vs_spawn(&t, &e);
	assert_non_null(s);
	return s;
}

/* Handle messages until the worker is gone and reaped or ms pass; the
 * events seen. */
static int pump(struct vnc_session *s, int ms, bool until_dead)
{
	int ev = 0;
	for (int waited = 0; waited < ms; waited += 10) {
		if (vs_fd(s) < 0)
			break;
		struct pollfd p = {.fd = vs_fd(s), .events = POLLIN};
		if (poll(&p, 1, 10) > 0)
			ev |= vs_handle(s);
		if (!until_dead && ev)
			break;
	}
	return ev;
}

static void test_good_worker(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1 << 20);
	state_msg(&b, VP_LIVE, 64, 48, "live");
	struct vp_frame f = {.seq = 7, .cols = 2, .rows = 1, .fb_w = 64, .fb_h = 48};
	uint8_t px[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9};
	uint8_t body[sizeof f + sizeof px];
	memcpy(body, &f, sizeof f);
	memcpy(body + sizeof f, px, sizeof px);
	msg(&b, VP_MAGIC, VP_FRAME, body, sizeof body, sizeof body);
	struct vnc_session *s = start(&b, "exit 0");
	assert_int_equal(vs_state(s), VS_CONNECTING);
	vs_set_grid(s, 40, 12, 2000);
	vs_set_grid(s, 40, 12, 2000); /* unchanged: not sent again */
	int ev = pump(s, 1000, false);
	while (!vs_frame(s) && vs_fd(s) >= 0)
		ev |= pump(s, 1000, false);
	assert_true(ev & VS_EV_STATE);
	const struct vs_frame *fr = vs_frame(s);
	assert_non_null(fr);
	assert_int_equal(fr->seq, 7);
	assert_int_equal(fr->cols, 2);
	assert_int_equal(fr->rows, 1);
	assert_memory_equal(fr->px, px, sizeof px);
	int w, h;
	vs_fb_size(s, &w, &h);
	assert_int_equal(w, 64);
	assert_int_equal(h, 48);
	/* main's one VP_GRID reached the worker's stdin */
	struct vp_hdr hh;
	struct vp_grid g;
	for (int i = 0; i < 200; i++) {
		struct stat sb;
		if (stat(in_path, &sb) == 0 && sb.st_size >= (off_t)(sizeof hh + sizeof g))
			break;
		usleep(10000);
	}
	FILE *in = fopen(in_path, "rb");
	assert_non_null(in);
	assert_int_equal(fread(&hh, 1, sizeof hh, in), sizeof hh);
	assert_int_equal(fread(&g, 1, sizeof g, in), sizeof g);
	assert_int_equal(fgetc(in), EOF);
	fclose(in);
	assert_int_equal(hh.magic, VP_MAGIC);
	assert_int_equal(hh.type, VP_GRID);
	assert_int_equal(g.cols, 40);
	assert_int_equal(g.rows, 12);
	assert_int_equal(g.fps_milli, 2000);
	/* the worker got an empty environment (the shell adds only its PWD) */
	FILE *env = fopen(env_path, "r");
	assert_non_null(env);
	char line[256];
	while (fgets(line, sizeof line, env))
		if (strncmp(line, "PWD=", 4) != 0)
			fail_msg("the worker's environment has %s", line);
	fclose(env);
	/* closing stdin ends it: exit 0 */
	vs_free(s);
	buf_free(&b);
}

/* Each broken message kills the worker with a reason; none is applied. */
static void test_broken_messages(void **state)
{
	(void)state;
	struct {
		const char *what, *reason;
		uint32_t magic;
		uint16_t type;
		uint32_t len, claimed;
		struct vp_frame f;
		bool shot;
	} cases[] = {
		{"bad magic", "bad header", 0x12345678, VP_STATE, 0, 0, {0}, false},
		{"unknown type", "bad header", VP_MAGIC, 99, 0, 0, {0}, false},
		{"main's own type", "bad header", VP_MAGIC, VP_GRID, 0, 0, {0}, false},
		{"state too long", "bad header", VP_MAGIC, VP_STATE, 0, 100000, {0}, false},
		{"frame over the cap", "bad header", VP_MAGIC, VP_FRAME, 0, 0x7fffffff, {0}, false},
		{"frame of no cells", "bad message", VP_MAGIC, VP_FRAME, sizeof(struct vp_frame), sizeof(struct vp_frame),
			{.cols = 0, .rows = 1, .fb_w = 8, .fb_h = 8}, false},
		{"frame size mismatch", "bad message", VP_MAGIC, VP_FRAME, sizeof(struct vp_frame) + 6, sizeof(struct vp_frame) + 6,
			{.cols = 2, .rows = 1, .fb_w = 8, .fb_h = 8}, false},
		{"frame of a huge desktop", "bad message", VP_MAGIC, VP_FRAME, sizeof(struct vp_frame) + 6, sizeof(struct vp_frame) + 6,
			{.cols = 1, .rows = 1, .fb_w = 65535, .fb_h = 8}, false},
		{"shot of a huge desktop", "bad message", VP_MAGIC, VP_SHOT, 8, 8, {0}, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;
		buf_init(&b, 1 << 20);
		uint8_t body[sizeof(struct vp_frame) + 64] = {0};
		if (cases[i].shot) {
			struct vp_shot sh = {.w = 5000, .h = 1};
			memcpy(body, &sh, sizeof sh);
		} else {
			memcpy(body, &cases[i].f, sizeof cases[i].f);
		}
		msg(&b, cases[i].magic, cases[i].type, body, cases[i].len, cases[i].claimed);
		struct vnc_session *s = start(&b, "/bin/sleep 5");
		pump(s, 3000, true);
		assert_int_equal(vs_state(s), VS_DEAD);
		if (!strstr(vs_reason(s), cases[i].reason))
			fail_msg("%s: reason \"%s\"", cases[i].what, vs_reason(s));
		assert_null(vs_frame(s));
		vs_free(s);
		buf_free(&b);
	}
	/* a state with no width but a height (tests/fuzz: the height went
	 * unchecked and came out of vs_fb_size as 7536640, or negative) */
	const uint32_t heights[] = {7536640, 0xffffffffu, 1};
	for (size_t i = 0; i < sizeof heights / sizeof *heights; i++) {
		struct buf b;
		buf_init(&b, 1 << 20);
		state_msg(&b, VP_LIVE, 0, heights[i], "live");
		struct vnc_session *s = start(&b, "/bin/sleep 5");
		pump(s, 3000, true);
		assert_int_equal(vs_state(s), VS_DEAD);
		if (!strstr(vs_reason(s), "bad message"))
			fail_msg("height %u: reason \"%s\"", heights[i], vs_reason(s));
		int w = -1, h = -1;
		vs_fb_size(s, &w, &h);
		assert_int_equal(w, 0);
		assert_int_equal(h, 0);
		vs_free(s);
		buf_free(&b);
	}
}

static void say_failed(struct buf *b)
{
	state_msg(b, VP_FAILED, 0, 0, "desktop 65535x65535 is larger than 4096x4096");
}

static void say_nothing(struct buf *b)
{
	(void)b;
}

static void say_half(struct buf *b)
{
	struct vp_hdr h = {.magic = VP_MAGIC, .type = VP_STATE, .len = sizeof(struct vp_state)};
	buf_append(b, &h, sizeof h);
	buf_append(b, "half", 4);
}

/* Why a worker ended: its own word (the whole reason), its signal, or a
 * cut message (found in the reason). */
static const struct ending {
	void (*say)(struct buf *b); /* what the worker wrote */
	const char *script;         /* then how it ended */
	int ms;
	const char *reason;
	bool exact;
} endings[] = {
	{say_failed, "exec 0<&-; exit 1", 3000, "desktop 65535x65535 is larger than 4096x4096", true},
	{say_nothing, "kill -SYS $$", 4000, "signal 31 (SIGSYS)", false},
	{say_half, "exit 0", 4000, "middle of a message", false},
};

static void test_endings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof endings / sizeof *endings; i++) {
		const struct ending *k = &endings[i];
		struct buf b;
		buf_init(&b, 1 << 20);
		k->say(&b);
		struct vnc_session *s = start(&b, k->script);
		pump(s, k->ms, true);
		assert_int_equal(vs_state(s), VS_DEAD);
		if (k->exact ? strcmp(vs_reason(s), k->reason) != 0 : !strstr(vs_reason(s), k->reason))
			fail_msg("%s: reason \"%s\", want \"%s\"", k->script, vs_reason(s), k->reason);
		vs_free(s);
		buf_free(&b);
	}
	vs_free(NULL); /* harmless */
}

static void test_label(void **state)
{
	(void)state;
	struct desk_endpoint ep;
	struct err e;
	assert_int_equal(desk_parse_label(NULL, &ep, &e), 0);
	assert_int_equal(ep.kind, DESK_NONE);
	assert_int_equal(desk_parse_label("none", &ep, &e), 0);
	assert_int_equal(ep.kind, DESK_NONE);
	assert_int_equal(desk_parse_label("exec", &ep, &e), 0);
	assert_int_equal(ep.kind, DESK_EXEC);
	assert_int_equal(ep.port, 5900);
	assert_int_equal(desk_parse_label("exec:5901", &ep, &e), 0);
	assert_int_equal(ep.port, 5901);
	assert_int_equal(desk_parse_label("tcp:1", &ep, &e), 0);
	assert_int_equal(ep.kind, DESK_TCP);
	assert_int_equal(ep.port, 1);
	assert_int_equal(desk_parse_label("unix:/run/vnc/sock", &ep, &e), 0);
	assert_int_equal(ep.kind, DESK_UNIX);
	assert_string_equal(ep.path, "/run/vnc/sock");
	const char *bad[] = {"exec:0", "exec:65536", "tcp:", "tcp:59a", "tcp:-1", "execx", "unix:", "unix:rel/sock",
		"unix:/a b", "unix:/a\x1b[2J", "vnc://x", "", "tcp:+5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (desk_parse_label(bad[i], &ep, &e) == 0)
			fail_msg("label \"%s\" accepted", bad[i]);
		assert_int_equal(ep.kind, DESK_NONE);
		assert_non_null(strstr(e.msg, "sandtop.vnc"));
		assert_null(strchr(e.msg, '\x1b'));
	}
	char buf[160];
	const char *argv[5];
	desk_exec_argv(5901, buf, sizeof buf, argv);
	assert_string_equal(argv[0], "bash");
	assert_string_equal(argv[1], "-c");
	assert_non_null(strstr(argv[2], "/dev/tcp/127.0.0.1/5901"));
	assert_non_null(strstr(argv[2], "kill $!"));
	assert_null(argv[3]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_worker),
		cmocka_unit_test(test_broken_messages),
		cmocka_unit_test(test_endings),
		cmocka_unit_test(test_label),
	};
	return cmocka_run_group_tests_name("vnc_session", tests, setup, teardown);
}
