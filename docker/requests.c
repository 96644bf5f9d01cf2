/* requests: one function per Engine API endpoint (list, inspect, stats). */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/stats.h"

static void list_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_list_cb cb = (dk_list_cb)r->cb;
	struct dk_container_list list = {0};
	struct err perr;
	if (rc == 0 && dk_parse_container_list(r->body.data, r->body.len, &list, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	cb(r->ud, rc, e, rc == 0 ? &list : NULL);
	if (rc == 0)
		dk_container_list_free(&list);
}

void dk_list_containers(struct dk_client *c, bool all, const char *label_filter, dk_list_cb cb, void *ud)
{
	char *path;
	if (label_filter) {
		char *raw = xasprintf("{\"label\":[\"%s\"]}", label_filter);
		char *enc = curl_easy_escape(NULL, raw, 0);
		path = xasprintf("/containers/json?all=%d&filters=%s", all ? 1 : 0, enc);
		curl_free(enc);
		free(raw);
	} else {
		path = xasprintf("/containers/json?all=%d", all ? 1 : 0);
	}
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->done = list_done;
	r->cb = (void *)cb;
	r->ud = ud;
	dk_req_submit(r);
}

static void inspect_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_inspect_cb cb = (dk_inspect_cb)r->cb;
	struct err perr;
	struct dk_container *ct = NULL;
	if (rc == 0) {
		ct = xcalloc(1, sizeof *ct);
		if (dk_parse_inspect(r->body.data, r->body.len, ct, &perr) < 0) {
			free(ct);
			ct = NULL;
			rc = -1;
			e = &perr;
		}
	}
	cb(r->ud, rc, e, ct);
}

/* GET /containers/ID<suffix>, with the id escaped (ids and names are
 * restricted by the engine, but escape anyway). */
static void container_get(struct dk_client *c, const char *id, const char *suffix, dk_req_done_fn done,
                          void *cb, void *ud)
{
	char *enc = curl_easy_escape(NULL, id, 0);
	char *path = xasprintf("/containers/%s%s", enc, suffix);
	curl_free(enc);
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	snprintf(r->id, sizeof r->id, "%s", id);
	r->done = done;
	r->cb = cb;
	r->ud = ud;
	dk_req_submit(r);
}

void dk_inspect(struct dk_client *c, const char *id, dk_inspect_cb cb, void *ud)
{
	container_get(c, id, "/json", inspect_done, (void *)cb, ud);
}

static void stats_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_stats_cb cb = (dk_stats_cb)r->cb;
	struct st_raw raw;
	struct err perr;
	if (rc == 0 && st_parse_api(r->body.data, r->body.len, &raw, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	cb(r->ud, rc, e, rc == 0 ? &raw : NULL);
}

void dk_stats(struct dk_client *c, const char *id, dk_stats_cb cb, void *ud)
{
	/* one-shot=true (API 1.41+) skips the engine's second sample; older
	 * engines ignore it and answer after ~1-2 s */
	container_get(c, id, "/stats?stream=false&one-shot=true", stats_done, (void *)cb, ud);
}
