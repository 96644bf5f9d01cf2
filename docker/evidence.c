/* evidence: calls that collect a snapshot bundle's pieces: commit to an image, and the raw inspect body. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"

static struct dk_req *ev_req(struct dk_client *c, const char *method, const char *path, long timeout_ms,
                             dk_req_done_fn done, void *cb, void *ud)
{
	struct dk_req *r = dk_req_new(c, method, path, true);
	r->timeout_ms = timeout_ms;
	r->cb = cb;
	r->ud = ud;
	r->done = done;
	return r;
}

static void reject(struct dk_req *r, const char *why)
{
	struct err e;
	err_set(&e, ERR_USAGE, "%s", why);
	dk_req_reject(r, &e);
}

/* "&key=ESCAPED" onto b (nothing when value is NULL) */
static void add_param(struct buf *b, const char *key, const char *value)
{
	if (!value)
		return;
	char *enc = curl_easy_escape(NULL, value, 0);
	if (!enc)
		abort();
	buf_printf(b, "&%s=%s", key, enc);
	curl_free(enc);
}

/* ---- POST /commit ---- */

static void commit_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_commit_cb cb = (dk_commit_cb)r->cb;
	char image[72] = "";
	struct err ok;
	err_clear(&ok);
	if (rc == 0 && dk_parse_image_id(r->body.data, r->body.len, image, &ok) < 0) {
		rc = -1;
		e = &ok;
	}
	cb(r->ud, rc, rc == 0 ? &ok : e, rc == 0 ? image : NULL);
}

void dk_commit(struct dk_client *c, const char *id, const char *repo, const char *tag, const char *const *labels,
               const char *comment, bool pause, dk_commit_cb cb, void *ud)
{
	struct err e;
	err_clear(&e);
	const char *bad = NULL;
	char *body = NULL;
	if (!id || !*id || strlen(id) > DK_ID_MAX)
		bad = "no container given, or its id is too long";
	else if (tag && !repo)
		bad = "a tag needs a repository";
	else if ((repo && (!*repo || strlen(repo) > 255)) || (tag && (!*tag || strlen(tag) > 128)))
		bad = "repository or tag empty or too long";
	else if (comment && strlen(comment) > 4096)
		bad = "comment too long";
	else if (!(body = dk_commit_body(labels, &e)))
		bad = e.msg;
	struct buf p;
	buf_init(&p, 1u << 20);
	char *enc = curl_easy_escape(NULL, bad ? "-" : id, 0);
	if (!enc)
		abort();
	buf_printf(&p, "/commit?container=%s", enc);
	curl_free(enc);
	if (!bad) {
		add_param(&p, "repo", repo);
		add_param(&p, "tag", repo && !tag ? "latest" : tag);
		add_param(&p, "comment", comment);
		buf_printf(&p, "&pause=%s", pause ? "true" : "false");
	}
	struct dk_req *r = ev_req(c, "POST", p.data, DK_COMMIT_TIMEOUT_MS, commit_done, (void *)cb, ud);
	buf_free(&p);
	r->post = body;
	if (bad)
		reject(r, bad);
	else
		dk_req_submit(r);
}

/* ---- GET /containers/ID/json, raw ---- */

static void raw_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_raw_cb cb = (dk_raw_cb)r->cb;
	struct err ok;
	err_clear(&ok);
	if (rc == 0 && dk_check_json(r->body.data, r->body.len, &ok) < 0) {
		rc = -1;
		e = &ok;
	}
	cb(r->ud, rc, rc == 0 ? &ok : e, rc == 0 ? r->body.data : NULL, rc == 0 ? r->body.len : 0);
}

void dk_inspect_raw(struct dk_client *c, const char *id, dk_raw_cb cb, void *ud)
{
	bool bad = !id || !*id || strlen(id) > DK_ID_MAX;
	char *path = dk_escaped_path("/containers/", bad ? "-" : id, "/json");
	struct dk_req *r = ev_req(c, "GET", path, DK_ACTION_TIMEOUT_MS, raw_done, (void *)cb, ud);
	free(path);
	if (bad)
		reject(r, "no container given, or its id is too long");
	else
		dk_req_submit(r);
}
