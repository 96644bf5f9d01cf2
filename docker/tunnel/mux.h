/* mux: the engine's 8-byte stream frames, parsed incrementally (internal to docker/). */
#ifndef DOCKER_TUNNEL_MUX_H
#define DOCKER_TUNNEL_MUX_H

#include <stddef.h>
#include <stdint.h>

/* A non-tty attach stream is a sequence of frames: 1 byte stream (1 stdout,
 * 2 stderr, 3 the engine's own error text), 3 zero bytes, the payload size
 * as 4 bytes big-endian, then the payload. */
struct dk_mux {
	unsigned char hdr[8];
	size_t hlen;      /* header bytes collected so far */
	int stream;       /* of the current frame */
	uint32_t left;    /* payload bytes of the current frame still to come */
	uint32_t max;     /* frames over this many bytes are refused */
};

enum dk_mux_kind {
	DK_MUX_HEADER,     /* *span header bytes were taken into m */
	DK_MUX_STDOUT,     /* the first *span bytes are stdout payload */
	DK_MUX_STDERR,     /* the first *span bytes are stderr (or engine error) payload */
	DK_MUX_BAD_STREAM, /* the header just completed names no stream we know */
	DK_MUX_BAD_SIZE,   /* the header just completed announces over max bytes */
};

/* Start a parser that refuses frames over max bytes. */
void dk_mux_init(struct dk_mux *m, uint32_t max);
/* Classify the next n (> 0) bytes p of the stream. HEADER: *span bytes were
 * consumed already. STDOUT/STDERR: the caller consumes k <= *span of them
 * with dk_mux_took (it may take fewer, e.g. when its reader is full, and
 * present the rest again later). BAD_*: *span is 0 and the stream cannot go
 * on (it stays bad). */
enum dk_mux_kind dk_mux_next(struct dk_mux *m, const unsigned char *p, size_t n, size_t *span);
/* k payload bytes of the current frame were consumed. */
void dk_mux_took(struct dk_mux *m, size_t k);
/* 1 when the stream stopped inside a frame (header or payload), else 0. */
int dk_mux_mid_frame(const struct dk_mux *m);

#endif
