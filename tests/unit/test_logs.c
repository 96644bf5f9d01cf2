/* test_logs: the log stream parser as data (every split, interleaved streams, oversized frames, tty, hostile bytes), --since, and the live stream's ends against a fake engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/logparse.h"
#include "docker/logs_stream.h"
#include "tests/unit/helper/call.h"
#include "tests/unit/helper/fake_daemon.h"

/* ---- the parser, as data ---- */

/* What the parser handed out, one piece a line: "S<stream> F|C L|M[u] [ts] |text|". */
struct got {
	struct buf out;
	size_t pieces;
};

static void collect(void *ud, const struct dk_lp_piece *p)
{
	struct got *g = ud;
	buf_printf(&g->out, "%d%c%c%s", p->stream, p->first ? 'F' : 'C', p->last ? 'L' : 'M', p->unterminated ? "u" : "");
	if (p->ts_len)
		buf_printf(&g->out, " [%.*s]", (int)p->ts_len, p->ts);
	buf_printf(&g->out, " |%.*s|\n", (int)p->len, p->text);
	g->pieces++;
}

static void frame(struct buf *b, int stream, const char *p, size_t n)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                      (unsigned char)(n >> 8), (unsigned char)n};
	buf_append(b, h, 8);
	buf_append(b, p, n);
}

/* Parse data[0..n) fed as cuts say (cut offsets, ascending), return what came out (caller frees). */
static char *parse_cut(bool tty, size_t piece_max, const char *data, size_t n, const size_t *cuts, size_t ncuts,
                       int *rc_out)
{
	struct got g;
	memset(&g, 0, sizeof g);
	buf_init(&g.out, 1u << 20);
	struct dk_logparse p;
	dk_lp_init(&p, tty, true, piece_max, collect, &g);
	size_t off = 0;
	int rc = 0;
	for (size_t i = 0; i <= ncuts && rc == 0; i++) {
		size_t end = i < ncuts ? cuts[i] : n;
		if (end > off)
			rc = dk_lp_feed(&p, data + off, end - off);
		off = end;
	}
	if (rc == 0)
		dk_lp_finish(&p);
	dk_lp_free(&p);
	*rc_out = rc;
	buf_puts(&g.out, "");
	return buf_steal(&g.out);
}

static char *parse_all(bool tty, size_t piece_max, const char *data, size_t n)
{
	int rc;
	char *s = parse_cut(tty, piece_max, data, n, NULL, 0, &rc);
	assert_int_equal(rc, 0);
	return s;
}

/* A stdout line cut by a stderr frame, an empty frame, two lines in one
 * frame, a frame boundary inside a UTF-8 character and inside the
 * timestamp, an engine (stream 3) line, and a line the stream ends in. */
static void mixed_stream(struct buf *b)
{
	buf_init(b, 1u << 20);
	frame(b, 1, "2026-01-01T00:00:00.123456789Z hello ", 37);
	frame(b, 2, "2026-01-01T00:00:01Z oops\n", 26);
	frame(b, 1, "w\xc3", 2);      /* "wö": the character is split */
	frame(b, 1, "\xb6rld\n", 5);
	frame(b, 1, "", 0);
	frame(b, 1, "2026-01-01T00:00:02Z two\n2026-01-01T00:00:0", 43);
	frame(b, 1, "3Z three\n", 9);
	frame(b, 3, "2026-01-01T00:00:04Z engine says\n", 33);
	frame(b, 2, "2026-01-01T00:00:05Z tail", 25);
}

static const char mixed_want[] =
	"2FL [2026-01-01T00:00:01Z] |oops|\n"
	"1FL [2026-01-01T00:00:00.123456789Z] |hello w\xc3\xb6rld|\n"
	"1FL [2026-01-01T00:00:02Z] |two|\n"
	"1FL [2026-01-01T00:00:03Z] |three|\n"
	"3FL [2026-01-01T00:00:04Z] |engine says|\n"
	"2FLu [2026-01-01T00:00:05Z] |tail|\n";

static void test_every_split(void **state)
{
	(void)state;
	struct buf b;
	mixed_stream(&b);
	char *whole = parse_all(false, 1024, b.data, b.len);
	assert_string_equal(whole, mixed_want);
	free(whole);
	/* split in two at every byte boundary */
	for (size_t k = 1; k < b.len; k++) {
		int rc;
		char *s = parse_cut(false, 1024, b.data, b.len, &k, 1, &rc);
		assert_int_equal(rc, 0);
		if (strcmp(s, mixed_want) != 0)
			fail_msg("split at %zu:\n%s", k, s);
		free(s);
	}
	/* and one byte at a time */
	size_t *cuts = xcalloc(b.len, sizeof *cuts);
	for (size_t k = 0; k < b.len; k++)
		cuts[k] = k + 1;
	int rc;
	char *s = parse_cut(false, 1024, b.data, b.len, cuts, b.len, &rc);
	assert_string_equal(s, mixed_want);
	free(s);
	free(cuts);
	buf_free(&b);
}

/* A line over piece_max comes in pieces, cut before a character that would
 * not fit, never inside one; every byte arrives. */
static void test_long_line_pieces(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1u << 20);
	struct buf line;
	buf_init(&line, 1u << 20);
	buf_puts(&line, "2026-01-01T00:00:00Z ");
	for (int i = 0; i < 60; i++)
		buf_puts(&line, "\xe2\x82\xac");   /* "€": 3 bytes each */
	buf_puts(&line, "\n");
	frame(&b, 1, line.data, line.len);
	frame(&b, 2, "short\n", 6);
	char *s = parse_all(false, 64, b.data, b.len);
	/* 64 - 21 (timestamp and space) = 43 bytes: 14 whole characters (42) */
	const char *p = s;
	size_t total = 0, pieces = 0;
	while (*p) {
		const char *bar = strchr(p, '|'), *end = strchr(bar + 1, '|');
		size_t n = (size_t)(end - bar - 1);
		if (p[0] == '1' && n % 3)
			fail_msg("a piece of %zu bytes (a character split) in:\n%s", n, s);
		char piece[256];
		snprintf(piece, sizeof piece, "%.*s", (int)n, bar + 1);
		char safe[1024];
		sanitize_text(piece, strlen(piece), safe, sizeof safe);
		assert_null(strstr(safe, "\xef\xbf\xbd"));   /* no U+FFFD: nothing was split */
		if (p[0] == '1')
			total += n;
		pieces++;
		p = strchr(end, '\n') + 1;
	}
	assert_int_equal(total, 180);
	assert_true(pieces >= 4);
	assert_non_null(strstr(s, "1FM [2026-01-01T00:00:00Z] |"));
	assert_non_null(strstr(s, "2FL |short|\n"));
	free(s);
	buf_free(&line);
	buf_free(&b);
}

/* A frame over DK_LP_FRAME_MAX, or of an unknown stream: the framing is
 * lost, what came before is out, nothing after is taken. A big frame under
 * the cap is fine. */
static void test_oversized_frame(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 4u << 20);
	frame(&b, 1, "before\n", 7);
	unsigned char h[8] = {1, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff};
	buf_append(&b, h, 8);
	buf_puts(&b, "after\n");
	int rc;
	char *s = parse_cut(false, 1024, b.data, b.len, NULL, 0, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(s, "1FL |before|\n");
	free(s);
	buf_reset(&b);
	frame(&b, 1, "x\n", 2);
	unsigned char bad[8] = {7, 0, 0, 0, 0, 0, 0, 1};
	buf_append(&b, bad, 8);
	buf_puts(&b, "z");
	s = parse_cut(false, 1024, b.data, b.len, NULL, 0, &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(s, "1FL |x|\n");
	free(s);
	/* 512 KiB in one frame, one line: pieces, every byte */
	buf_reset(&b);
	char *big = xmalloc(512u << 10);
	memset(big, 'a', 512u << 10);
	big[(512u << 10) - 1] = '\n';
	frame(&b, 1, big, 512u << 10);
	struct got g;
	memset(&g, 0, sizeof g);
	buf_init(&g.out, 8u << 20);
	struct dk_logparse p;
	dk_lp_init(&p, false, false, 8192, collect, &g);
	assert_int_equal(dk_lp_feed(&p, b.data, b.len), 0);
	assert_false(dk_lp_finish(&p));
	dk_lp_free(&p);
	assert_int_equal(g.pieces, ((512u << 10) - 1 + 8191) / 8192);
	buf_free(&g.out);
	free(big);
	buf_free(&b);
}

/* A tty: no frames, one stream; its "\r\n" reaches the parser's user whole
 * (the live stream drops the '\r'); the end inside a frame is said. */
static void test_tty_and_short_end(void **state)
{
	(void)state;
	const char tty[] = "2026-01-01T00:00:00Z \x1b[31mred\x1b[0m\r\n2026-01-01T00:00:01Z no end";
	size_t n = sizeof tty - 1;
	for (size_t k = 1; k < n; k++) {
		int rc;
		char *s = parse_cut(true, 1024, tty, n, &k, 1, &rc);
		assert_string_equal(s, "1FL [2026-01-01T00:00:00Z] |\x1b[31mred\x1b[0m\r|\n"
		                       "1FLu [2026-01-01T00:00:01Z] |no end|\n");
		free(s);
	}
	struct buf b;
	buf_init(&b, 4096);
	frame(&b, 1, "whole\n", 6);
	buf_append(&b, "\x01\0\0\0\0\0\0\x10par", 11);   /* 16 announced, 3 sent */
	struct got g;
	memset(&g, 0, sizeof g);
	buf_init(&g.out, 4096);
	struct dk_logparse p;
	dk_lp_init(&p, false, false, 64, collect, &g);
	assert_int_equal(dk_lp_feed(&p, b.data, b.len), 0);
	assert_true(dk_lp_finish(&p));   /* it ended inside a frame */
	dk_lp_free(&p);
	buf_puts(&g.out, "");
	assert_string_equal(g.out.data, "1FL |whole|\n1FLu |par|\n");
	buf_free(&g.out);
	buf_free(&b);
}

/* What a line carries reaches the parser's user raw; shown through the
 * sanitizer no escape, no bidi control and no invalid byte is left. */
static void test_hostile_bytes(void **state)
{
	(void)state;
	static const char line[] = "2026-01-01T00:00:00Z \x1b]0;owned\x07\x1b[2J \xe2\x80\xae" "evil \xff\xfe\xc0\x80 \xc2\x9b" "31m end\n";
	struct buf b;
	buf_init(&b, 4096);
	frame(&b, 2, line, sizeof line - 1);
	char *s = parse_all(false, 1024, b.data, b.len);
	const char *bar = strchr(s, '|');
	assert_non_null(bar);
	const char *end = strrchr(s, '|');
	char raw[256];
	snprintf(raw, sizeof raw, "%.*s", (int)(end - bar - 1), bar + 1);
	assert_memory_equal(raw, "\x1b]0;owned\x07", 10);   /* raw: passed on as sent */
	char *safe = sanitize_dup(raw, strlen(raw));
	assert_null(strchr(safe, '\x1b'));
	assert_null(strchr(safe, '\x07'));
	assert_null(strstr(safe, "\xe2\x80\xae"));        /* U+202E RIGHT-TO-LEFT OVERRIDE */
	assert_null(strstr(safe, "\xc2\x9b"));            /* U+009B CSI */
	assert_non_null(strstr(safe, "\xe2\x90\x9b"));    /* ␛: shown, not obeyed */
	assert_non_null(strstr(safe, "evil"));
	assert_non_null(strstr(safe, " end"));
	for (const unsigned char *p = (const unsigned char *)safe; *p; p++)
		assert_true(*p >= 0x20);
	free(safe);
	free(s);
	buf_free(&b);
}

/* ---- --since ---- */

static void test_since(void **state)
{
	(void)state;
	char out[64];
	struct err e;
	const int64_t now = 1767366245000LL;   /* 2026-01-02T15:04:05Z */
	static const struct {
		const char *since, *want;
	} good[] = {
		{"10m", "1767365645.000000000"},
		{"1h30m", "1767360845.000000000"},
		{"1.5s", "1767366243.500000000"},
		{"250ms", "1767366244.750000000"},
		{"1700000000", "1700000000.000000000"},
		{"1700000000.25", "1700000000.250000000"},
		{"2026-01-02T15:04:05Z", "1767366245.000000000"},
		{"2026-01-02T15:04:05.5+01:00", "1767362645.500000000"},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		if (dk_logs_since(good[i].since, now, out, sizeof out, &e) != 0)
			fail_msg("%s: %s", good[i].since, e.msg);
		assert_string_equal(out, good[i].want);
	}
	/* no zone: local time, as mktime sees it */
	struct tm tm = {.tm_year = 126, .tm_mon = 0, .tm_mday = 2, .tm_isdst = -1};
	char want[64];
	snprintf(want, sizeof want, "%lld.000000000", (long long)mktime(&tm));
	assert_int_equal(dk_logs_since("2026-01-02", now, out, sizeof out, &e), 0);
	assert_string_equal(out, want);
	static const char *const bad[] = {"", "10", "10x", "m", "-5m", "2026-13-01", "2026-01-02T25:00", "yesterday",
		"1e9", "2026-01-02T15:04:05Q", "\x1b[2J", NULL};
	for (size_t i = 0; bad[i]; i++) {
		if (!strcmp(bad[i], "10"))
			continue;   /* a unix time, 10 s after the epoch: fine */
		assert_int_equal(dk_logs_since(bad[i], now, out, sizeof out, &e), -1);
		assert_int_equal(e.code, ERR_USAGE);
		assert_null(strchr(e.msg, '\x1b'));
	}
}

/* ---- the live stream, against a fake engine ---- */
/* The fake is for what the real engine (tests/integration/t_logs.sh) will
 * not produce on demand: a connection cut mid-stream, lines over the cap
 * split across chunks at chosen bytes, a framing error. */

static struct fake_daemon fake;

static void chunk(int fd, const void *p, size_t n)
{
	char h[32];
	int k = snprintf(h, sizeof h, "%zx\r\n", n);
	fake_write_all(fd, h, (size_t)k);
	fake_write_all(fd, p, n);
	fake_write_all(fd, "\r\n", 2);
}

static void serve(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	char name[64] = "", tail[512] = "";
	if (sscanf(req, "%*s /v1.41/containers/%63[^/? ]%511s", name, tail) < 1) {
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
		return;
	}
	if (!strcmp(name, "gone")) {
		fake_respond(fd, 404, "{\"message\":\"No such container: gone\"}");
		return;
	}
	if (!strncmp(tail, "/json", 5)) {
		fake_respond(fd, 200, !strcmp(name, "tty") ? "{\"Config\":{\"Tty\":true}}" : "{\"Config\":{\"Tty\":false}}");
		return;
	}
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
	                           "Transfer-Encoding: chunked\r\n\r\n";
	fake_write_all(fd, head, strlen(head));
	struct buf b;
	buf_init(&b, 1u << 20);
	if (!strcmp(name, "tty")) {
		chunk(fd, "2026-01-01T00:00:00Z a\r\n2026-01-01T00:00:01Z b\r\n", 48);
	} else {
		frame(&b, 1, "2026-01-01T00:00:00Z one\n", 25);
		frame(&b, 2, "2026-01-01T00:00:01Z two\n", 25);
		char lng[300];
		memset(lng, 'x', sizeof lng);
		memcpy(lng, "2026-01-01T00:00:02Z ", 21);
		lng[sizeof lng - 1] = '\n';
		frame(&b, 1, lng, 150);           /* a line over the cap of 64, in two frames */
		frame(&b, 1, lng + 150, 150);
		frame(&b, 1, "2026-01-01T00:00:03Z after\n", 27);
		chunk(fd, b.data, 30);            /* inside the second frame */
		fake_pause_ms(20);
		chunk(fd, b.data + 30, b.len - 30);
	}
	if (!strcmp(name, "cut")) {
		/* the engine goes away: a chunk announced, half of it sent */
		fake_write_all(fd, "40\r\n\x01\0\0", 7);
		buf_free(&b);
		return;
	}
	if (!strcmp(name, "silent")) {
		fake_pause_ms(30000);             /* a paused container: nothing more */
	} else if (!strcmp(name, "broken")) {
		chunk(fd, "\x09\0\0\0\0\0\0\x01z", 9);
	}
	fake_write_all(fd, "0\r\n\r\n", 5);
	buf_free(&b);
}

struct sres {
	struct buf lines;
	int opens, ends, nlines;
	bool tty;
	enum dk_logs_end why;
	struct err e;
	int cancel_at;            /* cancel from inside the nth line (0: never) */
	struct dk_logs_stream *st;
};

static void s_open(void *ud, bool tty)
{
	struct sres *r = ud;
	r->opens++;
	r->tty = tty;
}

static void s_line(void *ud, const struct dk_log_line *l)
{
	struct sres *r = ud;
	assert_int_equal(r->ends, 0);
	r->nlines++;
	buf_printf(&r->lines, "%d %.*s |%.*s|%s%s\n", l->stream, (int)l->ts_len, l->ts, (int)l->len, l->text,
		l->cut ? " cut" : "", l->unterminated ? " unterminated" : "");
	if (r->cancel_at && r->nlines == r->cancel_at)
		dk_logs_stream_cancel(r->st);
}

static void s_end(void *ud, enum dk_logs_end why, const struct err *e)
{
	struct sres *r = ud;
	r->ends++;
	r->why = why;
	if (e)
		r->e = *e;
}

/* How long a stream may take to end: its ending comes at once when the
 * machine is free; under valgrind (make valgrind) on a loaded machine it
 * took more than 5 s. */
#define STREAM_WAIT_MS 20000

/* Open a stream on name and drive the client until it ends (or ms pass). */
static void stream_run(struct dk_client *c, const char *name, const struct dk_logs_opts *o, struct sres *r, int ms)
{
	struct dk_logs_cbs cbs = {.open = s_open, .line = s_line, .end = s_end};
	buf_init(&r->lines, 1u << 20);
	r->st = dk_logs_stream_open(c, name, o, &cbs, r);
	assert_int_equal(r->ends, 0);   /* never from the call itself */
	int64_t end = clock_mono_ms() + ms;
	while (r->ends == 0 && clock_mono_ms() < end)
		call_turn(c, 50);
	buf_puts(&r->lines, "");
}

static const char lines_want[] =
	"1 2026-01-01T00:00:00Z |one|\n"
	"2 2026-01-01T00:00:01Z |two|\n"
	"1 2026-01-01T00:00:02Z |xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx| cut\n"
	"1 2026-01-01T00:00:03Z |after|\n";

static void test_stream_lines_and_eof(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	fake_drain(&fake);
	struct sres r = {0};
	struct dk_logs_opts o = {.follow = true, .timestamps = true, .since = "1700000000.000000000", .tail = 100,
	                         .line_max = 64};
	stream_run(c, "ok", &o, &r, STREAM_WAIT_MS);
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.why, DK_LOGS_EOF);
	assert_int_equal(r.opens, 1);
	assert_false(r.tty);
	assert_string_equal(r.lines.data, lines_want);
	char *req = fake_next_request(&fake, 2000);
	assert_string_equal(req, "GET /v1.41/containers/ok/json\n");
	free(req);
	req = fake_next_request(&fake, 2000);
	assert_string_equal(req, "GET /v1.41/containers/ok/logs?stdout=1&stderr=1&follow=1&timestamps=1"
	                         "&since=1700000000.000000000&tail=100\n");
	free(req);
	buf_free(&r.lines);
	/* a tty: one stream, "\r\n" ends a line; no follow, no timestamps, all */
	struct sres t = {0};
	struct dk_logs_opts to = {.tail = -1};
	stream_run(c, "tty", &to, &t, STREAM_WAIT_MS);
	assert_int_equal(t.why, DK_LOGS_EOF);
	assert_true(t.tty);
	assert_string_equal(t.lines.data, "1  |2026-01-01T00:00:00Z a|\n1  |2026-01-01T00:00:01Z b|\n");
	fake_drain(&fake);
	buf_free(&t.lines);
	dk_client_free(c);
}

/* The engine went away mid-stream; no such container; a bad id; lost framing. */
static void test_stream_failures(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct dk_logs_opts o = {.follow = true, .timestamps = true, .tail = -1, .line_max = 64};
	struct sres r = {0};
	stream_run(c, "cut", &o, &r, STREAM_WAIT_MS);
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.why, DK_LOGS_LOST);
	assert_int_equal(r.e.code, ERR_TRANSPORT);
	assert_string_equal(r.lines.data, lines_want);   /* what came before is there */
	buf_free(&r.lines);
	struct sres g = {0};
	stream_run(c, "gone", &o, &g, STREAM_WAIT_MS);
	assert_int_equal(g.why, DK_LOGS_FAILED);
	assert_int_equal(g.e.code, ERR_NOTFOUND);
	assert_int_equal(g.opens, 0);
	buf_free(&g.lines);
	struct sres u = {0};
	stream_run(c, "", &o, &u, STREAM_WAIT_MS);
	assert_int_equal(u.why, DK_LOGS_FAILED);
	assert_int_equal(u.e.code, ERR_USAGE);
	buf_free(&u.lines);
	struct sres b = {0};
	stream_run(c, "broken", &o, &b, STREAM_WAIT_MS);
	assert_int_equal(b.why, DK_LOGS_BROKEN);
	assert_int_equal(b.e.code, ERR_PARSE);
	assert_string_equal(b.lines.data, lines_want);
	buf_free(&b.lines);
	fake_drain(&fake);
	dk_client_free(c);
}

/* Cancel from inside a line (no line after, end once), and while the
 * stream waits on a silent engine (at once, nothing left in flight). */
static void test_stream_cancel(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct dk_logs_opts o = {.follow = true, .timestamps = true, .tail = -1, .line_max = 64};
	struct sres r = {.cancel_at = 2};
	stream_run(c, "ok", &o, &r, STREAM_WAIT_MS);
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.why, DK_LOGS_CANCELLED);
	assert_int_equal(r.nlines, 2);
	/* the transfer ends on the way out: drive the client a little more */
	for (int i = 0; i < 10; i++) {
		call_turn(c, 20);
	}
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.nlines, 2);
	buf_free(&r.lines);
	struct sres s = {0};
	stream_run(c, "silent", &o, &s, 400);
	assert_int_equal(s.ends, 0);        /* open, waiting */
	assert_int_equal(s.nlines, 4);
	dk_logs_stream_cancel(s.st);
	assert_int_equal(s.ends, 1);
	assert_int_equal(s.why, DK_LOGS_CANCELLED);
	buf_free(&s.lines);
	fake_drain(&fake);
	dk_client_free(c);
}

static int setup(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "logs", serve, 0);
}

int main(void)
{
	const struct CMUnitTest parser[] = {
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_long_line_pieces),
		cmocka_unit_test(test_oversized_frame),
		cmocka_unit_test(test_tty_and_short_end),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_since),
	};
	const struct CMUnitTest stream[] = {
		cmocka_unit_test(test_stream_lines_and_eof),
		cmocka_unit_test(test_stream_failures),
		cmocka_unit_test(test_stream_cancel),
	};
	int rc = cmocka_run_group_tests(parser, NULL, NULL);
	return rc + cmocka_run_group_tests(stream, setup, fake_daemon_teardown);
}
