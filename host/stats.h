/* stats: resource counters of containers (cgroup files or the stats API) and the docker-stats formulas. */
#ifndef HOST_STATS_H
#define HOST_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Which fields of a raw sample were read. */
enum st_have {
	ST_HAVE_CPU = 1 << 0,    /* cpu_ns, system_ns, online_cpus */
	ST_HAVE_MEM = 1 << 1,    /* mem_usage (+ mem_inactive_file if ST_HAVE_INACTIVE) */
	ST_HAVE_INACTIVE = 1 << 2,
	ST_HAVE_MEMLIMIT = 1 << 3,
	ST_HAVE_NET = 1 << 4,
	ST_HAVE_BLK = 1 << 5,
	ST_HAVE_PIDS = 1 << 6,
	ST_HAVE_FROZEN = 1 << 7, /* frozen (cgroup files only) */
	ST_HAVE_DISPLAY = 1 << 8, /* display_ns: it has an X server (cgroup source only) */
};

/* Cumulative counters of one container at one instant. Plain data. */
struct st_raw {
	int64_t mono_ns;          /* CLOCK_MONOTONIC when read (cgroup source) or 0 */
	unsigned have;            /* enum st_have bits */
	uint64_t cpu_ns;          /* container CPU time, ns (cpuacct.usage / cpu.stat usage_usec*1000) */
	uint64_t system_ns;       /* host CPU time incl. idle, ns, summed over CPUs (/proc/stat) */
	unsigned online_cpus;
	uint64_t mem_usage;       /* memory.usage_in_bytes / memory.current */
	uint64_t mem_inactive_file; /* total_inactive_file (v1) / inactive_file (v2) */
	uint64_t mem_limit;       /* bytes; 0 = unlimited */
	uint64_t net_rx, net_tx;  /* bytes, summed over every interface but lo */
	uint64_t blk_read, blk_write; /* bytes */
	uint64_t pids;
	uint64_t pids_limit;      /* 0 = unlimited */
	uint8_t frozen;           /* the cgroup freezer: 0 thawed, 1 freezing (v1), 2 frozen */
	uint64_t display_ns;      /* CPU time of its X server (host/display.h) */
};

/* What one interval between two samples means, in the `docker stats`
 * conventions (the docker CLI's own formulas). Negative = unknown. */
struct st_rates {
	double cpu_percent;       /* 100 = one core */
	double cpu_quota_percent; /* share of the container's own CPU quota; -1 when unlimited */
	uint64_t mem_bytes;       /* working set: usage - inactive_file (when below usage) */
	uint64_t mem_limit;       /* as docker stats: the host's memory when the
	                           * container has no limit; 0 when unknown */
	double mem_percent;       /* of mem_limit; -1 when unknown */
	double net_rx_bps, net_tx_bps;     /* bytes per second */
	double blk_read_bps, blk_write_bps;
	uint64_t pids, pids_limit;
};

/* One container's numbers over one interval, as `sandtop ps --stats`
 * reports them: the rates and the cumulative counters at its end. */
struct st_snapshot {
	bool valid;
	struct st_rates rates;
	struct st_raw raw;
};

/* Memory working set of one sample (docker stats: usage minus inactive_file
 * when that is present and below usage). */
uint64_t st_mem_working_set(const struct st_raw *r);

/* Rates between prev and cur of the same container. quota_cpus is the
 * container's CPU allowance in cores (st_quota_cpus), 0 when unlimited.
 * Returns 0, or -1 when the interval is implausible (counters went back,
 * a counter race gave more CPU than the host has, no time passed): such an
 * interval must be dropped, not drawn (out then holds cur's levels, every
 * rate -1). Fields that either sample lacks come out negative (rates) or 0;
 * levels (memory, pids) come from cur alone. Byte rates use the mono_ns of
 * both samples, else (API samples) Δsystem_ns / online_cpus. */
int st_rates_compute(const struct st_raw *prev, const struct st_raw *cur, double quota_cpus, struct st_rates *out);

/* A container's CPU allowance in cores from its HostConfig: NanoCpus, else
 * CpuQuota/CpuPeriod (period 0 = the kernel's 100000 us), capped by the
 * number of CPUs in CpusetCpus ("0-2,4") when that is smaller or the only
 * limit; 0 when unlimited. cpuset may be NULL or "". */
double st_quota_cpus(int64_t nano_cpus, int64_t cpu_quota, int64_t cpu_period, const char *cpuset);

/* ---- host ---- */
struct st_host {
	uint64_t system_ns;     /* /proc/stat "cpu" line, user..softirq (the 7 fields dockerd sums), in ns */
	uint64_t idle_ns;       /* idle + iowait */
	unsigned online_cpus;
	uint64_t mem_total, mem_available; /* bytes, /proc/meminfo */
};
/* Read the host's totals from proc_root ("/proc" normally; tests pass a
 * fixture directory). Returns 0 or -1 with e set. */
int st_host_read(const char *proc_root, struct st_host *out, struct err *e);

/* ---- cgroup fast path (local engine) ---- */
struct st_cgroups;
/* Discover cgroup mounts from <proc_root>/self/mountinfo, with paths under
 * sys_root prefix mapping ("" normally; tests pass a fixture directory that
 * stands for "/"). Returns NULL with e set when no usable cgroup hierarchy
 * is found. Caller frees with st_cgroups_free. */
struct st_cgroups *st_cgroups_open(const char *proc_root, const char *sys_root, struct err *e);
void st_cgroups_free(struct st_cgroups *cg);
/* 1 or 2 (cgroup version in use). */
int st_cgroups_version(const struct st_cgroups *cg);
/* Read the counters of the container whose init process is pid (its cgroup
 * comes from <proc_root>/PID/cgroup; its network from
 * <proc_root>/PID/net/dev). host supplies system_ns and online_cpus, and
 * the memory limit fallback: like dockerd, a limit that is unlimited or
 * above host->mem_total comes out as host->mem_total (0 when host is NULL;
 * without host there is no ST_HAVE_CPU either). Returns 0 (some fields may
 * be missing: see out->have) or -1 with e set (ERR_NOTFOUND) when the
 * process or its cgroup is gone (an empty task count). Directories and the
 * counter files are kept open per pid (within half the soft descriptor
 * limit), looked up again when a file read last time fails, and closed
 * once a pid has not been read for 10 s. */
int st_cgroup_read(struct st_cgroups *cg, int pid, const struct st_host *host, struct st_raw *out, struct err *e);
/* Whether a v1 hierarchy with controller ctl ("cpuacct", "memory", "blkio",
 * "pids", "freezer") is mounted; with ctl NULL, whether a cgroup v2
 * (unified) hierarchy is, also beside v1 ones on a hybrid host. */
bool st_cgroups_mounted(const struct st_cgroups *cg, const char *ctl);
/* Where the whole hierarchy of ctl (NULL: the unified one) is mounted (its
 * root "/" mounted, sys_root included), or NULL; borrowed from cg. */
const char *st_cgroup_mount(const struct st_cgroups *cg, const char *ctl);
/* The directory of pid's cgroup in the hierarchy of ctl (as above; NULL for
 * the unified one, the "0::PATH" line), sys_root included; the caller frees
 * it; a process in the hierarchy's root cgroup ("/") gets the mount point
 * followed by '/'. Reads <proc_root>/PID/cgroup afresh on every call
 * (nothing cached) and does not check that the directory exists. NULL with e set: ERR_USAGE
 * for pid <= 0 or a controller not in the list above, ERR_NOTFOUND when the
 * hierarchy is not mounted, the process is gone or is not under the mount. */
char *st_cgroup_dir(struct st_cgroups *cg, int pid, const char *ctl, struct err *e);

#endif
