/* hostinfo: the requests behind the isolation checks' network and host facts (GET /networks/ID, GET /info + /version). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/hardening.h"

#define NET_ID_MAX 256

/* ---- GET /networks/ID ---- */

static void net_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_netinfo_cb cb = (dk_netinfo_cb)r->cb;
	struct dk_netinfo n;
	struct err ok;
	err_clear(&ok);
	memset(&n, 0, sizeof n);
	if (rc == 0 && dk_parse_netinfo(r->body.data, r->body.len, &n, &ok) < 0) {
		rc = -1;
		e = &ok;
	}
	cb(r->ud, rc, rc == 0 ? &ok : e, rc == 0 ? &n : NULL);
	dk_netinfo_clear(&n);
}

void dk_network_inspect(struct dk_client *c, const char *id, dk_netinfo_cb cb, void *ud)
{
	bool bad = !id || !*id || strlen(id) > NET_ID_MAX;
	char *path = dk_escaped_path("/networks/", bad ? "-" : id, "");
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->timeout_ms = DK_ACTION_TIMEOUT_MS;
	r->done = net_done;
	r->cb = (void *)cb;
	r->ud = ud;
	if (bad) {
		struct err e;
		err_set(&e, ERR_USAGE, "no network given, or its id is too long");
		dk_req_reject(r, &e);
	} else {
		dk_req_submit(r);
	}
}

/* ---- GET /info + GET /version ---- */

/* Shared by the two requests; freed when both are (done or cancelled). */
struct host_ctx {
	dk_hostinfo_cb cb;
	void *ud;
	int refs;            /* requests not yet freed */
	int pending;         /* requests not yet ended */
	bool failed;
	struct err e;        /* the first error */
	char *info, *version;
	size_t info_len, version_len;
};

static void host_ctx_unref(void *p)
{
	struct host_ctx *x = p;
	if (--x->refs > 0)
		return;
	free(x->info);
	free(x->version);
	free(x);
}

/* Both answers are in: parse /info first (it zeroes), then /version. */
static void host_finish(struct host_ctx *x)
{
	struct dk_hostinfo h;
	struct err ok;
	err_clear(&ok);
	memset(&h, 0, sizeof h);
	if (!x->failed && (dk_parse_info(x->info, x->info_len, &h, &x->e) < 0 ||
	                   dk_parse_version_components(x->version, x->version_len, &h, &x->e) < 0))
		x->failed = true;
	if (x->failed)
		x->cb(x->ud, -1, &x->e, NULL);
	else
		x->cb(x->ud, 0, &ok, &h);
	dk_hostinfo_clear(&h);
}

static void host_done(struct dk_req *r, int rc, const struct err *e)
{
	struct host_ctx *x = r->ctx;
	bool is_info = !strcmp(r->path, "/info");
	if (rc < 0 && !x->failed) {
		x->failed = true;
		x->e = *e;
	} else if (rc == 0) {
		size_t len = r->body.len;
		char *body = buf_steal(&r->body);
		free(is_info ? x->info : x->version);
		if (is_info) {
			x->info = body;
			x->info_len = len;
		} else {
			x->version = body;
			x->version_len = len;
		}
	}
	if (--x->pending == 0)
		host_finish(x);
}

void dk_host_info(struct dk_client *c, dk_hostinfo_cb cb, void *ud)
{
	struct host_ctx *x = xcalloc(1, sizeof *x);
	x->cb = cb;
	x->ud = ud;
	x->refs = x->pending = 2;
	static const char *const paths[] = {"/info", "/version"};
	for (size_t i = 0; i < 2; i++) {
		struct dk_req *r = dk_req_new(c, "GET", paths[i], true);
		r->timeout_ms = DK_ACTION_TIMEOUT_MS;
		r->ctx = x;
		r->ctx_free = host_ctx_unref;
		r->done = host_done;
		dk_req_submit(r);
	}
}
