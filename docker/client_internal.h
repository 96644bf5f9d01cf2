/* client_internal: request plumbing shared by the docker/ client files (not exported). */
#ifndef DOCKER_CLIENT_INTERNAL_H
#define DOCKER_CLIENT_INTERNAL_H

#include <curl/curl.h>

#include "base/buf.h"
#include "docker/docker.h"

#define DK_BODY_MAX (8u << 20)      /* cap on any non-streaming response body */
#define DK_EVENT_LINE_MAX (64u << 10)
#define DK_ID_MAX 256  /* ids are 64 hex, names a few dozen: anything longer is refused */

struct dk_req;
/* Called once when a request ends: rc 0 with r->body holding a 2xx body, or
 * -1 with e filled. The request is freed right after it returns. */
typedef void (*dk_req_done_fn)(struct dk_req *r, int rc, const struct err *e);
/* Streaming requests: called for every chunk of a 2xx body; return 0 to go
 * on, -1 to abort the transfer. */
typedef int (*dk_req_data_fn)(struct dk_req *r, const char *p, size_t n);
/* Streaming requests: called once when the 2xx headers are complete. */
typedef void (*dk_req_open_fn)(struct dk_req *r);
/* Any request: called with each header line of the answer (p[0..n), its
 * CRLF included, not NUL-terminated). */
typedef void (*dk_req_head_fn)(struct dk_req *r, const char *p, size_t n);

struct dk_req {
	struct dk_client *c;
	CURL *easy;
	char *method;          /* "GET", "POST", ... */
	char *path;            /* "/containers/json?all=1", without version prefix */
	bool versioned;        /* prefix /vX.Y once negotiated */
	bool stream;           /* long-lived; not counted as busy, no total timeout */
	struct buf body;
	struct curl_slist *headers;
	char *post;            /* request body (owned) or NULL */
	dk_req_done_fn done;
	dk_req_data_fn on_data;
	dk_req_open_fn on_open;
	dk_req_head_fn on_head;
	long status;           /* HTTP status once known */
	bool opened;
	void *cb;              /* the public callback */
	void *ud;
	char id[65];           /* for per-container requests */
	long timeout_ms;       /* total time allowed; 0 = DK_REQUEST_TIMEOUT_MS (not for streams) */
	void *ctx;             /* the endpoint's own state, or NULL */
	void (*ctx_free)(void *ctx); /* called on ctx when the request is freed (done or cancelled) */
	bool connect_only;     /* a connection, no request (CURLOPT_CONNECT_ONLY): see dk_conn_open */
	bool kept;             /* connect_only, done: its easy stays in the multi, which keeps the connection */
	bool rejected;         /* failed before starting: finishes at the next dispatch */
	struct err reject_e;
	char errbuf[CURL_ERROR_SIZE]; /* curl's words on a failure (tls.c) */
	struct dk_req *next;   /* the queue of requests waiting for negotiation */
	struct dk_req *live_prev, *live_next; /* the client's started requests */
};

/* prefix, arg URL-escaped, suffix: a new string (aborts on OOM). */
char *dk_escaped_path(const char *prefix, const char *arg, const char *suffix);

/* Create a request (not yet started). The caller fills done/cb/ud, then
 * calls dk_req_submit. */
struct dk_req *dk_req_new(struct dk_client *c, const char *method, const char *path, bool versioned);
/* Start it now, or queue it until the API version is negotiated. */
void dk_req_submit(struct dk_req *r);
/* Abort and free a running request without calling done. */
void dk_req_cancel(struct dk_req *r);
/* Fail r (not submitted) without sending it: done gets rc -1 and e at the
 * next dispatch (so callbacks never run inside the call that made r). It
 * counts as in flight until then. */
void dk_req_reject(struct dk_req *r, const struct err *e);
/* Non-streaming requests with on_data set get their 2xx body through it
 * (r->body stays empty) and keep their total timeout; returning -1 ends the
 * transfer, after which done gets rc -1 and ERR_TRANSPORT (the endpoint
 * knows why from its ctx). */

/* The default total timeout of a request. */
#define DK_REQUEST_TIMEOUT_MS 20000L
/* Tests: the grace dk_stop/dk_restart add to t (default DK_STOP_GRACE_S s). */
void dk_client_set_stop_grace_ms(struct dk_client *c, long ms);
long dk_client_stop_grace_ms(const struct dk_client *c);

/* Map an HTTP status and body into e (the daemon's "message" when present). */
void dk_http_error(struct err *e, long status, const char *body, size_t len);

/* GET /version, parsed (json.c). */
struct dk_version_info {
	char api[16];      /* "1.41" */
	char engine[64];   /* sanitized engine version */
	char min_api[16];
};
int dk_parse_version(const char *body, size_t len, struct dk_version_info *out, struct err *e);

/* The exec-create body for argv (AttachStdin/Stdout/Stderr, no tty, Cmd);
 * a new string the caller frees (json/exec.c). */
char *dk_exec_create_body(const char *const *argv);
/* The "Id" of an exec-create answer (1-64 lowercase hex) into out. */
int dk_parse_exec_id(const char *body, size_t len, char out[65], struct err *e);

/* json/act.c: the bodies and answers of the actions and evidence calls. */
/* {"Container":id,"Force":force}; a new string. */
char *dk_disconnect_body(const char *id, bool force);
/* {"Labels":{K:V,...}} from "K=V" strings (NULL-terminated, may be NULL);
 * NULL with e set (ERR_USAGE) for an entry without '=' or an empty key. */
char *dk_commit_body(const char *const *labels, struct err *e);
/* The "Id" of a commit answer, "sha256:" + 64 lowercase hex, into out. */
int dk_parse_image_id(const char *body, size_t len, char out[72], struct err *e);
/* Config.Tty of an inspect body. */
int dk_parse_tty(const char *body, size_t len, bool *tty, struct err *e);
/* An exec inspect body: Running, and ExitCode (-1 when absent). */
int dk_parse_exec_state(const char *body, size_t len, bool *running, int *exit_code, struct err *e);
/* 0 when body is one well-formed JSON value (depth-checked), else -1. */
int dk_check_json(const char *body, size_t len, struct err *e);

/* tunnel/capture.c: run argv in container id through an exec tunnel with
 * no caller fd: stdin is closed at once, stdout is collected (at most max
 * bytes: past that the capture ends with cut set and the engine connection
 * is closed, which cuts the process off), and stderr too (the first
 * DK_CAPTURE_ERR_MAX bytes; all of it still goes to the log, sanitized).
 * done is called once, from dispatch: rc 0 when the engine ended the stream
 * (or the output was cut), else -1 with e (create/start failures as for
 * dk_tunnel_open; ERR_TRANSPORT when the stream is not over timeout_ms after
 * it opened). done may take res->out's and res->err's data (buf_steal).
 * The tunnel is closed and freed right after done returns; dk_tunnel_close
 * or dk_client_free before that cancel it: done is not called, ud_free (if
 * not NULL) is called on ud instead. It counts as a request in flight
 * until done. NULL (no callback, ud untouched) as for dk_tunnel_open. */
#define DK_CAPTURE_ERR_MAX (4u << 10)
struct dk_capture {
	struct buf out;          /* stdout */
	bool cut;                /* stdout went over max: out holds the first max bytes */
	bool short_frame;        /* the engine closed the stream inside a frame */
	struct buf err;          /* stderr, its first DK_CAPTURE_ERR_MAX bytes */
	char exec_id[65];
};
typedef void (*dk_capture_fn)(void *ud, int rc, const struct err *e, struct dk_capture *res);
struct dk_tunnel *dk_tunnel_capture(struct dk_client *c, const char *id, const char *const *argv, size_t max,
                                    int timeout_ms, dk_capture_fn done, void *ud, void (*ud_free)(void *));

/* A connection to the engine made by curl as the client's requests are
 * (TLS with the client's certificates, the same checks and explanations),
 * with no request sent: for the exec tunnels over TLS, which then speak
 * through curl_easy_send/curl_easy_recv. done gets rc 0 with r->easy
 * connected: it takes the handle with dk_conn_take and frees it later with
 * dk_conn_free; or rc -1 with e. Submit with dk_req_submit. */
struct dk_req *dk_conn_open(struct dk_client *c, dk_req_done_fn done, void *ud);
/* In dk_conn_open's done: the connected handle, now the caller's, with
 * nothing of the request's left set on it (its error buffer, private
 * pointer, callbacks' data, headers); r->easy becomes NULL. */
CURL *dk_conn_take(struct dk_req *r);
/* Close a connection taken from dk_conn_open's request (NULL is fine). */
void dk_conn_free(struct dk_client *c, CURL *easy);

/* What the tunnels need to know of the client (client.c). */
const char *dk_client_unix_path(const struct dk_client *c);  /* NULL for tcp */
const char *dk_client_host_header(const struct dk_client *c); /* "HOST:PORT", "localhost" for unix */
bool dk_client_tls(const struct dk_client *c);                /* tcp:// spoken over TLS */
void dk_client_busy_add(struct dk_client *c, int delta);
/* Tests: the create and start timeouts (default DK_TUNNEL_TIMEOUT_MS). */
void dk_tunnel_set_timeout_ms(struct dk_client *c, int ms);

/* imglabels.c: the image labels behind dk_container_label's provenance. */
/* "sha256:<hex>" or "<hex>" (1..64 lowercase hex) into out; 0 or -1. */
int dk_image_id_norm(char out[65], const char *id);
/* Config.Labels of a GET /images/ID/json body, the DK_OWN_LABEL_PREFIX
 * ones only, into *out (n entries; the caller frees each key and value and
 * the array). known false (and nothing kept) when they are over
 * DK_IMAGE_LABELS_BYTES. Returns 0, or -1 with e (ERR_PARSE). */
int dk_parse_image_labels(const char *body, size_t len, bool *known, struct dk_label **out, size_t *n,
                          struct err *e);
/* Set from_image on the labels of items[0..n) (which must stay valid until
 * fn or ud_free): from the cache, else GET /images/ID/json once per image
 * id (at once, in parallel), for the containers that carry a
 * DK_OWN_LABEL_PREFIX label. fn once: rc 0 (e NULL), or -1 with e when an
 * image lookup failed otherwise than with 404 / over the cap (those mark
 * every own label from_image). fn may run inside this call (everything
 * cached): call it from a request's done only. When the client is freed
 * first, ud_free (if not NULL) gets ud instead of fn. */
typedef void (*dk_prov_fn)(void *ud, int rc, const struct err *e);
void dk_prov_resolve(struct dk_client *c, struct dk_container *items, size_t n, dk_prov_fn fn, void *ud,
                     void (*ud_free)(void *));

/* ---- the parts: what lives on a client beside its requests ----
 * The exec tunnels (tunnel/), the events stream (events.c), the image
 * cache (imglabels.c) and the ssh:// transport (ssh.c) keep state on a
 * client, and all but the image cache need its poll loop. The first three
 * sit above client.c: each attaches its state and its hooks the first time
 * it is used, and client.c never names their files. The ssh:// transport
 * sits below it: client.c makes it when the client is made, attaches it
 * with hooks of its own that call ssh.c's (dk_ssh_pollfds ...), and frees
 * it after curl. The client drives every attached part through the hooks,
 * in the order of enum dk_part. Every hook may be NULL. */
enum dk_part { DK_PART_TUNNELS, DK_PART_EVENTS, DK_PART_IMAGES, DK_PART_SSH, DK_PARTS };
struct dk_part_ops {
	/* the most fds pollfds may add */
	size_t (*nfds)(const struct dk_client *c);
	/* Append its fds at fds[base..max) and lower *timeout_ms (-1: none)
	 * to its next timer; returns how many fds it added. */
	size_t (*pollfds)(struct dk_client *c, struct pollfd *fds, size_t base, size_t max, int64_t now_ms,
	                  int *timeout_ms);
	/* Right after poll, before anything else runs: take its revents back
	 * from fds[0..n). */
	void (*take)(struct dk_client *c, const struct pollfd *fds, size_t n);
	/* After the requests' callbacks ran: pump, fire its timers. */
	void (*run)(struct dk_client *c, int64_t now_ms);
	/* Free it (dk_client_free): before the client cancels its requests (so
	 * it may cancel its own), or after them when free_late. */
	void (*free)(struct dk_client *c);
	bool free_late;
};
/* The state attached as part p, or NULL. */
void *dk_client_part(const struct dk_client *c, enum dk_part p);
/* Attach state as part p, driven through ops (static storage); state NULL
 * detaches p (the part freed its state itself). */
void dk_client_part_set(struct dk_client *c, enum dk_part p, void *state, const struct dk_part_ops *ops);

#endif
