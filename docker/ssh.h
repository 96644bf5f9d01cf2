/* ssh: the ssh://[user@]host[:port] engine transport (internal to docker/): the system ssh runs `docker system dial-stdio` on the far side, one ssh process per engine connection. */
#ifndef DOCKER_SSH_H
#define DOCKER_SSH_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct dk_client;
struct dk_ssh;
struct pollfd;

#define DK_SSH_USER_MAX 64
#define DK_SSH_HOST_MAX 255

/* An ssh:// address, parsed. */
struct dk_ssh_dest {
	char user[DK_SSH_USER_MAX + 1];  /* "" none: ssh's own (config, login name) */
	char host[DK_SSH_HOST_MAX + 1];  /* a name, an alias of the ssh config, or an address (IPv6 without []) */
	char port[6];                    /* "" none: ssh's own; else 1-65535 in digits */
};

/* Parse url as the docker CLI does: ssh://[user@]host[:port], IPv6 as
 * [addr], nothing after the host (no path, query or fragment), no password,
 * no empty user, host or port, no '%', whitespace, control bytes or a
 * leading '-' in user or host. 0, or -1 with e (ERR_USAGE, naming url
 * sanitized and why). No I/O. */
int dk_ssh_parse(const char *url, struct dk_ssh_dest *out, struct err *e);

/* The argv the transport runs for d: ssh -o BatchMode=yes -o ConnectTimeout=N
 * -T [-l USER] [-p PORT] -- HOST docker system dial-stdio. Fills argv
 * (pointers into d and static strings, valid while d is) with at most
 * DK_SSH_ARGV_MAX entries, NULL-terminated; returns the count. */
#define DK_SSH_ARGV_MAX 16
size_t dk_ssh_argv(const struct dk_ssh_dest *d, const char *argv[DK_SSH_ARGV_MAX]);

/* Make the transport for url (ssh://...; also the name its messages give
 * the engine). No I/O, no process yet. NULL with e (ERR_USAGE) when url is
 * bad. The client that made it attaches it as its part DK_PART_SSH (its
 * stderr pipes and its children's reaping in the client's poll loop,
 * through the four hooks below) and frees it with dk_ssh_free. */
struct dk_ssh *dk_ssh_new(const char *url, struct err *e);
/* After the client's last connection closed: every ssh child still there is
 * told to end (SIGTERM), waited for at most a second, then killed and
 * reaped: no process is left behind. NULL is a no-op. */
void dk_ssh_free(struct dk_ssh *s);

/* c's transport, or NULL when c is not ssh:// (client.c). */
struct dk_ssh *dk_client_ssh(const struct dk_client *c);

/* The most connections (ssh processes) a client opens to one engine, and
 * keeps open between requests. */
#define DK_SSH_MAX_CONNECTIONS 8
/* Set multi's limits for s (each connection costs a process and a
 * handshake: at most DK_SSH_MAX_CONNECTIONS, and as many kept idle). s
 * NULL: nothing. */
void dk_ssh_multi(struct dk_ssh *s, CURLM *multi);

/* Point easy's connections at s (a new connection = a new ssh process; the
 * URL's host is a dummy). s NULL: nothing. */
void dk_ssh_curl(struct dk_ssh *s, CURL *easy);

/* A new connection: an ssh child on one end of a socketpair; returns the
 * other end (ours: non-blocking, close-on-exec, already connected), or -1
 * with e (ERR_TRANSPORT). Close it with dk_ssh_close. */
int dk_ssh_open(struct dk_ssh *s, struct err *e);
/* Close fd: when it is one of s's connections, its child is reaped when it
 * ends, and told to end (SIGTERM, later SIGKILL) when it has not after a
 * grace. s NULL or an fd of no child: a plain close. */
void dk_ssh_close(struct dk_ssh *s, int fd);

/* A request of easy that failed (e: ERR_TRANSPORT): when an ssh child said
 * why on its stderr (or ended with a status of its own) since the request
 * started, e becomes "cannot reach engine at URL: ssh: WHY" (sanitized).
 * Reads the pipes first, without blocking. s NULL: nothing. */
void dk_ssh_explain(struct dk_ssh *s, CURL *easy, struct err *e);

/* The client's part hooks (client.c calls them for its DK_PART_SSH; s NULL:
 * nothing, 0). nfds: the most fds pollfds may add. pollfds: append the
 * listener and the stderr pipes at fds[base..max), lower *timeout_ms (-1:
 * none) while a child is ending; returns how many it added. take: right
 * after poll, take their revents back from fds[0..n). run: after the
 * requests' callbacks: accept curl's new connections into ssh processes,
 * read the pipes, reap the children that ended. */
size_t dk_ssh_nfds(const struct dk_ssh *s);
size_t dk_ssh_pollfds(struct dk_ssh *s, struct pollfd *fds, size_t base, size_t max, int *timeout_ms);
void dk_ssh_take(struct dk_ssh *s, const struct pollfd *fds, size_t n);
void dk_ssh_run(struct dk_ssh *s, int64_t now_ms);

/* Tests: the children alive (not yet reaped). */
size_t dk_ssh_children(const struct dk_ssh *s);

#endif
