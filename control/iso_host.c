/* iso_host: the host-wide checks (engine and runc versions, seccomp, LSM, cgroups, user namespaces, the endpoint) and iso_evaluate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control/iso_internal.h"

struct ver {
	int v[3];
	bool distro;   /* "+ds1", "~ds1", "-1ubuntu": a distribution's build, which may carry backports */
};

/* "1.1.5+ds1" -> {1,1,5}, distro; -1 when it does not start with a version */
static int ver_parse(const char *s, struct ver *out)
{
	memset(out, 0, sizeof *out);
	if (!s || !*s)
		return -1;
	if (*s == 'v')
		s++;
	for (int i = 0; i < 3; i++) {
		char *end;
		long x = strtol(s, &end, 10);
		if (end == s || x < 0 || x > 100000)
			return i ? 0 : -1;
		out->v[i] = (int)x;
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	out->distro = *s == '+' || *s == '~' || (*s == '-' && strncmp(s, "-rc", 3) != 0);
	return 0;
}

static int ver_cmp(const struct ver *a, int x, int y, int z)
{
	int b[3] = {x, y, z};
	for (int i = 0; i < 3; i++)
		if (a->v[i] != b[i])
			return a->v[i] < b[i] ? -1 : 1;
	return 0;
}

/* One version gate: affected (with what it lacks) -> FAIL, or UNVERIFIABLE
 * for a distribution build, which may carry the fixes. */
static void gate(struct iso_report *r, const char *id, const char *title, enum iso_sev sev, const char *what,
                 const char *version, const char *missing)
{
	struct ver v;
	if (ver_parse(version, &v) < 0) {
		iso_add(r, id, title, ISO_UNVERIFIABLE, sev, "%s version unknown", what);
		return;
	}
	if (!missing)
		iso_add(r, id, title, ISO_PASS, sev, "%s %s", what, version);
	else if (v.distro)
		iso_add(r, id, title, ISO_UNVERIFIABLE, sev,
			"%s %s is a distribution build: upstream lacks %s; check the distribution's changelog", what,
			version, missing);
	else
		iso_add(r, id, title, ISO_FAIL, sev, "%s %s lacks %s", what, version, missing);
}

static const char *runc_missing(const char *version)
{
	struct ver v;
	if (ver_parse(version, &v) < 0)
		return NULL;
	if (ver_cmp(&v, 1, 1, 12) < 0)
		return "the fixes of CVE-2024-21626 (1.1.12) and CVE-2025-31133/52565/52881 (1.2.8)";
	if (ver_cmp(&v, 1, 2, 8) < 0 || (ver_cmp(&v, 1, 3, 0) >= 0 && ver_cmp(&v, 1, 3, 3) < 0))
		return "the fixes of CVE-2025-31133/52565/52881 (1.2.8, 1.3.3)";
	return NULL;
}

static const char *engine_missing(const char *version)
{
	struct ver v;
	if (ver_parse(version, &v) < 0)
		return NULL;
	bool bad = ver_cmp(&v, 23, 0, 11) < 0 || (v.v[0] == 24) || (v.v[0] == 25 && ver_cmp(&v, 25, 0, 5) < 0);
	return bad ? "the fix of CVE-2024-29018 (internal networks' DNS leaks; 23.0.11, 25.0.5, 26.0.0)" : NULL;
}

void iso_evaluate_host(const struct dk_hostinfo *host, const char *endpoint, struct iso_report *r)
{
	memset(r, 0, sizeof *r);
	if (!strncmp(endpoint ? endpoint : "", "tcp://", 6))
		iso_add(r, "HOST-05", "engine endpoint", ISO_FAIL, ISO_HIGH, "plain TCP: whoever reaches %s is root there",
			endpoint);
	else
		iso_add(r, "HOST-05", "engine endpoint", ISO_PASS, ISO_HIGH, "%s", endpoint ? endpoint : "?");
	if (!host)
		return;
	if (!host->seccomp)
		iso_add(r, "HOST-01", "seccomp available", ISO_FAIL, ISO_CRIT, "the engine has no seccomp");
	else if (!strcasecmp(host->seccomp_profile, "unconfined"))
		iso_add(r, "HOST-01", "seccomp available", ISO_FAIL, ISO_CRIT, "the engine's default profile is unconfined");
	else
		iso_add(r, "HOST-01", "seccomp available", ISO_PASS, ISO_CRIT, "seccomp (the engine's default profile: %s)",
			*host->seccomp_profile ? host->seccomp_profile : "builtin");
	if (host->apparmor || host->selinux)
		iso_add(r, "HOST-02", "LSM available", ISO_PASS, ISO_HIGH, "%s", host->apparmor ? "AppArmor" : "SELinux");
	else
		iso_add(r, "HOST-02", "LSM available", ISO_WARN, ISO_HIGH, "neither AppArmor nor SELinux");
	if (*host->default_runtime && strcmp(host->default_runtime, "runc") != 0)
		iso_add(r, "PRIV-14", "runtime patched", ISO_PASS, ISO_CRIT, "default runtime %s", host->default_runtime);
	else
		gate(r, "PRIV-14", "runtime patched", ISO_CRIT, "runc", host->runc_version, runc_missing(host->runc_version));
	gate(r, "NET-05", "internal DNS patched", ISO_HIGH, "engine", host->engine_version,
	     engine_missing(host->engine_version));
	if (host->cgroup_version == 2)
		iso_add(r, "HOST-03", "cgroup v2", ISO_PASS, ISO_LOW, "cgroup v2");
	else
		iso_add(r, "HOST-03", "cgroup v2", ISO_WARN, ISO_LOW, "cgroup v%d: private cgroup namespaces only on request",
			host->cgroup_version);
	if (host->rootless || host->userns)
		iso_add(r, "HOST-04", "user namespaces", ISO_PASS, ISO_LOW, "%s", host->rootless ? "rootless engine" : "userns-remap");
	else
		iso_add(r, "HOST-04", "user namespaces", ISO_WARN, ISO_LOW, "a container's root is the host's root");
}

void iso_evaluate(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_netinfo *nets,
                  size_t nnets, const struct dk_hostinfo *host, const struct iso_policy *pol, int64_t now_wall_ms,
                  struct iso_report *out)
{
	memset(out, 0, sizeof *out);
	out->kernel = p && p->ok;
	iso_checks_priv(h, p, host, pol, out);
	iso_checks_net(h, p, nets, nnets, out);
	iso_checks_fs_cred(h, p, out);
	iso_checks_res_ks(h, pol, now_wall_ms, out);
}
