/* fs: the filesystem and credential checks FS-01..05, CRED-01..03 (sandtop(1), Isolation checks, lists each). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "isolation/internal.h"

#define GIB (1024ll * 1024 * 1024)
#define MIB (1024ll * 1024)

bool iso_secret_key(const char *key)
{
	static const char *const parts[] = {"APIKEY", "API_KEY", "TOKEN", "SECRET", "PASSW", "CREDENTIAL", "PRIVATE_KEY"};
	static const char *const prefixes[] = {"AWS_", "ANTHROPIC_", "OPENAI_"};
	char up[256];
	size_t n = 0;
	for (; key && key[n] && n < sizeof up - 1; n++)
		up[n] = (char)toupper((unsigned char)key[n]);
	up[n] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (strstr(up, parts[i]))
			return true;
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (!strncmp(up, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* the comma-separated option list opts has word, or "word=..." */
static bool has_opt(const char *opts, const char *word)
{
	size_t w = strlen(word);
	for (const char *p = opts; p && *p;) {
		size_t k = strcspn(p, ",");
		if ((k == w || (k > w && p[w] == '=')) && !strncmp(p, word, w))
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

static void fs01(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	int k = p && p->ok ? (p->root_ro < 0 ? -1 : p->root_ro == 1) : -1;
	iso_confirm(r, "FS-01", "read-only root", ISO_HIGH, h->readonly_rootfs,
		    h->readonly_rootfs ? "--read-only" : "the root filesystem is writable", p, k,
		    k == 1 ? "/ mounted ro" : "/ mounted rw");
}

static void fs02(const struct dk_hardening *h, struct iso_report *r)
{
	const char *T = "scratch space bounded";
	for (size_t i = 0; i < h->ntmpfs; i++) {
		const char *opts = h->tmpfs[i].value ? h->tmpfs[i].value : "";
		if (!has_opt(opts, "size")) {
			iso_add(r, "FS-02", T, ISO_FAIL, ISO_MED, "tmpfs %s has no size= (up to half the host's memory)",
				h->tmpfs[i].key);
			return;
		}
		if (!has_opt(opts, "nosuid") || !has_opt(opts, "nodev")) {
			iso_add(r, "FS-02", T, ISO_WARN, ISO_MED, "tmpfs %s lacks nosuid or nodev", h->tmpfs[i].key);
			return;
		}
	}
	for (size_t i = 0; i < h->nmounts; i++)
		if (!strcmp(h->mounts[i].type, "tmpfs") && h->mounts[i].rw) {
			iso_add(r, "FS-02", T, ISO_WARN, ISO_MED, "tmpfs mount %s: its size is not shown by the engine",
				h->mounts[i].dest);
			return;
		}
	iso_add(r, "FS-02", T, ISO_PASS, ISO_MED, "%zu tmpfs, each sized, nosuid, nodev (binds: FS-03)", h->ntmpfs);
}

static void fs03_04(const struct dk_hardening *h, struct iso_report *r)
{
	const struct dk_hmount *rw = NULL, *shm = NULL;
	for (size_t i = 0; i < h->nmounts; i++) {
		const struct dk_hmount *m = &h->mounts[i];
		if (strcmp(m->type, "bind") != 0)
			continue;
		if (!strcmp(m->dest, "/dev/shm") && !shm)
			shm = m;
		if (m->rw && !rw)
			rw = m;
	}
	if (rw)
		iso_add(r, "FS-03", "no writable bind mounts", ISO_WARN, ISO_MED, "host %s is writable at %s", rw->source,
			rw->dest);
	else
		iso_add(r, "FS-03", "no writable bind mounts", ISO_PASS, ISO_MED, "none");
	if (shm)
		iso_add(r, "FS-04", "shared memory private", ISO_FAIL, ISO_HIGH, "host %s is mounted on /dev/shm", shm->source);
	else if (iso_mode_is(h->ipc_mode, "host"))
		iso_add(r, "FS-04", "shared memory private", ISO_FAIL, ISO_HIGH, "--ipc host: the host's /dev/shm");
	else if (!strncasecmp(h->ipc_mode, "container:", 10))
		iso_add(r, "FS-04", "shared memory private", ISO_WARN, ISO_MED, "shares another container's /dev/shm");
	else
		iso_add(r, "FS-04", "shared memory private", ISO_PASS, ISO_INFO, "own /dev/shm, %lld MiB%s",
			(long long)(h->shm_size / MIB), h->shm_size < GIB ? " (a browser wants 1 GiB or more)" : "");
}

static void fs05(const struct dk_hardening *h, struct iso_report *r)
{
	if (!h->readonly_rootfs && !*h->storage_size)
		iso_add(r, "FS-05", "disk growth bounded", ISO_WARN, ISO_MED, "writable layer without a size limit");
	else
		iso_add(r, "FS-05", "disk growth bounded", ISO_PASS, ISO_MED,
			h->readonly_rootfs ? "read-only root (scratch: FS-02)" : "writable layer limited (size=%s)", h->storage_size);
}

static bool cred_path(const char *src)
{
	static const char *const pats[] = {"/.aws", "/.ssh", "/.gnupg", "/.config/gcloud", "/.anthropic", "/.docker",
	                                   "/.kube", "/.netrc", "/.git-credentials", "/etc/shadow", "/run/secrets",
	                                   "/var/run/secrets"};
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
		for (const char *hit = strstr(src, pats[i]); hit; hit = strstr(hit + 1, pats[i])) {
			char after = hit[strlen(pats[i])];
			if (after == '\0' || after == '/')   /* a whole path component: not .dockerignore */
				return true;
		}
	return false;
}

static void creds(const struct dk_hardening *h, struct iso_report *r)
{
	char keys[ISO_REASON_MAX] = "";
	size_t nk = 0;
	for (size_t i = 0; i < h->env_keys.n; i++)
		if (iso_secret_key(h->env_keys.v[i])) {
			size_t len = strlen(keys);
			snprintf(keys + len, sizeof keys - len, "%s%s", nk++ ? ", " : "", h->env_keys.v[i]);
		}
	if (nk)
		iso_add(r, "CRED-01", "no secrets in the environment", ISO_FAIL, ISO_HIGH, "secret-looking variable%s: %s",
			nk == 1 ? "" : "s", keys);
	else
		iso_add(r, "CRED-01", "no secrets in the environment", ISO_PASS, ISO_HIGH, "no secret-looking names among %zu",
			h->env_keys.n);

	const struct dk_hmount *bad = NULL;
	for (size_t i = 0; i < h->nmounts && !bad; i++)
		if (cred_path(h->mounts[i].source))
			bad = &h->mounts[i];
	if (bad)
		iso_add(r, "CRED-02", "no credential stores mounted", ISO_FAIL, ISO_CRIT, "%s is mounted at %s", bad->source,
			bad->dest);
	else
		iso_add(r, "CRED-02", "no credential stores mounted", ISO_PASS, ISO_CRIT, "none mounted");

	for (size_t i = 0; i < h->nlabels; i++)
		/* our own label names a password file, not a password */
		if (strcmp(h->labels[i].key, "sandtop.vnc.password") != 0 && iso_secret_key(h->labels[i].key)) {
			iso_add(r, "CRED-03", "no secrets in labels", ISO_WARN, ISO_MED, "label %s", h->labels[i].key);
			return;
		}
	iso_add(r, "CRED-03", "no secrets in labels", ISO_PASS, ISO_MED, "no secret-looking label names");
}

void iso_checks_fs_cred(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	fs01(h, p, r);
	fs02(h, r);
	fs03_04(h, r);
	fs05(h, r);
	creds(h, r);
}
