/* tunnel: exec tunnels: lifetime, their stderr log, and the exec create (curl) that leads to a connection of their own for /exec/ID/start (conn.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/tunnel/internal.h"

#define TN_ARGS_MAX 256
#define TN_ARGV_BYTES_MAX (64u << 10)

struct dk_tunnel_set *tn_set(const struct dk_client *c)
{
	return dk_client_part(c, DK_PART_TUNNELS);
}

bool dk_client_owns_exec(const struct dk_client *c, const char *exec_id)
{
	struct dk_tunnel_set *s = tn_set(c);
	for (struct dk_tunnel *t = s ? s->head : NULL; t && exec_id && *exec_id; t = t->next)
		if (!t->closed && !strcmp(t->exec_id, exec_id))
			return true;
	return false;
}

/* ---- stderr: to the log, line by line, up to a budget ---- */

void tn_stderr_flush(struct dk_tunnel *t)
{
	if (t->errlen == 0)
		return;
	if (t->err_logged >= TN_STDERR_BUDGET) {
		if (!t->err_capped)
			log_msg(LOG_WARN, "tunnel to %s: more stderr dropped (over %u bytes)", t->what, TN_STDERR_BUDGET);
		t->err_capped = true;
	} else {
		char out[TN_STDERR_LINE * 3 + 1];
		sanitize_text(t->errline, t->errlen, out, sizeof out);
		log_msg(LOG_WARN, "tunnel to %s: stderr: %s", t->what, out);
		t->err_logged += t->errlen;
	}
	t->errlen = 0;
}

/* ---- lifetime ---- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Drop every resource but the struct: no callback, no fd, no request. */
static void tn_release(struct dk_tunnel *t)
{
	if (t->create) {
		dk_req_cancel(t->create); /* un-counts itself as busy */
		t->create = NULL;
	}
	if (t->busy) {
		dk_client_busy_add(t->c, -1);
		t->busy = false;
	}
	tn_stderr_flush(t);
	if (t->cap) { /* a capture cancelled: its callback is not called */
		buf_free(&t->cap->res.out);
		buf_free(&t->cap->res.err);
		if (t->cap->ud_free)
			t->cap->ud_free(t->cap->ud);
		free(t->cap);
		t->cap = NULL;
	}
	tn_eclose(t);
	close_fd(&t->mfd);
	t->deadline = -1;
	free(t->up.p);
	free(t->down.p);
	t->up.p = t->down.p = NULL;
	t->up.off = t->up.len = t->down.off = t->down.len = 0;
}

void tn_unlink_free(struct dk_tunnel *t)
{
	struct dk_tunnel_set *s = tn_set(t->c);
	if (t->prev)
		t->prev->next = t->next;
	else
		s->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	s->n--;
	free(t);
}

void dk_tunnel_close(struct dk_tunnel *t)
{
	if (!t || t->closed)
		return;
	tn_release(t);
	t->cb = NULL;
	t->closed = true;
	t->stage = TN_DONE;
	struct dk_tunnel_set *s = tn_set(t->c);
	if (s->running)
		s->sweep = true; /* dk_tunnels_run is walking the list: it frees t */
	else
		tn_unlink_free(t);
}

void tn_free_all(struct dk_client *c)
{
	struct dk_tunnel_set *s = tn_set(c);
	if (!s)
		return;
	while (s->head) {
		struct dk_tunnel *t = s->head;
		tn_release(t);
		s->head = t->next;
		free(t);
	}
	free(s);
	dk_client_part_set(c, DK_PART_TUNNELS, NULL, NULL);
}

/* Report a failure before the tunnel opened. t may be freed by the callback:
 * the caller must not touch it after this. */
void tn_fail(struct dk_tunnel *t, const struct err *e)
{
	if (t->cap) {
		t->cap->ops->finish(t, -1, e);
		return;
	}
	dk_tunnel_cb cb = t->cb;
	log_msg(LOG_INFO, "tunnel to %s: %s", t->what, e->msg);
	tn_release(t);
	t->stage = TN_DONE;
	t->cb = NULL;
	if (cb)
		cb(t->ud, -1, e, -1);
}

void tn_end(struct dk_tunnel *t, const char *why)
{
	if (t->cap) {
		struct err e;
		err_set(&e, ERR_TRANSPORT, "exec stream: %s", why);
		t->cap->ops->finish(t, -1, &e);
		return;
	}
	log_msg(LOG_INFO, "tunnel to %s: ended: %s", t->what, why);
	tn_release(t);
	t->stage = TN_DONE;
}

/* ---- stage 1: POST /containers/ID/exec ---- */

static void create_done(struct dk_req *r, int rc, const struct err *e)
{
	struct dk_tunnel *t = r->ud;
	struct err perr;
	t->create = NULL; /* freed by the client right after this returns */
	if (rc == 0 && dk_parse_exec_id(r->body.data, r->body.len, t->exec_id, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	t->e_in = t->e_out = false;
	t->e_rev = 0;
	if (rc == 0 && tn_connect(t, r->easy, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	if (rc < 0) {
		tn_fail(t, e);
		return;
	}
	/* the start phase counts as a request in flight for dk_client_run */
	dk_client_busy_add(t->c, 1);
	t->busy = true;
	t->deadline = clock_mono_ms() + tn_set(t->c)->timeout_ms;
	t->up.p = xmalloc(TN_BUF);
	t->down.p = xmalloc(TN_BUF);
	static const char body[] = "{\"Detach\":false,\"Tty\":false}";
	int n = snprintf(t->up.p, TN_BUF,
	                 "POST /v%s/exec/%s/start HTTP/1.1\r\nHost: %s\r\nUser-Agent: sandtop\r\n"
	                 "Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
	                 "Content-Length: %zu\r\n\r\n%s",
	                 dk_client_api_version(t->c), t->exec_id, dk_client_host_header(t->c), sizeof body - 1, body);
	t->up.len = n > 0 && n < (int)TN_BUF ? (size_t)n : 0;
}

struct dk_tunnel *tn_new(struct dk_client *c, const char *id, const char *const *argv, dk_tunnel_cb cb, void *ud)
{
	if (!c || !id || !id[0] || !argv || !argv[0])
		return NULL;
	size_t bytes = 0, nargs = 0;
	for (; argv[nargs]; nargs++) {
		bytes += strlen(argv[nargs]) + 1;
		if (nargs >= TN_ARGS_MAX || bytes > TN_ARGV_BYTES_MAX)
			return NULL;
	}
	if (strlen(id) > 256)
		return NULL;
	struct dk_tunnel_set *s = tn_set(c);
	struct dk_tunnel *t = xcalloc(1, sizeof *t);
	t->c = c;
	t->cb = cb;
	t->ud = ud;
	t->efd = t->mfd = -1;
	t->e_idx = t->m_idx = -1;
	t->deadline = clock_mono_ms() + s->timeout_ms;
	t->stage = TN_CREATE;
	sanitize_fit(id, 24, t->what, sizeof t->what);
	dk_mux_init(&t->mux, DK_TUNNEL_FRAME_MAX);
	t->next = s->head;
	if (s->head)
		s->head->prev = t;
	s->head = t;
	s->n++;

	char *path = dk_escaped_path("/containers/", id, "/exec");
	struct dk_req *r = dk_req_new(c, "POST", path, true);
	free(path);
	r->post = dk_exec_create_body(argv);
	r->done = create_done;
	r->ud = t;
	t->create = r;
	dk_req_submit(r);
	return t;
}
