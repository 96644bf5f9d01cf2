/* launch_body: assertions on a container-create body for the launch tests (include after cmocka.h). */
#ifndef TESTS_UNIT_LAUNCH_BODY_H
#define TESTS_UNIT_LAUNCH_BODY_H

#include <cjson/cJSON.h>
#include <string.h>

#include "control/profile.h"

static inline const cJSON *at(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		fail_msg("no %s", key);
	return v;
}

static inline const char *str_at(const cJSON *o, const char *key)
{
	const cJSON *v = at(o, key);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static inline double num_at(const cJSON *o, const char *key)
{
	const cJSON *v = at(o, key);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* Every hardening of sandbox/image/compose.yaml, with network net (NULL: none). */
static inline void assert_hardened(const cJSON *b, const char *net)
{
	assert_string_equal(str_at(b, "User"), "10001:10001");
	const cJSON *l = at(b, "Labels");
	assert_string_equal(str_at(l, "sandtop.sandbox"), "1");
	assert_string_equal(str_at(l, "sandtop.vnc"), "exec:5900");
	/* set empty: an image's own label cannot pick a password file */
	assert_string_equal(str_at(l, "sandtop.vnc.password"), "");
	assert_true(cJSON_IsString(at(l, "sandtop.ttl")));
	assert_true(cJSON_IsString(at(l, "sandtop.owner")));
	assert_true(cJSON_IsString(at(l, "sandtop.task")));
	const cJSON *h = at(b, "HostConfig");
	assert_string_equal(str_at(h, "NetworkMode"), net ? net : "none");
	assert_true(cJSON_IsTrue(at(h, "ReadonlyRootfs")));
	assert_true(cJSON_IsFalse(at(h, "Privileged")));
	assert_string_equal(str_at(h, "CgroupnsMode"), "private");
	const cJSON *t = at(h, "Tmpfs");
	assert_int_equal(cJSON_GetArraySize(t), 3);
	assert_string_equal(str_at(t, "/run"), "rw,nosuid,nodev,noexec,size=16m");
	const cJSON *drop = at(h, "CapDrop");
	assert_int_equal(cJSON_GetArraySize(drop), 1);
	assert_string_equal(cJSON_GetArrayItem(drop, 0)->valuestring, "ALL");
	assert_null(cJSON_GetObjectItemCaseSensitive(h, "CapAdd"));
	const cJSON *so = at(h, "SecurityOpt");
	assert_int_equal(cJSON_GetArraySize(so), 2);
	assert_string_equal(cJSON_GetArrayItem(so, 0)->valuestring, "no-new-privileges:true");
	const char *sc = cJSON_GetArrayItem(so, 1)->valuestring;
	assert_memory_equal(sc, "seccomp={", 9);
	assert_null(strpbrk(sc, "\n\t"));            /* compact */
	cJSON *sent = cJSON_Parse(sc + 8);
	cJSON *ref = cJSON_Parse(sandtop_seccomp_profile);
	assert_non_null(sent);
	assert_non_null(ref);
	assert_true(cJSON_Compare(sent, ref, 1));     /* the embedded reference profile, unchanged */
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(sent, "defaultAction")->valuestring, "SCMP_ACT_ERRNO");
	cJSON_Delete(sent);
	cJSON_Delete(ref);
	assert_true(num_at(h, "Memory") > 0);
	assert_true(num_at(h, "MemorySwap") == num_at(h, "Memory"));
	assert_true(num_at(h, "NanoCpus") > 0);
	assert_true(num_at(h, "PidsLimit") > 0);
	assert_true(num_at(h, "ShmSize") > 0);
	assert_true(cJSON_IsFalse(at(h, "OomKillDisable")));
	char *ul = cJSON_PrintUnformatted(at(h, "Ulimits"));
	assert_string_equal(ul, "[{\"Name\":\"core\",\"Soft\":0,\"Hard\":0},{\"Name\":\"nofile\",\"Soft\":4096,\"Hard\":4096}]");
	cJSON_free(ul);
	assert_string_equal(str_at(at(h, "RestartPolicy"), "Name"), "no");
	const cJSON *lc = at(h, "LogConfig");
	assert_string_equal(str_at(lc, "Type"), "json-file");
	assert_string_equal(str_at(at(lc, "Config"), "max-size"), "10m");
	assert_string_equal(str_at(at(lc, "Config"), "max-file"), "3");
	assert_int_equal(cJSON_GetArraySize(at(h, "PortBindings")), 0);
	assert_true(cJSON_IsFalse(at(h, "PublishAllPorts")));
	assert_true(cJSON_IsFalse(at(h, "AutoRemove")));
	assert_null(cJSON_GetObjectItemCaseSensitive(h, "Binds"));
	assert_null(cJSON_GetObjectItemCaseSensitive(h, "Devices"));
	const cJSON *nc = cJSON_GetObjectItemCaseSensitive(b, "NetworkingConfig");
	if (net)
		assert_non_null(cJSON_GetObjectItemCaseSensitive(at(nc, "EndpointsConfig"), net));
	else
		assert_null(nc);
}

#endif
