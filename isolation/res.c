/* res: the resource, time and kill-switch checks RES-01..06, KS-01..07 (sandtop(1), Isolation checks, lists each). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "isolation/internal.h"
#include "sandbox/budget.h"

#define MIB (1024ll * 1024)
#define PIDS_WARN 4096
#define RESTARTS_MAX 5

static void res01_03(const struct dk_hardening *h, struct iso_report *r)
{
	const char *T = "memory capped";
	if (h->memory <= 0)
		iso_add(r, "RES-01", T, ISO_FAIL, ISO_HIGH, "no memory limit");
	else if (h->oom_kill_disable)
		iso_add(r, "RES-01", T, ISO_FAIL, ISO_HIGH, "the OOM killer is disabled");
	else if (h->memory_swap < 0)
		iso_add(r, "RES-01", T, ISO_WARN, ISO_MED, "%lld MiB, unlimited swap", (long long)(h->memory / MIB));
	else if (h->memory_swap == 0 || h->memory_swap > h->memory)
		iso_add(r, "RES-01", T, ISO_WARN, ISO_MED, "%lld MiB plus swap", (long long)(h->memory / MIB));
	else
		iso_add(r, "RES-01", T, ISO_PASS, ISO_HIGH, "%lld MiB, no swap", (long long)(h->memory / MIB));

	T = "CPU ceiling";
	if (h->nano_cpus > 0)
		iso_add(r, "RES-02", T, ISO_PASS, ISO_HIGH, "%.2f CPUs", (double)h->nano_cpus / 1e9);
	else if (h->cpu_quota > 0)
		iso_add(r, "RES-02", T, ISO_PASS, ISO_HIGH, "quota %lld us per %lld us", (long long)h->cpu_quota,
			(long long)(h->cpu_period > 0 ? h->cpu_period : 100000));
	else if (h->cpu_shares > 0)
		iso_add(r, "RES-02", T, ISO_WARN, ISO_MED, "only a CPU weight (shares %lld), no ceiling", (long long)h->cpu_shares);
	else
		iso_add(r, "RES-02", T, ISO_FAIL, ISO_HIGH, "no CPU limit");

	T = "PID cap";
	if (h->pids_limit <= 0)
		iso_add(r, "RES-03", T, ISO_FAIL, ISO_HIGH, "no PID limit (a fork bomb reaches the host)");
	else if (h->pids_limit > PIDS_WARN)
		iso_add(r, "RES-03", T, ISO_WARN, ISO_LOW, "%lld tasks (over %d)", (long long)h->pids_limit, PIDS_WARN);
	else
		iso_add(r, "RES-03", T, ISO_PASS, ISO_HIGH, "%lld tasks", (long long)h->pids_limit);

	if (h->ulimit_core_hard == 0)
		iso_add(r, "RES-04", "ulimits", ISO_PASS, ISO_LOW, "core 0%s", iso_strv_has(&h->ulimits, "nofile") ? ", nofile set" : "");
	else
		iso_add(r, "RES-04", "ulimits", ISO_WARN, ISO_LOW, "core dumps not limited to 0");
}

static void res05(const struct dk_hardening *h, int64_t now, struct iso_report *r)
{
	const char *T = "wall-clock budget";
	const char *v = iso_label(h, TTL_LABEL);
	int64_t ttl = 0;
	int rc = v ? ttl_parse(v, &ttl) : 0;
	if (rc == 0) {
		iso_add(r, "RES-05", T, ISO_FAIL, ISO_HIGH, "no sandtop.ttl label: nothing ends it");
		return;
	}
	if (rc < 0) {
		iso_add(r, "RES-05", T, ISO_FAIL, ISO_HIGH, "sandtop.ttl \"%s\" is not a number of seconds", v);
		return;
	}
	if (!(h->running || h->paused) || h->started_at_ms <= 0) {
		iso_add(r, "RES-05", T, ISO_PASS, ISO_HIGH, "%lld s budget (not running)", (long long)ttl);
		return;
	}
	int64_t left = ttl_left_at(ttl, h->started_at_ms, now);
	if (left < 0) {
		iso_add(r, "RES-05", T, ISO_FAIL, ISO_HIGH, "budget of %lld s spent %lld s ago", (long long)ttl,
			(long long)-left);
		return;
	}
	iso_add(r, "RES-05", T, ISO_PASS, ISO_HIGH, "%lld s of %lld s left", (long long)left, (long long)ttl);
	r->recheck_wall_ms = h->started_at_ms + (ttl + 1) * 1000;
}

static void res06(const struct dk_hardening *h, const struct dk_hostinfo *host, struct iso_report *r)
{
	const char *T = "logs bounded and kept";
	if (!strcmp(h->log_type, "none"))
		iso_add(r, "RES-06", T, ISO_WARN, ISO_MED, "logging off: no evidence kept");
	else if (host && host->podman && !*h->log_max_size)
		/* its k8s-file log shows as json-file, and never with its options */
		iso_add(r, "RES-06", T, ISO_UNVERIFIABLE, ISO_MED, "Podman does not show the log's size limit (%s)",
			*h->log_type ? h->log_type : "driver not shown");
	else if (!strcmp(h->log_type, "json-file") && !*h->log_max_size)
		iso_add(r, "RES-06", T, ISO_WARN, ISO_MED, "json-file without max-size: the log can fill the disk");
	else
		iso_add(r, "RES-06", T, ISO_PASS, ISO_MED, "%s%s%s", h->log_type, *h->log_max_size ? ", max-size " : "",
			h->log_max_size);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void ks(const struct dk_hardening *h, const struct iso_policy *pol, struct iso_report *r)
{
	const char *rp = h->restart_policy;
	if (!strcasecmp(rp, "always"))
		iso_add(r, "KS-01", "no resurrection", ISO_FAIL, ISO_HIGH, "restart always: a daemon restart brings it back");
	else if (!strcasecmp(rp, "on-failure") && (h->restart_max_retry == 0 || h->restart_max_retry > RESTARTS_MAX))
		iso_add(r, "KS-01", "no resurrection", ISO_WARN, ISO_MED, "on-failure with %s retries",
			h->restart_max_retry == 0 ? "unlimited" : "over 5");
	else
		iso_add(r, "KS-01", "no resurrection", ISO_PASS, ISO_HIGH, "restart %s", *rp ? rp : "no");

	if (h->auto_remove)
		iso_add(r, "KS-02", "evidence survives a kill", ISO_WARN, ISO_MED, "--rm: its end deletes its layer and logs");
	else
		iso_add(r, "KS-02", "evidence survives a kill", ISO_PASS, ISO_MED, "kept after it ends");

	static const char *const inits[] = {"tini", "tini-static", "docker-init", "dumb-init", "catatonit"};
	bool init = h->init == 1;
	for (size_t i = 0; !init && i < sizeof inits / sizeof *inits; i++)
		init = !strcmp(base_name(h->entry_path), inits[i]);
	if (init)
		iso_add(r, "KS-03", "init process", ISO_PASS, ISO_LOW, "%s", h->init == 1 ? "--init" : base_name(h->entry_path));
	else
		iso_add(r, "KS-03", "init process", ISO_WARN, ISO_LOW, "PID 1 is %s: zombies are not reaped",
			*h->entry_path ? base_name(h->entry_path) : "unknown");

	if (h->has_health)
		iso_add(r, "KS-04", "health check", ISO_PASS, ISO_LOW, "has a health check");
	else
		iso_add(r, "KS-04", "health check", ISO_WARN, ISO_LOW, "no health check");

	const char *owner = iso_label(h, "sandtop.owner");
	if (owner && *owner)
		iso_add(r, "KS-05", "identity", ISO_PASS, ISO_MED, "owner %s", owner);
	else
		iso_add(r, "KS-05", "identity", ISO_WARN, ISO_MED, "no sandtop.owner label: whose agent is it?");

	if (h->readonly_rootfs && h->ntmpfs && !(pol && pol->local))
		iso_add(r, "KS-06", "snapshot captures its writes", ISO_WARN, ISO_MED,
			"remote engine: its tmpfs is read by a tar inside the sandbox");
	else
		iso_add(r, "KS-06", "snapshot captures its writes", ISO_PASS, ISO_MED,
			h->readonly_rootfs ? "tmpfs and volumes are read through /proc" : "commit keeps its writable layer");
}

/* The labels that steer sandtop: one of them set by the image (an agent
 * may build its own) is ignored; say so. Other sandtop.* keys an image
 * carries (the reference image's build keys) steer nothing. */
static void ks07(const struct dk_hardening *h, struct iso_report *r)
{
	static const char *const steering[] = {"sandtop.sandbox", "sandtop.vnc", "sandtop.vnc.password", TTL_LABEL,
	                                       "sandtop.owner", "sandtop.task"};
	const char *T = "settings from whoever ran it";
	char keys[ISO_REASON_MAX] = "";
	size_t n = 0, len = 0;
	for (size_t k = 0; k < sizeof steering / sizeof *steering; k++)
		for (size_t i = 0; i < h->nlabels; i++)
			if (h->labels[i].from_image && !strcmp(h->labels[i].key, steering[k]) && len < sizeof keys) {
				len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s", n ? ", " : "", steering[k]);
				n++;
			}
	if (n)
		iso_add(r, "KS-07", T, ISO_WARN, ISO_MED, "image sets %s: ignored (only whoever runs it configures sandtop)",
			keys);
	else
		iso_add(r, "KS-07", T, ISO_PASS, ISO_MED, "no sandtop setting comes from the image");
}

void iso_checks_res_ks(const struct dk_hardening *h, const struct dk_hostinfo *host, const struct iso_policy *pol,
                       int64_t now_wall_ms, struct iso_report *r)
{
	res01_03(h, r);
	res05(h, now_wall_ms, r);
	res06(h, host, r);
	ks(h, pol, r);
	ks07(h, r);
}
