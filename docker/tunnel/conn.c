/* conn: a tunnel's own connection to the engine and its bytes: a socket of its own (unix, tcp, or an ssh process's for ssh://), or over TLS a connection curl made with the client's certificates (curl_easy_send/recv). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "docker/ssh.h"
#include "docker/tunnel/internal.h"

/* The engine's address as curl reached it for the exec create: the unix
 * path, or the address curl resolved and connected to (so no name lookup,
 * which could block, happens here). 0, or -1 with e set. */
static int engine_addr(struct dk_tunnel *t, CURL *easy, struct sockaddr_storage *ss, socklen_t *slen, struct err *e)
{
	const char *path = dk_client_unix_path(t->c);
	memset(ss, 0, sizeof *ss);
	if (path) {
		struct sockaddr_un *sa = (struct sockaddr_un *)ss;
		if (strlen(path) >= sizeof sa->sun_path)
			return err_set(e, ERR_USAGE, "engine socket path too long");
		sa->sun_family = AF_UNIX;
		memcpy(sa->sun_path, path, strlen(path) + 1);
		*slen = sizeof *sa;
		return 0;
	}
	char *ip = NULL;
	long port = 0;
	if (!easy || curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) != CURLE_OK || !ip || !ip[0] ||
	    curl_easy_getinfo(easy, CURLINFO_PRIMARY_PORT, &port) != CURLE_OK || port < 1 || port > 65535)
		return err_set(e, ERR_TRANSPORT, "engine address unknown after exec create");
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*slen = sizeof *s4;
	} else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*slen = sizeof *s6;
	} else {
		return err_set(e, ERR_TRANSPORT, "engine address unknown after exec create");
	}
	return 0;
}

/* TLS: curl has connected (or failed): speak through its handle from now on. */
static void tls_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_tunnel *t = r->ud;
	t->conn = NULL;   /* freed by the client right after this returns */
	curl_socket_t fd = CURL_SOCKET_BAD;
	if (rc < 0) {
		t->conn_e = *e;   /* tn_connected says it */
		return;
	}
	if (curl_easy_getinfo(r->easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD) {
		err_set(&t->conn_e, ERR_TRANSPORT, "TLS connection to engine at %s: no socket", dk_client_endpoint(t->c));
		return;
	}
	t->tls = dk_conn_take(r);   /* ours now: tn_eclose frees it */
	t->efd = (int)fd;
	t->stage = TN_START;
	t->e_out = true;
}

int tn_connect(struct dk_tunnel *t, CURL *easy, struct err *e)
{
	if (dk_client_ssh(t->c)) {
		t->efd = dk_ssh_open(dk_client_ssh(t->c), e);
		if (t->efd < 0)
			return -1;
		t->stage = TN_START;
		t->e_out = true;
		return 0;
	}
	if (dk_client_tls(t->c)) {
		t->stage = TN_CONNECT;
		t->conn = dk_conn_open(t->c, tls_done, t);
		dk_req_submit(t->conn);
		return 0;
	}
	struct sockaddr_storage ss;
	socklen_t slen = 0;
	if (engine_addr(t, easy, &ss, &slen, e) < 0)
		return -1;
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, ERR_TRANSPORT, "socket: %s", strerror(errno));
	bool connected = connect(fd, (struct sockaddr *)&ss, slen) == 0;
	if (!connected && errno != EINPROGRESS) {
		int en = errno;
		close(fd);
		return err_set(e, ERR_TRANSPORT, "cannot reach engine at %s: %s", dk_client_endpoint(t->c), strerror(en));
	}
	t->efd = fd;
	t->stage = connected ? TN_START : TN_CONNECT;
	t->e_out = connected;
	return 0;
}

int tn_connected(struct dk_tunnel *t, struct err *e)
{
	if (t->conn_e.code) {
		*e = t->conn_e;
		return -1;
	}
	if (t->conn || t->efd < 0 || !t->e_out)
		return 0;   /* TLS: tls_done moves on */
	int soerr = 0;
	socklen_t len = sizeof soerr;
	if (getsockopt(t->efd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr == EINPROGRESS || soerr == EALREADY)
		return 0;
	if (soerr)
		return err_set(e, ERR_TRANSPORT, "cannot reach engine at %s: %s", dk_client_endpoint(t->c), strerror(soerr));
	t->stage = TN_START;
	t->e_out = true;
	return 0;
}

/* ---- bytes ---- */

/* curl's answer as send(2)/recv(2) would give it. */
static ssize_t from_curl(CURLcode cc, size_t n)
{
	if (cc == CURLE_OK)
		return (ssize_t)n;
	errno = cc == CURLE_AGAIN ? EAGAIN : ECONNRESET;
	return -1;
}

ssize_t tn_esend(struct dk_tunnel *t, const void *p, size_t n)
{
	if (!t->tls)
		return send(t->efd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	size_t k = 0;
	CURLcode cc = curl_easy_send(t->tls, p, n, &k);   /* k is read after the call */
	return from_curl(cc, k);
}

ssize_t tn_erecv(struct dk_tunnel *t, void *p, size_t n)
{
	if (!t->tls)
		return recv(t->efd, p, n, MSG_DONTWAIT);
	size_t k = 0;
	CURLcode cc = curl_easy_recv(t->tls, p, n, &k);   /* k is read after the call */
	return from_curl(cc, k);
}

void tn_eshut(struct dk_tunnel *t)
{
	/* over TLS too: the engine reads the end of its stdin; what it sends
	 * back still arrives (a TLS close_notify cannot be sent alone through
	 * curl, and the socket's half close is what the engine acts on) */
	shutdown(t->efd, SHUT_WR);
}

void tn_eclose(struct dk_tunnel *t)
{
	if (t->conn) {
		dk_req_cancel(t->conn);   /* un-counts itself as busy */
		t->conn = NULL;
	}
	if (t->tls) {
		dk_conn_free(t->c, t->tls);   /* closes the socket */
		t->tls = NULL;
	} else {
		dk_ssh_close(dk_client_ssh(t->c), t->efd); /* a plain close but for ssh:// */
	}
	t->efd = -1;
}
