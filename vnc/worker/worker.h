/* worker: what the files of the sandtop-vnc worker share (only vnc/worker/ includes this or <rfb/...>). */
#ifndef VNC_WORKER_WORKER_H
#define VNC_WORKER_WORKER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rfb/rfbclient.h>

/* Exit codes (main maps them to a reason when no VP_FAILED came first). */
enum {
	WK_EXIT_OK = 0,       /* main closed fd 0 (or fd 1) */
	WK_EXIT_FAILED = 1,   /* the desktop failed: a VP_FAILED was sent first */
	WK_EXIT_MAIN = 2,     /* main broke the contract: bad argv or a bad message */
	WK_EXIT_PROBE = 3,    /* --probe: a forbidden call was allowed (lockdown broken) */
};

enum wk_target { WK_FD, WK_TCP, WK_UNIX };

/* The command line, parsed (main.c). Strings point into argv. */
struct wk_opts {
	enum wk_target target;
	int fd;                     /* WK_FD: the connected stream */
	char host[256];             /* WK_TCP */
	int port;                   /* WK_TCP: 1..65535 */
	const char *unix_path;      /* WK_UNIX */
	const char *password_file;  /* or NULL (tests; main passes password_fd) */
	int password_fd;            /* an open password file, or -1 */
	bool input;                 /* forward VP_KEY / VP_POINTER */
	const char *encodings;      /* space-separated; never NULL after parsing */
	const char *probe;          /* NULL, "open", "exec", "connect" or "mmap-exec" */
};

/* ---- out.c: fd 1 (messages to main) and fd 2 (main's log) ---- */

/* One log line "TIME LEVEL sandtop-vnc[PID]: TEXT" on fd 2, TEXT sanitized
 * (base/sanitize.h) and cut at a few hundred bytes; after WK_LOG_MAX lines
 * one last "log limit reached" and then nothing. A single write(2) per
 * line, no stdio: safe after lockdown. */
void wk_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wk_vlog(const char *level, const char *fmt, va_list ap);
/* Write all n bytes to fd, retrying on EINTR and partial writes (blocking).
 * Returns 0, or -1 with errno set. */
int wk_write_all(int fd, const void *p, size_t n);
/* Send one message to main: header then payload (len bytes, may be 0).
 * Exits the process if fd 1 is gone (EPIPE: exit 0, else exit 1). */
void wk_send(uint16_t type, const void *payload, size_t len);
/* Send the header of a message whose payload the caller writes itself
 * with wk_send_more (a VP_SHOT streamed row by row). */
void wk_send_hdr(uint16_t type, uint32_t len);
void wk_send_more(const void *p, size_t n);
/* A VP_STATE with desktop size w x h (0 x 0 before ServerInit) and a
 * printf-formatted reason (cut to VP_REASON_MAX - 1 bytes). */
void wk_state(uint32_t code, int w, int h, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Log, send VP_STATE VP_FAILED with this reason, exit WK_EXIT_FAILED. */
_Noreturn void wk_fail(int w, int h, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Leave: exit() before lockdown (so a sanitizer build checks for leaks),
 * _exit() after it (no atexit work under seccomp). */
_Noreturn void wk_exit(int code);
/* From now on wk_exit uses _exit. */
void wk_set_locked(void);

/* ---- rfb.c: the libvncclient connection ---- */

/* Before lockdown, before any byte from the server: read the password
 * (o's fd or file), use libgcrypt's DES once (it reads its configuration
 * files on first use), set the library up (auth pinned to VncAuth/None,
 * framebuffer capped at VP_MAX_FB_W x VP_MAX_FB_H, 5 s read timeout). On
 * failure sends VP_FAILED with a short reason and exits. */
void wk_rfb_setup(const struct wk_opts *o);
/* The connected stream: o's fd (made non-blocking), or a connection made
 * now (--tcp, --unix). Reads nothing. On failure VP_FAILED and exit. */
int wk_rfb_connect(const struct wk_opts *o);
/* After lockdown: the RFB handshake on sock (the protocol version peeked
 * first: 3.7 or later only), then the client. On failure VP_FAILED with a
 * short reason and exit. */
rfbClient *wk_rfb_handshake(int sock);
/* The framebuffer as we allocated it (R, G, B, pad per pixel, rows packed)
 * and its size; NULL before ServerInit. Use these, never cl->width/height:
 * after a refused resize the two can disagree. */
const uint8_t *wk_rfb_fb(int *w, int *h);
/* Whether a whole FramebufferUpdate has arrived since the framebuffer was
 * (re)allocated by ServerInit or a resize (before it the buffer is black,
 * not the desktop: no frame is made of it). */
bool wk_rfb_painted(void);
/* How many updates so far covered the whole desktop. */
unsigned wk_rfb_full_updates(void);
/* Take the damage since the last call: the union of the updated
 * rectangles (clipped to the framebuffer), and whether the framebuffer was
 * reallocated (resized). Returns false when nothing changed. */
bool wk_rfb_take_damage(int *x, int *y, int *w, int *h, bool *resized);
/* Read and handle one server message (HandleRFBServerMessage). Sets *done
 * when it completed a FramebufferUpdate. On any failure sends VP_FAILED
 * with a short reason and exits. */
void wk_rfb_handle(rfbClient *cl, bool *done);

/* ---- lockdown.c ---- */

/* Close every fd but 0, 1, 2 and sock; chdir("/"); rlimits; no_new_privs;
 * the seccomp allow-list (with recvfrom on sock for the version peek).
 * Called before the first byte from the server is read. Returns 0, or -1
 * with why filled. */
int wk_lockdown(int sock, char *why, size_t whylen);
/* --probe: try the forbidden call; returns only if it was allowed. */
void wk_probe(const char *what);

/* ---- picture.c ---- */

/* The grid main asked for (1..VP_MAX_COLS x 1..VP_MAX_ROWS): a change
 * makes the next render re-fit and send a whole frame. */
void wk_pic_grid(int cols, int rows);
/* The desktop size main was told in a VP_STATE; a render that finds
 * another size (a resize) sends a VP_STATE VP_LIVE with it first. */
void wk_pic_announced(int w, int h);
/* Downscale the damage into the fitted frame and send one VP_FRAME if
 * any pixel of it changed (always after a grid change or a resize).
 * Returns whether a frame was sent; nothing before the first grid and
 * the first complete FramebufferUpdate. */
bool wk_pic_render(void);
/* Whether the next render must send a whole frame (a new grid, a resize)
 * even without new damage. */
bool wk_pic_pending(void);
/* Send a VP_SHOT of the whole framebuffer now (RGB, streamed in rows). */
void wk_pic_shot(void);

/* ---- loop.c ---- */

/* Serve main until fd 0 closes or the desktop fails; never returns. */
_Noreturn void wk_loop(rfbClient *cl, const struct wk_opts *o);

#endif
