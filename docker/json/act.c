/* act: request bodies and answers of the action and evidence calls (disconnect, commit, exec state). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/json/util.h"

#define DK_COMMIT_LABELS_MAX 256

/* cJSON's text as a string ours to free(); o is deleted. */
static char *print_free(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		abort();
	char *out = xstrdup(s);
	cJSON_free(s);
	return out;
}

char *dk_disconnect_body(const char *id, bool force)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "Container", id) || !cJSON_AddBoolToObject(o, "Force", force))
		abort();
	return print_free(o);
}

char *dk_commit_body(const char *const *labels, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *l = cJSON_CreateObject();
	if (!o || !l)
		abort();
	cJSON_AddItemToObject(o, "Labels", l);
	for (size_t i = 0; labels && labels[i]; i++) {
		const char *eq = strchr(labels[i], '=');
		if (i >= DK_COMMIT_LABELS_MAX || !eq || eq == labels[i]) {
			cJSON_Delete(o);
			err_set(e, ERR_USAGE, i >= DK_COMMIT_LABELS_MAX ? "more than %d labels" : "label %d is not KEY=VALUE",
			        i >= DK_COMMIT_LABELS_MAX ? DK_COMMIT_LABELS_MAX : (int)i + 1);
			return NULL;
		}
		char *key = xstrndup(labels[i], (size_t)(eq - labels[i]));
		cJSON *v = cJSON_CreateString(eq + 1);
		if (!v)
			abort();
		/* a repeated key: the last one wins, as with docker --label */
		if (cJSON_GetObjectItemCaseSensitive(l, key))
			cJSON_ReplaceItemInObjectCaseSensitive(l, key, v);
		else
			cJSON_AddItemToObject(l, key, v);
		free(key);
	}
	return print_free(o);
}

int dk_parse_image_id(const char *body, size_t len, char out[72], struct err *e)
{
	out[0] = '\0';
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	const char *id = dkj_str(j, "Id");
	const char *hex = id && !strncmp(id, "sha256:", 7) ? id + 7 : NULL;
	if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "commit answer without a valid image Id");
	}
	snprintf(out, 72, "sha256:%s", hex);
	cJSON_Delete(j);
	return 0;
}

int dk_parse_tty(const char *body, size_t len, bool *tty, struct err *e)
{
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(j, "Config");
	if (!cJSON_IsObject(cfg)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "inspect answer without a Config");
	}
	*tty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "Tty"));
	cJSON_Delete(j);
	return 0;
}

int dk_parse_exec_state(const char *body, size_t len, bool *running, int *exit_code, struct err *e)
{
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	*running = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Running"));
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, "ExitCode");
	*exit_code = cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble <= 255 ? (int)x->valuedouble : -1;
	cJSON_Delete(j);
	return 0;
}

int dk_check_json(const char *body, size_t len, struct err *e)
{
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	cJSON_Delete(j);
	return 0;
}
