/* isolation: the isolation checks, per sandbox and host-wide (a checklist from the CIS Docker Benchmark's runtime section, extended for agent sandboxes; docs/architecture.md), their results and the kernel facts behind them. */
#ifndef ISOLATION_ISOLATION_H
#define ISOLATION_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/hardening.h"

/* Results, in rising order of concern (the worst one is the largest). */
enum iso_result { ISO_PASS, ISO_WARN, ISO_UNVERIFIABLE, ISO_FAIL };
enum iso_sev { ISO_INFO, ISO_LOW, ISO_MED, ISO_HIGH, ISO_CRIT };

#define ISO_REASON_MAX 200
#define ISO_CHECKS_MAX 64

struct iso_check {
	const char *id;        /* "PRIV-01" (static) */
	const char *title;     /* "not privileged" (static) */
	enum iso_result result;
	enum iso_sev sev;      /* how bad a FAIL of it is */
	char reason[ISO_REASON_MAX]; /* one line, already sanitized (printable, no escapes) */
};

/* The checks of one sandbox, or of the host. */
struct iso_report {
	struct iso_check checks[ISO_CHECKS_MAX];
	size_t n;
	bool kernel;           /* the /proc facts were read and used */
	int64_t recheck_wall_ms; /* evaluate again at this wall time (a TTL runs out); 0 never */
};

/* "PASS" "WARN" "UNVERIFIABLE" "FAIL"; "CRITICAL" "HIGH" "MEDIUM" "LOW" "INFO". */
const char *iso_result_name(enum iso_result r);
const char *iso_sev_name(enum iso_sev s);
/* A severity from its name (any case; CRIT, CRITICAL, HIGH, MED, MEDIUM,
 * LOW, INFO): 0 and *out, or -1. */
int iso_sev_parse(const char *s, enum iso_sev *out);
/* The worst check of r (FAIL before UNVERIFIABLE before WARN, then the
 * higher severity), or NULL when r has none. */
const struct iso_check *iso_worst(const struct iso_report *r);
/* qsort order of struct iso_check pointers: the worst first (as
 * iso_worst ranks them), then by id. */
int iso_check_order(const void *a, const void *b);
/* r's checks, the worst first, into out (room for ISO_CHECKS_MAX); the
 * count. */
size_t iso_sorted(const struct iso_report *r, const struct iso_check **out);
/* True when r has a FAIL of severity >= min. */
bool iso_fails_at(const struct iso_report *r, enum iso_sev min);

/* What the kernel says about a container's init process (a local engine
 * only). Fields are -1 when unknown. */
struct iso_proc {
	bool ok;               /* the process was found and is the container's */
	char why[160];         /* when !ok: why not (sanitized) */
	long uid[4];           /* Uid: real, effective, saved, fs */
	int no_new_privs;      /* NoNewPrivs */
	int seccomp;           /* Seccomp: 0 off, 1 strict, 2 filter */
	uint64_t cap_eff, cap_prm, cap_bnd;
	bool caps_known;
	/* namespaces shared with PID 1 of the host (1), private (0), unknown (-1) */
	int ns_net, ns_pid, ns_ipc, ns_uts, ns_user, ns_cgroup;
	int root_ro;           /* "/" mounted read-only in its mount namespace */
	int masked;            /* the engine's masks in its mount namespace: 1 when /proc/sys is
	                        * mounted read-only and nmasks of the usual paths (/proc/keys,
	                        * /proc/kcore, /sys/firmware, ...) have a mount over them; 0
	                        * when not; -1 unknown */
	int nmasks;
	char lsm[128];         /* /proc/PID/attr/current, "" none (sanitized) */
	bool lsm_known;        /* attr/current was read (no LSM at all: not known) */
};
/* Read /proc/PID (status, ns, mountinfo, attr/current) for the container
 * with full id cid, checking through /proc/PID/cgroup that PID still
 * belongs to it (a recycled PID is refused). proc_root is "/proc" (tests
 * pass a fake tree). Never fails: out->ok false and out->why say why. */
void iso_proc_read(const char *proc_root, int pid, const char *cid, struct iso_proc *out);

/* What the operator's policy adds to the checks. */
struct iso_policy {
	const char *pinned_seccomp_sha256; /* the strict profile's canonical hash ("" none) */
	bool require_pinned_seccomp;       /* the engine's default profile is then a FAIL */
	bool local;                        /* the engine runs on this host */
};

/* The default policy for an engine at endpoint (dk_client_endpoint's
 * text; a unix socket counts as local): the pinned profile is the strict
 * one sandtop launch uses (sandbox/image/seccomp.json, built in), the
 * engine's default profile is accepted. */
void iso_policy_default(struct iso_policy *pol, const char *endpoint);

/* Evaluate every per-sandbox check into out. p: the kernel's facts (NULL
 * on a remote engine: the checks they prove are then UNVERIFIABLE, never
 * PASS). nets: the attached networks found (any order; a network of h
 * missing here makes the network checks UNVERIFIABLE). host: NULL when
 * /info was not read. now_wall_ms for the time budget. Pure. */
void iso_evaluate(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_netinfo *nets,
                  size_t nnets, const struct dk_hostinfo *host, const struct iso_policy *pol, int64_t now_wall_ms,
                  struct iso_report *out);
/* The host-wide checks (engine and runtime versions, seccomp and LSM
 * availability, cgroup version, user namespaces, the endpoint). endpoint
 * is dk_client_endpoint()'s text. host NULL (the engine's facts could not
 * be read, why says so): every check but the endpoint's is UNVERIFIABLE.
 * Pure. */
void iso_evaluate_host(const struct dk_hostinfo *host, const char *why, const char *endpoint,
                       struct iso_report *out);

/* A variable or label name that looks like it holds a secret (API_KEY,
 * TOKEN, SECRET, PASSW, CREDENTIAL, PRIVATE_KEY, AWS_*, ANTHROPIC_*,
 * OPENAI_*; any case). */
bool iso_secret_key(const char *key);

#endif
