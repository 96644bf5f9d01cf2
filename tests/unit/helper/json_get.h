/* json_get: typed reads of a cJSON object's members for the unit tests, failing the test when a member is missing or of another type (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_JSON_GET_H
#define TESTS_UNIT_HELPER_JSON_GET_H

#include <cjson/cJSON.h>

/* o's member key (case-sensitive); fails the test when there is none.
 * Owned by o. */
const cJSON *tj_at(const cJSON *o, const char *key);

/* o's member key as a string; fails unless it is one. Owned by o. */
const char *tj_str(const cJSON *o, const char *key);

/* o's member key as a number; fails unless it is one. */
double tj_num(const cJSON *o, const char *key);

#endif
