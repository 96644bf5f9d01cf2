/* secopt: HostConfig.SecurityOpt entries (no-new-privileges, seccomp, apparmor, label) and the canonical hash of a seccomp profile. */
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/hardening.h"
#include "docker/hardening_internal.h"
#include "docker/json/util.h"

#define CANON_KEYS_MAX (1u << 20)

/* one member of an object being sorted; idx keeps duplicate keys in order */
struct member {
	cJSON *item;
	size_t idx;
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int r = strcmp(x->item->string ? x->item->string : "", y->item->string ? y->item->string : "");
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sort the members of every object under j by key (byte order), in place.
 * Arrays keep their order. Depth is bounded by dkj_parse's check. */
static void sort_keys(cJSON *j)
{
	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return;
	size_t n = 0;
	for (cJSON *c = j->child; c; c = c->next) {
		sort_keys(c);
		n++;
	}
	if (!cJSON_IsObject(j) || n < 2 || n > CANON_KEYS_MAX)
		return;
	struct member *m = xcalloc(n, sizeof *m);
	size_t i = 0;
	for (cJSON *c = j->child; c; c = c->next, i++)
		m[i] = (struct member){c, i};
	qsort(m, n, sizeof *m, member_cmp);
	/* relink; cJSON (1.7.13+) keeps child->prev pointing at the last item */
	for (i = 0; i < n; i++) {
		m[i].item->next = i + 1 < n ? m[i + 1].item : NULL;
		m[i].item->prev = i > 0 ? m[i - 1].item : m[n - 1].item;
	}
	j->child = m[0].item;
	free(m);
}

/* The canonical hash of the parsed profile j (sorted in place). */
static int canon_hash(cJSON *j, char out[65], struct err *e)
{
	sort_keys(j);
	char *txt = cJSON_PrintUnformatted(j);
	if (!txt)
		return err_set(e, ERR_PARSE, "seccomp profile could not be printed");
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	int ok = EVP_Digest(txt, strlen(txt), md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32;
	cJSON_free(txt);
	if (!ok)
		return err_set(e, ERR_PARSE, "SHA-256 failed");
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

int dk_seccomp_canon_sha256(const char *json, size_t len, char out[65], struct err *e)
{
	out[0] = '\0';
	cJSON *j = dkj_parse(json, len, e);
	if (!j)
		return -1;
	int rc = cJSON_IsObject(j) ? canon_hash(j, out, e) : err_set(e, ERR_PARSE, "seccomp profile is not an object");
	cJSON_Delete(j);
	if (rc < 0)
		out[0] = '\0';
	return rc;
}

/* Go's strconv.ParseBool: 1 true, 0 false, -1 not a boolean. */
static int parse_bool(const char *s)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		if (!strcmp(s, t[i]))
			return 1;
		if (!strcmp(s, f[i]))
			return 0;
	}
	return -1;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

/* seccomp=VALUE (the last entry wins, as in the daemon) */
static void take_seccomp(struct dk_hardening *h, const char *v)
{
	set_str(&h->seccomp_default_action, "");
	h->seccomp_sha256[0] = '\0';
	if (!*v) {
		h->seccomp = DK_SECCOMP_DEFAULT; /* the daemon treats an empty profile as none */
		return;
	}
	if (!strcmp(v, "unconfined")) {
		h->seccomp = DK_SECCOMP_UNCONFINED;
		return;
	}
	if (!strcmp(v, "builtin")) {
		h->seccomp = DK_SECCOMP_BUILTIN;
		return;
	}
	if (v[0] == '/') {
		h->seccomp = DK_SECCOMP_PATH;   /* Podman: the profile's file, its rules not shown */
		return;
	}
	struct err e;
	cJSON *j = dkj_parse(v, strlen(v), &e);
	if (j && cJSON_IsObject(j)) {
		const char *da = dkj_str(j, "defaultAction");
		set_str(&h->seccomp_default_action, da ? da : "");
		if (canon_hash(j, h->seccomp_sha256, &e) == 0) {
			h->seccomp = DK_SECCOMP_PROFILE;
			cJSON_Delete(j);
			return;
		}
		set_str(&h->seccomp_default_action, "");
		h->seccomp_sha256[0] = '\0';
	}
	cJSON_Delete(j);
	h->seccomp = DK_SECCOMP_BAD;
}

/* One entry, read the way the daemon's parseSecurityOpt reads it; the
 * entries no check reads (label=user:..., systempaths=..., unknown ones)
 * are skipped. */
static void take_one(struct dk_hardening *h, const char *s)
{
	if (!strcmp(s, "no-new-privileges")) {
		h->nnp_opt = true;
		return;
	}
	if (!strcmp(s, "disable")) {
		h->label_disable = true;
		return;
	}
	/* key=value, else the legacy key:value (split at the first one) */
	const char *sep = strchr(s, '=');
	if (!sep)
		sep = strchr(s, ':');
	if (!sep)
		return;
	size_t kn = (size_t)(sep - s);
	const char *v = sep + 1;
	if (kn == 7 && !strncmp(s, "seccomp", kn)) {
		take_seccomp(h, v);
	} else if (kn == 8 && !strncmp(s, "apparmor", kn)) {
		set_str(&h->apparmor_opt, v);
	} else if (kn == 5 && !strncmp(s, "label", kn) && !strcmp(v, "disable")) {
		h->label_disable = true;
	} else if (kn == 17 && !strncmp(s, "no-new-privileges", kn) && parse_bool(v) >= 0) {
		h->nnp_opt = parse_bool(v) == 1;
	}
}

void dkh_take_secopt(struct dk_hardening *h, const cJSON *arr)
{
	h->seccomp = DK_SECCOMP_DEFAULT;
	h->seccomp_sha256[0] = '\0';
	set_str(&h->seccomp_default_action, "");
	set_str(&h->apparmor_opt, "");
	if (!cJSON_IsArray(arr))
		return;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		if (cJSON_IsString(it))
			take_one(h, it->valuestring);
	}
}
