/* fake_daemon: the fake Engine API daemon of the unit tests (see fake_daemon.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fake_daemon.h"

void fake_write_all(int fd, const void *p, size_t n)
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

void fake_pause_ms(int ms)
{
	usleep((useconds_t)ms * 1000);
}

void fake_respond_len(int fd, int status, const char *body, size_t len)
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

void fake_respond(int fd, int status, const char *body)
{
	fake_respond_len(fd, status, body, body ? strlen(body) : 0);
}

void fake_frame(struct buf *b, int stream, const void *p, size_t n)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                      (unsigned char)(n >> 8), (unsigned char)n};
	buf_append(b, h, 8);
	buf_append(b, p, n);
}

void fake_record(int rec, const char *req)
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
static size_t fake_read_request(int fd, char *req, size_t cap)
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

/* One connection: read its request, answer GET /_ping and GET /version
 * (unless FAKE_RAW), hand anything else to h. */
static void fake_serve(int fd, fake_handler h, int rec, int flags)
{
	static char req[1 << 20];
	fake_read_request(fd, req, sizeof req);
	if ((flags & FAKE_RAW))
		h(fd, req, rec);
	else if (!strncmp(req, "GET /_ping ", 11))
		fake_write_all(fd, FAKE_PING_ANSWER, strlen(FAKE_PING_ANSWER));
	else if (!strncmp(req, "GET /version", 12))
		fake_respond(fd, 200, FAKE_VERSION_BODY);
	else
		h(fd, req, rec);
}

int fake_daemon_start(struct fake_daemon *d, const char *tag, fake_handler h, int flags)
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
					fake_serve(fd, h, p[1], flags);
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

void fake_daemon_stop(struct fake_daemon *d)
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

int fake_daemon_teardown(void **state)
{
	fake_daemon_stop(*state);
	return 0;
}

struct dk_client *fake_client(const struct fake_daemon *d)
{
	char host[160];
	snprintf(host, sizeof host, "unix://%s", d->sock_path);
	struct err e;
	struct dk_client *c = dk_client_new(host, &e);
	if (!c)
		fail_msg("fake client: %s", e.msg);
	return c;
}

/* Read n bytes from fd by the monotonic deadline end (ms): 0, or -1 on
 * timeout, EOF or error. */
static int fake_read_full(int fd, void *p, size_t n, int64_t end)
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

char *fake_next_request(const struct fake_daemon *d, int ms)
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

void fake_drain(const struct fake_daemon *d)
{
	char tmp[4096];
	struct pollfd pf = {.fd = d->rec_fd, .events = POLLIN};
	while (poll(&pf, 1, 50) > 0 && read(d->rec_fd, tmp, sizeof tmp) > 0)
		;
}

bool fake_quiet(const struct fake_daemon *d, int ms)
{
	struct pollfd pf = {.fd = d->rec_fd, .events = POLLIN};
	return poll(&pf, 1, ms) == 0;
}
