/* desk: one sandbox's desktop view: the sandtop.vnc label to an endpoint, the exec tunnel, the worker, reconnect with backoff. */
#ifndef DESKTOP_DESK_H
#define DESKTOP_DESK_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"
#include "vnc/session.h"

#define DESK_LABEL "sandtop.vnc"
#define DESK_PASSWORD_LABEL "sandtop.vnc.password"

enum desk_kind { DESK_NONE, DESK_EXEC, DESK_TCP, DESK_UNIX };

struct desk_endpoint {
	enum desk_kind kind;
	int port;            /* exec and tcp: 1..65535 (default 5900) */
	char path[256];      /* unix: absolute path */
};

/* Parse a sandtop.vnc label value: "exec[:PORT]", "tcp[:PORT]",
 * "unix:PATH" (absolute, printable: whether it may be used is
 * desk_unix_connect's to say), "none". NULL or "none" give DESK_NONE.
 * Returns 0, or -1 with e saying what is wrong. */
int desk_parse_label(const char *value, struct desk_endpoint *ep, struct err *e);

/* ---- what the operator trusts labels with (desktop/trust.c) ---- */

/* Set once, by main, before the first desk opens. */
struct desk_trust {
	const char *socket_dir;    /* --vnc-socket-dir: unix: endpoints only inside it; NULL: none at all */
	const char *password_dir;  /* --vnc-password-dir: DIR/<full id>.passwd, DIR/<name>.passwd; NULL: none */
};
/* Keep copies of t's settings (socket_dir resolved with realpath: it must
 * be a directory, not "/"). 0, or -1 with e saying what is wrong. */
int desk_set_trust(const struct desk_trust *t, struct err *e);
/* The settings in force (the socket directory as resolved), or NULL. */
const char *desk_trust_socket_dir(void);
const char *desk_trust_password_dir(void);

/* err codes of desk_unix_connect */
enum { DESK_E_REFUSED = 1, DESK_E_CONNECT = 2 };
/* Connect to the unix socket a sandtop.vnc=unix:PATH label names, if the
 * operator trusts it: PATH absolute without ".", ".." or "//" components,
 * inside the socket directory (opened with openat2 RESOLVE_BENEATH: no
 * symlink leads out), a socket, and not the engine's own (engine_endpoint,
 * dk_client_endpoint's text, and the usual engine sockets, compared by
 * st_dev/st_ino). The connection goes to the very inode checked (through
 * /proc/self/fd). 0 with *fd (blocking, CLOEXEC; the caller closes it), or
 * -1 with e: DESK_E_REFUSED (the label is not trusted: no retry helps) or
 * DESK_E_CONNECT (nothing listening, ...: retry later). */
int desk_unix_connect(const char *path, const char *engine_endpoint, int *fd, struct err *e);
/* The sandbox's VNC password file, found from its identity, never from a
 * label: the password directory's <full id>.passwd, then <name>.passwd (a
 * plain file name only). It must be a regular file (not a symlink) owned
 * by the user running sandtop, mode 0600 or stricter, at most 256 bytes.
 * The sandtop.vnc.password label (non-empty) only says that a password is
 * needed: without a file that is an error. 0 with *fd open on the file
 * (the caller closes it) or -1 when none is there (and none is needed); -1
 * with e for a file refused or a password needed and missing. */
int desk_password_fd(const struct dk_container *ct, int *fd, struct err *e);

/* The relay command run inside the sandbox for an exec endpoint: it joins
 * the exec's stdin/stdout to 127.0.0.1:port and ends when either side
 * does. Writes argv (4 entries and NULL) using buf (>= 160 bytes). */
void desk_exec_argv(int port, char *buf, size_t n, const char *argv[5]);

enum desk_status {
	DESK_S_CONNECTING,
	DESK_S_LIVE,
	DESK_S_STALLED,
	DESK_S_DOWN,         /* disconnected; retrying */
	DESK_S_OFF,          /* no desktop (label none/missing/bad, or not running) */
};

struct desk;

/* Open a view of ct's desktop (ct is copied; the engine client must
 * outlive the desk). input allows takeover key and pointer events. Never
 * fails: a sandbox without a usable label gives a desk in DESK_S_OFF that
 * says why. Free with desk_close. */
struct desk *desk_open(struct dk_client *c, const struct dk_container *ct, bool input);
void desk_close(struct desk *d);
/* The container's newest state (paused, stopped, new pid or ports). */
void desk_update(struct desk *d, const struct dk_container *ct);
/* Whether the kernel's freezer holds the sandbox. The engine still says
 * "running" for a sandbox frozen through the cgroup freezer (sandtop's
 * pause on a local engine), so the desk cannot learn it from desk_update:
 * whoever knows (the screen, from the collector's cgroup samples: fmt_state
 * says "frozen" or "freezing") tells it, as often as it likes. */
void desk_set_frozen(struct desk *d, bool frozen);
/* "paused" (the engine's pause) or "frozen" (the kernel's) while the
 * sandbox runs but is held, else NULL. A held desk keeps its last picture,
 * starts no worker and retries nothing (an exec into it is refused or
 * hangs); the worker already there, if any, is kept and comes back by
 * itself; when it runs again a new one starts at once. Static string. */
const char *desk_held(const struct desk *d);
/* Off screen for a while: idle closes the worker (the last picture is
 * kept) and starts none until the desk is made busy again. */
void desk_set_idle(struct desk *d, bool idle);
const char *desk_id(const struct desk *d);

/* Poll-loop integration: the worker's pipe (the tunnel's fds are the
 * engine client's). desk_tick starts or restarts the worker when due and
 * returns the ms until it wants to run again (-1: no need). */
size_t desk_pollfds(struct desk *d, struct pollfd *fds, size_t max);
/* Returns the VS_EV_* bits of what happened. */
int desk_dispatch(struct desk *d, const struct pollfd *fds, size_t n);
int desk_tick(struct desk *d, int64_t now_ms);

/* Frames of at most cols x rows cells at fps_milli (0: hidden). */
void desk_set_grid(struct desk *d, int cols, int rows, uint32_t fps_milli);
/* The worker's latest frame or, when there is none (the worker is gone or
 * a new one has not sent its first yet), a copy of the last frame the desk
 * had; NULL before the first. The frame may be sized for an earlier grid.
 * Valid until the next desk call. */
const struct vs_frame *desk_frame(const struct desk *d);
/* The state and one line saying it ("live 1280x800", "paused: showing the
 * last picture", "frozen: no picture until it runs again", "disconnected:
 * VNC server closed the connection; retry in 3 s"). A held sandbox is
 * DESK_S_STALLED while its worker waits, else DESK_S_OFF. Full 64-hex ids
 * in errors are cut to 12 and the engine's 409 is said in words; the text
 * may still quote the worker or the label: sanitize it to show it. */
enum desk_status desk_status(const struct desk *d, int64_t now_ms, char *buf, size_t n);

/* Ask for a full-resolution picture (only while live); -1 otherwise. */
int desk_request_shot(struct desk *d);
/* The picture, RGB w x h, caller frees; NULL until it has come. */
uint8_t *desk_take_shot(struct desk *d, int *w, int *h);
/* Takeover input (ignored unless opened with input). */
void desk_key(struct desk *d, uint32_t keysym, bool down);
void desk_pointer(struct desk *d, int x, int y, uint32_t buttons);

#endif
