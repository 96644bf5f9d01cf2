/* fuzz_procfs: the kernel's text files sandtop reads (host/statfile.c parsers in memory; host/cgroup.c, host/hoststat.c, host/display.c and isolation/proc.c over a temporary /proc and cgroup tree written from the input). */
#include "tests/fuzz/fuzz.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "host/display.h"
#include "host/statfile.h"
#include "host/stats.h"
#include "isolation/isolation.h"

/* Input: sections cut at "\n%%\n", in the order of the table below. The
 * counter files go into both the v1 layout (<root>/sys/fs/cgroup/CTL/
 * docker/c1) and the v2 one (<root>/sys/fs/cgroup/docker/c1); which ones
 * are read depends on the mountinfo and cgroup sections. */
enum {
	S_MOUNTINFO, S_CGROUP, S_NETDEV, S_STAT, S_MEMINFO, S_CPU, S_MEM, S_MSTAT, S_MLIMIT, S_BLK, S_PIDS,
	S_PMAX, S_FRZ, S_PROCS, S_COMM, S_PSTAT, S_STATUS, S_PMOUNTS, S_LSM, S_N
};
static const struct {
	const char *v1, *v2; /* under the container's cgroup directory, or (v2 NULL) under the root */
} where[S_N] = {
	[S_MOUNTINFO] = {"proc/self/mountinfo", NULL},
	[S_CGROUP] = {"proc/4242/cgroup", NULL},
	[S_NETDEV] = {"proc/4242/net/dev", NULL},
	[S_STAT] = {"proc/stat", NULL},
	[S_MEMINFO] = {"proc/meminfo", NULL},
	[S_CPU] = {"cpuacct/docker/c1/cpuacct.usage", "cpu.stat"},
	[S_MEM] = {"memory/docker/c1/memory.usage_in_bytes", "memory.current"},
	[S_MSTAT] = {"memory/docker/c1/memory.stat", "memory.stat"},
	[S_MLIMIT] = {"memory/docker/c1/memory.limit_in_bytes", "memory.max"},
	[S_BLK] = {"blkio/docker/c1/blkio.throttle.io_service_bytes_recursive", "io.stat"},
	[S_PIDS] = {"pids/docker/c1/pids.current", "pids.current"},
	[S_PMAX] = {"pids/docker/c1/pids.max", "pids.max"},
	[S_FRZ] = {"freezer/docker/c1/freezer.state", "cgroup.events"},
	[S_PROCS] = {"cpuacct/docker/c1/cgroup.procs", "cgroup.procs"},
	[S_COMM] = {"proc/4243/comm", NULL},
	[S_PSTAT] = {"proc/4243/stat", NULL},
	[S_STATUS] = {"proc/4242/status", NULL},
	[S_PMOUNTS] = {"proc/4242/mountinfo", NULL},
	[S_LSM] = {"proc/4242/attr/current", NULL},
};

static char root[64];

static void mkdirs(const char *path)
{
	char p[512];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
}

static void put(const char *rel, const uint8_t *d, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		mkdirs(path);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0 || (n && write(fd, d, n) != (ssize_t)n))
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof root, "%s/sandtop-fuzz-procfs.XXXXXX", base);
	if (!mkdtemp(root))
		abort();
	return 0;
}

/* The in-memory parsers, on a copy each (they cut in place). */
static void parsers(const uint8_t *d, size_t n)
{
	uint64_t a, b;
	char *s;
	s = fz_strndup(d, n);
	sf_blkio_v1(s, &a, &b);
	free(s);
	s = fz_strndup(d, n);
	sf_io_v2(s, &a, &b);
	free(s);
	s = fz_strndup(d, n);
	sf_netdev(s, &a, &b);
	free(s);
	s = fz_strndup(d, n);
	sf_kv_u64(s, "usage_usec", &a);
	sf_kv_u64(s, "total_inactive_file", &a);
	sf_whole_u64(s, true, &a);
	sf_whole_u64(s, false, &a);
	const char *p = s;
	sf_take_u64(&p, &a);
	char *f[8];
	int k = sf_split(s, f, 7);
	if (k < 0 || k > 8)
		abort();
	for (int i = 0; i < k && i < 7; i++)
		sf_unescape(f[i]);
	free(s);
	s = fz_strndup(d, n);
	for (char *cur = s, *l; (l = sf_next_line(&cur));)
		if (strchr(l, '\n'))
			abort();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	const uint8_t *sec[S_N] = {0};
	size_t len[S_N] = {0};
	const uint8_t *p = data;
	size_t n = size;
	for (int i = 0; i < S_N && fz_part(&p, &n, "\n%%\n", &sec[i], &len[i]); i++)
		parsers(sec[i], len[i]);
	char rel[256];
	for (int i = 0; i < S_N; i++) {
		const uint8_t *d = sec[i] ? sec[i] : (const uint8_t *)"";
		if (where[i].v2) {
			snprintf(rel, sizeof rel, "sys/fs/cgroup/%s", where[i].v1);
			put(rel, d, len[i]);
			snprintf(rel, sizeof rel, "sys/fs/cgroup/docker/c1/%s", where[i].v2);
			put(rel, d, len[i]);
		} else {
			put(where[i].v1, d, len[i]);
		}
	}
	char proc[128];
	snprintf(proc, sizeof proc, "%s/proc", root);
	struct err e;
	struct st_host host;
	bool have_host = st_host_read(proc, &host, &e) == 0;
	if (!have_host)
		fz_err("st_host_read", e.msg);
	/* the isolation checks' look at the container's init */
	struct iso_proc ip;
	iso_proc_read(proc, 4242, "e0d287590e6a3e1070a24c058c5d72877336110b486fbc624c09874e5725c2c5", &ip);
	fz_assert_sanitized("iso_proc why", ip.why);
	fz_assert_sanitized("iso_proc lsm", ip.lsm);
	struct st_cgroups *cg = st_cgroups_open(proc, root, &e);
	if (!cg) {
		fz_err("st_cgroups_open", e.msg);
		return 0;
	}
	for (int round = 0; round < 2; round++) {
		struct st_raw raw;
		if (st_cgroup_read(cg, 4242, have_host ? &host : NULL, &raw, &e) < 0)
			fz_err("st_cgroup_read", e.msg);
	}
	static const char *const ctls[] = {"cpuacct", "memory", "blkio", "pids", "freezer", NULL};
	for (size_t i = 0; i < sizeof ctls / sizeof *ctls; i++) {
		char *dir = st_cgroup_dir(cg, 4242, ctls[i], &e);
		if (!dir)
			fz_err("st_cgroup_dir", e.msg);
		free(dir);
		(void)st_cgroup_mount(cg, ctls[i]);
		(void)st_cgroups_mounted(cg, ctls[i]);
	}
	st_cgroups_free(cg);
	return 0;
}
