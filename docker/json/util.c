/* util: the depth-guarded parse and the getters for the docker/ JSON decoders. */
#include <string.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/json/util.h"

/* Count brackets outside strings before handing the text to cJSON. */
int dkj_depth_ok(const char *s, size_t len)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > DK_JSON_DEPTH_MAX)
				return 0;
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return 1;
}

cJSON *dkj_parse(const char *body, size_t len, struct err *e)
{
	if (!body || !len)
		return err_set(e, ERR_PARSE, "empty engine response"), NULL;
	if (!dkj_depth_ok(body, len))
		return err_set(e, ERR_PARSE, "engine JSON nested deeper than %d", DK_JSON_DEPTH_MAX), NULL;
	cJSON *j = cJSON_ParseWithLength(body, len);
	if (!j)
		err_set(e, ERR_PARSE, "engine sent malformed JSON");
	return j;
}

const char *dkj_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *dkj_dup(const cJSON *o, const char *key)
{
	const char *s = cJSON_IsObject(o) ? dkj_str(o, key) : NULL;
	return xstrdup(s ? s : "");
}

int dkj_copy_id(char out[65], const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > 64 || strspn(id, "0123456789abcdef") != n)
		return -1;
	memcpy(out, id, n + 1);
	return 0;
}

int64_t dkj_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || v->valuedouble < -9.2e18 || v->valuedouble > 9.2e18)
		return 0;
	return (int64_t)v->valuedouble;
}

bool dkj_u64(const cJSON *v, uint64_t *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	/* !(d >= 0) also catches NaN; 18446744073709551616.0 is 2^64 */
	if (!(d >= 0) || d >= 18446744073709551616.0)
		return false;
	uint64_t u = (uint64_t)d;
	if ((double)u != d)
		return false; /* fractional */
	*out = u;
	return true;
}
