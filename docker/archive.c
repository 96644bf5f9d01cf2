/* archive: a tar of a directory inside a running container, made by tar through an exec (sees tmpfs, unlike commit). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"

#define ARCHIVE_PATH_MAX 4096
#define TAR_MAGIC_OFF 257  /* "ustar" in the first header (POSIX and GNU) */

struct archive {
	struct dk_client *c;
	dk_archive_cb cb;
	void *ud;
	char *data;
	size_t len;
	bool cut;
	char note[160];  /* added to a success: a short frame */
	char stderr_text[160];
};

static void archive_free(void *p)
{
	struct archive *a = p;
	if (a)
		free(a->data);
	free(a);
}

/* Untrusted text p[0..n) as one sanitized line: line ends and tabs become
 * spaces, trailing blanks go. */
static void one_line(const char *p, size_t n, char *out, size_t cap)
{
	char tmp[512];
	if (n > sizeof tmp)
		n = sizeof tmp;
	for (size_t i = 0; i < n; i++)
		tmp[i] = p[i] == '\n' || p[i] == '\r' || p[i] == '\t' ? ' ' : p[i];
	while (n > 0 && tmp[n - 1] == ' ')
		n--;
	sanitize_text(tmp, n, out, cap);
}

static bool is_tar(const char *p, size_t n)
{
	return n >= TAR_MAGIC_OFF + 5 && !memcmp(p + TAR_MAGIC_OFF, "ustar", 5);
}

/* Deliver the tar, with tar's exit status when known (code -1: unknown,
 * why_unknown says why, or NULL when not asked). */
static void archive_ok(struct archive *a, int code, const char *why_unknown)
{
	struct err ok;
	err_clear(&ok);
	if (a->cut)
		snprintf(ok.msg, sizeof ok.msg, "archive cut at %zu bytes", a->len);
	else if (code > 0)
		err_set(&ok, ERR_OK, "tar exited %d: %s", code, a->stderr_text[0] ? a->stderr_text : "(no message)");
	else if (code < 0 && why_unknown)
		err_set(&ok, ERR_OK, "tar's exit status unknown: %s", why_unknown);
	if (a->note[0])
		err_set(&ok, ERR_OK, "%.120s%s%s", ok.msg, ok.msg[0] ? "; " : "", a->note);
	a->cb(a->ud, 0, &ok, (const uint8_t *)(a->data ? a->data : ""), a->len, a->cut);
}

static void exec_state_done(struct dk_req *r, int rc, const struct err *e)
{
	struct archive *a = r->ctx;
	bool running = false;
	int code = -1;
	struct err perr;
	if (rc == 0 && dk_parse_exec_state(r->body.data, r->body.len, &running, &code, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	if (rc < 0)
		archive_ok(a, -1, e->msg);
	else if (running || code < 0)
		archive_ok(a, -1, "still running when its output ended");
	else
		archive_ok(a, code, NULL);
}

static void fail_done(struct dk_req *r, int rc, const struct err *e)
{
	(void)rc;
	struct archive *a = r->ctx;
	a->cb(a->ud, -1, e, NULL, 0, false);
}

/* A request owning a; path NULL: it only carries a failure. */
static struct dk_req *archive_req(struct dk_client *c, const char *path, struct archive *a)
{
	struct dk_req *r = dk_req_new(c, "GET", path ? path : "/", true);
	r->timeout_ms = DK_ACTION_TIMEOUT_MS;
	r->ctx = a;
	r->ctx_free = archive_free;
	r->done = path ? exec_state_done : fail_done;
	return r;
}

static void captured(void *ud, int rc, const struct err *e, struct dk_capture *res)
{
	struct archive *a = ud;
	if (rc < 0) {
		a->cb(a->ud, -1, e, NULL, 0, false);
		archive_free(a);
		return;
	}
	a->len = res->out.len;
	a->data = buf_steal(&res->out);
	a->cut = res->cut;
	if (res->short_frame)
		snprintf(a->note, sizeof a->note, "the engine ended the stream inside a frame");
	one_line(res->err.data, res->err.len, a->stderr_text, sizeof a->stderr_text);
	if (!is_tar(a->data, a->len)) {
		/* no tar: what came instead says why (an exec error as stdout, or
		 * tar's complaint on stderr) */
		char text[200];
		if (a->cut)
			snprintf(text, sizeof text, "max_bytes %zu too small to hold a tar header", a->len);
		else if (a->len > 0)
			one_line(a->data, a->len, text, sizeof text);
		else
			snprintf(text, sizeof text, "%s", a->stderr_text[0] ? a->stderr_text : "no output");
		struct err fe;
		err_set(&fe, ERR_BADREQ, "no tar archive: %s", text);
		a->cb(a->ud, -1, &fe, NULL, 0, false);
		archive_free(a);
		return;
	}
	if (a->cut) { /* tar was cut off: its exit status says nothing */
		archive_ok(a, -1, NULL);
		archive_free(a);
		return;
	}
	char *path = xasprintf("/exec/%s/json", res->exec_id);
	struct dk_req *r = archive_req(a->c, path, a);
	free(path);
	dk_req_submit(r);
}

void dk_archive_exec(struct dk_client *c, const char *id, const char *path, size_t max_bytes, dk_archive_cb cb,
                     void *ud)
{
	struct archive *a = xcalloc(1, sizeof *a);
	a->c = c;
	a->cb = cb;
	a->ud = ud;
	const char *bad = NULL;
	if (!path || path[0] != '/' || strlen(path) > ARCHIVE_PATH_MAX)
		bad = "the directory must be an absolute path (at most 4096 bytes)";
	else if (max_bytes == 0)
		bad = "max_bytes must be at least 1";
	const char *const argv[] = {"tar", "-C", path, "-cf", "-", ".", NULL};
	if (!bad && !dk_tunnel_capture(c, id, argv, max_bytes, DK_ARCHIVE_TIMEOUT_MS, captured, a, archive_free))
		bad = "no container given, or its id is too long";
	if (bad) {
		struct err e;
		err_set(&e, ERR_USAGE, "%s", bad);
		dk_req_reject(archive_req(c, NULL, a), &e);
	}
}
