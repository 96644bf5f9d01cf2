/* buf: a growable byte buffer with a hard size cap, for untrusted input. */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;     /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;     /* appends that would exceed this fail */
	bool overflow;  /* set once an append was refused */
};

/* Initialise an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* Append n bytes; returns 0, or -1 (and sets overflow) past the cap. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drop the first n bytes (more than len drops all); overflow stays set. */
void buf_consume(struct buf *b, size_t n);
/* Empty the buffer, keep the storage. */
void buf_reset(struct buf *b);
/* Free the storage; the buffer can be reused after buf_init. */
void buf_free(struct buf *b);
/* Hand the data to the caller (who frees it) and reset the buffer. */
char *buf_steal(struct buf *b);

#endif
