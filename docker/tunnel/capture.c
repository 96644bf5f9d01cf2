/* capture: an exec tunnel whose output is collected in memory instead of handed to a caller's fd (for evidence). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/tunnel/internal.h"

static void cap_open(struct dk_tunnel *t);
static int cap_out(struct dk_tunnel *t, const char *p, size_t n);
static void cap_err(struct dk_tunnel *t, const char *p, size_t n);
static void cap_finish(struct dk_tunnel *t, int rc, const struct err *e);

static const struct tn_cap_ops cap_ops = {.open = cap_open, .out = cap_out, .err = cap_err, .finish = cap_finish};

struct dk_tunnel *dk_tunnel_capture(struct dk_client *c, const char *id, const char *const *argv, size_t max,
                                    int timeout_ms, dk_capture_fn done, void *ud, void (*ud_free)(void *))
{
	if (max == 0 || timeout_ms <= 0 || !c)
		return NULL;
	tn_attach(c);
	struct dk_tunnel *t = tn_new(c, id, argv, NULL, NULL);
	if (!t)
		return NULL;
	struct tn_capture *cap = xcalloc(1, sizeof *cap);
	cap->ops = &cap_ops;
	/* one byte past max tells "exactly max" from "more" */
	buf_init(&cap->res.out, max + 1);
	buf_init(&cap->res.err, DK_CAPTURE_ERR_MAX);
	cap->max = max;
	cap->timeout_ms = timeout_ms;
	cap->done = done;
	cap->ud = ud;
	cap->ud_free = ud_free;
	t->cap = cap;
	return t;
}

static void cap_open(struct dk_tunnel *t)
{
	/* the whole capture counts as in flight (t->busy stays set); the
	 * process gets EOF on its stdin as soon as the stream is up */
	t->stage = TN_OPEN;
	t->deadline = clock_mono_ms() + t->cap->timeout_ms;
	t->up.off = t->up.len = 0;
	t->caller_eof = true;
	t->e_in = t->e_out = true;
	log_msg(LOG_INFO, "tunnel to %s: capturing (exec %.12s, engine answered %d)", t->what, t->exec_id, t->status);
	tn_pump(t);
}

static int cap_out(struct dk_tunnel *t, const char *p, size_t n)
{
	struct tn_capture *cap = t->cap;
	size_t room = cap->max - cap->res.out.len;
	if (n > room) {
		buf_append(&cap->res.out, p, room);
		cap->res.cut = true;
		cap_finish(t, 0, NULL);
		return -1;
	}
	buf_append(&cap->res.out, p, n);
	return 0;
}

static void cap_err(struct dk_tunnel *t, const char *p, size_t n)
{
	struct buf *b = &t->cap->res.err;
	size_t room = b->max - b->len;
	buf_append(b, p, n < room ? n : room);
}

static void cap_finish(struct dk_tunnel *t, int rc, const struct err *e)
{
	struct tn_capture *cap = t->cap;
	t->cap = NULL; /* from here t is an ordinary tunnel being closed */
	tn_stderr_flush(t);
	memcpy(cap->res.exec_id, t->exec_id, sizeof cap->res.exec_id);
	cap->res.short_frame = dk_mux_mid_frame(&t->mux) && !cap->res.cut;
	struct err ok;
	err_clear(&ok);
	if (rc < 0)
		log_msg(LOG_INFO, "tunnel to %s: capture failed: %s", t->what, e->msg);
	else
		log_msg(LOG_INFO, "tunnel to %s: captured %zu bytes%s", t->what, cap->res.out.len,
		        cap->res.cut ? " (cut)" : "");
	/* close first: the callback may free the client's other tunnels */
	dk_tunnel_close(t);
	cap->done(cap->ud, rc, rc < 0 ? e : &ok, &cap->res);
	buf_free(&cap->res.out);
	buf_free(&cap->res.err);
	free(cap);
}
