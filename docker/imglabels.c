/* imglabels: which sandtop.* labels came from the image: GET /images/ID/json, a per-client cache by image id, and the marking of list and inspect results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/json/util.h"

/* One image's labels; entries are never shared with callers (copied out). */
struct img_entry {
	char id[65];             /* full hex id, "" for a free slot */
	bool known;              /* false: over DK_IMAGE_LABELS_BYTES */
	struct dk_label *labels; /* DK_OWN_LABEL_PREFIX ones only */
	size_t n;
	uint64_t used;           /* LRU tick */
};

struct dk_imgcache {
	struct img_entry e[DK_IMAGE_CACHE_MAX];
	uint64_t tick;
};

static bool own_key(const char *k)
{
	return k && !strncmp(k, DK_OWN_LABEL_PREFIX, strlen(DK_OWN_LABEL_PREFIX));
}

static void labels_free(struct dk_label *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].value);
	}
	free(l);
}

/* the client's part DK_PART_IMAGES: freed with the client, after its
 * requests (an image lookup cancelled then does not touch the cache) */
static void imgcache_free(struct dk_client *c)
{
	struct dk_imgcache *ic = dk_client_part(c, DK_PART_IMAGES);
	if (!ic)
		return;
	for (size_t i = 0; i < DK_IMAGE_CACHE_MAX; i++)
		labels_free(ic->e[i].labels, ic->e[i].n);
	free(ic);
	dk_client_part_set(c, DK_PART_IMAGES, NULL, NULL);
}

static const struct dk_part_ops imgcache_ops = {.free = imgcache_free, .free_late = true};

/* "sha256:<hex>" or "<hex>" (1..64 lowercase hex) into out; -1 otherwise. */
int dk_image_id_norm(char out[65], const char *id)
{
	if (id && !strncmp(id, "sha256:", 7))
		id += 7;
	return dkj_copy_id(out, id);
}

int dk_parse_image_labels(const char *body, size_t len, bool *known, struct dk_label **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	*known = true;
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "image inspect body is not a JSON object");
	}
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(j, "Config");
	const cJSON *labels = cJSON_IsObject(cfg) ? cJSON_GetObjectItemCaseSensitive(cfg, "Labels") : NULL;
	if (!cJSON_IsObject(labels))
		labels = NULL;
	size_t bytes = 0, cnt = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, labels)
	{
		if (!own_key(it->string))
			continue;
		cnt++;
		bytes += strlen(it->string) + 1 + (cJSON_IsString(it) ? strlen(it->valuestring) : 0) + 1;
	}
	if (bytes > DK_IMAGE_LABELS_BYTES) {
		*known = false; /* too much to keep: none of them counts */
		cJSON_Delete(j);
		return 0;
	}
	*out = cnt ? xcalloc(cnt, sizeof **out) : NULL;
	cJSON_ArrayForEach(it, labels)
	{
		if (!own_key(it->string))
			continue;
		(*out)[*n].key = xstrdup(it->string);
		(*out)[*n].value = xstrdup(cJSON_IsString(it) ? it->valuestring : "");
		(*n)++;
	}
	cJSON_Delete(j);
	return 0;
}

void dk_labels_mark_from_image(struct dk_label *labels, size_t n, bool known, const struct dk_label *img, size_t nimg)
{
	for (size_t i = 0; i < n; i++) {
		labels[i].from_image = false;
		if (!own_key(labels[i].key))
			continue;
		if (!known) {
			labels[i].from_image = true;
			continue;
		}
		/* Equal to the image's value: the image set it. Had whoever ran
		 * the container passed the very same value, the two cannot be told
		 * apart; ignoring it then is the safe reading (the operator sets a
		 * value the image does not carry, or none). */
		for (size_t k = 0; k < nimg; k++)
			if (!strcmp(labels[i].key, img[k].key) && !strcmp(labels[i].value, img[k].value))
				labels[i].from_image = true;
	}
}

static bool has_own_label(const struct dk_container *ct)
{
	for (size_t i = 0; i < ct->nlabels; i++)
		if (own_key(ct->labels[i].key))
			return true;
	return false;
}

/* ---- the cache ---- */

static struct dk_imgcache *cache(struct dk_client *c)
{
	struct dk_imgcache *ic = dk_client_part(c, DK_PART_IMAGES);
	if (!ic) {
		ic = xcalloc(1, sizeof *ic);
		dk_client_part_set(c, DK_PART_IMAGES, ic, &imgcache_ops);
	}
	return ic;
}

static struct img_entry *cache_find(struct dk_client *c, const char *id)
{
	struct dk_imgcache *ic = cache(c);
	for (size_t i = 0; i < DK_IMAGE_CACHE_MAX; i++)
		if (ic->e[i].id[0] && !strcmp(ic->e[i].id, id)) {
			ic->e[i].used = ++ic->tick;
			return &ic->e[i];
		}
	return NULL;
}

/* Keep a copy of labels for id: its own slot, a free one, or the least
 * recently used. */
static void cache_put(struct dk_client *c, const char *id, bool known, const struct dk_label *labels, size_t n)
{
	struct dk_imgcache *ic = cache(c);
	struct img_entry *slot = cache_find(c, id);
	for (size_t i = 0; !slot && i < DK_IMAGE_CACHE_MAX; i++)
		if (!ic->e[i].id[0])
			slot = &ic->e[i];
	if (!slot) {
		slot = &ic->e[0];
		for (size_t i = 1; i < DK_IMAGE_CACHE_MAX; i++)
			if (ic->e[i].used < slot->used)
				slot = &ic->e[i];
	}
	labels_free(slot->labels, slot->n);
	memset(slot, 0, sizeof *slot);
	snprintf(slot->id, sizeof slot->id, "%s", id);
	slot->known = known;
	slot->n = n;
	slot->labels = n ? xcalloc(n, sizeof *slot->labels) : NULL;
	for (size_t i = 0; i < n; i++) {
		slot->labels[i].key = xstrdup(labels[i].key);
		slot->labels[i].value = xstrdup(labels[i].value);
	}
	slot->used = ++ic->tick;
}

/* ---- resolving the provenance of a list's or an inspect's containers ---- */

struct dk_prov {
	struct dk_client *c;
	struct dk_container *items;
	size_t n;
	unsigned refs;            /* the starter, and each image request not yet freed */
	unsigned pending;         /* image requests not yet answered */
	bool finished;            /* fn or ud_free was called */
	bool failed;
	struct err e;             /* the first failure */
	dk_prov_fn fn;
	void *ud;
	void (*ud_free)(void *);
};

/* What one GET /images/ID/json is for: a batch, or a public caller. */
struct img_req {
	char id[65];
	struct dk_prov *prov;
	dk_image_labels_cb cb;
	void *ud;
	/* a cache hit answered at the next dispatch (dk_image_labels) */
	bool hit, known;
	struct dk_label *labels;
	size_t n;
};

static void mark_items(struct dk_prov *p, const char *id, bool known, const struct dk_label *img, size_t nimg)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].image_id, id))
			dk_labels_mark_from_image(p->items[i].labels, p->items[i].nlabels, known, img, nimg);
}

static void prov_finish(struct dk_prov *p)
{
	if (p->finished || p->pending)
		return;
	p->finished = true;
	p->fn(p->ud, p->failed ? -1 : 0, p->failed ? &p->e : NULL);
}

static void prov_unref(struct dk_prov *p)
{
	if (--p->refs)
		return;
	if (!p->finished && p->ud_free)
		p->ud_free(p->ud); /* the client was freed under it: no callback */
	free(p);
}

static void img_req_free(void *ctx)
{
	struct img_req *q = ctx;
	if (q->prov)
		prov_unref(q->prov);
	labels_free(q->labels, q->n);
	free(q);
}

static void img_done(struct dk_req *r, int rc, const struct err *e)
{
	struct img_req *q = r->ctx;
	struct err perr;
	bool known = true;
	struct dk_label *labels = NULL;
	size_t n = 0;
	if (q->hit) {
		q->cb(q->ud, 0, NULL, q->known, q->labels, q->n);
		return;
	}
	if (rc == 0 && dk_parse_image_labels(r->body.data, r->body.len, &known, &labels, &n, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	bool gone = rc < 0 && (e->code == ERR_NOTFOUND || e->code == ERR_TOOBIG);
	if (rc == 0 || gone) {
		/* a missing image is not cached: the same id may be pulled again */
		if (rc == 0)
			cache_put(r->c, q->id, known, labels, n);
		known = known && rc == 0;
		if (!known)
			log_msg(LOG_INFO, "image %.12s: labels unknown (%s): its sandtop.* labels are ignored", q->id,
				rc == 0 ? "over the cap" : e->msg);
		if (q->prov)
			mark_items(q->prov, q->id, known, labels, n);
		if (q->cb)
			q->cb(q->ud, 0, NULL, known, labels, n);
	} else {
		if (q->prov && !q->prov->failed) {
			q->prov->failed = true;
			err_set(&q->prov->e, e->code, "labels of image %.12s: %s", q->id, e->msg);
		}
		if (q->cb)
			q->cb(q->ud, -1, e, false, NULL, 0);
	}
	labels_free(labels, n);
	if (q->prov) {
		q->prov->pending--;
		prov_finish(q->prov);
	}
}

static struct dk_req *img_req_new(struct dk_client *c, const char *id, struct img_req *q)
{
	snprintf(q->id, sizeof q->id, "%s", id);
	char *path = dk_escaped_path("/images/", id, "/json");
	struct dk_req *r = dk_req_new(c, "GET", path, true);
	free(path);
	r->done = img_done;
	r->ctx = q;
	r->ctx_free = img_req_free;
	return r;
}

void dk_prov_resolve(struct dk_client *c, struct dk_container *items, size_t n, dk_prov_fn fn, void *ud,
                     void (*ud_free)(void *))
{
	struct dk_prov *p = xcalloc(1, sizeof *p);
	*p = (struct dk_prov){.c = c, .items = items, .n = n, .refs = 1, .fn = fn, .ud = ud, .ud_free = ud_free};
	for (size_t i = 0; i < n; i++) {
		struct dk_container *ct = &items[i];
		if (!has_own_label(ct))
			continue;
		if (!ct->image_id[0]) {
			dk_labels_mark_from_image(ct->labels, ct->nlabels, false, NULL, 0);
			continue;
		}
		const struct img_entry *hit = cache_find(c, ct->image_id);
		if (hit) {
			dk_labels_mark_from_image(ct->labels, ct->nlabels, hit->known, hit->labels, hit->n);
			continue;
		}
		bool asked = false; /* one request per image id */
		for (size_t k = 0; k < i && !asked; k++)
			asked = !strcmp(items[k].image_id, ct->image_id) && has_own_label(&items[k]);
		if (asked)
			continue;
		struct img_req *q = xcalloc(1, sizeof *q);
		q->prov = p;
		p->refs++;
		p->pending++;
		dk_req_submit(img_req_new(c, ct->image_id, q));
	}
	prov_finish(p);
	prov_unref(p);
}

void dk_image_labels(struct dk_client *c, const char *image_id, dk_image_labels_cb cb, void *ud)
{
	char id[65];
	struct img_req *q = xcalloc(1, sizeof *q);
	q->cb = cb;
	q->ud = ud;
	if (dk_image_id_norm(id, image_id) < 0) {
		struct dk_req *r = img_req_new(c, "-", q);
		struct err e;
		err_set(&e, ERR_USAGE, "not an image id");
		dk_req_reject(r, &e);
		return;
	}
	struct dk_req *r = img_req_new(c, id, q);
	const struct img_entry *hit = cache_find(c, id);
	if (!hit) {
		dk_req_submit(r);
		return;
	}
	/* answered at the next dispatch, from a copy (the entry may be evicted) */
	q->hit = true;
	q->known = hit->known;
	q->n = hit->n;
	q->labels = hit->n ? xcalloc(hit->n, sizeof *q->labels) : NULL;
	for (size_t i = 0; i < hit->n; i++) {
		q->labels[i].key = xstrdup(hit->labels[i].key);
		q->labels[i].value = xstrdup(hit->labels[i].value);
	}
	struct err ok;
	err_clear(&ok);
	dk_req_reject(r, &ok);
}
