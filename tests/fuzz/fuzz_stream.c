/* fuzz_stream: the engine's multiplexed stream framing (docker/tunnel/mux.c) and the log stream cut into lines (docker/logparse.c), fed in pieces of any size; what comes out must be exactly the payload a plain reading of the frames gives (with timestamps: no more than it). */
#include "tests/fuzz/fuzz.h"

#include "base/buf.h"
#include "docker/logparse.h"
#include "docker/tunnel/mux.h"

/* Input: byte 0 flags (1 tty, 2 timestamps), byte 1 piece size, bytes
 * 2-3 seed of the chunk sizes, then the stream. */

struct grow {
	char *p;
	size_t len, cap;
};

static void put(struct grow *g, const void *p, size_t n)
{
	if (g->len + n > g->cap) {
		g->cap = (g->len + n) * 2 + 64;
		g->p = xrealloc(g->p, g->cap);
	}
	if (n)
		memcpy(g->p + g->len, p, n);
	g->len += n;
}

struct seen {
	struct grow out[4];
	bool started[4];
	size_t piece_max;
	bool tty;
};

static void on_piece(void *ud, const struct dk_lp_piece *pc)
{
	struct seen *s = ud;
	if (pc->stream < 1 || pc->stream > 3 || (s->tty && pc->stream != 1))
		abort();
	if (pc->len + (pc->ts_len ? pc->ts_len + 1 : 0) > s->piece_max)
		abort();
	if (pc->first != !s->started[pc->stream])
		abort();
	if ((pc->ts_len && !pc->first) || (pc->unterminated && !pc->last))
		abort();
	s->started[pc->stream] = !pc->last;
	struct grow *g = &s->out[pc->stream];
	if (pc->ts_len) {
		put(g, pc->ts, pc->ts_len);
		put(g, " ", 1);
	}
	put(g, pc->text, pc->len);
	if (pc->last && !pc->unterminated)
		put(g, "\n", 1);
}

/* The frames read the plain way: payload per stream until the end, a cut
 * frame or a header that is not one. */
static void reference(const uint8_t *p, size_t n, uint32_t max, struct grow ref[4], bool *bad)
{
	*bad = false;
	while (n >= 8) {
		uint32_t size = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
		if (p[0] < 1 || p[0] > 3 || p[1] || p[2] || p[3] || size > max) {
			*bad = true;
			return;
		}
		size_t k = size < n - 8 ? size : n - 8;
		put(&ref[p[0]], p + 8, k);
		p += 8 + k;
		n -= 8 + k;
	}
}

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void logparse(const uint8_t *d, size_t n, uint8_t flags, uint8_t psize, uint32_t seed)
{
	struct seen s = {.tty = flags & 1};
	struct dk_logparse lp;
	dk_lp_init(&lp, flags & 1, flags & 2, (size_t)psize * 7, on_piece, &s);
	s.piece_max = lp.piece_max;
	uint32_t x = seed | 1;
	size_t off = 0;
	while (off < n) {
		size_t k = 1 + next_rand(&x) % 97;
		if (k > n - off)
			k = n - off;
		char *chunk = fz_exact(d + off, k);
		int rc = dk_lp_feed(&lp, chunk, k);
		free(chunk);
		off += k;
		if (rc < 0)
			break;
	}
	dk_lp_finish(&lp);
	dk_lp_free(&lp);
	struct grow ref[4] = {{0}};
	bool bad = false;
	if (flags & 1)
		put(&ref[1], d, n);
	else
		reference(d, n, DK_LP_FRAME_MAX, ref, &bad);
	/* with timestamps, a frame that goes on with a line starts with a
	 * timestamp of its own, which the parser drops: fewer bytes come out */
	bool drops = (flags & 2) && !(flags & 1);
	for (int i = 1; i <= 3; i++) {
		if (drops ? s.out[i].len > ref[i].len
		          : ref[i].len != s.out[i].len || (ref[i].len && memcmp(ref[i].p, s.out[i].p, ref[i].len))) {
			fprintf(stderr, "stream %d: %zu bytes out, %zu in the frames\n", i, s.out[i].len, ref[i].len);
			abort();
		}
		free(ref[i].p);
		free(s.out[i].p);
	}
}

static void mux(const uint8_t *d, size_t n, uint32_t max, uint32_t seed)
{
	struct dk_mux m;
	dk_mux_init(&m, max);
	struct grow got[4] = {{0}}, ref[4] = {{0}};
	uint32_t x = seed | 1;
	size_t off = 0;
	bool bad = false;
	while (off < n) {
		size_t avail = 1 + next_rand(&x) % 23;
		if (avail > n - off)
			avail = n - off;
		size_t span;
		enum dk_mux_kind k = dk_mux_next(&m, d + off, avail, &span);
		if (span > avail)
			abort();
		if (k == DK_MUX_BAD_STREAM || k == DK_MUX_BAD_SIZE) {
			if (span)
				abort();
			bad = true;
			break;
		}
		if (k == DK_MUX_HEADER) {
			if (!span)
				abort();
			off += span;
			continue;
		}
		/* the reader may take fewer (its buffer is full) */
		size_t take = span ? 1 + next_rand(&x) % span : 0;
		put(&got[k == DK_MUX_STDOUT ? 1 : m.stream], d + off, take);
		dk_mux_took(&m, take);
		off += take;
	}
	bool rbad;
	reference(d, n, max, ref, &rbad);
	if (bad != rbad)
		abort();
	for (int i = 1; i <= 3; i++) {
		if (ref[i].len != got[i].len || (ref[i].len && memcmp(ref[i].p, got[i].p, ref[i].len)))
			abort();
		free(ref[i].p);
		free(got[i].p);
	}
	(void)dk_mux_mid_frame(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	fz_quiet_log();
	uint32_t seed = (uint32_t)data[2] << 8 | data[3];
	logparse(data + 4, size - 4, data[0], data[1], seed);
	mux(data + 4, size - 4, data[1] & 1 ? 1u << 20 : (uint32_t)data[1] * 16, seed);
	return 0;
}
