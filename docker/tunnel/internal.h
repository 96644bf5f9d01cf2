/* internal: the exec tunnel's state, shared by the docker/tunnel/ files (internal to docker/).
 * The files call one way: loop.c (the tunnels as a part of the client's
 * poll loop) and capture.c on top, then start.c, pump.c, tunnel.c (the
 * lifetime), conn.c (the engine connection), mux.c; capture.c is reached from below only through
 * t->cap->ops. */
#ifndef DOCKER_TUNNEL_INTERNAL_H
#define DOCKER_TUNNEL_INTERNAL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "docker/client_internal.h"
#include "docker/tunnel/mux.h"

#define TN_BUF (64u << 10)          /* each direction's buffer */
#define TN_HEAD_MAX (16u << 10)     /* the start answer's headers */
#define TN_STDERR_LINE 400          /* one logged stderr line, raw bytes */
#define TN_STDERR_BUDGET (16u << 10) /* stderr bytes logged per tunnel */
#define TN_LINGER_MS 5000           /* caller gone: how long the process may take to end */

enum tn_stage {
	TN_CREATE,   /* exec create in flight (curl) */
	TN_CONNECT,  /* our own connection to the engine is connecting */
	TN_START,    /* start request sent or being sent; reading the answer */
	TN_OPEN,     /* the raw stream is up and pumped */
	TN_DONE,     /* failed, ended or closed: nothing is polled */
};

/* A fixed buffer of TN_BUF bytes: data is p[off..len). */
struct tn_buf {
	char *p;
	size_t off, len;
};

struct dk_tunnel_set {
	struct dk_tunnel *head;
	size_t n;
	int running;     /* dk_tunnels_run is walking the list */
	bool sweep;      /* closed tunnels wait to be freed */
	int timeout_ms;  /* create and start */
};

struct dk_tunnel {
	struct dk_client *c;
	struct dk_tunnel *prev, *next;
	enum tn_stage stage;
	dk_tunnel_cb cb;
	void *ud;
	char what[48];          /* the container, sanitized and cut, for the log */
	struct dk_req *create;  /* stage TN_CREATE */
	char exec_id[65];
	bool busy;              /* counted in the client's requests in flight */
	bool closed;            /* dk_tunnel_close was called: free at the sweep */
	int64_t deadline;       /* mono ms, -1 none */
	int efd;                /* the engine connection (over TLS, curl's socket of tls) */
	CURL *tls;              /* over TLS: the connection curl made (conn.c); NULL otherwise */
	struct dk_req *conn;    /* over TLS, stage TN_CONNECT: curl connecting */
	struct err conn_e;      /* over TLS: why curl could not connect (code 0: no failure) */
	int mfd;                /* our end of the socketpair */
	long e_idx, m_idx;      /* where the last pollfds put them, -1 none */
	short e_rev, m_rev;     /* revents taken back after poll */
	bool e_in, e_out, m_in, m_out; /* readiness: try until EAGAIN */
	struct tn_buf up;       /* request, then caller -> engine */
	struct tn_buf down;     /* answer, then engine -> caller (framed) */
	/* start answer */
	size_t head_len;        /* bytes of headers incl. the blank line; 0 until complete */
	int status;
	long body_want;         /* error body: Content-Length, -1 until EOF */
	bool engine_eof;        /* read EOF or an error from the engine */
	/* open stream */
	struct dk_mux mux;
	bool caller_eof;        /* read EOF from the caller */
	bool engine_shut;       /* shutdown(SHUT_WR) sent, or writing is over */
	bool caller_gone;       /* the caller's end is closed: stdout is dropped */
	char errline[TN_STDERR_LINE];
	size_t errlen;
	size_t err_logged;
	bool err_capped;
	struct tn_capture *cap; /* a capture (dk_tunnel_capture): output collected, no caller fd */
};

/* What a capture does at each point of its tunnel's life (capture.c). */
struct tn_cap_ops {
	/* The stream is open: no caller fd, stdin closed at once. */
	void (*open)(struct dk_tunnel *t);
	/* stdout bytes; -1 when the capture ended (over max). */
	int (*out)(struct dk_tunnel *t, const char *p, size_t n);
	void (*err)(struct dk_tunnel *t, const char *p, size_t n);
	/* The end: done gets rc/e and the output, then the tunnel is closed
	 * (t must not be touched after). */
	void (*finish)(struct dk_tunnel *t, int rc, const struct err *e);
};

/* A capture's collected output and its end (tunnel/capture.c). */
struct tn_capture {
	const struct tn_cap_ops *ops;
	struct dk_capture res;
	size_t max;             /* stdout bytes to keep */
	int timeout_ms;         /* once open */
	dk_capture_fn done;
	void *ud;
	void (*ud_free)(void *);
};

/* loop.c: the client's tunnel set, created and attached as the client's
 * part DK_PART_TUNNELS on first use. */
struct dk_tunnel_set *tn_attach(struct dk_client *c);
/* tunnel.c: the client's tunnel set, or NULL before tn_attach. */
struct dk_tunnel_set *tn_set(const struct dk_client *c);
/* tunnel.c: release and free every tunnel and the set (no callback). */
void tn_free_all(struct dk_client *c);
/* tunnel.c: unlink t from its set and free it. */
void tn_unlink_free(struct dk_tunnel *t);
/* tunnel.c: report a failure before the tunnel opened (t may be gone after). */
void tn_fail(struct dk_tunnel *t, const struct err *e);
/* tunnel/conn.c: connect t to the engine after the exec create (easy: its
 * transfer, for the address curl reached): efd set and stage TN_START or
 * TN_CONNECT; over TLS, TN_CONNECT until curl has connected. 0, or -1
 * with e set. */
int tn_connect(struct dk_tunnel *t, CURL *easy, struct err *e);
/* tunnel/conn.c: in TN_CONNECT: on to TN_START once connected; -1 with e
 * when the connection failed (the caller fails the tunnel), else 0. */
int tn_connected(struct dk_tunnel *t, struct err *e);
/* tunnel/conn.c: the engine connection's bytes, as send(2)/recv(2) with
 * MSG_DONTWAIT answer (errno EAGAIN when nothing moves now); over TLS read
 * until EAGAIN before polling: curl may hold bytes the socket no longer shows. */
ssize_t tn_esend(struct dk_tunnel *t, const void *p, size_t n);
ssize_t tn_erecv(struct dk_tunnel *t, void *p, size_t n);
/* tunnel/conn.c: the end of the process's stdin (a half close). */
void tn_eshut(struct dk_tunnel *t);
/* tunnel/conn.c: close the engine connection (or stop connecting). */
void tn_eclose(struct dk_tunnel *t);
/* tunnel/start.c: send the start request, read and judge the answer; on
 * success creates the socketpair, calls cb and goes on to tn_pump. */
void tn_start_io(struct dk_tunnel *t);
/* tunnel/pump.c: the open stage. */
void tn_open_want(const struct dk_tunnel *t, short *ev, short *mv);
void tn_pump(struct dk_tunnel *t);
/* tunnel.c: end the open stream: close both fds (the caller reads EOF), log why. */
void tn_end(struct dk_tunnel *t, const char *why);
/* tunnel.c: log and forget the partial stderr line. */
void tn_stderr_flush(struct dk_tunnel *t);
/* tunnel.c: a new tunnel to argv in id, its exec create submitted; NULL
 * when id or argv is empty or too big. The set must be attached (tn_attach). */
struct dk_tunnel *tn_new(struct dk_client *c, const char *id, const char *const *argv, dk_tunnel_cb cb, void *ud);

#endif
