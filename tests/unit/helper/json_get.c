/* json_get: typed member reads of a cJSON object (see json_get.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/json_get.h"

const cJSON *tj_at(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		fail_msg("no %s", key);
	return v;
}

const char *tj_str(const cJSON *o, const char *key)
{
	const cJSON *v = tj_at(o, key);
	if (!cJSON_IsString(v))
		fail_msg("%s is not a string", key);
	return v->valuestring;
}

double tj_num(const cJSON *o, const char *key)
{
	const cJSON *v = tj_at(o, key);
	if (!cJSON_IsNumber(v))
		fail_msg("%s is not a number", key);
	return v->valuedouble;
}
