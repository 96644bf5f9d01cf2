/* client: the Engine API transport: endpoint, curl multi driven by our poll loop, version negotiation. */
#include "docker/client_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/endpoint.h"
#include "docker/ssh.h"
#include "docker/tls.h"

#define DK_API_MAX_MAJOR 1
#define DK_API_MAX_MINOR 43  /* newest API we speak */
#define DK_API_MIN_MINOR 24  /* oldest we accept */
#define DK_CONNECT_TIMEOUT_MS 3000L
#define DK_MAX_CONNECTIONS 32   /* a kill switch sends one request per sandbox at once */

struct dk_sock {
	curl_socket_t fd;
	int what;  /* CURL_POLL_IN / OUT / INOUT */
};

struct dk_client {
	CURLM *multi;
	char *endpoint;     /* for display */
	char *unix_path;    /* unix socket, or NULL for tcp */
	char *base_url;     /* "http://localhost" or "http://HOST:PORT" */
	char api[16];       /* negotiated, "" before */
	char engine[64];
	bool negotiating;
	struct dk_req *queue, *queue_tail;
	size_t busy;
	struct dk_sock *socks;
	size_t nsocks, capsocks;
	int64_t deadline;   /* curl's timer, mono ms; -1 none */
	struct {
		void *state;
		const struct dk_part_ops *ops;
	} part[DK_PARTS];     /* the tunnels, the events stream, the image cache */
	struct dk_req *live;  /* started requests, linked by live_prev/live_next */
	size_t ncurl_polled;  /* curl's fds at the head of the last pollfds array */
	char *host_header;    /* "HOST:PORT" for tcp, "localhost" for unix */
	struct dk_req *rejected; /* failed before starting, linked by next; finish at dispatch */
	long stop_grace_ms;
	struct dk_tls *tls;   /* tcp:// over TLS (tls.c), NULL: plain */
	struct dk_ssh *ssh;   /* ssh:// (ssh.c): its processes carry the connections; NULL: not */
};

static bool curl_inited;

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	(void)easy;
	(void)socketp;
	struct dk_client *c = userp;
	size_t i;
	for (i = 0; i < c->nsocks; i++)
		if (c->socks[i].fd == s)
			break;
	if (what == CURL_POLL_REMOVE) {
		if (i < c->nsocks)
			c->socks[i] = c->socks[--c->nsocks];
		return 0;
	}
	if (i == c->nsocks) {
		if (c->nsocks == c->capsocks) {
			c->capsocks = c->capsocks ? c->capsocks * 2 : 8;
			c->socks = xrealloc(c->socks, c->capsocks * sizeof *c->socks);
		}
		c->nsocks++;
	}
	c->socks[i].fd = s;
	c->socks[i].what = what;
	return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	struct dk_client *c = userp;
	c->deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
	return 0;
}

/* The ssh:// transport (ssh.c) as the client's part DK_PART_SSH. No free
 * hook: the client frees the transport itself (dk_ssh_free), after curl
 * closed its last connection. */
static size_t ssh_nfds(const struct dk_client *c)
{
	return dk_ssh_nfds(c->ssh);
}

static size_t ssh_pollfds(struct dk_client *c, struct pollfd *fds, size_t base, size_t max, int64_t now_ms,
                          int *timeout_ms)
{
	(void)now_ms;
	return dk_ssh_pollfds(c->ssh, fds, base, max, timeout_ms);
}

static void ssh_take(struct dk_client *c, const struct pollfd *fds, size_t n)
{
	dk_ssh_take(c->ssh, fds, n);
}

static void ssh_run(struct dk_client *c, int64_t now_ms)
{
	dk_ssh_run(c->ssh, now_ms);
}

static const struct dk_part_ops ssh_ops = {
	.nfds = ssh_nfds, .pollfds = ssh_pollfds, .take = ssh_take, .run = ssh_run,
};

static int parse_host(struct dk_client *c, const char *host, struct err *e)
{
	if (!strncmp(host, "unix://", 7)) {
		const char *p = host + 7;
		if (!*p || *p != '/')
			return err_set(e, ERR_USAGE, "bad engine address '%s': unix:// needs an absolute path", host);
		c->unix_path = xstrdup(p);
		c->base_url = xstrdup("http://localhost");
	} else if (!strncmp(host, "tcp://", 6)) {
		const char *p = host + 6;
		size_t n = strcspn(p, "/");
		if (n == 0 || !memchr(p, ':', n))
			return err_set(e, ERR_USAGE, "bad engine address '%s': tcp:// needs HOST:PORT", host);
		c->base_url = xasprintf("http://%.*s", (int)n, p);
		c->host_header = xasprintf("%.*s", (int)n, p);
	} else if (!strncmp(host, "ssh://", 6)) {
		if (!(c->ssh = dk_ssh_new(host, e)))
			return -1;
		dk_client_part_set(c, DK_PART_SSH, c->ssh, &ssh_ops);
		c->base_url = xstrdup("http://localhost"); /* ssh.c carries the connections */
	} else if (host[0] == '/') {
		c->unix_path = xstrdup(host);
		c->base_url = xstrdup("http://localhost");
	} else {
		return err_set(e, ERR_USAGE, "bad engine address '%s': expected unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]", host);
	}
	c->endpoint = c->unix_path ? xasprintf("unix://%s", c->unix_path) : xstrdup(host);
	if (!c->host_header)
		c->host_header = xstrdup("localhost");
	return 0;
}

struct dk_client *dk_client_new(const char *host, struct err *e)
{
	struct dk_endpoint *ep = xmalloc(sizeof *ep);
	struct dk_client *c = dk_endpoint_default(ep, host, e) < 0 ? NULL : dk_client_new_endpoint(ep, e);
	free(ep);
	return c;
}

struct dk_client *dk_client_new_endpoint(const struct dk_endpoint *ep, struct err *e)
{
	const char *host = ep->host;
	if (!curl_inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_inited = true;
	}
	struct dk_client *c = xcalloc(1, sizeof *c);
	c->deadline = -1;
	c->stop_grace_ms = DK_STOP_GRACE_S * 1000L;
	if (parse_host(c, host, e) < 0) {
		dk_client_free(c);
		return NULL;
	}
	if (ep->tls && !c->unix_path) {
		c->tls = dk_tls_new(ep);
		free(c->base_url);
		c->base_url = xasprintf("https://%s", c->host_header);
	}
	c->multi = curl_multi_init();
	if (!c->multi)
		abort();
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	/* bounded concurrency: the engine is one process, and the poll loop
	 * has room for a fixed number of sockets (DK_MAX_SOCKETS) */
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)DK_MAX_CONNECTIONS);
	dk_ssh_multi(c->ssh, c->multi);
	return c;
}

static void parts_free(struct dk_client *c, bool late)
{
	for (int p = 0; p < DK_PARTS; p++) {
		const struct dk_part_ops *ops = c->part[p].ops;
		if (c->part[p].state && ops->free_late == late) {
			if (ops->free)
				ops->free(c);
			c->part[p].state = NULL;
			c->part[p].ops = NULL;
		}
	}
}

void dk_client_free(struct dk_client *c)
{
	if (!c)
		return;
	parts_free(c, false);
	while (c->queue)
		dk_req_cancel(c->queue);
	while (c->rejected)
		dk_req_cancel(c->rejected);
	while (c->live)
		dk_req_cancel(c->live);
	parts_free(c, true);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	dk_ssh_free(c->ssh);  /* after curl closed its connections */
	free(c->socks);
	free(c->endpoint);
	free(c->unix_path);
	free(c->base_url);
	free(c->host_header);
	dk_tls_free(c->tls);
	free(c);
}

const char *dk_client_endpoint(const struct dk_client *c)
{
	return c->endpoint;
}

const char *dk_client_api_version(const struct dk_client *c)
{
	return c->api[0] ? c->api : NULL;
}

const char *dk_client_engine_version(const struct dk_client *c)
{
	return c->engine[0] ? c->engine : NULL;
}

void *dk_client_part(const struct dk_client *c, enum dk_part p)
{
	return c->part[p].state;
}

void dk_client_part_set(struct dk_client *c, enum dk_part p, void *state, const struct dk_part_ops *ops)
{
	c->part[p].state = state;
	c->part[p].ops = state ? ops : NULL;
}

const char *dk_client_unix_path(const struct dk_client *c)
{
	return c->unix_path;
}

const char *dk_client_host_header(const struct dk_client *c)
{
	return c->host_header;
}

struct dk_ssh *dk_client_ssh(const struct dk_client *c)
{
	return c->ssh;
}

bool dk_client_tls(const struct dk_client *c)
{
	return c->tls != NULL;
}

void dk_client_set_stop_grace_ms(struct dk_client *c, long ms)
{
	c->stop_grace_ms = ms;
}

long dk_client_stop_grace_ms(const struct dk_client *c)
{
	return c->stop_grace_ms;
}

size_t dk_client_inflight(const struct dk_client *c)
{
	return c->busy;
}

void dk_client_busy_add(struct dk_client *c, int delta)
{
	if (delta < 0 && c->busy < (size_t)-delta)
		c->busy = 0;
	else
		c->busy = (size_t)((ptrdiff_t)c->busy + delta);
}

/* ---- requests ---- */

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct dk_req *r = ud;
	size_t n = size * nmemb;
	if (!r->status)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if ((r->stream || r->on_data) && r->status >= 200 && r->status < 300) {
		if (!r->opened) {
			r->opened = true;
			if (r->on_open)
				r->on_open(r);
		}
		return r->on_data(r, p, n) < 0 ? 0 : n;
	}
	if (buf_append(&r->body, p, n) < 0)
		return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct dk_req *r = ud;
	size_t n = size * nmemb;
	if (r->on_head)
		r->on_head(r, p, n);
	/* the blank line that ends the headers: a stream is open from here */
	if (r->stream && (n == 2 && p[0] == '\r') && !r->opened) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
		if (r->status >= 200 && r->status < 300) {
			r->opened = true;
			if (r->on_open)
				r->on_open(r);
		}
	}
	return n;
}

char *dk_escaped_path(const char *prefix, const char *arg, const char *suffix)
{
	char *enc = curl_easy_escape(NULL, arg, 0);
	if (!enc)
		abort();
	char *p = xasprintf("%s%s%s", prefix, enc, suffix);
	curl_free(enc);
	return p;
}

struct dk_req *dk_req_new(struct dk_client *c, const char *method, const char *path, bool versioned)
{
	struct dk_req *r = xcalloc(1, sizeof *r);
	r->c = c;
	r->method = xstrdup(method);
	r->path = xstrdup(path);
	r->versioned = versioned;
	buf_init(&r->body, DK_BODY_MAX);
	return r;
}

struct dk_req *dk_conn_open(struct dk_client *c, dk_req_done_fn done, void *ud)
{
	struct dk_req *r = dk_req_new(c, "GET", "/", false);
	r->connect_only = true;
	r->done = done;
	r->ud = ud;
	return r;
}

CURL *dk_conn_take(struct dk_req *r)
{
	CURL *h = r->easy;
	if (!h)
		return NULL;
	/* nothing of the request's may outlive it: curl writes its error
	 * buffer on a later failure of curl_easy_send/recv */
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	r->easy = NULL;
	return h;
}

void dk_conn_free(struct dk_client *c, CURL *easy)
{
	if (!easy)
		return;
	curl_multi_remove_handle(c->multi, easy);
	curl_easy_cleanup(easy);
}

static void req_free(struct dk_req *r)
{
	struct dk_client *c = r->c;
	if (r->live_prev)
		r->live_prev->live_next = r->live_next;
	else if (c->live == r)
		c->live = r->live_next;
	if (r->live_next)
		r->live_next->live_prev = r->live_prev;
	if (r->easy && r->kept)
		curl_multi_remove_handle(c->multi, r->easy);
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	buf_free(&r->body);
	free(r->method);
	free(r->path);
	free(r->post);
	if (r->ctx_free)
		r->ctx_free(r->ctx);
	free(r);
}

static void req_start(struct dk_req *r)
{
	struct dk_client *c = r->c;
	char *url = r->versioned ? xasprintf("%s/v%s%s", c->base_url, c->api, r->path)
	                         : xasprintf("%s%s", c->base_url, r->path);
	CURL *h = curl_easy_init();
	if (!h)
		abort();
	r->easy = h;
	curl_easy_setopt(h, CURLOPT_URL, url);
	free(url);
	if (c->unix_path)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->unix_path);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->post) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->post);
		r->headers = curl_slist_append(r->headers, "Content-Type: application/json");
	} else if (strcmp(r->method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	}
	r->headers = curl_slist_append(r->headers, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "sandtop");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* the engine is reached directly: never through $http_proxy (the exec
	 * tunnels also connect to the address curl used) */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, DK_CONNECT_TIMEOUT_MS);
	if (!r->stream)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ? r->timeout_ms : DK_REQUEST_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_PRIVATE, r);
	if (r->connect_only)
		curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	dk_ssh_curl(c->ssh, h);
	dk_tls_setopt(c->tls, h, r->errbuf);
	r->live_next = c->live;
	if (c->live)
		c->live->live_prev = r;
	c->live = r;
	curl_multi_add_handle(c->multi, h);
}

static void ping_start(struct dk_client *c);

void dk_req_submit(struct dk_req *r)
{
	struct dk_client *c = r->c;
	if (!r->stream)
		c->busy++;
	if (r->versioned && !c->api[0]) {
		if (c->queue_tail)
			c->queue_tail->next = r;
		else
			c->queue = r;
		c->queue_tail = r;
		if (!c->negotiating)
			ping_start(c);
		return;
	}
	req_start(r);
}

void dk_req_reject(struct dk_req *r, const struct err *e)
{
	struct dk_client *c = r->c;
	r->rejected = true;
	r->reject_e = *e;
	if (!r->stream)
		c->busy++;
	r->next = c->rejected;
	c->rejected = r;
}

void dk_req_cancel(struct dk_req *r)
{
	struct dk_client *c = r->c;
	if (r->easy) {
		curl_multi_remove_handle(c->multi, r->easy);
	} else if (r->rejected) {
		struct dk_req **pp = &c->rejected;
		while (*pp && *pp != r)
			pp = &(*pp)->next;
		if (*pp)
			*pp = r->next;
	} else {
		/* still queued behind negotiation: unlink it */
		struct dk_req **pp = &c->queue, *prev = NULL;
		while (*pp && *pp != r) {
			prev = *pp;
			pp = &(*pp)->next;
		}
		if (*pp) {
			*pp = r->next;
			if (c->queue_tail == r)
				c->queue_tail = prev;
		}
	}
	if (!r->stream && c->busy)
		c->busy--;
	req_free(r);
}

static void req_finish(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_client *c = r->c;
	if (r->done)
		r->done(r, rc, e);
	if (!r->stream && c->busy)
		c->busy--;
	req_free(r);
}

static void req_complete(struct dk_req *r, CURLcode cc)
{
	struct err e;
	err_clear(&e);
	if (r->easy)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (cc == CURLE_WRITE_ERROR && r->body.overflow) {
		err_set(&e, ERR_TOOBIG, "engine response over %u bytes", DK_BODY_MAX);
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		curl_off_t total = 0;
		if (r->easy)
			curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total);
		err_set(&e, ERR_TRANSPORT, "no answer from engine at %s within %lld ms", r->c->endpoint,
		        (long long)(total / 1000));
	} else if (dk_tls_explain(&e, r->c->tls, r->c->endpoint, cc, r->status, r->body.data, r->body.len, r->errbuf)) {
		/* TLS said why in one line */
	} else if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && r->stream)) {
		err_set(&e, ERR_TRANSPORT, "cannot reach engine at %s: %s", r->c->endpoint, curl_easy_strerror(cc));
	} else if (!r->connect_only && (r->status < 200 || r->status >= 300)) {
		dk_http_error(&e, r->status, r->body.data, r->body.len);
	}
	if (e.code == ERR_TRANSPORT)
		dk_ssh_explain(r->c->ssh, r->easy, &e);
	req_finish(r, e.code ? -1 : 0, &e);
}

/* ---- version negotiation ----
 * GET /_ping's headers name the API version (Api-Version) and the engine
 * (Server: "Docker/20.10.24 (linux)", "Libpod/4.3.1 (linux)"), at no cost
 * to the engine; GET /version only when they do not, or there is no
 * /_ping: dockerd answers it by running `runc --version` and `docker-init
 * --version`, two forks the kill switch should not ask of an engine in
 * trouble (docs/architecture.md). */

static int parse_api(const char *s, int *maj, int *min)
{
	return s && sscanf(s, "%d.%d", maj, min) == 2 ? 0 : -1;
}

static void queue_flush(struct dk_client *c, const struct err *e)
{
	struct dk_req *q = c->queue;
	c->queue = c->queue_tail = NULL;
	while (q) {
		struct dk_req *next = q->next;
		q->next = NULL;
		if (e) {
			req_finish(q, -1, e);
		} else {
			req_start(q);
		}
		q = next;
	}
}

/* The engine's API version api (untrusted) and its version engine (shown:
 * sanitized by the caller) are in: check and keep them, then start or fail
 * the queued requests. */
static void negotiated(struct dk_client *c, const char *api, const char *engine)
{
	struct err e;
	int maj = 0, min = 0;
	c->negotiating = false;
	err_clear(&e);
	if (parse_api(api, &maj, &min) < 0)
		err_set(&e, ERR_PARSE, "engine reported no API version");
	else if (maj != 1 || min < DK_API_MIN_MINOR)
		err_set(&e, ERR_VERSION, "engine API %d.%d is older than 1.%d", maj, min, DK_API_MIN_MINOR);
	if (!e.code) {
		if (min > DK_API_MAX_MINOR)
			min = DK_API_MAX_MINOR;
		snprintf(c->api, sizeof c->api, "%d.%d", DK_API_MAX_MAJOR, min);
		snprintf(c->engine, sizeof c->engine, "%s", engine);
		log_msg(LOG_INFO, "engine %s: API %s (engine %.40s)", c->endpoint, c->api, c->engine);
	}
	queue_flush(c, e.code ? &e : NULL);
}

static void version_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_client *c = r->c;
	struct err perr;
	struct dk_version_info vi;
	if (rc == 0 && dk_parse_version(r->body.data, r->body.len, &vi, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	if (rc < 0) {
		c->negotiating = false;
		queue_flush(c, e);
		return;
	}
	negotiated(c, vi.api, vi.engine);
}

/* Ask path (unversioned) for the negotiation, done handling the answer. */
static struct dk_req *negotiation_ask(struct dk_client *c, const char *path, dk_req_done_fn done)
{
	struct dk_req *r = dk_req_new(c, "GET", path, false);
	r->done = done;
	c->busy++;
	return r;
}

/* What the ping's headers said (its request's ctx). */
struct ping_seen {
	char api[16];    /* "1.41", "" while unsaid */
	char engine[64]; /* "20.10.24", sanitized */
};

/* name: value CRLF, name matched without regard to case; the value's first
 * word (up to a space, at most cap - 1 bytes) into out, or false. */
static bool head_value(const char *p, size_t n, const char *name, char *out, size_t cap)
{
	size_t k = strlen(name);
	if (n <= k + 1 || strncasecmp(p, name, k) || p[k] != ':')
		return false;
	p += k + 1, n -= k + 1;
	while (n && *p == ' ')
		p++, n--;
	size_t w = 0;
	while (w < n && p[w] != ' ' && p[w] != '\r' && p[w] != '\n')
		w++;
	if (w >= cap)
		w = cap - 1;
	memcpy(out, p, w);
	out[w] = '\0';
	return true;
}

static void ping_head(struct dk_req *r, const char *p, size_t n)
{
	struct ping_seen *s = r->ctx;
	char v[64];
	if (head_value(p, n, "Api-Version", s->api, sizeof s->api))
		return;
	if (head_value(p, n, "Server", v, sizeof v)) {
		/* "Docker/20.10.24": the engine's version is after the product */
		const char *ver = strchr(v, '/') ? strchr(v, '/') + 1 : v;
		sanitize_text(ver, strlen(ver), s->engine, sizeof s->engine);
	}
}

static void ping_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_client *c = r->c;
	const struct ping_seen *s = r->ctx;
	if (rc == 0 && s->api[0]) {
		negotiated(c, s->api, s->engine);
		return;
	}
	if (rc == 0 || r->status == 404) {
		/* an engine (or a proxy) without the ping's headers: ask /version */
		req_start(negotiation_ask(c, "/version", version_done));
		return;
	}
	version_done(r, -1, e); /* fails the queue with the ping's error */
}

static void ping_start(struct dk_client *c)
{
	c->negotiating = true;
	struct dk_req *r = negotiation_ask(c, "/_ping", ping_done);
	r->on_head = ping_head;
	r->ctx = xcalloc(1, sizeof(struct ping_seen));
	r->ctx_free = free;
	req_start(r);
}

/* ---- poll-loop integration ---- */

size_t dk_client_pollfds_max(const struct dk_client *c)
{
	size_t n = c->nsocks > 2 * DK_MAX_CONNECTIONS ? c->nsocks : 2 * DK_MAX_CONNECTIONS;
	for (int p = 0; p < DK_PARTS; p++)
		if (c->part[p].state && c->part[p].ops->nfds)
			n += c->part[p].ops->nfds(c);
	return n;
}

size_t dk_client_pollfds(struct dk_client *c, struct pollfd *fds, size_t max, int *timeout_ms)
{
	int64_t now = clock_mono_ms();
	if (c->rejected)
		*timeout_ms = 0;
	if (c->deadline >= 0) {
		int64_t left = c->deadline - now;
		if (left < 0)
			left = 0;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	size_t n = 0;
	for (size_t i = 0; i < c->nsocks && n < max; i++, n++) {
		fds[n].fd = c->socks[i].fd;
		fds[n].events = 0;
		fds[n].revents = 0;
		if (c->socks[i].what & CURL_POLL_IN)
			fds[n].events |= POLLIN;
		if (c->socks[i].what & CURL_POLL_OUT)
			fds[n].events |= POLLOUT;
	}
	c->ncurl_polled = n;
	for (int p = 0; p < DK_PARTS; p++)
		if (c->part[p].state && c->part[p].ops->pollfds)
			n += c->part[p].ops->pollfds(c, fds, n, max, now, timeout_ms);
	return n;
}

static void drain_rejected(struct dk_client *c)
{
	while (c->rejected) {
		struct dk_req *r = c->rejected;
		c->rejected = r->next;
		r->next = NULL;
		r->rejected = false;
		req_finish(r, -1, &r->reject_e);
	}
}

static void drain_done(struct dk_client *c)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct dk_req *r = NULL;
		CURL *h = m->easy_handle;
		CURLcode cc = m->data.result;
		curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&r);
		/* a connection of its own dies when its handle leaves the multi */
		if (r->connect_only && cc == CURLE_OK)
			r->kept = true;
		else
			curl_multi_remove_handle(c->multi, h);
		req_complete(r, cc);
	}
}

void dk_client_dispatch(struct dk_client *c, const struct pollfd *fds, size_t n)
{
	int running;
	/* the parts' revents first: curl's callbacks below may open or close fds */
	for (int p = 0; p < DK_PARTS; p++)
		if (c->part[p].state && c->part[p].ops->take)
			c->part[p].ops->take(c, fds, n);
	if (n > c->ncurl_polled)
		n = c->ncurl_polled;
	for (size_t i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		int ev = 0;
		if (fds[i].revents & (POLLIN | POLLHUP))
			ev |= CURL_CSELECT_IN;
		if (fds[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (fds[i].revents & (POLLERR | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(c->multi, fds[i].fd, ev, &running);
	}
	int64_t now = clock_mono_ms();
	if (c->deadline >= 0 && now >= c->deadline) {
		c->deadline = -1;
		curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	drain_done(c);
	drain_rejected(c);
	for (int p = 0; p < DK_PARTS; p++)
		if (c->part[p].state && c->part[p].ops->run)
			c->part[p].ops->run(c, clock_mono_ms());
}

int dk_client_run(struct dk_client *c, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	struct pollfd *fds = NULL;
	size_t cap = 0;
	int rc = 0;
	while (c->busy > 0) {
		int64_t left = end - clock_mono_ms();
		if (left <= 0) {
			rc = -1;
			break;
		}
		int t = (int)left;
		size_t max = dk_client_pollfds_max(c);
		if (max > cap) {
			cap = max;
			fds = xrealloc(fds, cap * sizeof *fds);
		}
		size_t n = dk_client_pollfds(c, fds, cap, &t);
		if (poll(fds, n, t) < 0) {
			if (errno != EINTR) {
				rc = -1;
				break;
			}
			for (size_t i = 0; i < n; i++)
				fds[i].revents = 0;
		}
		dk_client_dispatch(c, fds, n);
	}
	free(fds);
	return rc;
}
