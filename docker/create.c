/* create: the container-create, start and network-create calls, and the hardened create body (cJSON). */
#include "docker/create.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/hardening.h"
#include "docker/json/util.h"

#define DK_NAME_MAX 256           /* container names: the engine has no limit; refuse absurd ones */
#define DK_NETNAME_MAX 64
#define DK_SECCOMP_MAX (1u << 20) /* a profile is ~15 KB */
#define DK_CREATE_LIST_MAX 256    /* env entries, labels, tmpfs mounts */

/* ---- the bodies ---- */

static cJSON *obj(cJSON *parent, const char *key)
{
	cJSON *o = cJSON_AddObjectToObject(parent, key);
	if (!o)
		abort();
	return o;
}

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (!cJSON_AddStringToObject(o, key, v))
		abort();
}

static void add_num(cJSON *o, const char *key, double v)
{
	if (!cJSON_AddNumberToObject(o, key, v))
		abort();
}

static void add_bool(cJSON *o, const char *key, int v)
{
	if (!cJSON_AddBoolToObject(o, key, v))
		abort();
}

static void arr_str(cJSON *a, const char *v)
{
	cJSON *s = cJSON_CreateString(v);
	if (!s || !cJSON_AddItemToArray(a, s))
		abort();
}

static char *print_free(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		abort();
	char *out = xstrdup(s); /* ours to free with free() */
	cJSON_free(s);
	return out;
}

/* The seccomp profile, compacted, or NULL when it is not a JSON object. */
static char *seccomp_compact(const char *json, size_t len)
{
	if (!json || !len || len > DK_SECCOMP_MAX || !dkj_depth_ok(json, len))
		return NULL;
	cJSON *j = cJSON_ParseWithLength(json, len);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_free(j);
}

static const char *spec_refused(const struct dk_create_spec *s)
{
	if (!s->name || !*s->name || strlen(s->name) > DK_NAME_MAX)
		return "no container name, or one over 256 bytes";
	if (!s->image || !*s->image)
		return "no image";
	if (!s->user || !*s->user)
		return "no user: a sandbox never runs as the image's default user";
	if (dk_user_is_root(s->user))
		return "a sandbox never runs as root";
	if (s->memory <= 0 || s->nano_cpus <= 0 || s->pids_limit <= 0 || s->shm_size <= 0)
		return "memory, CPU, PID and shm limits must all be set";
	if (s->nenv > DK_CREATE_LIST_MAX || s->nlabels > DK_CREATE_LIST_MAX || s->ntmpfs > DK_CREATE_LIST_MAX)
		return "too many env entries, labels or tmpfs mounts";
	for (size_t i = 0; i < s->nenv; i++)
		if (!s->env[i] || !strchr(s->env[i], '=') || s->env[i][0] == '=')
			return "an env entry is not KEY=VALUE";
	for (size_t i = 0; i < s->nlabels; i++)
		if (!s->labels[i].key || !*s->labels[i].key || !s->labels[i].value)
			return "a label has no key";
	for (size_t i = 0; i < s->ntmpfs; i++)
		if (!s->tmpfs[i].path || s->tmpfs[i].path[0] != '/' || !s->tmpfs[i].options)
			return "a tmpfs mount has no absolute path";
	return NULL;
}

static void add_host_config(cJSON *root, const struct dk_create_spec *s, const char *seccomp)
{
	cJSON *h = obj(root, "HostConfig");
	const char *net = s->network && *s->network ? s->network : "none";
	add_str(h, "NetworkMode", net);
	add_str(h, "CgroupnsMode", "private");  /* the engine's default on cgroup v1 is the host's */
	add_bool(h, "Privileged", 0);
	add_bool(h, "ReadonlyRootfs", 1);
	cJSON *tmpfs = obj(h, "Tmpfs");
	for (size_t i = 0; i < s->ntmpfs; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(tmpfs, s->tmpfs[i].path); /* a repeated path: the last wins */
		add_str(tmpfs, s->tmpfs[i].path, s->tmpfs[i].options);
	}
	add_num(h, "ShmSize", (double)s->shm_size);
	cJSON *drop = cJSON_AddArrayToObject(h, "CapDrop");
	cJSON *sec = cJSON_AddArrayToObject(h, "SecurityOpt");
	if (!drop || !sec)
		abort();
	arr_str(drop, "ALL");
	arr_str(sec, "no-new-privileges:true");
	char *opt = xasprintf("seccomp=%s", seccomp);
	arr_str(sec, opt);
	free(opt);
	add_num(h, "Memory", (double)s->memory);
	add_num(h, "MemorySwap", (double)s->memory);  /* no swap beyond the memory limit */
	add_bool(h, "OomKillDisable", 0);
	add_num(h, "NanoCpus", (double)s->nano_cpus);
	add_num(h, "PidsLimit", (double)s->pids_limit);
	cJSON *ul = cJSON_AddArrayToObject(h, "Ulimits");
	if (!ul)
		abort();
	static const struct { const char *name; int v; } lims[] = {{"core", 0}, {"nofile", 4096}};
	for (size_t i = 0; i < sizeof lims / sizeof *lims; i++) {
		cJSON *u = cJSON_CreateObject();
		if (!u || !cJSON_AddItemToArray(ul, u))
			abort();
		add_str(u, "Name", lims[i].name);
		add_num(u, "Soft", lims[i].v);
		add_num(u, "Hard", lims[i].v);
	}
	cJSON *rp = obj(h, "RestartPolicy");
	add_str(rp, "Name", "no");
	add_num(rp, "MaximumRetryCount", 0);
	cJSON *lc = obj(h, "LogConfig");
	add_str(lc, "Type", "json-file");
	cJSON *lcc = obj(lc, "Config");
	add_str(lcc, "max-size", "10m");
	add_str(lcc, "max-file", "3");
	obj(h, "PortBindings");
	add_bool(h, "PublishAllPorts", 0);
	add_bool(h, "AutoRemove", 0);
}

char *dk_create_body(const struct dk_create_spec *s, struct err *e)
{
	const char *bad = spec_refused(s);
	if (bad) {
		err_set(e, ERR_USAGE, "%s", bad);
		return NULL;
	}
	char *seccomp = seccomp_compact(s->seccomp_json, s->seccomp_len);
	if (!seccomp) {
		err_set(e, ERR_USAGE, "the seccomp profile is not a JSON object");
		return NULL;
	}
	cJSON *root = cJSON_CreateObject();
	if (!root)
		abort();
	if (s->hostname && *s->hostname)
		add_str(root, "Hostname", s->hostname);
	add_str(root, "User", s->user);
	add_bool(root, "AttachStdin", 0);
	add_bool(root, "AttachStdout", 0);
	add_bool(root, "AttachStderr", 0);
	add_bool(root, "Tty", 0);
	add_bool(root, "OpenStdin", 0);
	cJSON *env = cJSON_AddArrayToObject(root, "Env");
	if (!env)
		abort();
	for (size_t i = 0; i < s->nenv; i++)
		arr_str(env, s->env[i]);
	add_str(root, "Image", s->image);
	cJSON *labels = obj(root, "Labels");
	for (size_t i = 0; i < s->nlabels; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(labels, s->labels[i].key); /* the last one wins */
		add_str(labels, s->labels[i].key, s->labels[i].value);
	}
	obj(root, "ExposedPorts");
	add_host_config(root, s, seccomp);
	free(seccomp);
	if (s->network && *s->network) {
		cJSON *nc = obj(root, "NetworkingConfig");
		cJSON *ep = obj(nc, "EndpointsConfig");
		obj(ep, s->network);
	}
	return print_free(root);
}

char *dk_network_create_body(const char *name, const struct dk_label *labels, size_t nlabels)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		abort();
	add_str(root, "Name", name);
	add_bool(root, "CheckDuplicate", 1);
	add_str(root, "Driver", "bridge");
	add_bool(root, "Internal", 1);          /* no route out */
	add_bool(root, "Attachable", 0);
	add_bool(root, "EnableIPv6", 0);
	cJSON *opt = obj(root, "Options");
	add_str(opt, "com.docker.network.bridge.enable_icc", "false"); /* no traffic between sandboxes */
	cJSON *l = obj(root, "Labels");
	for (size_t i = 0; i < nlabels; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(l, labels[i].key);
		add_str(l, labels[i].key, labels[i].value);
	}
	return print_free(root);
}

/* ---- the answers ---- */

/* {"Id":"<64 hex>", "Warnings":[...] | "Warning":"..."}: the id into out,
 * the warnings (sanitized, joined) into note. */
static int parse_created(const char *body, size_t len, char out[65], struct err *note, struct err *e)
{
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	const char *id = dkj_str(j, "Id");
	/* an engine id, and a full one: a new object's id is never short */
	if (!id || strlen(id) != 64 || dkj_copy_id(out, id) < 0) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "create answer without a valid Id");
	}
	struct buf w;
	buf_init(&w, ERR_MSG_MAX);
	const cJSON *ws = cJSON_GetObjectItemCaseSensitive(j, "Warnings");
	if (!cJSON_IsArray(ws))
		ws = NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, ws) {
		if (cJSON_IsString(it) && it->valuestring[0])
			buf_printf(&w, "%s%s", w.len ? "; " : "", it->valuestring);
	}
	const char *one = dkj_str(j, "Warning");
	if (one && *one)
		buf_printf(&w, "%s%s", w.len ? "; " : "", one);
	err_clear(note);
	if (w.len)
		err_set(note, ERR_OK, "%s", w.data);
	buf_free(&w);
	cJSON_Delete(j);
	return 0;
}

/* ---- the calls ---- */

struct create_ctx {
	dk_create_cb cb;
	dk_done_cb done_cb;   /* start */
	void *ud;
};

static void created(struct dk_req *r, int rc, const struct err *e)
{
	struct create_ctx *x = r->ctx;
	struct err perr, note;
	char id[65];
	if (rc == 0 && parse_created(r->body.data, r->body.len, id, &note, &perr) < 0) {
		rc = -1;
		e = &perr;
	}
	x->cb(x->ud, rc, rc == 0 ? &note : e, rc == 0 ? id : NULL);
}

static void started(struct dk_req *r, int rc, const struct err *e)
{
	struct create_ctx *x = r->ctx;
	struct err ok;
	err_clear(&ok);
	if (rc < 0 && r->status == 304) {
		snprintf(ok.msg, sizeof ok.msg, "already started");
		rc = 0;
	}
	x->done_cb(x->ud, rc, rc == 0 ? &ok : e);
}

/* Send (or, with bad set, reject at the next dispatch) a request whose
 * path and post are owned by the call. */
static void send_req(struct dk_client *c, char *path, char *post, dk_req_done_fn fn, struct create_ctx *x,
                     const char *bad)
{
	struct dk_req *r = dk_req_new(c, "POST", path ? path : "/", true);
	free(path);
	r->post = post;
	r->timeout_ms = DK_ACTION_TIMEOUT_MS;
	r->ctx = x;
	r->ctx_free = free;
	r->done = fn;
	if (bad) {
		struct err e;
		err_set(&e, ERR_USAGE, "%s", bad);
		dk_req_reject(r, &e);
		return;
	}
	dk_req_submit(r);
}

void dk_create_container(struct dk_client *c, const struct dk_create_spec *s, dk_create_cb cb, void *ud)
{
	struct create_ctx *x = xcalloc(1, sizeof *x);
	x->cb = cb;
	x->ud = ud;
	struct err e;
	err_clear(&e);
	char *body = dk_create_body(s, &e);
	char *path = body ? dk_escaped_path("/containers/create?name=", s->name, "") : NULL;
	send_req(c, path, body, created, x, body ? NULL : e.msg);
}

void dk_start_container(struct dk_client *c, const char *id, dk_done_cb cb, void *ud)
{
	struct create_ctx *x = xcalloc(1, sizeof *x);
	x->done_cb = cb;
	x->ud = ud;
	const char *bad = !id || !*id ? "no container given" : strlen(id) > DK_NAME_MAX ? "container id too long" : NULL;
	send_req(c, bad ? NULL : dk_escaped_path("/containers/", id, "/start"), NULL, started, x, bad);
}

void dk_network_create(struct dk_client *c, const char *name, const struct dk_label *labels, size_t nlabels,
                       dk_create_cb cb, void *ud)
{
	struct create_ctx *x = xcalloc(1, sizeof *x);
	x->cb = cb;
	x->ud = ud;
	size_t n = name ? strlen(name) : 0;
	const char *bad = NULL;
	if (n == 0 || n > DK_NETNAME_MAX || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                                 "0123456789_.-") != n || name[0] == '.' || name[0] == '-')
		bad = "a network name is 1-64 characters of A-Z a-z 0-9 _ . - (not starting with . or -)";
	else if (nlabels > DK_CREATE_LIST_MAX)
		bad = "too many labels";
	for (size_t i = 0; !bad && i < nlabels; i++)
		if (!labels[i].key || !*labels[i].key || !labels[i].value)
			bad = "a label has no key";
	send_req(c, bad ? NULL : xstrdup("/networks/create"), bad ? NULL : dk_network_create_body(name, labels, nlabels),
	         created, x, bad);
}
