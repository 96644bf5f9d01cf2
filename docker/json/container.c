/* container: Engine API JSON bodies -> plain structs (cJSON stays in this file's folder). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/json/util.h"

#define DK_LABELS_MAX 1024

void dkj_take_labels(struct dk_container *c, const cJSON *labels)
{
	if (!cJSON_IsObject(labels))
		return;
	size_t n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, labels) n++;
	if (n > DK_LABELS_MAX)
		n = DK_LABELS_MAX;
	c->labels = n ? xcalloc(n, sizeof *c->labels) : NULL;
	cJSON_ArrayForEach(it, labels)
	{
		if (c->nlabels == n)
			break;
		if (!it->string)
			continue;
		c->labels[c->nlabels].key = xstrdup(it->string);
		c->labels[c->nlabels].value = xstrdup(cJSON_IsString(it) ? it->valuestring : "");
		c->nlabels++;
	}
}

/* "Path" + "Args", or a "Command" string */
static char *join_command(const char *path, const cJSON *args)
{
	struct buf b;
	buf_init(&b, 64 << 10);
	buf_puts(&b, path ? path : "");
	const cJSON *a;
	cJSON_ArrayForEach(a, args)
	{
		if (cJSON_IsString(a)) {
			buf_puts(&b, " ");
			buf_puts(&b, a->valuestring);
		}
	}
	return buf_steal(&b);
}

static int container_from_list_item(const cJSON *o, struct dk_container *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	if (!cJSON_IsObject(o) || dkj_copy_id(c->id, dkj_str(o, "Id")) < 0)
		return err_set(e, ERR_PARSE, "container entry without a valid Id");
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(o, "Names");
	const cJSON *first = cJSON_IsArray(names) ? cJSON_GetArrayItem(names, 0) : NULL;
	const char *name = cJSON_IsString(first) ? first->valuestring : "";
	c->name = xstrdup(name[0] == '/' ? name + 1 : name);
	c->image = dkj_dup(o, "Image");
	if (dk_image_id_norm(c->image_id, dkj_str(o, "ImageID")) < 0)
		c->image_id[0] = '\0';
	c->command = dkj_dup(o, "Command");
	c->state = dkj_dup(o, "State");
	c->status = dkj_dup(o, "Status");
	c->health = xstrdup("");
	c->created = dkj_int(o, "Created");
	dkj_take_labels(c, cJSON_GetObjectItemCaseSensitive(o, "Labels"));
	return 0;
}

int dk_parse_container_list(const char *body, size_t len, struct dk_container_list *out, struct err *e)
{
	out->items = NULL;
	out->n = 0;
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "container list is not a JSON array");
	}
	size_t n = (size_t)cJSON_GetArraySize(j);
	out->items = n ? xcalloc(n, sizeof *out->items) : NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, j)
	{
		if (container_from_list_item(it, &out->items[out->n], e) < 0) {
			dk_container_clear(&out->items[out->n]);
			dk_container_list_free(out);
			cJSON_Delete(j);
			return -1;
		}
		out->n++;
	}
	cJSON_Delete(j);
	return 0;
}

int dk_parse_inspect(const char *body, size_t len, struct dk_container *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsObject(j) || dkj_copy_id(c->id, dkj_str(j, "Id")) < 0) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "inspect body without a valid Id");
	}
	const char *name = dkj_str(j, "Name");
	name = name ? name : "";
	c->name = xstrdup(name[0] == '/' ? name + 1 : name);
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(j, "Config");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "State");
	c->image = dkj_dup(cfg, "Image");
	if (dk_image_id_norm(c->image_id, dkj_str(j, "Image")) < 0)
		c->image_id[0] = '\0';
	c->command = join_command(dkj_str(j, "Path"), cJSON_GetObjectItemCaseSensitive(j, "Args"));
	c->state = dkj_dup(st, "Status");
	c->status = xstrdup("");
	c->health = xstrdup("");
	int64_t created = clock_parse_rfc3339(dkj_str(j, "Created"));
	c->created = created > 0 ? created / 1000 : 0;
	if (st) {
		int64_t t = clock_parse_rfc3339(dkj_str(st, "StartedAt"));
		c->started_at_ms = t > 0 ? t : 0;
		t = clock_parse_rfc3339(dkj_str(st, "FinishedAt"));
		c->finished_at_ms = t > 0 ? t : 0;
		int64_t pid = dkj_int(st, "Pid");
		c->pid = pid > 0 && pid < (1 << 30) ? (int)pid : 0;
		const cJSON *health = cJSON_GetObjectItemCaseSensitive(st, "Health");
		const char *hs = health ? dkj_str(health, "Status") : NULL;
		if (hs) {
			free(c->health);
			c->health = xstrdup(hs);
		}
	}
	const cJSON *hc = cJSON_GetObjectItemCaseSensitive(j, "HostConfig");
	if (cJSON_IsObject(hc)) {
		c->nano_cpus = dkj_int(hc, "NanoCpus");
		c->cpu_quota = dkj_int(hc, "CpuQuota");
		c->cpu_period = dkj_int(hc, "CpuPeriod");
		c->cpuset_cpus = dkj_dup(hc, "CpusetCpus");
		c->mem_limit = dkj_int(hc, "Memory");
		c->pids_limit = dkj_int(hc, "PidsLimit");
	} else {
		c->cpuset_cpus = xstrdup("");
	}
	int64_t rc = dkj_int(j, "RestartCount");
	c->restart_count = rc > 0 && rc < (1 << 30) ? (int)rc : 0;
	if (st)
		c->oom_killed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "OOMKilled"));
	c->inspected = true;
	if (cfg)
		dkj_take_labels(c, cJSON_GetObjectItemCaseSensitive(cfg, "Labels"));
	dkj_take_netsettings(c, cJSON_GetObjectItemCaseSensitive(j, "NetworkSettings"));
	cJSON_Delete(j);
	return 0;
}

int dk_parse_event(const char *line, size_t len, struct dk_event *ev, struct err *e)
{
	memset(ev, 0, sizeof *ev);
	cJSON *j = dkj_parse(line, len, e);
	if (!j)
		return -1;
	const char *type = dkj_str(j, "Type");
	const char *action = dkj_str(j, "Action");
	if (!action)
		action = dkj_str(j, "status"); /* pre-1.22 engines */
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(j, "Actor");
	const char *id = actor ? dkj_str(actor, "ID") : NULL;
	if (!id)
		id = dkj_str(j, "id");
	if (!type)
		type = "container";
	bool is_ct = !strcmp(type, "container");
	/* only a container event must name one; a network prune names none */
	bool no_id = !is_ct && (!id || !*id);
	if (!action || (!no_id && dkj_copy_id(ev->id, id) < 0)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "event without an action or a valid id");
	}
	snprintf(ev->type, sizeof ev->type, "%s", type);
	size_t an = strcspn(action, ":");
	if (an >= sizeof ev->action)
		an = sizeof ev->action - 1;
	memcpy(ev->action, action, an);
	ev->action[an] = '\0';
	const char *rest = strchr(action, ':');
	if (rest)
		snprintf(ev->detail, sizeof ev->detail, "%s", rest + 1 + (rest[1] == ' '));
	if (is_ct) {
		memcpy(ev->container, ev->id, sizeof ev->container);
		const cJSON *attrs = actor ? cJSON_GetObjectItemCaseSensitive(actor, "Attributes") : NULL;
		if (!strncmp(ev->action, "exec_", 5) && cJSON_IsObject(attrs) &&
		    dkj_copy_id(ev->exec_id, dkj_str(attrs, "execID")) < 0)
			ev->exec_id[0] = '\0';
	} else if (!strcmp(type, "network") && (!strcmp(ev->action, "connect") || !strcmp(ev->action, "disconnect"))) {
		const cJSON *attrs = actor ? cJSON_GetObjectItemCaseSensitive(actor, "Attributes") : NULL;
		if (dkj_copy_id(ev->container, cJSON_IsObject(attrs) ? dkj_str(attrs, "container") : NULL) < 0)
			ev->container[0] = '\0';
	}
	ev->time_ns = dkj_int(j, "timeNano");
	cJSON_Delete(j);
	return 0;
}

int dk_parse_version(const char *body, size_t len, struct dk_version_info *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	const char *api = dkj_str(j, "ApiVersion"), *ver = dkj_str(j, "Version"), *min = dkj_str(j, "MinAPIVersion");
	snprintf(out->api, sizeof out->api, "%s", api ? api : "");
	/* the engine version is shown on screen: keep it printable */
	sanitize_text(ver ? ver : "", ver ? strlen(ver) : 0, out->engine, sizeof out->engine);
	snprintf(out->min_api, sizeof out->min_api, "%s", min ? min : "");
	cJSON_Delete(j);
	return 0;
}

void dk_http_error(struct err *e, long status, const char *body, size_t len)
{
	int code = status == 404 ? ERR_NOTFOUND : status == 409 ? ERR_CONFLICT
	         : status >= 500 ? ERR_SERVER : ERR_BADREQ;
	char msg[200] = "";
	cJSON *j = body && len && dkj_depth_ok(body, len) ? cJSON_ParseWithLength(body, len) : NULL;
	const char *m = j ? dkj_str(j, "message") : NULL;
	if (m)
		sanitize_text(m, strlen(m), msg, sizeof msg);
	else if (body && len)
		sanitize_text(body, len, msg, sizeof msg);
	cJSON_Delete(j);
	err_set(e, code, "engine answered %ld: %s", status, msg[0] ? msg : "(no message)");
}
