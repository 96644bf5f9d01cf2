/* host: the host-wide checks (engine and runc versions, seccomp, LSM, cgroups, user namespaces, the endpoint) and iso_evaluate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "isolation/internal.h"

struct ver {
	int v[3];
	bool distro;   /* "+ds1", "~ds1", "-1ubuntu": a distribution's build, which may carry backports */
	bool pre;      /* "-rc.1": a pre-release, before the release it names */
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
	out->pre = !strncmp(s, "-rc", 3) || !strncmp(s, "-beta", 5) || !strncmp(s, "-alpha", 6);
	out->distro = !out->pre && (*s == '+' || *s == '~' || *s == '-');
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
	if (!missing && v.pre)
		iso_add(r, id, title, ISO_UNVERIFIABLE, sev, "%s %s is a pre-release: its fixes are not known here", what,
			version);
	else if (!missing)
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

/* Runtime rt (the host's default, or a sandbox's own): runc is checked by
 * version; gVisor and Kata isolate with a kernel of their own; anything
 * else is unknown. */
static void runtime_check(const char *rt, const struct dk_hostinfo *host, struct iso_report *r)
{
	if (!strcmp(rt, "runc"))
		gate(r, "PRIV-14", "runtime patched", ISO_CRIT, "runc", host->runc_version, runc_missing(host->runc_version));
	else if (!strncmp(rt, "runsc", 5) || !strncmp(rt, "kata", 4))
		iso_add(r, "PRIV-14", "runtime patched", ISO_PASS, ISO_CRIT, "default runtime %s: its own kernel", rt);
	else
		iso_add(r, "PRIV-14", "runtime patched", ISO_UNVERIFIABLE, ISO_CRIT, "default runtime %s: its version is not checked",
			rt);
}

void iso_evaluate_host(const struct dk_hostinfo *host, const char *why, const char *endpoint, struct iso_report *r)
{
	memset(r, 0, sizeof *r);
	if (!strncmp(endpoint ? endpoint : "", "tcp://", 6))
		iso_add(r, "HOST-05", "engine endpoint", ISO_FAIL, ISO_HIGH, "plain TCP: whoever reaches %s is root there",
			endpoint);
	else
		iso_add(r, "HOST-05", "engine endpoint", ISO_PASS, ISO_HIGH, "%s", endpoint ? endpoint : "?");
	if (!host) {
		static const struct { const char *id, *title; enum iso_sev sev; } rest[] = {
			{"HOST-01", "seccomp available", ISO_CRIT}, {"HOST-02", "LSM available", ISO_HIGH},
			{"PRIV-14", "runtime patched", ISO_CRIT}, {"NET-05", "internal DNS patched", ISO_HIGH},
			{"HOST-03", "cgroup v2", ISO_LOW}, {"HOST-04", "user namespaces", ISO_LOW},
		};
		for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
			iso_add(r, rest[i].id, rest[i].title, ISO_UNVERIFIABLE, rest[i].sev, "the engine's facts were not read: %s",
				why && *why ? why : "no answer");
		return;
	}
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
	runtime_check(*host->default_runtime ? host->default_runtime : "runc", host, r);
	if (host->podman)
		iso_add(r, "NET-05", "internal DNS patched", ISO_UNVERIFIABLE, ISO_HIGH,
			"Podman %s: CVE-2024-29018 is the Docker Engine's; its own DNS is not checked", host->engine_version);
	else
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

/* The engine listed more than the facts keep (mounts, ports, networks,
 * variables, labels, capabilities): a check that passed over those lists
 * proved nothing about what was left out. */
static void distrust_cut_lists(struct iso_report *r)
{
	static const char *const listed[] = {"PRIV-02", "PRIV-03", "PRIV-04", "PRIV-05", "PRIV-13", "NET-02",
	                                     "NET-03", "NET-04", "NET-06", "CRED-01", "CRED-02", "CRED-03",
	                                     "CRED-04", "FS-02", "FS-03", "FS-04", "RES-04", "RES-05", "KS-05", "KS-07"};
	for (size_t i = 0; i < r->n; i++) {
		struct iso_check *c = &r->checks[i];
		for (size_t k = 0; c->result == ISO_PASS && k < sizeof listed / sizeof *listed; k++)
			if (!strcmp(c->id, listed[k])) {
				c->result = ISO_UNVERIFIABLE;
				snprintf(c->reason, sizeof c->reason, "%s", "the engine listed more than sandtop reads: not proven");
			}
	}
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
	iso_checks_res_ks(h, host, pol, now_wall_ms, out);
	/* a sandbox on another runtime than the host's default (the header's
	 * PRIV-14) is judged by its own; Podman calls every container's "oci"
	 * (its default runtime, whichever that is) */
	const char *def = host && *host->default_runtime ? host->default_runtime : "runc";
	bool podman_default = host && host->podman && !strcmp(h->runtime, "oci");
	if (host && *h->runtime && strcmp(h->runtime, def) != 0 && !podman_default)
		runtime_check(h->runtime, host, out);
	if (h->cut)
		distrust_cut_lists(out);
}
