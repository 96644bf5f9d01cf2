/* start: the hijacked /exec/ID/start request and the engine's answer (101 opens the raw stream). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "docker/tunnel/internal.h"

/* The value of header name in the header block h[0..n) (status line
 * excluded), trimmed, into out; -1 when absent. */
static int header_value(const char *h, size_t n, const char *name, char *out, size_t outcap)
{
	size_t nl = strlen(name);
	const char *end = h + n;
	const char *line = memchr(h, '\n', n);
	while (line && ++line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t len = eol ? (size_t)(eol - line) : (size_t)(end - line);
		if (len > nl && line[nl] == ':' && !strncasecmp(line, name, nl)) {
			const char *v = line + nl + 1;
			const char *ve = line + len;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			size_t vl = (size_t)(ve - v) < outcap - 1 ? (size_t)(ve - v) : outcap - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		line = eol;
	}
	return -1;
}

/* "HTTP/1.x NNN ..." -> NNN, or -1. */
static int status_code(const char *h, size_t n)
{
	if (n < 13 || memcmp(h, "HTTP/1.", 7) || h[7] < '0' || h[7] > '9' || h[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (h[i] < '0' || h[i] > '9')
			return -1;
	if (h[12] != ' ' && h[12] != '\r')
		return -1;
	return (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
}

/* The answer is a raw stream from here: hand the caller its fd. */
static void tn_open(struct dk_tunnel *t)
{
	if (t->cap) {
		t->down.off = t->head_len;
		t->cap->ops->open(t);
		return;
	}
	struct err e;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		err_set(&e, ERR_TRANSPORT, "socketpair: %s", strerror(errno));
		tn_fail(t, &e);
		return;
	}
	int fl = fcntl(sv[0], F_GETFL);
	if (fl < 0 || fcntl(sv[0], F_SETFL, fl | O_NONBLOCK) < 0) {
		err_set(&e, ERR_TRANSPORT, "fcntl: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		tn_fail(t, &e);
		return;
	}
	t->mfd = sv[0];
	t->stage = TN_OPEN;
	t->deadline = -1;
	if (t->busy) {
		dk_client_busy_add(t->c, -1);
		t->busy = false;
	}
	t->down.off = t->head_len; /* what followed the headers is stream data */
	t->up.off = t->up.len = 0;
	t->m_in = t->m_out = t->e_in = t->e_out = true;
	log_msg(LOG_INFO, "tunnel to %s: open (exec %.12s, engine answered %d)", t->what, t->exec_id, t->status);
	dk_tunnel_cb cb = t->cb;
	if (cb)
		cb(t->ud, 0, NULL, sv[1]);
	else
		close(sv[1]);
	if (!t->closed && t->stage == TN_OPEN)
		tn_pump(t);
}

static void tn_send_request(struct dk_tunnel *t)
{
	while (t->e_out && t->up.off < t->up.len) {
		ssize_t k = tn_esend(t, t->up.p + t->up.off, t->up.len - t->up.off);
		if (k > 0) {
			t->up.off += (size_t)k;
		} else if (k < 0 && errno == EINTR) {
			continue;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			t->e_out = false;
		} else {
			/* the engine may have answered (and closed) already: read on */
			t->up.off = t->up.len;
		}
	}
}

static void tn_read_answer(struct dk_tunnel *t)
{
	while (t->e_in && !t->engine_eof && t->down.len < TN_BUF) {
		ssize_t k = tn_erecv(t, t->down.p + t->down.len, TN_BUF - t->down.len);
		if (k > 0) {
			t->down.len += (size_t)k;
		} else if (k == 0) {
			t->engine_eof = true;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			t->e_in = false;
		} else if (errno != EINTR) {
			t->engine_eof = true;
		}
	}
}

/* The headers are complete: 101/200 open the stream, anything else is an
 * error whose body we wait for. Returns 1 when the tunnel left TN_START. */
static int tn_headers(struct dk_tunnel *t)
{
	struct err e;
	const char *p = t->down.p;
	size_t n = t->down.len < TN_HEAD_MAX ? t->down.len : TN_HEAD_MAX;
	const char *end = NULL;
	for (size_t i = 0; i + 3 < n; i++) {
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n') {
			end = p + i + 4;
			break;
		}
	}
	if (!end) {
		if (t->down.len >= TN_HEAD_MAX)
			err_set(&e, ERR_PARSE, "engine answer to exec start: headers over %u bytes", TN_HEAD_MAX);
		else if (t->engine_eof)
			err_set(&e, ERR_TRANSPORT, "engine closed the connection before answering exec start");
		else
			return 0;
		tn_fail(t, &e);
		return 1;
	}
	t->head_len = (size_t)(end - p);
	t->status = status_code(p, t->head_len);
	if (t->status < 0) {
		err_set(&e, ERR_PARSE, "engine sent no HTTP answer to exec start");
		tn_fail(t, &e);
		return 1;
	}
	if (t->status == 101 || t->status == 200) {
		tn_open(t);
		return 1;
	}
	char v[32];
	t->body_want = -1;
	if (header_value(p, t->head_len, "Content-Length", v, sizeof v) == 0) {
		char *ep;
		long cl = strtol(v, &ep, 10);
		if (*ep == '\0' && cl >= 0)
			t->body_want = cl;
	}
	return 0;
}

/* An error answer: judge it once its body is in (or cannot grow). */
static void tn_error_body(struct dk_tunnel *t)
{
	size_t have = t->down.len - t->head_len;
	bool complete = t->body_want >= 0 && have >= (size_t)t->body_want;
	if (!complete && !t->engine_eof && t->down.len < TN_BUF)
		return;
	const char *body = t->down.p + t->head_len;
	size_t blen = complete ? (size_t)t->body_want : have;
	char v[32];
	if (header_value(t->down.p, t->head_len, "Transfer-Encoding", v, sizeof v) == 0 && !strcasecmp(v, "chunked")) {
		/* the first chunk's size line; the JSON parser stops at the value's end */
		const char *nl = memchr(body, '\n', blen);
		if (nl) {
			blen -= (size_t)(nl + 1 - body);
			body = nl + 1;
		}
	}
	struct err e;
	dk_http_error(&e, t->status, body, blen);
	tn_fail(t, &e);
}

void tn_start_io(struct dk_tunnel *t)
{
	tn_send_request(t);
	tn_read_answer(t);
	if (!t->head_len && tn_headers(t))
		return;
	if (t->head_len)
		tn_error_body(t);
}
