/* logs_stream: a container's stdout and stderr as lines, followed live (GET /containers/ID/logs?follow=1), cancellable. */
#ifndef DOCKER_LOGS_STREAM_H
#define DOCKER_LOGS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct dk_client;
struct dk_logs_stream;

/* Line caps (raw bytes, without the timestamp): the default, and the
 * range dk_logs_opts.line_max is clamped to. */
#define DK_LOGS_LINE_DEFAULT 8192
#define DK_LOGS_LINE_MIN 64
#define DK_LOGS_LINE_CAP (1u << 20)

enum dk_log_stream_kind { DK_LOG_STDOUT = 1, DK_LOG_STDERR = 2, DK_LOG_ENGINE = 3 };

/* One line as the engine sent it. Valid for the callback only. */
struct dk_log_line {
	int stream;          /* enum dk_log_stream_kind; DK_LOG_STDOUT for every line of a tty container */
	const char *ts;      /* the engine's RFC 3339 timestamp ("2026-01-01T00:00:00.123456789Z"), "" without */
	size_t ts_len;
	const char *text;    /* untrusted raw bytes (sanitize before showing), without its '\n' (nor a '\r' before it) */
	size_t len;          /* <= line_max */
	bool cut;            /* the line was longer: text is its first bytes (cut on a character boundary), the rest was dropped */
	bool unterminated;   /* the stream ended before this line's '\n' */
};

/* Why a stream ended (the end callback's why). */
enum dk_logs_end {
	DK_LOGS_EOF,        /* the engine ended it: the whole log was sent (no follow), or the
	                     * container stopped (follow) */
	DK_LOGS_FAILED,     /* it never opened: e says why (ERR_NOTFOUND no such container,
	                     * ERR_TRANSPORT the engine cannot be reached, ...) */
	DK_LOGS_LOST,       /* the connection broke after it opened: the engine went away (e) */
	DK_LOGS_BROKEN,     /* the engine's frames made no sense (e, ERR_PARSE) */
	DK_LOGS_CANCELLED,  /* dk_logs_stream_cancel */
};

struct dk_logs_opts {
	bool follow;         /* follow=1: go on as the container writes */
	bool timestamps;     /* timestamps=1: each line gets the engine's timestamp (ts) */
	const char *since;   /* the engine's since= ("1700000000.000000000", see dk_logs_since),
	                      * NULL: from the start */
	long tail;           /* the last N lines of the past (>= 0), -1: all of it */
	size_t line_max;     /* 0: DK_LOGS_LINE_DEFAULT */
};

/* The callbacks, each from dk_client_dispatch (or run), never from the
 * call that opens the stream. open: the engine started sending (tty: the
 * container has a tty, its stdout and stderr are one stream). line: one
 * line. end: exactly once, last (the stream is freed right after it
 * returns; e is NULL for EOF and CANCELLED). None of them is called after
 * dk_client_free. */
struct dk_logs_cbs {
	void (*open)(void *ud, bool tty);
	void (*line)(void *ud, const struct dk_log_line *l);
	void (*end)(void *ud, enum dk_logs_end why, const struct err *e);
};

/* GET /containers/ID/json (for Config.Tty), then GET
 * /containers/ID/logs?stdout=1&stderr=1[&follow=1][&timestamps=1][&since=T][&tail=N]
 * as a stream (no total timeout; the inspect times out after
 * DK_ACTION_TIMEOUT_MS). The engine's frames are demultiplexed by one
 * parser (docker/logparse.h, shared with dk_logs): lines of stdout and
 * stderr never mix, each is capped at line_max bytes, and the memory held
 * is a few line_max buffers whatever the engine sends. id: a name or id
 * (escaped; empty or over 256 bytes: end with DK_LOGS_FAILED, ERR_USAGE).
 * Engine 20.10: follow on a stopped container sends the past and ends
 * (EOF); on a paused one the past, then it waits; on one frozen behind the
 * engine's back the past, then nothing. Returns the handle, valid until end
 * has returned; cbs and ud are kept. */
struct dk_logs_stream *dk_logs_stream_open(struct dk_client *c, const char *id, const struct dk_logs_opts *o,
                                           const struct dk_logs_cbs *cbs, void *ud);
/* End s now: end is called with DK_LOGS_CANCELLED before this returns (no
 * line after), and s is freed (from inside line: once line returns). At
 * any stage, and from inside line; not from open, nor from end or after it
 * (s is gone once end returns). */
void dk_logs_stream_cancel(struct dk_logs_stream *s);

/* The engine's since= value for what a user typed, as the docker CLI takes
 * it: a duration back from now_ms ("90s", "10m", "1h30m", "1.5h"; units
 * ns us ms s m h), a unix time ("1700000000", "1700000000.5"), or an RFC
 * 3339 time ("2026-01-02T15:04:05Z", "...05.123+01:00"; without a zone
 * it is local time; a date alone "2026-01-02" is its local midnight).
 * Writes "SECONDS.NANOSECONDS" into out. Returns 0, or -1 with e
 * (ERR_USAGE, the text quoted sanitized) for anything else. */
int dk_logs_since(const char *s, int64_t now_ms, char *out, size_t n, struct err *e);

#endif
