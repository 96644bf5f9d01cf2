/* exec: the exec-create request body and its {"Id": ...} answer. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/json/util.h"

char *dk_exec_create_body(const char *const *argv)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *cmd = cJSON_CreateArray();
	if (!o || !cmd)
		abort();
	cJSON_AddBoolToObject(o, "AttachStdin", 1);
	cJSON_AddBoolToObject(o, "AttachStdout", 1);
	cJSON_AddBoolToObject(o, "AttachStderr", 1);
	cJSON_AddBoolToObject(o, "Tty", 0);
	for (size_t i = 0; argv[i]; i++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(argv[i]));
	cJSON_AddItemToObject(o, "Cmd", cmd);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!s)
		abort();
	char *out = xstrdup(s); /* ours to free with free(), whatever cJSON's allocator */
	cJSON_free(s);
	return out;
}

int dk_parse_exec_id(const char *body, size_t len, char out[65], struct err *e)
{
	out[0] = '\0';
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (dkj_copy_id(out, dkj_str(j, "Id")) < 0) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "exec create answer without a valid Id");
	}
	cJSON_Delete(j);
	return 0;
}

bool dk_parse_exec_running(const char *body, size_t len)
{
	struct err e;
	cJSON *j = dkj_parse(body, len, &e);
	bool ended = j && cJSON_IsObject(j) && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "Running"));
	cJSON_Delete(j);
	return !ended;
}

int dk_parse_exec_cmdline(const char *body, size_t len, char *out, size_t cap, struct err *e)
{
	if (cap)
		out[0] = '\0';
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	const cJSON *pc = cJSON_GetObjectItemCaseSensitive(j, "ProcessConfig");
	const char *ep = cJSON_IsObject(pc) ? dkj_str(pc, "entrypoint") : NULL;
	if (!ep) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "exec inspect answer without ProcessConfig.entrypoint");
	}
	/* as exec_create events print it: the entrypoint, then each argument */
	size_t n = (size_t)snprintf(out, cap, "%s", ep);
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(pc, "arguments");
	const cJSON *a;
	cJSON_ArrayForEach(a, args)
	{
		if (cJSON_IsArray(args) && cJSON_IsString(a) && n < cap)
			n += (size_t)snprintf(out + n, cap - n, " %s", a->valuestring);
	}
	cJSON_Delete(j);
	return 0;
}
