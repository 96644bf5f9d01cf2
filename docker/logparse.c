/* logparse: the engine's log stream (8-byte frames, or a tty's raw bytes) cut into lines per stream, in bounded pieces. */
#include "docker/logparse.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* The longest timestamp taken as one ("2026-01-01T00:00:00.123456789+01:00"). */
#define LP_TS_MAX 40
#define LP_TS_MIN 20

void dk_lp_init(struct dk_logparse *p, bool tty, bool timestamps, size_t piece_max, dk_lp_fn fn, void *ud)
{
	memset(p, 0, sizeof *p);
	p->tty = tty;
	p->timestamps = timestamps;
	p->piece_max = piece_max < DK_LP_PIECE_MIN ? DK_LP_PIECE_MIN : piece_max;
	p->fn = fn;
	p->ud = ud;
	dk_mux_init(&p->mux, DK_LP_FRAME_MAX);
}

void dk_lp_free(struct dk_logparse *p)
{
	for (size_t i = 0; i < sizeof p->line / sizeof p->line[0]; i++) {
		free(p->line[i].buf);
		p->line[i].buf = NULL;
		p->line[i].len = 0;
	}
}

/* The length of the engine's timestamp at the start of s (followed by a
 * space), or 0: digits, '-', 'T', ':', '.', 'Z', '+' only. */
static size_t ts_len(const char *s, size_t n)
{
	if (n < LP_TS_MIN + 1 || s[4] != '-' || s[10] != 'T')
		return 0;
	for (size_t i = 0; i < n && i <= LP_TS_MAX; i++) {
		char ch = s[i];
		if (ch == ' ')
			return i >= LP_TS_MIN ? i : 0;
		if (!((ch >= '0' && ch <= '9') || ch == '-' || ch == 'T' || ch == ':' || ch == '.' || ch == 'Z' || ch == '+'))
			return 0;
	}
	return 0;
}

/* Hand bytes [0, k) of stream s's line to fn as one piece. */
static void emit(struct dk_logparse *p, int s, size_t k, bool last, bool unterminated)
{
	struct dk_lp_line *l = &p->line[s];
	struct dk_lp_piece pc = {.stream = s, .text = l->buf, .len = k, .first = !l->started, .last = last,
	                         .unterminated = unterminated};
	if (pc.first && p->timestamps) {
		pc.ts_len = ts_len(l->buf, k);
		if (pc.ts_len) {
			pc.ts = l->buf;
			pc.text = l->buf + pc.ts_len + 1;
			pc.len = k - pc.ts_len - 1;
		}
	}
	p->fn(p->ud, &pc);
	l->started = !last;
	memmove(l->buf, l->buf + k, l->len - k);
	l->len -= k;
}

/* Where a full buffer is cut: before a UTF-8 character that has not ended
 * (at most 3 bytes back), else at its end. */
static size_t cut_point(const struct dk_lp_line *l)
{
	size_t k = l->len;
	for (size_t back = 1; back <= 3 && back <= l->len; back++) {
		unsigned char ch = (unsigned char)l->buf[l->len - back];
		if ((ch & 0xc0) == 0x80)
			continue;              /* a continuation byte: look further back */
		size_t need = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
		if (need > back && back < l->len)
			k = l->len - back;     /* the character is not complete: it goes next */
		break;
	}
	return k;
}

/* Payload bytes of stream s: cut into lines and pieces. */
static void take(struct dk_logparse *p, int s, const char *d, size_t n)
{
	struct dk_lp_line *l = &p->line[s];
	if (!l->buf)
		l->buf = xmalloc(p->piece_max);
	while (n > 0) {
		const char *nl = memchr(d, '\n', n);
		size_t upto = nl ? (size_t)(nl - d) : n;
		size_t room = p->piece_max - l->len;
		size_t k = upto < room ? upto : room;
		memcpy(l->buf + l->len, d, k);
		l->len += k;
		d += k;
		n -= k;
		if (k == upto && nl) {
			emit(p, s, l->len, true, false);
			d++;    /* the '\n' */
			n--;
		} else if (l->len == p->piece_max) {
			emit(p, s, cut_point(l), false, false);
		}
	}
}

/* The first bytes of a frame that goes on with a line: held until the
 * timestamp's space, the hold is full, or the frame ends; a timestamp is
 * dropped, anything else is the line's text. Returns the bytes of d used. */
static size_t drop_ts(struct dk_logparse *p, int s, const char *d, size_t n, bool frame_ends)
{
	size_t used = 0;
	bool space = false;
	while (used < n && p->ts_held < sizeof p->ts_hold && !space) {
		p->ts_hold[p->ts_held++] = d[used];
		space = d[used++] == ' ';
	}
	if (!space && p->ts_held < sizeof p->ts_hold && !(frame_ends && used == n))
		return used;   /* more to come */
	p->ts_drop = false;
	size_t t = space ? ts_len(p->ts_hold, p->ts_held) : 0;
	if (!t)
		take(p, s, p->ts_hold, p->ts_held);
	p->ts_held = 0;
	return used;
}

int dk_lp_feed(struct dk_logparse *p, const char *data, size_t n)
{
	if (p->bad)
		return -1;
	p->taken += n;
	if (p->tty) {
		take(p, 1, data, n);
		return 0;
	}
	const unsigned char *u = (const unsigned char *)data;
	while (n > 0) {
		size_t span;
		enum dk_mux_kind k = dk_mux_next(&p->mux, u, n, &span);
		if (k == DK_MUX_BAD_STREAM || k == DK_MUX_BAD_SIZE) {
			p->bad = true;
			return -1;
		}
		if (k == DK_MUX_HEADER) {
			struct dk_lp_line *l = &p->line[p->mux.stream > 0 ? p->mux.stream : 0];
			if (p->mux.hlen == 0) {   /* a header ended: does its frame go on with a line? */
				p->ts_drop = p->timestamps && (l->len > 0 || l->started);
				p->ts_held = 0;
			}
		} else {
			size_t used = 0;
			if (p->ts_drop)
				used = drop_ts(p, p->mux.stream, (const char *)u, span, span == p->mux.left);
			take(p, p->mux.stream, (const char *)u + used, span - used);
			dk_mux_took(&p->mux, span);
		}
		u += span;
		n -= span;
	}
	return 0;
}

bool dk_lp_finish(struct dk_logparse *p)
{
	if (p->ts_drop && p->ts_held > 0 && p->mux.stream > 0)
		take(p, p->mux.stream, p->ts_hold, p->ts_held);   /* it ended inside: the bytes are text */
	p->ts_drop = false;
	p->ts_held = 0;
	for (int s = 1; s <= 3; s++) {
		struct dk_lp_line *l = &p->line[s];
		if (l->len > 0 || l->started)
			emit(p, s, l->len, true, true);
	}
	return !p->tty && !p->bad && dk_mux_mid_frame(&p->mux);
}
