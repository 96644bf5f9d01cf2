/* launch_body: what a container-create body of `sandtop launch` must hold (see launch_body.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/launch_body.h"

#include <string.h>

#include "sandbox/seccomp.h"
#include "tests/unit/helper/json_get.h"

/* Every hardening of sandbox/image/compose.yaml, with network net (NULL: none). */
void launch_body_assert_hardened(const cJSON *b, const char *net)
{
	assert_string_equal(tj_str(b, "User"), "10001:10001");
	const cJSON *l = tj_at(b, "Labels");
	assert_string_equal(tj_str(l, "sandtop.sandbox"), "1");
	assert_string_equal(tj_str(l, "sandtop.vnc"), "exec:5900");
	/* set empty: an image's own label cannot pick a password file */
	assert_string_equal(tj_str(l, "sandtop.vnc.password"), "");
	assert_true(cJSON_IsString(tj_at(l, "sandtop.ttl")));
	assert_true(cJSON_IsString(tj_at(l, "sandtop.owner")));
	assert_true(cJSON_IsString(tj_at(l, "sandtop.task")));
	const cJSON *h = tj_at(b, "HostConfig");
	assert_string_equal(tj_str(h, "NetworkMode"), net ? net : "none");
	assert_true(cJSON_IsTrue(tj_at(h, "ReadonlyRootfs")));
	assert_true(cJSON_IsFalse(tj_at(h, "Privileged")));
	assert_string_equal(tj_str(h, "CgroupnsMode"), "private");
	const cJSON *t = tj_at(h, "Tmpfs");
	assert_int_equal(cJSON_GetArraySize(t), 3);
	assert_string_equal(tj_str(t, "/run"), "rw,nosuid,nodev,noexec,size=16m");
	const cJSON *drop = tj_at(h, "CapDrop");
	assert_int_equal(cJSON_GetArraySize(drop), 1);
	assert_string_equal(cJSON_GetArrayItem(drop, 0)->valuestring, "ALL");
	assert_null(cJSON_GetObjectItemCaseSensitive(h, "CapAdd"));
	const cJSON *so = tj_at(h, "SecurityOpt");
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
	assert_true(tj_num(h, "Memory") > 0);
	assert_true(tj_num(h, "MemorySwap") == tj_num(h, "Memory"));
	assert_true(tj_num(h, "NanoCpus") > 0);
	assert_true(tj_num(h, "PidsLimit") > 0);
	assert_true(tj_num(h, "ShmSize") > 0);
	assert_true(cJSON_IsFalse(tj_at(h, "OomKillDisable")));
	char *ul = cJSON_PrintUnformatted(tj_at(h, "Ulimits"));
	assert_string_equal(ul, "[{\"Name\":\"core\",\"Soft\":0,\"Hard\":0},{\"Name\":\"nofile\",\"Soft\":4096,\"Hard\":4096}]");
	cJSON_free(ul);
	assert_string_equal(tj_str(tj_at(h, "RestartPolicy"), "Name"), "no");
	const cJSON *lc = tj_at(h, "LogConfig");
	assert_string_equal(tj_str(lc, "Type"), "json-file");
	assert_string_equal(tj_str(tj_at(lc, "Config"), "max-size"), "10m");
	assert_string_equal(tj_str(tj_at(lc, "Config"), "max-file"), "3");
	assert_int_equal(cJSON_GetArraySize(tj_at(h, "PortBindings")), 0);
	assert_true(cJSON_IsFalse(tj_at(h, "PublishAllPorts")));
	assert_true(cJSON_IsFalse(tj_at(h, "AutoRemove")));
	assert_null(cJSON_GetObjectItemCaseSensitive(h, "Binds"));
	assert_null(cJSON_GetObjectItemCaseSensitive(h, "Devices"));
	const cJSON *nc = cJSON_GetObjectItemCaseSensitive(b, "NetworkingConfig");
	if (net)
		assert_non_null(cJSON_GetObjectItemCaseSensitive(tj_at(nc, "EndpointsConfig"), net));
	else
		assert_null(nc);
}
