/* host: GET /networks/ID, /info and /version bodies -> the network and host facts of the isolation checks. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/hardening.h"
#include "docker/json/util.h"

#define SECOPT_LEN_MAX 4096

/* o[key] sanitized into out (cut to fit), "" when absent or not a string */
static void jsan(const cJSON *o, const char *key, char *out, size_t cap)
{
	const char *s = cJSON_IsObject(o) ? dkj_str(o, key) : NULL;
	sanitize_text(s ? s : "", s ? strlen(s) : 0, out, cap);
}

static bool opt_is(const cJSON *opts, const char *key, const char *want)
{
	const char *v = cJSON_IsObject(opts) ? dkj_str(opts, key) : NULL;
	return v && !strcmp(v, want);
}

int dk_parse_netinfo(const char *body, size_t len, struct dk_netinfo *n, struct err *e)
{
	memset(n, 0, sizeof *n);
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (dkj_copy_id(n->id, cJSON_IsObject(j) ? dkj_str(j, "Id") : NULL) < 0) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "network body without a valid Id");
	}
	n->name = dkj_dup(j, "Name");
	n->driver = dkj_dup(j, "Driver");
	n->internal = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Internal"));
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(j, "Options");
	n->gateway_isolated = opt_is(opts, "com.docker.network.bridge.gateway_mode_ipv4", "isolated");
	n->icc_disabled = opt_is(opts, "com.docker.network.bridge.enable_icc", "false");
	const char *br = cJSON_IsObject(opts) ? dkj_str(opts, "com.docker.network.bridge.name") : NULL;
	n->bridge_name = xstrdup(br ? br : "");
	n->is_default_bridge = (!strcmp(n->name, "bridge") && !strcmp(n->driver, "bridge")) ||
	                       !strcmp(n->bridge_name, "docker0") ||
	                       opt_is(opts, "com.docker.network.bridge.default_bridge", "true");
	cJSON_Delete(j);
	return 0;
}

void dk_netinfo_clear(struct dk_netinfo *n)
{
	if (!n)
		return;
	free(n->name);
	free(n->driver);
	free(n->bridge_name);
	memset(n, 0, sizeof *n);
}

/* "name=seccomp,profile=default": the value of key in the comma-separated
 * pairs of s, sanitized into out; false when absent. */
static bool secopt_get(const char *s, const char *key, char *out, size_t cap)
{
	size_t kn = strlen(key);
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		if (n > kn && p[kn] == '=' && !strncmp(p, key, kn)) {
			sanitize_text(p + kn + 1, n - kn - 1, out, cap);
			return true;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

static void take_secopts(struct dk_hostinfo *h, const cJSON *a)
{
	const cJSON *it;
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(it, a)
	{
		if (!cJSON_IsString(it) || strlen(it->valuestring) > SECOPT_LEN_MAX)
			continue;
		char name[32];
		if (!secopt_get(it->valuestring, "name", name, sizeof name))
			continue;
		if (!strcmp(name, "seccomp")) {
			h->seccomp = true;
			if (!secopt_get(it->valuestring, "profile", h->seccomp_profile, sizeof h->seccomp_profile))
				h->seccomp_profile[0] = '\0';
		} else if (!strcmp(name, "apparmor")) {
			h->apparmor = true;
		} else if (!strcmp(name, "selinux")) {
			h->selinux = true;
		} else if (!strcmp(name, "userns")) {
			h->userns = true;
		} else if (!strcmp(name, "rootless")) {
			h->rootless = true;
		}
	}
}

int dk_parse_info(const char *body, size_t len, struct dk_hostinfo *h, struct err *e)
{
	memset(h, 0, sizeof *h);
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "/info body is not an object");
	}
	take_secopts(h, cJSON_GetObjectItemCaseSensitive(j, "SecurityOptions"));
	/* Podman says so at the top ("Rootless": true), not as name=rootless */
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "Rootless")))
		h->rootless = true;
	/* a string ("1") in the 1.41 API; accept a number too */
	const cJSON *cg = cJSON_GetObjectItemCaseSensitive(j, "CgroupVersion");
	if (cJSON_IsString(cg) && (!strcmp(cg->valuestring, "1") || !strcmp(cg->valuestring, "2")))
		h->cgroup_version = cg->valuestring[0] - '0';
	else if (cJSON_IsNumber(cg) && (cg->valuedouble == 1 || cg->valuedouble == 2))
		h->cgroup_version = (int)cg->valuedouble;
	jsan(j, "DefaultRuntime", h->default_runtime, sizeof h->default_runtime);
	cJSON_Delete(j);
	return 0;
}

/* Podman's runtime component says "runc version 1.1.5+ds1\ncommit: ...":
 * the version word, sanitized into out ("" when it is not there). */
static void podman_runc(const char *v, char *out, size_t cap)
{
	static const char lead[] = "runc version ";
	out[0] = '\0';
	if (!v || strncmp(v, lead, sizeof lead - 1) != 0)
		return;
	v += sizeof lead - 1;
	sanitize_text(v, strcspn(v, " \t\r\n"), out, cap);
}

int dk_parse_version_components(const char *body, size_t len, struct dk_hostinfo *h, struct err *e)
{
	h->engine_version[0] = h->runc_version[0] = '\0';
	h->podman = false;
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "/version body is not an object");
	}
	jsan(j, "Version", h->engine_version, sizeof h->engine_version);
	const cJSON *comps = cJSON_GetObjectItemCaseSensitive(j, "Components"), *it;
	if (cJSON_IsArray(comps)) {
		cJSON_ArrayForEach(it, comps)
		{
			const char *name = cJSON_IsObject(it) ? dkj_str(it, "Name") : NULL;
			/* the first runc entry wins */
			if (name && !strcmp(name, "runc") && !h->runc_version[0])
				jsan(it, "Version", h->runc_version, sizeof h->runc_version);
			else if (name && !strcmp(name, "OCI Runtime (runc)") && !h->runc_version[0])
				podman_runc(dkj_str(it, "Version"), h->runc_version, sizeof h->runc_version);
			else if (name && !strcmp(name, "Podman Engine"))
				h->podman = true;
		}
	}
	cJSON_Delete(j);
	return 0;
}

void dk_hostinfo_clear(struct dk_hostinfo *h)
{
	if (!h)
		return;
	memset(h, 0, sizeof *h);
}
