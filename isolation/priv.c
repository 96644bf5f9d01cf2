/* priv: the privilege and escape-surface checks PRIV-01..17 (sandtop(1), Isolation checks, lists each). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stddef.h>

#include "isolation/internal.h"

#define CAP_BIT(n) (1ull << (n))
#define CAP_NET_BIND_SERVICE 10

static const struct { const char *name; int bit; enum iso_sev sev; } dangerous_caps[] = {
	{"SYS_ADMIN", 21, ISO_CRIT}, {"SYS_MODULE", 16, ISO_CRIT}, {"SYS_RAWIO", 17, ISO_CRIT},
	{"SYS_PTRACE", 19, ISO_CRIT}, {"DAC_READ_SEARCH", 2, ISO_CRIT}, {"BPF", 39, ISO_CRIT},
	{"NET_ADMIN", 12, ISO_HIGH}, {"PERFMON", 38, ISO_HIGH}, {"SYS_BOOT", 22, ISO_HIGH},
	{"SYSLOG", 34, ISO_HIGH}, {"MAC_ADMIN", 33, ISO_HIGH},
};
#define NDANGEROUS (sizeof dangerous_caps / sizeof *dangerous_caps)

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* path is dir or below it */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static void priv01(const struct dk_hardening *h, struct iso_report *r)
{
	if (h->privileged)
		iso_add(r, "PRIV-01", "not privileged", ISO_FAIL, ISO_CRIT,
			"privileged: every capability and device, no seccomp, no masked paths");
	else
		iso_add(r, "PRIV-01", "not privileged", ISO_PASS, ISO_CRIT, "not privileged");
}

static bool runtime_socket(const char *src)
{
	static const char *const socks[] = {"docker.sock", "containerd.sock", "podman.sock", "crio.sock",
	                                    "cri-dockerd.sock"};
	static const char *const dirs[] = {"/run/docker", "/var/run/docker", "/run/containerd",
	                                   "/var/run/containerd", "/run/podman", "/var/run/podman"};
	if (!strcmp(src, "/run") || !strcmp(src, "/var/run"))
		return true;
	for (size_t i = 0; i < sizeof socks / sizeof *socks; i++)
		if (ends_with(src, socks[i]))
			return true;
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (under(src, dirs[i]))
			return true;
	return false;
}

static void priv02(const struct dk_hardening *h, struct iso_report *r)
{
	for (size_t i = 0; i < h->nmounts; i++)
		if (runtime_socket(h->mounts[i].source)) {
			iso_add(r, "PRIV-02", "no container-runtime socket", ISO_FAIL, ISO_CRIT,
				"%s is mounted at %s: root on the host", h->mounts[i].source, h->mounts[i].dest);
			return;
		}
	iso_add(r, "PRIV-02", "no container-runtime socket", ISO_PASS, ISO_CRIT, "no engine socket mounted");
}

static void priv03(const struct dk_hardening *h, struct iso_report *r)
{
	static const char *const dirs[] = {"/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
	                                   "/proc", "/sys", "/usr", "/bin", "/sbin", "/var/lib/docker",
	                                   "/var/lib/containerd", "/root", "/home"};
	const struct dk_hmount *bad = NULL;
	for (size_t i = 0; i < h->nmounts; i++) {
		const struct dk_hmount *m = &h->mounts[i];
		if (strcmp(m->type, "bind") != 0 || runtime_socket(m->source))
			continue;
		bool hit = !strcmp(m->source, "/");
		for (size_t k = 0; !hit && k < sizeof dirs / sizeof *dirs; k++)
			hit = under(m->source, dirs[k]);
		if (hit && (!bad || (m->rw && !bad->rw)))
			bad = m;
	}
	if (bad)
		iso_add(r, "PRIV-03", "no sensitive host paths", ISO_FAIL, bad->rw ? ISO_CRIT : ISO_HIGH,
			"host %s is mounted %s at %s", bad->source, bad->rw ? "read-write" : "read-only", bad->dest);
	else
		iso_add(r, "PRIV-03", "no sensitive host paths", ISO_PASS, ISO_CRIT, "no sensitive host path mounted");
}

static void priv04(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	const char *T = "no dangerous capabilities";
	if (iso_strv_has(&h->cap_add, "ALL")) {
		iso_add(r, "PRIV-04", T, ISO_FAIL, ISO_CRIT, "--cap-add ALL");
		return;
	}
	int worst = -1;
	for (size_t i = 0; i < NDANGEROUS; i++)
		if (iso_strv_has(&h->cap_add, dangerous_caps[i].name) &&
		    (worst < 0 || dangerous_caps[i].sev > dangerous_caps[worst].sev))
			worst = (int)i;
	if (worst >= 0) {
		iso_add(r, "PRIV-04", T, ISO_FAIL, dangerous_caps[worst].sev, "adds CAP_%s", dangerous_caps[worst].name);
		return;
	}
	if (h->cap_add.n > 0 && !(h->cap_add.n == 1 && iso_strv_has(&h->cap_add, "NET_BIND_SERVICE"))) {
		iso_add(r, "PRIV-04", T, ISO_WARN, ISO_LOW, "adds CAP_%s%s", h->cap_add.v[0],
			h->cap_add.n > 1 ? " and more" : "");
		return;
	}
	int kernel = -1;
	char seen[96] = "";
	if (p && p->ok && p->caps_known) {
		kernel = 1;
		for (size_t i = 0; i < NDANGEROUS; i++)
			if (p->cap_bnd & CAP_BIT(dangerous_caps[i].bit)) {
				kernel = 0;
				snprintf(seen, sizeof seen, "CAP_%s is in the bounding set", dangerous_caps[i].name);
				break;
			}
		if (kernel)
			snprintf(seen, sizeof seen, "none in the bounding set");
	}
	iso_confirm(r, "PRIV-04", T, ISO_CRIT, true, "none added", p, kernel, seen);
}

/* The engine's default capabilities (the Docker Engine's set): Podman shows
 * --cap-drop ALL as this list, one by one. */
static const char *const default_caps[] = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
                                           "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP",
                                           "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};

static bool drops_every_default(const struct dk_hardening *h)
{
	for (size_t i = 0; i < sizeof default_caps / sizeof *default_caps; i++)
		if (!iso_strv_has(&h->cap_drop, default_caps[i]))
			return false;
	return true;
}

static void priv05(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	bool all = iso_strv_has(&h->cap_drop, "ALL");
	bool listed = !all && drops_every_default(h);
	bool dropped = all || listed;
	int kernel = -1;
	char seen[96] = "";
	if (p && p->ok && p->caps_known) {
		uint64_t extra = p->cap_bnd & ~CAP_BIT(CAP_NET_BIND_SERVICE);
		kernel = extra == 0 && (p->cap_eff & ~CAP_BIT(CAP_NET_BIND_SERVICE)) == 0;
		snprintf(seen, sizeof seen, "CapBnd %016llx CapEff %016llx", (unsigned long long)p->cap_bnd,
			 (unsigned long long)p->cap_eff);
	}
	iso_confirm(r, "PRIV-05", "all capabilities dropped", ISO_HIGH, dropped,
		    all ? "--cap-drop ALL" : listed ? "every default capability dropped (listed one by one)"
		    : "capabilities not dropped (no --cap-drop ALL)", p, kernel, seen);
}

static void priv06(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	const char *T = "no-new-privileges";
	int k = p && p->ok ? p->no_new_privs : -1;
	if (!h->nnp_opt) {
		if (k == 1)
			iso_add(r, "PRIV-06", T, ISO_PASS, ISO_HIGH, "daemon default; kernel: NoNewPrivs 1");
		else if (k == 0)
			iso_add(r, "PRIV-06", T, ISO_FAIL, ISO_HIGH, "no no-new-privileges; kernel: NoNewPrivs 0");
		else
			iso_add(r, "PRIV-06", T, ISO_UNVERIFIABLE, ISO_HIGH,
				"no no-new-privileges option; a daemon default cannot be seen: %s", iso_no_kernel(p));
		return;
	}
	iso_confirm(r, "PRIV-06", T, ISO_HIGH, true, "no-new-privileges set", p, k, k == 1 ? "NoNewPrivs 1" : "NoNewPrivs 0");
}

static void priv07(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_hostinfo *host,
                   const struct iso_policy *pol, struct iso_report *r)
{
	const char *T = "seccomp filter";
	char what[128];
	if (h->privileged) {
		iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_CRIT, "privileged: seccomp is off");
		return;
	}
	switch (h->seccomp) {
	case DK_SECCOMP_UNCONFINED:
		iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_CRIT, "seccomp=unconfined");
		return;
	case DK_SECCOMP_BAD:
		iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_HIGH, "unreadable seccomp option");
		return;
	case DK_SECCOMP_PATH: {
		/* which rules the file held when the container started cannot be
		 * known: at best the kernel says a filter is on */
		int k = p && p->ok ? (p->seccomp < 0 ? -1 : p->seccomp == 2) : -1;
		if (k == 0)
			iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_CRIT, "a profile file is named, but kernel: Seccomp %d", p->seccomp);
		else
			iso_add(r, "PRIV-07", T, ISO_UNVERIFIABLE, ISO_MED,
				"a profile named by its file (Podman): its rules are not shown%s",
				k == 1 ? "; kernel: a filter is on (Seccomp 2)" : "");
		return;
	}
	case DK_SECCOMP_PROFILE: {
		const char *da = h->seccomp_default_action;
		if (!strcasecmp(da, "SCMP_ACT_ALLOW") || !strcasecmp(da, "SCMP_ACT_LOG")) {
			iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_CRIT, "custom profile allows by default (%s)", da);
			return;
		}
		bool pinned = pol && pol->pinned_seccomp_sha256 && *pol->pinned_seccomp_sha256 &&
		              !strcmp(pol->pinned_seccomp_sha256, h->seccomp_sha256);
		if (!pinned) {
			iso_add(r, "PRIV-07", T, ISO_WARN, ISO_MED, "custom profile (default %s), not the pinned one: sha256 %.12s",
				da, h->seccomp_sha256);
			return;
		}
		snprintf(what, sizeof what, "sandtop's strict profile");
		break;
	}
	case DK_SECCOMP_DEFAULT:
	case DK_SECCOMP_BUILTIN:
		if (h->seccomp == DK_SECCOMP_DEFAULT && host &&
		    (!host->seccomp || !strcasecmp(host->seccomp_profile, "unconfined"))) {
			iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_CRIT, "the engine's default is no seccomp");
			return;
		}
		if (pol && pol->require_pinned_seccomp) {
			iso_add(r, "PRIV-07", T, ISO_FAIL, ISO_HIGH, "the engine's default profile; policy wants the pinned one");
			return;
		}
		snprintf(what, sizeof what, "the engine's default profile");
		break;
	}
	int k = p && p->ok ? (p->seccomp < 0 ? -1 : p->seccomp == 2) : -1;
	char seen[32];
	snprintf(seen, sizeof seen, "Seccomp %d", p ? p->seccomp : -1);
	iso_confirm(r, "PRIV-07", T, ISO_CRIT, true, what, p, k, seen);
}

static void priv08(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_hostinfo *host,
                   struct iso_report *r)
{
	const char *T = "LSM confinement";
	if (!host) {
		iso_add(r, "PRIV-08", T, ISO_UNVERIFIABLE, ISO_HIGH, "the engine's security options were not read");
		return;
	}
	if (host->apparmor) {
		const char *prof = h->apparmor_profile;
		bool ok = *prof && strcasecmp(prof, "unconfined") != 0 && strcasecmp(h->apparmor_opt, "unconfined") != 0;
		/* "(complain)" logs and allows: not confinement */
		int k = p && p->ok && p->lsm_known ?
			(p->lsm[0] && strncmp(p->lsm, "unconfined", 10) != 0 && !strstr(p->lsm, "(complain)")) : -1;
		char what[96];
		snprintf(what, sizeof what, ok ? "AppArmor profile %s" : "no AppArmor profile (%s)", *prof ? prof : "none");
		iso_confirm(r, "PRIV-08", T, ISO_HIGH, ok, what, p, k, p ? p->lsm : "");
	} else if (host->selinux) {
		bool ok = !h->label_disable && *h->process_label;
		int k = p && p->ok && p->lsm_known ? (p->lsm[0] && !strstr(p->lsm, "unconfined_t") && !strstr(p->lsm, "spc_t")) : -1;
		iso_confirm(r, "PRIV-08", T, ISO_HIGH, ok, ok ? "SELinux label set" : "SELinux labelling disabled", p, k,
			    p ? p->lsm : "");
	} else {
		iso_add(r, "PRIV-08", T, ISO_WARN, ISO_HIGH,
			"this host has neither AppArmor nor SELinux: no LSM confines any sandbox (host)");
	}
}

static void priv09(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_hostinfo *host,
                   struct iso_report *r)
{
	const char *T = "non-root user";
	bool root = dk_user_is_root(h->user);
	if (root && host && (host->userns || host->rootless) && !iso_mode_is(h->userns_mode, "host")) {
		iso_add(r, "PRIV-09", T, ISO_WARN, ISO_MED, "runs as root inside, mapped to an unprivileged host user (userns or rootless)");
		return;
	}
	int k = -1;
	char seen[64] = "";
	if (p && p->ok && p->uid[0] >= 0) {
		k = p->uid[0] != 0 && p->uid[1] != 0 && p->uid[2] != 0 && p->uid[3] != 0;
		snprintf(seen, sizeof seen, "uid %ld/%ld/%ld/%ld", p->uid[0], p->uid[1], p->uid[2], p->uid[3]);
	}
	char what[96];
	snprintf(what, sizeof what, root ? "runs as root (user \"%s\")" : "user %s", h->user);
	iso_confirm(r, "PRIV-09", T, ISO_HIGH, !root, what, p, k, seen);
}

/* One namespace: the worst finding so far kept in (*res, *sev, msg). */
static void ns_note(enum iso_result *res, enum iso_sev *sev, char *msg, size_t cap, enum iso_result r2,
                    enum iso_sev s2, const char *text)
{
	size_t n = strlen(msg);
	snprintf(msg + n, cap - n, "%s%s", n ? "; " : "", text);
	if (r2 > *res || (r2 == *res && s2 > *sev)) {
		*res = r2;
		*sev = s2;
	}
}

static void priv10(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_hostinfo *host,
                   struct iso_report *r)
{
	static const struct { const char *name; size_t off; enum iso_sev sev; } modes[] = {
		{"pid", offsetof(struct dk_hardening, pid_mode), ISO_CRIT},
		{"ipc", offsetof(struct dk_hardening, ipc_mode), ISO_HIGH},
		{"uts", offsetof(struct dk_hardening, uts_mode), ISO_MED},
	};
	enum iso_result res = ISO_PASS;
	enum iso_sev sev = ISO_CRIT;
	char msg[ISO_REASON_MAX] = "";
	char t[96];
	bool kernel_read = p && p->ok;
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
		const char *mode = *(char *const *)((const char *)h + modes[i].off);
		int shared = !kernel_read ? -1 : i == 0 ? p->ns_pid : i == 1 ? p->ns_ipc : p->ns_uts;
		if (iso_mode_is(mode, "host") || shared == 1) {
			snprintf(t, sizeof t, "host %s namespace%s", modes[i].name, shared == 1 ? " (kernel)" : "");
			ns_note(&res, &sev, msg, sizeof msg, ISO_FAIL, modes[i].sev, t);
		} else if (!strncasecmp(mode, "container:", 10)) {
			snprintf(t, sizeof t, "joins %s of another container", modes[i].name);
			ns_note(&res, &sev, msg, sizeof msg, ISO_WARN, ISO_MED, t);
		}
	}
	if (iso_mode_is(h->userns_mode, "host") && host && host->userns)
		ns_note(&res, &sev, msg, sizeof msg, ISO_WARN, ISO_MED, "opts out of the user namespace");
	bool cg_default_host = host && host->cgroup_version == 1;
	if (iso_mode_is(h->cgroupns_mode, "host") || (kernel_read && p->ns_cgroup == 1) ||
	    (!*h->cgroupns_mode && cg_default_host && !kernel_read))
		ns_note(&res, &sev, msg, sizeof msg, ISO_WARN, ISO_LOW, "host cgroup namespace");
	if (res != ISO_PASS) {
		iso_add(r, "PRIV-10", "host namespaces not shared", res, sev, "%s", msg);
		return;
	}
	int k = !kernel_read || p->ns_pid < 0 || p->ns_ipc < 0 || p->ns_uts < 0 ? -1 : 1;
	iso_confirm(r, "PRIV-10", "host namespaces not shared", ISO_CRIT, true, "no host pid, ipc or uts mode", p, k,
		    p && p->ns_cgroup == 0 ? "its own pid, ipc, uts and cgroup namespaces" : "its own pid, ipc and uts namespaces");
}

static void priv11_13(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	if (h->ndevice_cgroup_rules || h->ndevices)
		iso_add(r, "PRIV-11", "no host devices", ISO_FAIL, ISO_HIGH, "%zu host devices, %zu device cgroup rules",
			h->ndevices, h->ndevice_cgroup_rules);
	else if (h->ndevice_requests)
		iso_add(r, "PRIV-11", "no host devices", ISO_WARN, ISO_MED, "%zu device requests (GPU)", h->ndevice_requests);
	else
		iso_add(r, "PRIV-11", "no host devices", ISO_PASS, ISO_HIGH, "no host devices");

	int k = p && p->ok ? p->masked : -1;
	if (!h->privileged && h->nmasked_paths < 0 && h->nreadonly_paths < 0) {
		/* not privileged, yet no list at all: Podman never shows them */
		if (k == 1)
			iso_add(r, "PRIV-12", "system paths masked", ISO_PASS, ISO_HIGH,
				"the engine does not show them; kernel: /proc/sys read-only, %d paths masked", p->nmasks);
		else if (k == 0)
			iso_add(r, "PRIV-12", "system paths masked", ISO_FAIL, ISO_HIGH,
				"kernel: /proc/sys writable or nothing masked");
		else
			iso_add(r, "PRIV-12", "system paths masked", ISO_UNVERIFIABLE, ISO_HIGH,
				"the engine does not show its masked and read-only paths: %s", iso_no_kernel(p));
	} else if (h->nmasked_paths <= 0 || h->nreadonly_paths <= 0)
		iso_add(r, "PRIV-12", "system paths masked", ISO_FAIL, ISO_HIGH, "/proc and /sys paths unmasked (%s)",
			h->privileged ? "privileged" : "systempaths=unconfined");
	else
		iso_add(r, "PRIV-12", "system paths masked", ISO_PASS, ISO_HIGH, "%d masked, %d read-only paths",
			h->nmasked_paths, h->nreadonly_paths);

	for (size_t i = 0; i < h->nmounts; i++)
		if (!strcmp(h->mounts[i].propagation, "shared") || !strcmp(h->mounts[i].propagation, "rshared")) {
			iso_add(r, "PRIV-13", "no shared mount propagation", ISO_FAIL, ISO_MED, "%s is %s", h->mounts[i].dest,
				h->mounts[i].propagation);
			return;
		}
	iso_add(r, "PRIV-13", "no shared mount propagation", ISO_PASS, ISO_MED, "no shared propagation");
}

static void priv15_17(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	if (h->nsysctls)
		iso_add(r, "PRIV-15", "no extra sysctls", ISO_WARN, ISO_LOW, "%zu sysctls set", h->nsysctls);
	else
		iso_add(r, "PRIV-15", "no extra sysctls", ISO_PASS, ISO_LOW, "none set");
	/* sandtop's own desktop relays and the engine's health checks are
	 * sessions nobody opened to get inside */
	size_t own = h->nexec_own < h->nexec_ids ? h->nexec_own : h->nexec_ids;
	size_t health = h->nexec_health < h->nexec_ids - own ? h->nexec_health : h->nexec_ids - own;
	size_t ended = h->nexec_ended < h->nexec_ids - own - health ? h->nexec_ended : h->nexec_ids - own - health;
	size_t foreign = h->nexec_ids - own - health - ended;
	const char *besides = own && health ? "sandtop's own desktop relay and the engine's health check"
	                      : own        ? "sandtop's own desktop relay"
	                      : health     ? "the engine's health check" : NULL;
	if (foreign)
		iso_add(r, "PRIV-16", "no exec sessions", ISO_WARN, ISO_MED, "%zu exec session%s known to the engine%s%s%s",
			foreign, foreign == 1 ? "" : "s", besides ? " (besides " : "", besides ? besides : "", besides ? ")" : "");
	else
		iso_add(r, "PRIV-16", "no exec sessions", ISO_PASS, ISO_MED, "%s%s", besides ? "only " : "none",
			besides ? besides : "");
	int k = p && p->ok ? p->no_new_privs : -1;
	if (k == 1)
		iso_add(r, "PRIV-17", "setuid cannot escalate", ISO_PASS, ISO_MED,
			"kernel: NoNewPrivs 1, setuid and file capabilities are inert");
	else if (k == 0)
		iso_add(r, "PRIV-17", "setuid cannot escalate", ISO_WARN, ISO_MED,
			"NoNewPrivs 0: setuid binaries in the image could raise privileges");
	else
		iso_add(r, "PRIV-17", "setuid cannot escalate", ISO_UNVERIFIABLE, ISO_MED, "%s", iso_no_kernel(p));
}

void iso_checks_priv(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_hostinfo *host,
                     const struct iso_policy *pol, struct iso_report *r)
{
	priv01(h, r);
	priv02(h, r);
	priv03(h, r);
	priv04(h, p, r);
	priv05(h, p, r);
	priv06(h, p, r);
	priv07(h, p, host, pol, r);
	priv08(h, p, host, r);
	priv09(h, p, host, r);
	priv10(h, p, host, r);
	priv11_13(h, p, r);
	priv15_17(h, p, r);
}
