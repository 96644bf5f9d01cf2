/* fuzz_http: the engine's answer to the hijacked POST /exec/ID/start that sandtop reads itself (docker/tunnel/start.c: status line, headers, an error's Content-Length or chunked body, then the raw framed stream), for a tunnel handed to a caller and for a capture. */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>
#include <sys/socket.h>

#include "docker/tunnel/internal.h"

/* Input: byte 0 flags (1 capture, 2 the caller's end closed at once,
 * 4 the caller writes to stdin), byte 1 the capture's cap, then the
 * engine's bytes. */

static struct dk_client *client;

struct outcome {
	bool called, captured;
	int fd;
};

static void on_tunnel(void *ud, int rc, const struct err *e, int fd)
{
	struct outcome *o = ud;
	if (o->called)
		abort(); /* at most once */
	o->called = true;
	o->fd = fd;
	if (rc < 0) {
		if (fd >= 0)
			abort();
		fz_err("tunnel error", e->msg);
	}
}

static void on_capture(void *ud, int rc, const struct err *e, struct dk_capture *res)
{
	struct outcome *o = ud;
	if (o->captured)
		abort();
	o->captured = true;
	if (rc < 0)
		fz_err("capture error", e->msg);
	if (res->out.len > res->out.max || res->err.len > DK_CAPTURE_ERR_MAX)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet_log();
	struct err e;
	client = dk_client_new("unix:///nonexistent/sandtop-fuzz.sock", &e);
	if (!client)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > TN_BUF * 2)
		return 0;
	uint8_t flags = data[0];
	size_t cap_max = 1 + (size_t)data[1] * 16;
	data += 2;
	size -= 2;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	int big = 1 << 20;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	/* the engine's side: its whole answer, then EOF */
	size_t sent = 0;
	while (sent < size) {
		ssize_t k = send(sv[1], data + sent, size - sent, MSG_NOSIGNAL);
		if (k <= 0)
			break; /* the rest does not fit: the answer is cut there */
		sent += (size_t)k;
	}
	shutdown(sv[1], SHUT_WR);

	/* the tunnel as dk_tunnel_open / dk_tunnel_capture make it, its exec
	 * create dropped and the engine connection ours, as create_done
	 * leaves it */
	struct outcome o = {.fd = -1};
	static const char *const argv[] = {"sh", "-c", "x", NULL};
	struct dk_tunnel *t = (flags & 1) ? dk_tunnel_capture(client, "fuzz", argv, cap_max, 1000, on_capture, &o, NULL)
	                                  : dk_tunnel_open(client, "fuzz", argv, on_tunnel, &o);
	if (!t)
		abort();
	dk_req_cancel(t->create);
	t->create = NULL;
	t->efd = sv[0];
	t->deadline = -1;
	t->stage = TN_START;
	snprintf(t->exec_id, sizeof t->exec_id, "%064d", 0);
	t->up.p = xmalloc(TN_BUF);
	t->down.p = xmalloc(TN_BUF);
	t->up.len = (size_t)snprintf(t->up.p, TN_BUF, "POST /v1.41/exec/x/start HTTP/1.1\r\n\r\n");
	t->e_in = t->e_out = true;

	for (int round = 0; round < 1000 && !o.captured; round++) {
		if (t->stage == TN_START) {
			t->e_in = true;
			tn_start_io(t);
		} else if (t->stage == TN_OPEN) {
			if (o.fd >= 0 && (flags & 2)) {
				close(o.fd);
				o.fd = -1;
			}
			if (o.fd >= 0 && (flags & 4) && round == 0)
				send(o.fd, "stdin\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT);
			char sink[4096];
			while (o.fd >= 0 && recv(o.fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
				;
			t->e_in = t->m_in = t->m_out = t->e_out = true;
			tn_pump(t);
		} else {
			break;
		}
	}
	if (!o.captured)
		dk_tunnel_close(t); /* a capture that finished freed its tunnel */
	if (o.fd >= 0)
		close(o.fd);
	close(sv[1]);
	return 0;
}
