/* requests: one function per Engine API endpoint (list, inspect, stats). */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "host/stats.h"

/* A list or an inspect parsed, waiting for its image labels (dk_prov_resolve). */
struct prov_job {
	void *cb;
	void *ud;
	bool is_list;
	char *filter;            /* the list's label filter, or NULL */
	struct dk_container_list list;
	struct dk_container *ct;
	bool with_json;          /* an inspect for dk_inspect_json: cb is a dk_inspect_json_cb */
	char *json;              /* ... and its answer, as the engine sent it */
	size_t json_len;
};

/* An inspect's callback, of either kind. */
static void inspect_cb(const struct prov_job *j, int rc, const struct err *e, struct dk_container *ct)
{
	if (j->with_json)
		((dk_inspect_json_cb)j->cb)(j->ud, rc, e, ct, ct ? j->json : NULL, ct ? j->json_len : 0);
	else
		((dk_inspect_cb)j->cb)(j->ud, rc, e, ct);
}

static void prov_job_free(void *p)
{
	struct prov_job *j = p;
	free(j->filter);
	free(j->json);
	dk_container_list_free(&j->list);
	if (j->ct) {
		dk_container_clear(j->ct);
		free(j->ct);
	}
	free(j);
}

/* The engine's label filter also matched labels the image set: keep only
 * the containers whose own (obeyed) label matches "KEY" or "KEY=VALUE". */
static void drop_unmatched(struct dk_container_list *l, const char *filter)
{
	const char *eq = strchr(filter, '=');
	size_t klen = eq ? (size_t)(eq - filter) : strlen(filter);
	char *key = xasprintf("%.*s", (int)klen, filter);
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *v = dk_container_label(&l->items[i], key);
		if (v && (!eq || !strcmp(v, eq + 1))) {
			if (k != i)
				l->items[k] = l->items[i];
			k++;
		} else {
			dk_container_clear(&l->items[i]);
		}
	}
	l->n = k;
	free(key);
}

static void prov_job_done(void *p, int rc, const struct err *e)
{
	struct prov_job *j = p;
	if (j->is_list && rc == 0 && j->filter)
		drop_unmatched(&j->list, j->filter);
	if (j->is_list) {
		((dk_list_cb)j->cb)(j->ud, rc, e, rc == 0 ? &j->list : NULL);
	} else {
		struct dk_container *ct = rc == 0 ? j->ct : NULL;
		if (ct)
			j->ct = NULL; /* the callback owns it */
		inspect_cb(j, rc, e, ct);
	}
	prov_job_free(j);
}

static void list_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_list_cb cb = (dk_list_cb)r->cb;
	struct prov_job *j = xcalloc(1, sizeof *j);
	struct err perr;
	if (rc == 0 && dk_parse_container_list(r->body.data, r->body.len, &j->list, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	if (rc < 0) {
		cb(r->ud, rc, e, NULL);
		free(j);
		return;
	}
	j->cb = (void *)cb;
	j->ud = r->ud;
	j->is_list = true;
	j->filter = r->ctx ? xstrdup(r->ctx) : NULL;
	/* published only once every sandtop.* label's provenance is known */
	dk_prov_resolve(r->c, j->list.items, j->list.n, prov_job_done, j, prov_job_free);
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
	if (label_filter) {
		r->ctx = xstrdup(label_filter);
		r->ctx_free = free;
	}
	r->done = list_done;
	r->cb = (void *)cb;
	r->ud = ud;
	dk_req_submit(r);
}

static void inspect_finish(struct dk_req *r, int rc, const struct err *e, bool with_json)
{
	struct prov_job *j = xcalloc(1, sizeof *j);
	j->cb = r->cb;
	j->ud = r->ud;
	j->with_json = with_json;
	struct err perr;
	if (rc == 0) {
		j->ct = xcalloc(1, sizeof *j->ct);
		if (dk_parse_inspect(r->body.data, r->body.len, j->ct, &perr) < 0) {
			free(j->ct);
			j->ct = NULL;
			rc = -1;
			e = &perr;
		}
	}
	if (rc < 0) {
		inspect_cb(j, rc, e, NULL);
		prov_job_free(j);
		return;
	}
	if (with_json) {
		j->json_len = r->body.len;
		j->json = buf_steal(&r->body);   /* the request ends after this call */
	}
	dk_prov_resolve(r->c, j->ct, 1, prov_job_done, j, prov_job_free);
}

static void inspect_done(struct dk_req *r, int rc, const struct err *e)
{
	inspect_finish(r, rc, e, false);
}

static void inspect_json_done(struct dk_req *r, int rc, const struct err *e)
{
	inspect_finish(r, rc, e, true);
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

void dk_inspect_json(struct dk_client *c, const char *id, dk_inspect_json_cb cb, void *ud)
{
	container_get(c, id, "/json", inspect_json_done, (void *)cb, ud);
}

static void stats_done(struct dk_req *r, int rc, const struct err *e)
{
	dk_stats_cb cb = (dk_stats_cb)r->cb;
	struct st_raw raw;
	struct err perr;
	if (rc == 0 && dk_stats_parse(r->body.data, r->body.len, &raw, &perr) < 0) {
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
