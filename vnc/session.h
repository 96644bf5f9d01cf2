/* session: main's side of one sandtop-vnc worker: spawn, the message reader with every size checked, the latest frame, reaping. */
#ifndef VNC_SESSION_H
#define VNC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Where the worker finds the desktop: exactly one of fd, tcp, unix_path. */
struct vs_target {
	int fd;                     /* connected stream (an exec tunnel end, a checked
	                             * unix socket), or -1 */
	const char *tcp;            /* "HOST:PORT" or NULL */
	const char *unix_path;      /* or NULL */
	int password_fd;            /* > 0: an open password file the worker reads
	                             * (it stays the caller's to close); 0 or -1: none */
	const char *encodings;      /* the worker's --encodings, or NULL for its default */
	bool input;                 /* allow key and pointer events (takeover) */
};

enum vs_state {
	VS_CONNECTING = 1,
	VS_LIVE,
	VS_STALLED,
	VS_DEAD,      /* the worker is gone; vs_reason says why */
};

/* The latest frame: cols x rows cells, px is cols x (2 rows) RGB pixels. */
struct vs_frame {
	uint32_t seq;
	int cols, rows;
	int fb_w, fb_h;
	const uint8_t *px;
};

struct vnc_session;

/* The worker program: $SANDTOP_VNC, else sandtop-vnc next to this
 * executable, else SANDTOP_LIBEXECDIR/sandtop-vnc. Static string. */
const char *vs_worker_path(void);

/* Spawn a worker for t (t->fd is passed as the worker's fd 3, the password
 * file as its fd 4; both stay the caller's to close) with an empty
 * environment. The worker's stderr is our fd 2 (the log). Returns a session
 * (free with vs_free) or NULL with e set. Never blocks. */
struct vnc_session *vs_spawn(const struct vs_target *t, struct err *e);
/* Kill the worker (if alive), reap it, free everything. NULL is fine. */
void vs_free(struct vnc_session *s);

/* The fd to poll for POLLIN; -1 once the worker is gone and reaped (a
 * worker that reported failure is still read until its pipe closes). */
int vs_fd(const struct vnc_session *s);
/* Events vs_handle reports (a bit set). */
enum { VS_EV_FRAME = 1, VS_EV_STATE = 2, VS_EV_SHOT = 4 };
/* Read what the worker sent (never blocks) and apply it. A malformed
 * message kills the worker (state VS_DEAD, reason says why). */
int vs_handle(struct vnc_session *s);

enum vs_state vs_state(const struct vnc_session *s);
/* Why the state is what it is, e.g. "no answer from the VNC server for 5 s",
 * "worker killed by signal 31 (SIGSYS)". Untrusted: sanitize to show. */
const char *vs_reason(const struct vnc_session *s);
/* The latest frame, or NULL before the first. Valid until the next vs_handle. */
const struct vs_frame *vs_frame(const struct vnc_session *s);
/* Desktop size from the worker's state messages (0 before ServerInit). */
void vs_fb_size(const struct vnc_session *s, int *w, int *h);

/* Ask for frames of at most cols x rows cells at fps_milli frames per 1000
 * s (0: stop reading the desktop). Sent only when it changed. */
void vs_set_grid(struct vnc_session *s, int cols, int rows, uint32_t fps_milli);
/* Ask for a full-resolution picture; VS_EV_SHOT reports it. */
void vs_request_shot(struct vnc_session *s);
/* The picture asked for: RGB, w x h; the caller frees it. NULL when none
 * has arrived since the last call. */
uint8_t *vs_take_shot(struct vnc_session *s, int *w, int *h);
/* Forward input (ignored by a worker started without t->input). */
void vs_key(struct vnc_session *s, uint32_t keysym, bool down);
void vs_pointer(struct vnc_session *s, int x, int y, uint32_t buttons);

#endif
