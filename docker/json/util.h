/* util: JSON helpers shared by the docker/ decoders (internal to docker/; cJSON stays in this folder). */
#ifndef DOCKER_JSON_UTIL_H
#define DOCKER_JSON_UTIL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"

#define DK_JSON_DEPTH_MAX 64

/* 1 when the brackets of s[0..len) (outside strings) nest no deeper than
 * DK_JSON_DEPTH_MAX, else 0. cJSON's own limit (1000) is far higher. */
int dkj_depth_ok(const char *s, size_t len);

/* Parse an engine body. NULL with e set (ERR_PARSE) when it is empty,
 * nested too deeply or malformed. Text after the first complete value is
 * ignored. The caller frees the tree with cJSON_Delete. */
cJSON *dkj_parse(const char *body, size_t len, struct err *e);

/* The string o[key], or NULL when absent or not a string. */
const char *dkj_str(const cJSON *o, const char *key);

/* A new copy of the string o[key] (the caller frees it), "" when o is not
 * an object or key is absent or not a string. Never NULL. */
char *dkj_dup(const cJSON *o, const char *key);

/* Copy id into out and return 0 when it is an engine id: 1 to 64
 * lowercase hex digits. Else (NULL, empty, longer, any other byte) -1, out
 * untouched. */
int dkj_copy_id(char out[65], const char *id);

/* o[key] as an integer when it is a number within +-9.2e18, else 0. Goes
 * through the double: exact only below 2^53. */
int64_t dkj_int(const cJSON *o, const char *key);

/* The number item v as an unsigned 64-bit integer into *out, through
 * cJSON's double: exact below 2^53; above it (system_cpu_usage on a host
 * up for ~104 CPU-days) within a few ns, far below what a rate over an
 * interval of 0.1 s or more can show. Returns false, leaving *out alone,
 * when v is NULL, not a number, negative, fractional or 2^64 or more. */
bool dkj_u64(const cJSON *v, uint64_t *out);

/* c's labels from a Labels object (at most 1024; a non-string value
 * becomes ""); c->labels must be empty on entry. */
void dkj_take_labels(struct dk_container *c, const cJSON *labels);

/* Fill c's ports, networks and ip from an inspect body's NetworkSettings
 * object ns (anything else is ignored). Malformed entries are skipped: ports
 * outside 1..65535, protocols not 1-7 lowercase letters, addresses that are
 * not numeric IPv4/IPv6, network names empty or over 255 bytes. c's arrays
 * must be empty on entry. */
void dkj_take_netsettings(struct dk_container *c, const cJSON *ns);

#endif
