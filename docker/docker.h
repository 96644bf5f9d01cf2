/* docker: asynchronous Docker Engine API client (libcurl multi); plain-struct results. */
#ifndef DOCKER_DOCKER_H
#define DOCKER_DOCKER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Errors carry base/err.h's codes: ERR_NOTFOUND for a 404, ERR_CONFLICT
 * 409, ERR_BADREQ other 4xx, ERR_SERVER 5xx, ERR_TRANSPORT no connection or
 * no answer in time, ERR_PARSE a body that is not the JSON expected,
 * ERR_TOOBIG a body over its cap, ERR_VERSION an engine API too old,
 * ERR_USAGE a bad endpoint or argument. */

/* The labels that configure sandtop start with this. */
#define DK_OWN_LABEL_PREFIX "sandtop."

struct dk_label {
	char *key;    /* untrusted */
	char *value;  /* untrusted */
	/* A DK_OWN_LABEL_PREFIX label that came from the container's image (the
	 * engine merges an image's LABELs into its containers' labels, and an
	 * agent may build its own image): its value equals the image's label of
	 * the same key. Such a label is never obeyed (dk_container_label skips
	 * it); only whoever ran the container configures sandtop. Also set when
	 * the image's labels cannot be known (the image is gone, or its labels
	 * are over the cap): unverifiable counts as from the image. Set by the
	 * list and inspect requests (after GET /images/ID/json, cached per image
	 * id) and by the on-disk reader from the image's own config; never for
	 * a key outside DK_OWN_LABEL_PREFIX. A parse alone (dk_parse_*) leaves it
	 * false. */
	bool from_image;
};

/* One published port binding (NetworkSettings.Ports from inspect): the
 * container's private_port/proto reachable at host_ip:host_port. */
struct dk_port {
	uint16_t private_port;  /* 1..65535 */
	char proto[8];          /* "tcp", "udp", "sctp" (lowercase letters only) */
	char host_ip[64];       /* numeric address; "" or "0.0.0.0" / "::" = every interface */
	uint16_t host_port;     /* 1..65535 */
};

/* One network the container is attached to (NetworkSettings.Networks). */
struct dk_network {
	char *name;             /* untrusted (whoever created the network named it) */
	char ip[64];            /* numeric IPv4 address, or "" */
};

/* One container as listed/inspected. Every string is untrusted raw engine
 * data: sanitize before display. */
struct dk_container {
	char id[65];            /* full hex id */
	char *name;             /* without the leading '/' */
	char *image;
	char image_id[65];      /* the image's full hex id (the list's ImageID, inspect's
	                         * Image, without "sha256:"); "" unknown */
	char *command;
	char *state;            /* the engine's word: created running paused restarting removing exited dead */
	char *status;           /* engine's human text, e.g. "Up 3 minutes (healthy)" */
	char *health;           /* "healthy", "unhealthy", "starting", or "" (none/unknown) */
	int64_t created;        /* epoch seconds */
	int64_t started_at_ms;  /* epoch ms from inspect; 0 unknown or never */
	int64_t finished_at_ms; /* epoch ms from inspect; 0 unknown or never */
	int pid;                /* State.Pid from inspect; 0 unknown/not running */
	int64_t state_seen_ms;  /* mono ms the inventory saw state change to this; 0 unknown */
	bool inspected;         /* every field below from inspect is valid */
	/* from inspect (HostConfig and State) */
	int64_t nano_cpus;      /* HostConfig.NanoCpus; 0 none */
	int64_t cpu_quota;      /* HostConfig.CpuQuota (us); 0 or -1 none */
	int64_t cpu_period;     /* HostConfig.CpuPeriod (us); 0 = default 100000 */
	char *cpuset_cpus;      /* HostConfig.CpusetCpus, "" none */
	int64_t mem_limit;      /* HostConfig.Memory, bytes; 0 none */
	int64_t pids_limit;     /* HostConfig.PidsLimit; 0 or -1 none */
	int restart_count;      /* RestartCount */
	bool oom_killed;        /* State.OOMKilled */
	struct dk_label *labels;
	size_t nlabels;
	/* from inspect (NetworkSettings); garbage entries are skipped */
	struct dk_port *ports;  /* published bindings, at most DK_PORTS_MAX */
	size_t nports;
	struct dk_network *networks; /* at most DK_NETWORKS_MAX, in the engine's order */
	size_t nnetworks;
	char ip[64];            /* first non-empty IPAddress over the networks, else "" */
};

#define DK_PORTS_MAX 256
#define DK_NETWORKS_MAX 64

/* The first published binding of private_port/proto ("tcp"), or NULL. */
const struct dk_port *dk_container_port(const struct dk_container *c, uint16_t private_port, const char *proto);

/* Value of label key, or NULL: also NULL for a label set by the image
 * (from_image), so that no caller obeys one. */
const char *dk_container_label(const struct dk_container *c, const char *key);
/* Value of label key when it is there but ignored because the image set it
 * (from_image), else NULL: for saying so on screen. */
const char *dk_container_label_ignored(const struct dk_container *c, const char *key);
/* How many of c's labels are ignored (from_image). */
size_t dk_container_ignored_count(const struct dk_container *c);
/* The task limit to show beside a count: seen (what the stats source read,
 * 0 unknown) when it read one, else the configured HostConfig.PidsLimit
 * (Podman's stats API has none), else 0 (unlimited or unknown). */
uint64_t dk_container_pids_limit(const struct dk_container *c, uint64_t seen);
/* Deep copy / free the contents (not the struct itself). */
void dk_container_copy(struct dk_container *dst, const struct dk_container *src);
void dk_container_clear(struct dk_container *c);
/* Copy the fields only inspect knows (times, pid, health, limits, restart
 * count, OOM flag, ports, networks, ip) from src into dst (deep copies; dst's
 * old ones are freed) and mark dst inspected. */
void dk_container_merge_inspect(struct dk_container *dst, const struct dk_container *src);

struct dk_container_list {
	struct dk_container *items;
	size_t n;
};
void dk_container_list_free(struct dk_container_list *l);

/* An event from /events (the stream asks for container and network events). */
struct dk_event {
	char id[65];       /* Actor.ID: the container's or the network's id; "" only
	                    * for a non-container event that names none (network prune) */
	char action[32];   /* "start", "die", "pause", "exec_create: sh" is cut at ':' */
	char type[16];     /* "container", "network" */
	char container[65]; /* the container the event is about: the id for container
	                    * events, Actor.Attributes.container for network connect
	                    * and disconnect (when a valid id), else "" */
	char detail[256];  /* what follows "ACTION: " (exec_create's command line), cut; "" none */
	char exec_id[65];  /* exec events: Actor.Attributes.execID when a valid id, else "" */
	int64_t time_ns;
};

struct dk_client;

struct dk_endpoint;

/* Resolve the endpoint (docker/endpoint.h dk_endpoint_default): host (from
 * -H) if not NULL, else the docker CLI's order (--context, $DOCKER_HOST,
 * $DOCKER_CONTEXT, the current context), else unix:///var/run/docker.sock;
 * TLS from the options given to dk_endpoint_set_defaults and DOCKER_TLS_VERIFY,
 * DOCKER_CERT_PATH. Accepts unix://PATH, tcp://HOST:PORT and
 * ssh://[USER@]HOST[:PORT] (docker/ssh.c: the system's ssh runs `docker
 * system dial-stdio` on HOST, one process per connection). Returns a new
 * client (caller frees with dk_client_free) or NULL with e set. Reads the
 * context store and the certificate files; no network I/O happens here (an
 * ssh:// client starts its first ssh with its first request). */
struct dk_client *dk_client_new(const char *host, struct err *e);
/* The client of an endpoint already resolved (ep is copied; TLS applies to
 * tcp:// only). As dk_client_new otherwise. */
struct dk_client *dk_client_new_endpoint(const struct dk_endpoint *ep, struct err *e);
/* Free c, cancelling requests in flight (their callbacks are not called) and
 * closing and freeing tunnels still open: their handles are invalid after. */
void dk_client_free(struct dk_client *c);
/* 0 when url is an ssh:// address dk_client_new takes
 * (ssh://[USER@]HOST[:PORT]), else -1 with e (ERR_USAGE, why). No I/O. */
int dk_ssh_check(const char *url, struct err *e);
/* Human description of the endpoint, e.g. "unix:///var/run/docker.sock". */
const char *dk_client_endpoint(const struct dk_client *c);
/* Negotiated API version ("1.41") or NULL before the first successful ping;
 * engine version string ("20.10.24") or NULL. */
const char *dk_client_api_version(const struct dk_client *c);
const char *dk_client_engine_version(const struct dk_client *c);

/* ---- poll-loop integration ---- */
/* An upper bound on what the next dk_client_pollfds call returns, valid until
 * that call as long as nothing else is done with the client in between (no
 * new request or tunnel). At least 64 (curl keeps at most 32 engine
 * connections), plus 2 per open exec tunnel. Size the pollfd array with it
 * on every loop turn. */
size_t dk_client_pollfds_max(const struct dk_client *c);
/* Fill up to max pollfds with the sockets the client waits on: curl's, then
 * the tunnels'; returns the count. With max below dk_client_pollfds_max some
 * fds are left out and their transfers stall. *timeout_ms (-1: none) is
 * lowered to the client's next deadline. */
size_t dk_client_pollfds(struct dk_client *c, struct pollfd *fds, size_t max, int *timeout_ms);
/* After poll(): hand back the same fds with revents (n as returned by
 * dk_client_pollfds); runs transfers, pumps the tunnels and calls completion
 * callbacks. Call it after every poll, also on timeout (timers run here). */
void dk_client_dispatch(struct dk_client *c, const struct pollfd *fds, size_t n);
/* Run a private poll loop until no request is in flight or timeout_ms passes
 * (for the command-line subcommands). Returns 0, or -1 on timeout. */
int dk_client_run(struct dk_client *c, int timeout_ms);
/* Requests in flight (what dk_client_run waits for; streams not counted). */
size_t dk_client_inflight(const struct dk_client *c);

/* ---- several clients in one poll loop (clients.c): one per engine ---- */
/* Fill *fds (grown as needed, *cap its size; the caller frees it) from
 * index base on with the fds of the n clients, client i's count in
 * counts[i]; *timeout_ms lowered as dk_client_pollfds does. Returns the
 * total added. */
size_t dk_clients_pollfds(struct dk_client *const *cs, size_t n, struct pollfd **fds, size_t *cap, size_t base,
                          size_t *counts, int *timeout_ms);
/* After poll(): dispatch each client its own fds (from base, counts as
 * filled by dk_clients_pollfds); a NULL client is skipped. */
void dk_clients_dispatch(struct dk_client *const *cs, size_t n, const struct pollfd *fds, size_t base,
                         const size_t *counts);
/* Drive the n clients in one poll loop until each is idle or past its own
 * deadline (deadline_ms[i], monotonic ms): a slow or wedged engine delays
 * no other. late[i] (may be NULL) is set for a client still busy at its
 * deadline (its requests stay in flight, their callbacks may come later);
 * a NULL client counts as idle. Returns how many were late. */
size_t dk_clients_run(struct dk_client *const *cs, size_t n, const int64_t *deadline_ms, bool *late);
/* GET /_ping with a total timeout of timeout_ms: cb once (from dispatch),
 * rc 0 when the engine answered, else -1 with e (ERR_TRANSPORT on the
 * timeout). A liveness probe: it counts as a request in flight. */
void dk_ping(struct dk_client *c, int timeout_ms, void (*cb)(void *ud, int rc, const struct err *e), void *ud);

/* ---- requests: all asynchronous; callbacks run from dispatch/run ----
 * Every callback gets rc 0 with a result, or -1 with e filled (e->code is a
 * err_code and e->msg carries the daemon's own message when it sent one).
 * Results are owned by the callback (free with the matching _free). */
/* The first request negotiates the API version (GET /version) by itself;
 * requests made meanwhile wait behind it. */

typedef void (*dk_list_cb)(void *ud, int rc, const struct err *e, struct dk_container_list *list);
/* GET /containers/json; all=true includes stopped ones; label_filter (may be
 * NULL) restricts to containers carrying that label ("KEY" or "KEY=VALUE"),
 * set by whoever ran them: the engine's filter also matches a label the
 * image set; those containers are dropped here.
 * The list is handed over only once the provenance of every sandtop.*
 * label is known (from_image): GET /images/ID/json for each image not in
 * the client's cache, at once after the list. An image that is gone (404)
 * makes its containers' sandtop.* labels from_image; another failure of
 * that lookup fails the list (rc -1, e says which image). */
void dk_list_containers(struct dk_client *c, bool all, const char *label_filter, dk_list_cb cb, void *ud);

typedef void (*dk_inspect_cb)(void *ud, int rc, const struct err *e, struct dk_container *ct);
/* GET /containers/ID/json, then the image's labels as for the list. ct is
 * heap-allocated: free with dk_container_clear + free. */
void dk_inspect(struct dk_client *c, const char *id, dk_inspect_cb cb, void *ud);
typedef void (*dk_inspect_json_cb)(void *ud, int rc, const struct err *e, struct dk_container *ct, const char *json,
                                   size_t len);
/* dk_inspect, and the engine's answer as it came (json, len bytes, not
 * NUL-ended, borrowed for the call; NULL when rc is -1): for a caller that
 * hands it on, so that no one asks the engine for it again. */
void dk_inspect_json(struct dk_client *c, const char *id, dk_inspect_json_cb cb, void *ud);

/* The image's DK_OWN_LABEL_PREFIX labels (GET /images/ID/json,
 * Config.Labels), from the client's cache when it has them (images are
 * immutable by id; DK_IMAGE_CACHE_MAX images are kept, the least recently
 * used dropped). image_id is a full hex id, with or without "sha256:".
 * cb once, from dispatch or run (never from this call, unless the client is
 * freed first): rc 0 with known true and the labels (n may be 0), or known
 * false when they cannot be known (no such image, or over
 * DK_IMAGE_LABELS_BYTES); rc -1 with e for other failures. labels live for
 * the callback only. */
#define DK_IMAGE_CACHE_MAX 64
#define DK_IMAGE_LABELS_BYTES (64u << 10)
typedef void (*dk_image_labels_cb)(void *ud, int rc, const struct err *e, bool known, const struct dk_label *labels,
                                   size_t n);
void dk_image_labels(struct dk_client *c, const char *image_id, dk_image_labels_cb cb, void *ud);
/* Set from_image on labels[0..n) as the image's labels img[0..nimg) say
 * (known false: every DK_OWN_LABEL_PREFIX label counts as the image's):
 * a DK_OWN_LABEL_PREFIX label whose value equals the image's label of the
 * same key. Other keys are left false. Pure. */
void dk_labels_mark_from_image(struct dk_label *labels, size_t n, bool known, const struct dk_label *img, size_t nimg);

struct st_raw; /* host/stats.h */
/* GET /containers/ID/stats?stream=false&one-shot=true. raw is NULL on error;
 * it lives only for the duration of the callback (copy it). */
typedef void (*dk_stats_cb)(void *ud, int rc, const struct err *e, const struct st_raw *raw);
void dk_stats(struct dk_client *c, const char *id, dk_stats_cb cb, void *ud);

/* Streaming /events (container and network events). on_event is called per event;
 * on_state with connected=true when the stream is open (do a full resync
 * then), connected=false with e when it dropped. The stream reconnects by
 * itself with exponential backoff (0.25 s .. 5 s) until dk_events_stop. */
typedef void (*dk_event_cb)(void *ud, const struct dk_event *ev);
typedef void (*dk_events_state_cb)(void *ud, bool connected, const struct err *e);
void dk_events_start(struct dk_client *c, dk_event_cb on_event, dk_events_state_cb on_state, void *ud);
void dk_events_stop(struct dk_client *c);

/* ---- container actions (actions.c) ----
 * Each calls cb exactly once, from dispatch or run, never from the call
 * itself (bad arguments too), unless the client is freed first. e is never
 * NULL: on success e->code is ERR_OK and e->msg is "" or a note ("already
 * paused": the engine answered 304, which counts as success); on failure
 * e->code is an err_code (ERR_NOTFOUND 404, ERR_CONFLICT 409 "is not
 * running", "is paused", ..., ERR_USAGE for arguments refused before any
 * request) and e->msg carries the engine's message, sanitized. Engine
 * 20.10 answers 409 to a pause of a paused container ("already paused"):
 * that is success with the note "already paused", like a 304; it answers
 * 500 to an unpause of one that is not paused and to a disconnect from
 * a network the container is not on: those two are reported as
 * ERR_CONFLICT. id is a container id or name (escaped in the path; empty
 * or over 256 bytes: ERR_USAGE). Requests time out after
 * DK_ACTION_TIMEOUT_MS unless said otherwise (ERR_TRANSPORT, "no answer
 * from engine ... within N ms"). */
#define DK_ACTION_TIMEOUT_MS 20000
typedef void (*dk_done_cb)(void *ud, int rc, const struct err *e);
/* POST /containers/ID/pause and /unpause. A pause of a stopped container:
 * 409 "is not running". */
void dk_pause(struct dk_client *c, const char *id, dk_done_cb cb, void *ud);
void dk_unpause(struct dk_client *c, const char *id, dk_done_cb cb, void *ud);
/* POST /containers/ID/stop?t=N: the stop signal, then after timeout_s
 * (0..DK_STOP_TIMEOUT_MAX) the engine sends SIGKILL itself. The request
 * times out after timeout_s + DK_STOP_GRACE_S. 304: already stopped. */
#define DK_STOP_TIMEOUT_MAX 3600
#define DK_STOP_GRACE_S 15
void dk_stop(struct dk_client *c, const char *id, int timeout_s, dk_done_cb cb, void *ud);
/* POST /containers/ID/restart?t=N (as stop, then start). */
void dk_restart(struct dk_client *c, const char *id, int timeout_s, dk_done_cb cb, void *ud);
/* POST /containers/ID/kill?signal=S. signal: NULL = SIGKILL, else a name
 * from dk_signal_names (any case, "SIG" optional) or a number 1..64; sent
 * as the canonical name ("SIGKILL") or number. Kill works on a paused
 * container (the engine unpauses it after signalling); 409 when it is not
 * running. */
void dk_kill(struct dk_client *c, const char *id, const char *signal, dk_done_cb cb, void *ud);
/* The signal names dk_kill accepts ("SIGHUP" ...), NULL-terminated. */
extern const char *const dk_signal_names[];
/* Canonical form of signal (as dk_kill sends it) into out; -1 if refused. */
int dk_signal_canon(const char *signal, char *out, size_t outcap);
/* The number of a canonical signal ("SIGTERM" or "15") on this host, or -1. */
int dk_signal_number(const char *canon);
/* DELETE /containers/ID?force=B&v=false&link=false: volumes are never
 * removed. Without force a running container answers 409. */
void dk_remove(struct dk_client *c, const char *id, bool force, dk_done_cb cb, void *ud);
/* POST /networks/NET/disconnect {"Container":id,"Force":force}. network is
 * a name or id (untrusted: escaped in the path). 404: no such network or
 * container; ERR_CONFLICT: not connected to it. */
void dk_network_disconnect(struct dk_client *c, const char *network, const char *id, bool force, dk_done_cb cb,
                           void *ud);

/* ---- evidence for snapshot bundles (evidence.c) ----
 * Callbacks as above (once, e never NULL); the data passed to them lives
 * for the callback only (copy it). Every byte of it is untrusted. */
/* POST /commit?container=ID&repo=R&tag=T&pause=B&comment=C with body
 * {"Labels":{K:V,...}}: the new image gets the container's config with
 * these labels added (the container's own labels are kept; ours win on a
 * clash). labels: "K=V" strings, NULL-terminated, may be NULL; an entry
 * without '=' or an empty key is refused (ERR_USAGE). repo may be NULL (a
 * dangling image), tag NULL = "latest"; comment may be NULL. pause: the
 * engine freezes the container for the copy (a paused one stays paused).
 * On success image_id is "sha256:<64 hex>". Commit sees the container's
 * writable layer only: not tmpfs, not volumes. Times out after
 * DK_COMMIT_TIMEOUT_MS: a snapshot holds its sandbox frozen for the commit,
 * so this bounds how long a wedged engine keeps it so (a commit of a
 * reference sandbox takes seconds). */
#define DK_COMMIT_TIMEOUT_MS 60000
typedef void (*dk_commit_cb)(void *ud, int rc, const struct err *e, const char *image_id);
void dk_commit(struct dk_client *c, const char *id, const char *repo, const char *tag, const char *const *labels,
               const char *comment, bool pause, dk_commit_cb cb, void *ud);
/* The container's log (GET /containers/ID/json for Config.Tty, then GET
 * /containers/ID/logs?stdout=1&stderr=1&timestamps=1&tail=N), the last
 * max_bytes (>= 1) of it. Without a tty the engine's frames are
 * demultiplexed (docker/logparse.h) into lines "stdout TIMESTAMP text\n" /
 * "stderr TIMESTAMP text\n", each when it ends (a line of one stream cut
 * by a frame of the other goes on whole; lines never mix; a line the
 * stream ends inside has no "\n"); with a tty the lines are "TIMESTAMP
 * text\n" as they come. Raw bytes otherwise (no sanitizing).
 * truncated: older lines were dropped (data then starts at a line start).
 * tail=N is chosen so that the last max_bytes are always in what the engine
 * sends. Times out after DK_LOGS_TIMEOUT_MS; reads at most DK_LOGS_READ_MAX
 * bytes from the engine (then truncated, and the newest lines may be
 * missing: e->msg says so). */
#define DK_LOGS_TIMEOUT_MS 60000
#define DK_LOGS_READ_MAX (256u << 20)
typedef void (*dk_logs_cb)(void *ud, int rc, const struct err *e, const char *data, size_t len, bool truncated);
void dk_logs(struct dk_client *c, const char *id, size_t max_bytes, dk_logs_cb cb, void *ud);
/* GET /containers/ID/json, the body as the engine sent it (JSON, checked
 * to parse; at most 8 MiB). */
typedef void (*dk_raw_cb)(void *ud, int rc, const struct err *e, const char *json, size_t len);
void dk_inspect_raw(struct dk_client *c, const char *id, dk_raw_cb cb, void *ud);
/* A tar of directory path (absolute) inside the running container, made by
 * `tar -C path -cf - .` run through an exec (as the container's user): this
 * sees what the agent wrote on a tmpfs, which commit and the archive API
 * cannot. Refused while the container is paused or stopped (409). At most
 * max_bytes (>= 1) are kept: then truncated is set and the process is cut
 * off (the archive is incomplete). Output that is not a tar (no "ustar" at
 * offset 257: tar missing, "OCI runtime exec failed", ...) fails with
 * ERR_BADREQ and that text (or tar's stderr) sanitized. tar's own failures
 * (exit status != 0, e.g. unreadable files) with a tar produced still count
 * as success, with a note "tar exited N: ..." in e->msg (tar's stderr,
 * sanitized); a cut archive has the note "archive cut at N bytes". The
 * exec's create and start time out after DK_TUNNEL_TIMEOUT_MS each, the
 * tar itself after DK_ARCHIVE_TIMEOUT_MS. The tar is the container's own
 * binary run by its own user: it reads only what that user can read, and
 * it is as trustworthy as the container. */
#define DK_ARCHIVE_TIMEOUT_MS 120000
typedef void (*dk_archive_cb)(void *ud, int rc, const struct err *e, const uint8_t *tar, size_t len,
                              bool truncated);
void dk_archive_exec(struct dk_client *c, const char *id, const char *path, size_t max_bytes, dk_archive_cb cb,
                     void *ud);

/* ---- exec tunnel: a byte stream to a process inside a container ----
 * For the VNC worker, which never holds the Docker socket: main opens the
 * tunnel and hands the worker the fd.
 * POST /containers/ID/exec (AttachStdin/Stdout/Stderr, no tty, Cmd = argv),
 * then POST /exec/EID/start with "Upgrade: tcp" on a connection of the
 * tunnel's own. Once the engine answers 101 (or 200, older engines), cb gets
 * rc 0 and fd: the caller's end of a socketpair (AF_UNIX, SOCK_STREAM,
 * CLOEXEC, blocking; the caller owns it and closes it). Bytes written to fd
 * go to the process's stdin verbatim; the process's stdout comes out of fd
 * (the engine's 8-byte frame headers removed). stderr goes to the log,
 * sanitized and capped. A frame of an unknown stream type or over
 * DK_TUNNEL_FRAME_MAX bytes, or an engine error, ends the tunnel: fd reads
 * EOF after the stdout that came before. EOF on fd (shutdown(fd, SHUT_WR) or
 * close) half-closes the engine connection: the process sees EOF on stdin.
 * EOF from the engine (the process ended) closes the tunnel's end: fd reads
 * EOF. Once the caller's end is closed for good (writes to it fail), the
 * process's output is dropped and it gets 5 s after its stdin EOF to end
 * before the engine connection is closed. The tunnel pumps inside
 * dk_client_dispatch with 64 KiB buffers each way, and stops reading one
 * side while the other does not take the data. A command that cannot start
 * (no such binary) still gets rc 0: the engine (20.10) answers 101, sends
 * "OCI runtime exec failed: ..." as stdout and closes the stream.
 * Create and start each time out after DK_TUNNEL_TIMEOUT_MS; an open tunnel
 * has no idle timeout.
 * Otherwise cb gets rc -1 and e (e->code an err_code: ERR_NOTFOUND no such
 * container, ERR_CONFLICT not running or paused, ERR_TRANSPORT for
 * timeouts, ...), fd -1. cb is called at most once, from dispatch or run,
 * never from dk_tunnel_open itself. */
#define DK_TUNNEL_TIMEOUT_MS 10000
#define DK_TUNNEL_FRAME_MAX (1u << 20)
struct dk_tunnel;
typedef void (*dk_tunnel_cb)(void *ud, int rc, const struct err *e, int fd);
/* Open a tunnel to argv (argv[0] .. NULL; at most 256 arguments, 64 KiB in
 * all) in container id (id or name). Returns the handle, which stays valid,
 * whatever happens to the tunnel, until dk_tunnel_close or dk_client_free;
 * NULL (and no callback) when id or argv is empty or too big. While the
 * tunnel is being set up it counts as a request in flight for dk_client_run. */
struct dk_tunnel *dk_tunnel_open(struct dk_client *c, const char *id, const char *const *argv,
                                 dk_tunnel_cb cb, void *ud);
/* Stop pumping, close the engine connection and the tunnel's end (the
 * caller's fd is left alone: it reads EOF), free t. cb is not called after
 * this. Safe at any stage, also from inside cb; NULL is a no-op. Closing
 * the engine connection closes the process's stdin; the engine does not
 * kill the process. */
void dk_tunnel_close(struct dk_tunnel *t);
/* exec_id (an ExecIDs entry of an inspect) is the exec of one of c's
 * tunnels still open: sandtop's own desktop relay, not someone inside. */
bool dk_client_owns_exec(const struct dk_client *c, const char *exec_id);
/* What exec session exec_id runs, "ENTRYPOINT ARG...", as exec_create events
 * print it (cut to DK_EXEC_CMDLINE_MAX - 1 bytes; raw engine text, compare
 * it, never show it), and whether it still runs (Podman keeps ended ones
 * in ExecIDs). cb runs once from dk_client_dispatch: rc 0 with cmdline
 * (valid for the callback only) and running, or -1 with e (ERR_NOTFOUND
 * once the session is gone). */
#define DK_EXEC_CMDLINE_MAX 512
typedef void (*dk_exec_cmd_cb)(void *ud, int rc, const struct err *e, const char *cmdline, bool running);
void dk_exec_cmdline(struct dk_client *c, const char *exec_id, dk_exec_cmd_cb cb, void *ud);
/* The parser of that answer (pure, for the tests): 0, or -1 with e. */
int dk_parse_exec_cmdline(const char *body, size_t len, char *out, size_t cap, struct err *e);
/* Its Running: false only when the answer says "Running": false (the
 * session ended); true otherwise, unreadable included. Pure. */
bool dk_parse_exec_running(const char *body, size_t len);

/* ---- JSON codec (pure; used by the client and the tests) ---- */
/* Parse a /containers/json body. Returns 0 or -1 (e->code ERR_PARSE). */
int dk_parse_container_list(const char *body, size_t len, struct dk_container_list *out, struct err *e);
/* Parse a /containers/ID/json body into out (cleared first). */
int dk_parse_inspect(const char *body, size_t len, struct dk_container *out, struct err *e);
/* Parse one /events JSON line. */
int dk_parse_event(const char *line, size_t len, struct dk_event *out, struct err *e);
/* A place where a container writes outside its image layer (so neither
 * commit nor the archive API sees what it wrote there). */
struct dk_mount_point {
	char *dest;        /* absolute path inside the container (untrusted) */
	char type[16];     /* "tmpfs" (HostConfig.Tmpfs), Mounts[].Type ("volume",
	                    * "bind", "tmpfs", ...), "shm" (its own /dev/shm) */
	bool rw;           /* writable (a tmpfs without "ro"; Mounts[].RW) */
};
#define DK_MOUNTS_MAX 64
/* From a /containers/ID/json body: HostConfig.Tmpfs's keys, then
 * Mounts[].Destination, then /dev/shm when HostConfig.IpcMode is "private"
 * or "shareable"; destinations not absolute or over 4096 bytes are skipped,
 * duplicates dropped, at most DK_MOUNTS_MAX. *out (free with
 * dk_mount_points_free) may be NULL with *n 0. Returns 0 or -1 (ERR_PARSE). */
int dk_parse_mount_points(const char *body, size_t len, struct dk_mount_point **out, size_t *n, struct err *e);
void dk_mount_points_free(struct dk_mount_point *m, size_t n);
/* Encode containers as the `sandtop ps --json` array: ASCII-only JSON (every
 * non-ASCII character \u-escaped) so raw output cannot reach a terminal as
 * control or bidi text. Returns a new string the caller frees. */
struct st_snapshot;
/* stats may be NULL, else n entries: each valid one adds cpu_percent,
 * cpu_quota_percent (null when unlimited), mem_bytes, mem_limit_bytes,
 * net_rx_bytes, net_tx_bytes, blk_read_bytes, blk_write_bytes, pids and
 * pids_limit (null when unlimited); an invalid one sets them all null. */
char *dk_containers_to_json(const struct dk_container *items, size_t n, const struct st_snapshot *stats);
/* The same with an "engine" field after "name": engines[i] names the
 * engine of items[i] (engines NULL: no field, as above). */
char *dk_containers_to_json_engines(const struct dk_container *items, size_t n, const struct st_snapshot *stats,
                                    const char *const *engines);

/* The stats API (remote engines, Podman, no cgroup access): parse one
 * stats answer. */
/* Parse one /containers/ID/stats?stream=false&one-shot=true body into raw
 * counters (cpu_stats only; precpu is ignored: we keep our own previous
 * sample). Returns 0 or -1 (ERR_PARSE). */
int dk_stats_parse(const char *body, size_t len, struct st_raw *out, struct err *e);

#endif
