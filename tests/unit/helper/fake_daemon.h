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

/* What the fake answers to GET /_ping: a dockerd's headers, API 1.41 and
 * engine 99.0. */
#define FAKE_PING_ANSWER "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/99.0 (linux)\r\n" \
                         "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK"
/* What the fake answers to GET /version: API 1.41. */
#define FAKE_VERSION_BODY "{\"Version\":\"99.0\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}"

/* The head of an exec start's answer; the raw stream follows. */
#define FAKE_UPGRADED "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n" \
                      "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"

/* fake_daemon_start flags */
enum {
	FAKE_TCP = 1,      /* also listen on a loopback TCP port (fake_daemon.tcp_port) */
	FAKE_RAW = 2,      /* GET /_ping and /version go to the handler too (the negotiation is the test's) */
};

/* A test's answer to one request, run in the connection's own child
 * process: fd the connection (closed when the handler returns), req the whole
 * request (headers and Content-Length body, NUL-terminated), rec the write
 * end of the record pipe (fake_record, or the test's own format). GET
 * /_ping and GET /version reach it only with FAKE_RAW. */
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
void fake_write_all(int fd, const void *p, size_t n);

/* Sleep ms milliseconds. */
void fake_pause_ms(int ms);

/* Answer status with the JSON body[0..len) (Connection: close); 204 and
 * 304 go without Content-Type, Content-Length or body. */
void fake_respond_len(int fd, int status, const char *body, size_t len);

/* fake_respond_len with the string body; NULL is an empty body. */
void fake_respond(int fd, int status, const char *body);

/* Append to b one frame of the engine's multiplexed stream: the 8-byte
 * header (stream, big-endian size), then p[0..n). */
void fake_frame(struct buf *b, int stream, const void *p, size_t n);

/* Report req to the test as "METHOD PATH\nBODY" for fake_next_request: a
 * 4-byte length, then the text, in one write (so records of concurrent
 * requests do not mix while under PIPE_BUF). Nothing for a request without
 * a request line or a header end. */
void fake_record(int rec, const char *req);

/* ---- for the test ---- */

/* Start the fake on /tmp/sandtop-TAG-PID.sock (and a loopback TCP port with
 * FAKE_TCP): a server process, leader of a new process group, that forks a
 * child per connection to run fake_serve with h. 0, or -1 when a socket,
 * the pipe or the fork fails. Stop it with fake_daemon_stop. */
int fake_daemon_start(struct fake_daemon *d, const char *tag, fake_handler h, int flags);

/* Kill the fake's whole process group, reap the server, remove the socket
 * and close the record pipe; what a failed start left undone is skipped. */
void fake_daemon_stop(struct fake_daemon *d);

/* cmocka teardown for a fake started by a setup that set *state to it:
 * fake_daemon_stop(*state). */
int fake_daemon_teardown(void **state);

/* A client of the fake's unix socket (dk_client_free it); fails the test
 * when dk_client_new fails. */
struct dk_client *fake_client(const struct fake_daemon *d);

/* The next fake_record ("METHOD PATH\nBODY"), waiting up to ms; the caller
 * frees it. NULL when none came. */
char *fake_next_request(const struct fake_daemon *d, int ms);

/* Drop what is in the record pipe, until it stays empty for 50 ms. */
void fake_drain(const struct fake_daemon *d);

/* True when nothing arrives in the record pipe within ms. */
bool fake_quiet(const struct fake_daemon *d, int ms);

#endif
