/* fake_daemon: a fake Engine API daemon on a unix socket for the unit tests, one forked child per connection; the test supplies the request handler. */
#ifndef TESTS_UNIT_FAKE_DAEMON_H
#define TESTS_UNIT_FAKE_DAEMON_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "docker/docker.h"

/* What the fake answers to GET /version: API 1.41. */
#define FAKE_VERSION_BODY "{\"Version\":\"99.0\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}"

/* The head of an exec start's answer; the raw stream follows. */
#define FAKE_UPGRADED "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n" \
                      "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"

/* fake_daemon_start flags */
enum { FAKE_TCP = 1 }; /* also listen on a loopback TCP port (fake_daemon.tcp_port) */

/* A test's answer to one request, run in the connection's own child
 * process: fd the connection (closed when the handler returns), req the whole
 * request (headers and Content-Length body, NUL-terminated), rec the write
 * end of the record pipe (fake_record, or the test's own format). GET
 * /version never reaches it. */
typedef void (*fake_handler)(int fd, const char *req, int rec);

struct fake_daemon {
	char sock_path[108];
	int tcp_port; /* with FAKE_TCP, else 0 */
	pid_t pid;    /* the server, leader of the process group of every handler */
	int rec_fd;   /* the test's end of the record pipe */
};

/* ---- for the handlers, in the fake's processes: what writes to or reads
 * from a peer that went away ends the process (_exit(0)) ---- */

/* Write all n bytes of p to fd. */
static inline void fake_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k <= 0)
			_exit(0);
		s += k;
		n -= (size_t)k;
	}
}

/* Sleep ms milliseconds. */
static inline void fake_pause_ms(int ms)
{
	usleep((useconds_t)ms * 1000);
}

/* Answer status with the JSON body[0..len) (Connection: close); 204 and
 * 304 go without Content-Type, Content-Length or body. */
static inline void fake_respond_len(int fd, int status, const char *body, size_t len)
{
	char head[256];
	int n = status == 304 || status == 204
	        ? snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nConnection: close\r\n\r\n", status)
	        : snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	                   "Connection: close\r\nContent-Length: %zu\r\n\r\n", status, len);
	fake_write_all(fd, head, (size_t)n);
	if (status != 304 && status != 204 && len)
		fake_write_all(fd, body, len);
}

/* fake_respond_len with the string body; NULL is an empty body. */
static inline void fake_respond(int fd, int status, const char *body)
{
	fake_respond_len(fd, status, body, body ? strlen(body) : 0);
}

/* Append to b one frame of the engine's multiplexed stream: the 8-byte
 * header (stream, big-endian size), then p[0..n). */
static inline void fake_frame(struct buf *b, int stream, const void *p, size_t n)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                      (unsigned char)(n >> 8), (unsigned char)n};
	buf_append(b, h, 8);
	buf_append(b, p, n);
}

/* Report req to the test as "METHOD PATH\nBODY" for fake_next_request: a
 * 4-byte length, then the text, in one write (so records of concurrent
 * requests do not mix while under PIPE_BUF). Nothing for a request without
 * a request line or a header end. */
static inline void fake_record(int rec, const char *req)
{
	const char *sp = strchr(req, ' ');
	const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
	const char *body = strstr(req, "\r\n\r\n");
	if (!sp2 || !body)
		return;
	char *r = xasprintf("%.*s\n%s", (int)(sp2 - req), req, body + 4);
	uint32_t n = (uint32_t)strlen(r);
	char *msg = xmalloc(n + 4);
	memcpy(msg, &n, 4);
	memcpy(msg + 4, r, n);
	fake_write_all(rec, msg, n + 4);
	free(msg);
	free(r);
}

/* Read one request from fd into req (headers, then as much of the
 * Content-Length body as fits in cap - 1), NUL-terminated; its length. */
static inline size_t fake_read_request(int fd, char *req, size_t cap)
{
	size_t len = 0;
	char *end = NULL;
	while (!end) {
		ssize_t k = read(fd, req + len, cap - 1 - len);
		if (k <= 0)
			_exit(0);
		len += (size_t)k;
		req[len] = '\0';
		end = strstr(req, "\r\n\r\n");
	}
	const char *cl = strcasestr(req, "Content-Length: ");
	size_t want = (size_t)(end + 4 - req) + (cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0);
	while (len < want && len < cap - 1) {
		ssize_t k = read(fd, req + len, cap - 1 - len);
		if (k <= 0)
			_exit(0);
		len += (size_t)k;
		req[len] = '\0';
	}
	return len;
}

/* One connection: read its request, answer GET /version, hand anything
 * else to h. */
static inline void fake_serve(int fd, fake_handler h, int rec)
{
	static char req[1 << 20];
	fake_read_request(fd, req, sizeof req);
	if (!strncmp(req, "GET /version", 12))
		fake_respond(fd, 200, FAKE_VERSION_BODY);
	else
		h(fd, req, rec);
}

/* ---- for the test ---- */

/* Start the fake on /tmp/sandtop-TAG-PID.sock (and a loopback TCP port with
 * FAKE_TCP): a server process, leader of a new process group, that forks a
 * child per connection to run fake_serve with h. 0, or -1 when a socket,
 * the pipe or the fork fails. Stop it with fake_daemon_stop. */
static inline int fake_daemon_start(struct fake_daemon *d, const char *tag, fake_handler h, int flags)
{
	memset(d, 0, sizeof *d);
	d->rec_fd = -1;
	snprintf(d->sock_path, sizeof d->sock_path, "/tmp/sandtop-%s-%d.sock", tag, (int)getpid());
	unlink(d->sock_path);
	int ls[2] = {socket(AF_UNIX, SOCK_STREAM, 0), -1};
	nfds_t nls = 1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", d->sock_path);
	if (bind(ls[0], (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls[0], 64) < 0)
		return -1;
	if (flags & FAKE_TCP) {
		ls[nls++] = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in si = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t slen = sizeof si;
		if (bind(ls[1], (struct sockaddr *)&si, sizeof si) < 0 || listen(ls[1], 64) < 0 ||
		    getsockname(ls[1], (struct sockaddr *)&si, &slen) < 0)
			return -1;
		d->tcp_port = ntohs(si.sin_port);
	}
	int p[2];
	if (pipe(p) < 0)
		return -1;
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20); /* large records (a create body) in one go */
	d->pid = fork();
	if (d->pid < 0)
		return -1;
	if (d->pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGCHLD, SIG_IGN);
		for (;;) {
			struct pollfd lp[2] = {{.fd = ls[0], .events = POLLIN}, {.fd = ls[1], .events = POLLIN}};
			if (poll(lp, nls, -1) < 0)
				continue;
			for (nfds_t i = 0; i < nls; i++) {
				if (!lp[i].revents)
					continue;
				int fd = accept(lp[i].fd, NULL, NULL);
				if (fd < 0)
					_exit(0);
				if (fork() == 0) {
					for (nfds_t j = 0; j < nls; j++)
						close(ls[j]);
					fake_serve(fd, h, p[1]);
					_exit(0);
				}
				close(fd);
			}
		}
	}
	setpgid(d->pid, d->pid);
	for (nfds_t j = 0; j < nls; j++)
		close(ls[j]);
	close(p[1]);
	d->rec_fd = p[0];
	return 0;
}

/* Kill the fake's whole process group, reap the server, remove the socket
 * and close the record pipe; what a failed start left undone is skipped. */
static inline void fake_daemon_stop(struct fake_daemon *d)
{
	if (d->pid > 0) {
		kill(-d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	if (d->sock_path[0])
		unlink(d->sock_path);
	if (d->rec_fd >= 0)
		close(d->rec_fd);
	d->rec_fd = -1;
}

/* cmocka teardown for a fake started by a setup that set *state to it:
 * fake_daemon_stop(*state). */
static inline int fake_daemon_teardown(void **state)
{
	fake_daemon_stop(*state);
	return 0;
}

/* A client of the fake's unix socket; NULL when dk_client_new fails. */
static inline struct dk_client *fake_client(const struct fake_daemon *d)
{
	char host[160];
	snprintf(host, sizeof host, "unix://%s", d->sock_path);
	struct err e;
	return dk_client_new(host, &e);
}

/* Read n bytes from fd by the monotonic deadline end (ms): 0, or -1 on
 * timeout, EOF or error. */
static inline int fake_read_full(int fd, void *p, size_t n, int64_t end)
{
	char *s = p;
	while (n > 0) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int left = (int)(end - clock_mono_ms());
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			return -1;
		ssize_t k = read(fd, s, n);
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The next fake_record ("METHOD PATH\nBODY"), waiting up to ms; the caller
 * frees it. NULL when none came. */
static inline char *fake_next_request(const struct fake_daemon *d, int ms)
{
	int64_t end = clock_mono_ms() + ms;
	uint32_t n;
	if (fake_read_full(d->rec_fd, &n, 4, end) < 0)
		return NULL;
	char *r = xmalloc((size_t)n + 1);
	if (fake_read_full(d->rec_fd, r, n, end) < 0) {
		free(r);
		return NULL;
	}
	r[n] = '\0';
	return r;
}

/* Drop what is in the record pipe, until it stays empty for 50 ms. */
static inline void fake_drain(const struct fake_daemon *d)
{
	char tmp[4096];
	struct pollfd pf = {.fd = d->rec_fd, .events = POLLIN};
	while (poll(&pf, 1, 50) > 0 && read(d->rec_fd, tmp, sizeof tmp) > 0)
		;
}

/* True when nothing arrives in the record pipe within ms. */
static inline bool fake_quiet(const struct fake_daemon *d, int ms)
{
	struct pollfd pf = {.fd = d->rec_fd, .events = POLLIN};
	return poll(&pf, 1, ms) == 0;
}

#endif
