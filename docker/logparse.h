/* logparse: the engine's log stream (8-byte frames, or a tty's raw bytes) cut into lines per stream (internal to docker/). */
#ifndef DOCKER_LOGPARSE_H
#define DOCKER_LOGPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "docker/tunnel/mux.h"

/* The smallest piece a line is delivered in (a timestamp fits with room). */
#define DK_LP_PIECE_MIN 64
/* Frames over this size mean the framing was lost (the engine's log
 * messages are at most 16 KiB plus a timestamp; attach streams more). */
#define DK_LP_FRAME_MAX (1u << 20)
/* Room for a frame's leading timestamp and its space. */
#define DK_LP_TS_HOLD 48

/* A piece of one line of one stream. A line is delivered once it is
 * complete ('\n', not included), or in several pieces of at most piece_max
 * bytes when it is longer (first on the first, last on the last; a line
 * that fits is one piece with both set). Pieces are cut on a UTF-8
 * character boundary when the bytes allow it (never more than 3 bytes
 * early). Every byte is passed on, raw (untrusted: sanitize to show). */
struct dk_lp_piece {
	int stream;         /* 1 stdout, 2 stderr, 3 the engine's own text; 1 for a tty */
	const char *ts;     /* first piece, timestamps on: the engine's timestamp
	                     * ("2026-01-01T00:00:00.123456789Z"), without its space */
	size_t ts_len;      /* 0 when none (also when the line does not start with one) */
	const char *text;   /* the piece, without the timestamp and its space */
	size_t len;
	bool first, last;
	bool unterminated;  /* last piece of a line the stream ended inside */
};
typedef void (*dk_lp_fn)(void *ud, const struct dk_lp_piece *p);

/* The parser's state: a frame reader and, per stream, the line being
 * assembled (at most piece_max bytes each, so memory is bounded by 3 *
 * piece_max whatever the engine sends). A line of one stream cut by a frame
 * of another goes on when its stream's next frame comes: lines of
 * different streams never mix. */
struct dk_logparse {
	bool tty, timestamps;
	size_t piece_max;
	dk_lp_fn fn;
	void *ud;
	struct dk_mux mux;
	struct dk_lp_line {
		char *buf;          /* piece_max bytes once used */
		size_t len;
		bool started;       /* a piece of this line went out already */
	} line[4];              /* by stream number */
	/* timestamps on: a frame that goes on with a line of its stream (a
	 * partial message: Podman sends a write without '\n' as one, the engine
	 * a message over 16 KiB) starts with a timestamp of its own, dropped
	 * here; its first bytes are held until the timestamp's space */
	bool ts_drop;
	char ts_hold[DK_LP_TS_HOLD];
	size_t ts_held;
	bool bad;               /* the framing was lost: nothing more is taken */
	size_t taken;           /* bytes fed */
};

/* Start a parser: tty (raw bytes, one stream) or frames; timestamps: the
 * engine was asked for them (each line starts "TIMESTAMP "); piece_max is
 * raised to DK_LP_PIECE_MIN. fn is called for every piece, from the feed or
 * finish call. */
void dk_lp_init(struct dk_logparse *p, bool tty, bool timestamps, size_t piece_max, dk_lp_fn fn, void *ud);
/* Take n bytes of the stream (any split: a frame header or a UTF-8
 * character may be cut anywhere). Returns 0, or -1 once the framing is lost
 * (a frame of an unknown stream or over DK_LP_FRAME_MAX bytes): the pieces
 * before it went out, nothing after it is taken (p->bad). */
int dk_lp_feed(struct dk_logparse *p, const char *data, size_t n);
/* The stream ended: each stream's unfinished line goes out (unterminated).
 * Returns true when it ended inside a frame (header or payload). */
bool dk_lp_finish(struct dk_logparse *p);
/* Free the line buffers (p can be initialized again). */
void dk_lp_free(struct dk_logparse *p);

#endif
