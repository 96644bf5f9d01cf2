/* tunnel_side: the caller's side of exec tunnels in the tunnel tests: callback, I/O, a poll loop (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_TUNNEL_SIDE_H
#define TESTS_UNIT_HELPER_TUNNEL_SIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "docker/docker.h"

/* One tunnel as the caller sees it. */
struct side {
	int calls;
	int rc;
	struct err e;
	int fd;
	bool close_in_cb;
	struct dk_tunnel *t;
	const char *out;     /* to write once open */
	size_t out_len, out_off;
	bool shut_after;     /* shutdown(SHUT_WR) once out is written */
	bool shut_done;
	bool reading;        /* read what comes */
	struct buf in;
	bool eof;
};

/* Clear s for a new tunnel: no fd, reading, an 8 MiB input buffer. */
void side_init(struct side *s);

/* Close s's fd (if open) and free its input. */
void side_free(struct side *s);

/* The dk_tunnel callback (ud: a struct side): records rc, e and fd, checks
 * that an open fd is close-on-exec and makes it non-blocking; closes the
 * tunnel from the callback when s->close_in_cb. */
void side_on_tunnel(void *ud, int rc, const struct err *e, int fd);

/* Write what is left of s->out (then shut the write side if asked) and
 * read what has come, without blocking. */
void side_io(struct side *s);

/* Run the client's loop and the sides' I/O for up to ms, or until done is
 * true of every side (done NULL: the whole ms). */
void side_loop(struct dk_client *c, struct side *sides, size_t nsides, int ms, bool (*done)(const struct side *));

/* n bytes of a fixed pattern (every byte value, no period a short
 * buffer could hide), for what a tunnel must carry verbatim; the caller
 * frees it. */
char *side_pattern(size_t n);

/* Have s write p[0..n) once open, then shut its write side (EOF). */
void side_send(struct side *s, const char *p, size_t n);

/* Fail unless s read EOF after exactly want[0..n) and then tail. */
void side_assert_echoed(const struct side *s, const char *want, size_t n, const char *tail);

/* side_loop's done: the callback came. */
bool side_called(const struct side *s);

/* side_loop's done: EOF read, or the tunnel failed. */
bool side_at_eof(const struct side *s);

#endif
