/* cgroup: the local fast path, a container's counters read straight from its cgroup (v1 or v2) files and /proc/PID/net/dev. */
#include "host/stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "host/display.h"
#include "host/statfile.h"

#define FILE_CAP (64 * 1024)         /* any one cgroup or /proc/PID/cgroup file */
#define NETDEV_CAP (1024 * 1024)     /* /proc/PID/net/dev: room for ~8000 interfaces */
#define MOUNTINFO_LINE 16384         /* longer mountinfo lines are skipped */
#define MOUNTINFO_MAX_LINES 1000000
#define CACHE_MAX 1024               /* pids whose cgroup directories we remember */
#define IDLE_NS (10 * 1000000000ll)  /* an entry unread this long is dropped (its fds closed) */
#define FDS_SPARE 256                /* descriptors never taken by the cache */
#define LIMITS_NS (5 * 1000000000ll) /* the limit files are read again after this long */
#define MSTAT_NS (5 * 1000000000ll)  /* memory.stat at least this often ... */
#define MSTAT_MOVE_SHIFT 6           /* ... and whenever usage moved by 1/64 of itself */
#define MSTAT_MOVE_MIN (1u << 20)    /* or by 1 MiB, whichever is larger */
#define STILL_NS (5 * 1000000000ll)  /* counters kept while the CPU one stands still, at most this long */
#define V1_UNLIMITED (1ull << 62)    /* v1 writes LONG_MAX rounded to a page for "no limit" */
#define CG_HAVE (ST_HAVE_CPU | ST_HAVE_MEM | ST_HAVE_INACTIVE | ST_HAVE_MEMLIMIT | ST_HAVE_BLK | ST_HAVE_PIDS)

/* v1 controllers we read (with v2 only slot C_CPU holds the unified
 * directory): the first C_N for the counters; C_SCHED ("cpu", its weight)
 * is only looked up (st_cgroup_dir, the kill's CPU lending). */
enum ctl { C_CPU, C_MEM, C_BLK, C_PIDS, C_FREEZER, C_N, C_SCHED = C_N, C_KNOWN };
static const char *const ctl_name[C_KNOWN] = {"cpuacct", "memory", "blkio", "pids", "freezer", "cpu"};

struct mnt {
	char *dir;      /* sys_root + mount point */
	char *root;     /* the hierarchy path mounted there ("/" mostly) */
	unsigned ctls;  /* v1: bit per enum ctl; 0 for v2 */
	bool v2;
};

/* The counter files, kept open per entry and read with pread: opening a
 * cgroup file (a path walk through kernfs) cost more than reading it.
 * F_NET is <proc>/PID/net/dev. */
enum file { F_CPU, F_MEM, F_MSTAT, F_MLIMIT, F_BLK, F_PIDS, F_PMAX, F_FRZ, F_NET, F_N };
static const struct {
	enum ctl ctl;       /* v1 directory; v2 has one */
	const char *v1, *v2;
} files[F_N] = {
	[F_CPU] = {C_CPU, "cpuacct.usage", "cpu.stat"},
	[F_MEM] = {C_MEM, "memory.usage_in_bytes", "memory.current"},
	[F_MSTAT] = {C_MEM, "memory.stat", "memory.stat"},
	[F_MLIMIT] = {C_MEM, "memory.limit_in_bytes", "memory.max"},
	[F_BLK] = {C_BLK, "blkio.throttle.io_service_bytes_recursive", "io.stat"},
	[F_PIDS] = {C_PIDS, "pids.current", "pids.current"},
	[F_PMAX] = {C_PIDS, "pids.max", "pids.max"},
	[F_FRZ] = {C_FREEZER, "freezer.state", "cgroup.events"},
	[F_NET] = {C_N, NULL, NULL},   /* no cgroup directory: ent_file never reads its ctl */
};

struct ent {
	int pid;
	unsigned have;    /* cgroup bits the last read got */
	int64_t used_ns;  /* monotonic time of the last read */
	char *dir[C_N];   /* NULL when that controller was not found */
	int fd[F_N];      /* -1 when not open */
	/* the limit files change only on `docker update`: read every LIMITS_NS
	 * (a fifth of a round's reads), their last answers kept */
	int64_t limits_ns;  /* monotonic time they were read; 0 never */
	int mlimit_rc, pmax_rc;  /* file_u64's answers */
	uint64_t mlimit, pmax;
	/* memory.stat (the kernel formats some 40 lines for it: the costliest
	 * file of a round) is read again only when the usage moved or after
	 * MSTAT_NS; its inactive file cache is kept between */
	int64_t mstat_ns;        /* monotonic time it was read; 0 never (or failed) */
	uint64_t mstat_usage;    /* the usage when it was read */
	uint64_t inactive;       /* its inactive file cache */
	/* Counters that move only while the container's own tasks run are
	 * read again only when the CPU counter moved since they were, or
	 * after STILL_NS; between, their last values stand (an idle or frozen
	 * sandbox costs one read of them in five). The task count: a fork or
	 * an exit runs in the container (an exec's process joins it and runs
	 * there); a count of one is read every round, as the last task is
	 * reaped from outside and "gone" must not wait. On v1 also the I/O
	 * counters (its tasks spend CPU time to issue the I/O; the kernel
	 * formats lines per device and kind) and the memory use (v1 charges
	 * it the pages its tasks touch; reclaim may lower it meanwhile). v2 also charges the kernel's writeback and the
	 * sockets' buffers, which take none of its CPU time: there the I/O
	 * counters and the memory use are read every round. */
	int64_t still_ns;        /* monotonic time of the last round that read them; 0 never */
	uint64_t still_cpu;      /* the CPU counter then */
	unsigned still_have;     /* of ST_HAVE_MEM, ST_HAVE_BLK, ST_HAVE_PIDS: those it read */
	uint64_t mem, pids, blk_read, blk_write;
};

struct st_cgroups {
	char *proc_root;
	int version;
	struct mnt *m;
	size_t nm;
	struct ent *ents;
	size_t nents;
	int64_t swept_ns;
	size_t nfds, fd_budget;  /* descriptors the entries hold, and may hold */
	char *scratch;    /* NETDEV_CAP + 1 bytes for whole-file reads */
	struct st_display *display; /* each container's X server, for its CPU time */
};

/* ---- file access ---- */

/* The whole file (at most cap bytes) in the scratch buffer, or NULL with
 * errno set (see sf_slurp). */
static char *slurp(struct st_cgroups *cg, const char *path, size_t cap)
{
	return sf_slurp(path, cg->scratch, cap) < 0 ? NULL : cg->scratch;
}

/* A cgroup counter file in one pread: the kernel shows each of ours as a
 * single seq_file record, so a read shorter than the buffer is the whole
 * file (as systemd's read_virtual_file); the pread for the end of file that
 * sf_pread_all adds doubled the system calls of a round. -1 (EFBIG) when
 * the file holds more than cap bytes. Not for multi-record files such as
 * net/dev, cgroup.procs. */
static long pread_once(int fd, char *buf, size_t cap)
{
	ssize_t r;
	do
		r = pread(fd, buf, cap + 1, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if ((size_t)r > cap) {
		errno = EFBIG;
		return -1;
	}
	buf[r] = '\0';
	return (long)r;
}

/* <proc>/PID/net/dev, one record per interface, mostly in one pread: a
 * seq_file read stops short of the end only when its buffer (a page at
 * least) cannot take the next record, and a record is under 400 bytes, so
 * a read of at most SEQ_WHOLE bytes is the whole file. A longer one (some 16
 * interfaces or more) is read again to its end. Same answers as
 * sf_pread_all. */
#define SEQ_WHOLE 2048
static long pread_netdev(int fd, char *buf, size_t cap)
{
	long n = pread_once(fd, buf, SEQ_WHOLE);
	return n >= 0 || errno != EFBIG ? n : sf_pread_all(fd, buf, cap);
}

/* File f of an entry in the scratch buffer, or NULL when it cannot be read
 * (a removed cgroup's open files fail with ENODEV). The descriptor stays
 * open while the budget allows. */
static char *ent_file(struct st_cgroups *cg, struct ent *en, enum file f)
{
	int fd = en->fd[f];
	if (fd < 0) {
		const char *dir = f == F_NET ? NULL : en->dir[cg->version == 2 ? C_CPU : files[f].ctl];
		char path[4096];
		int len = f == F_NET ? snprintf(path, sizeof path, "%s/%d/net/dev", cg->proc_root, en->pid)
			: !dir ? -1 : snprintf(path, sizeof path, "%s/%s", dir, cg->version == 2 ? files[f].v2 : files[f].v1);
		if (len < 0 || (size_t)len >= sizeof path)
			return NULL;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
			return NULL;
	}
	long n = f == F_NET ? pread_netdev(fd, cg->scratch, NETDEV_CAP) : pread_once(fd, cg->scratch, FILE_CAP);
	if (n >= 0 && en->fd[f] < 0 && cg->nfds < cg->fd_budget) {
		en->fd[f] = fd;
		cg->nfds++;
	} else if (n < 0 || en->fd[f] < 0) {
		close(fd);
		if (en->fd[f] >= 0) {
			en->fd[f] = -1;
			cg->nfds--;
		}
	}
	return n < 0 ? NULL : cg->scratch;
}

/* A one-value file: 0 (value), 1 ("max", when max_ok), -1 (missing or malformed). */
static int file_u64(struct st_cgroups *cg, struct ent *en, enum file f, bool max_ok, uint64_t *v)
{
	const char *t = ent_file(cg, en, f);
	return t ? sf_whole_u64(t, max_ok, v) : -1;
}

static int file_kv(struct st_cgroups *cg, struct ent *en, enum file f, const char *key, uint64_t *v)
{
	const char *t = ent_file(cg, en, f);
	return t ? sf_kv_u64(t, key, v) : -1;
}

/* ---- mounts ---- */

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS". */
static void mount_line(struct st_cgroups *cg, char *line, const char *sys_root)
{
	char *f[64];
	int n = sf_split(line, f, 63);
	if (n < 10 || n > 63)
		return;
	int sep = -1;
	for (int i = 6; i < n; i++)
		if (!strcmp(f[i], "-")) {
			sep = i;
			break;
		}
	if (sep < 0 || sep + 3 >= n)
		return;
	struct mnt m = {0};
	if (!strcmp(f[sep + 1], "cgroup2")) {
		m.v2 = true;
	} else if (!strcmp(f[sep + 1], "cgroup")) {
		char *save = NULL;
		for (char *t = strtok_r(f[sep + 3], ",", &save); t; t = strtok_r(NULL, ",", &save))
			for (int c = 0; c < C_KNOWN; c++)
				if (!strcmp(t, ctl_name[c]))
					m.ctls |= 1u << c;
		if (!m.ctls)
			return;
	} else {
		return;
	}
	sf_unescape(f[3]);
	sf_unescape(f[4]);
	if (f[3][0] != '/' || f[4][0] != '/')
		return;
	m.root = xstrdup(f[3]);
	m.dir = xasprintf("%s%s", sys_root, f[4]);
	cg->m = xrealloc(cg->m, (cg->nm + 1) * sizeof *cg->m);
	cg->m[cg->nm++] = m;
}

static int read_mountinfo(struct st_cgroups *cg, const char *proc_root, const char *sys_root, struct err *e)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/self/mountinfo", proc_root) >= sizeof path)
		return err_set(e, ERR_USAGE, "proc path too long");
	FILE *fp = fopen(path, "re");
	if (!fp)
		return err_set(e, ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	char *line = xmalloc(MOUNTINFO_LINE);
	bool skipping = false; /* inside an over-long line */
	for (long i = 0; i < MOUNTINFO_MAX_LINES && fgets(line, MOUNTINFO_LINE, fp); i++) {
		char *nl = strchr(line, '\n');
		bool was_skipping = skipping, last = !nl && feof(fp);
		skipping = !nl && !last;
		if (was_skipping || (!nl && !last))
			continue;
		if (nl)
			*nl = '\0';
		mount_line(cg, line, sys_root);
	}
	free(line);
	fclose(fp);
	return 0;
}

/* The live host's cgroup mounts, read once per process: its mountinfo
 * lists every container's overlay, shm and namespace mounts too (270 kB
 * with 400 sandboxes here, 10 ms of the kernel's time a read), and every
 * engine opens a table for its stats and one for its freezer. The cgroup
 * hierarchies do not move while sandtop runs (a table open for hours never
 * read them again either). Other roots (the tests' fake ones) are read
 * each time. */
static struct st_cgroups host_mounts;
static bool host_mounts_read;

static void copy_mounts(struct st_cgroups *dst, const struct st_cgroups *src)
{
	dst->m = xcalloc(src->nm ? src->nm : 1, sizeof *dst->m);
	for (size_t i = 0; i < src->nm; i++) {
		dst->m[i] = src->m[i];
		dst->m[i].dir = xstrdup(src->m[i].dir);
		dst->m[i].root = xstrdup(src->m[i].root);
	}
	dst->nm = src->nm;
}

static int read_mounts(struct st_cgroups *cg, const char *proc_root, const char *sys_root, struct err *e)
{
	if (strcmp(proc_root, "/proc") || sys_root[0])
		return read_mountinfo(cg, proc_root, sys_root, e);
	if (!host_mounts_read) {
		if (read_mountinfo(&host_mounts, proc_root, sys_root, e) < 0)
			return -1;
		host_mounts_read = true;
	}
	copy_mounts(cg, &host_mounts);
	return 0;
}

/* ---- per-pid directories ---- */

/* path relative to a mount of root, or NULL when the mount does not hold it. */
static const char *under_root(const char *path, const char *root)
{
	if (!strcmp(root, "/"))
		return path;
	size_t n = strlen(root);
	if (strncmp(path, root, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return NULL;
	return path + n;
}

static bool sane_path(const char *p)
{
	if (p[0] != '/' || strstr(p, "/../") || (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
		return false;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static char *map_dir(const struct st_cgroups *cg, bool v2, unsigned ctl_bit, const char *path)
{
	for (size_t i = 0; i < cg->nm; i++) {
		const struct mnt *m = &cg->m[i];
		if (m->v2 != v2 || (!v2 && !(m->ctls & ctl_bit)))
			continue;
		const char *rel = under_root(path, m->root);
		if (rel)
			return xasprintf("%s%s", m->dir, rel);
	}
	return NULL;
}

static void ent_clear(struct st_cgroups *cg, struct ent *en)
{
	for (int c = 0; c < C_N; c++)
		free(en->dir[c]);
	for (int f = 0; f < F_N; f++)
		if (en->fd[f] >= 0) {
			close(en->fd[f]);
			cg->nfds--;
		}
	memset(en, 0, sizeof *en);
}

static void drop(struct st_cgroups *cg, size_t i)
{
	st_display_forget(cg->display, cg->ents[i].pid);
	ent_clear(cg, &cg->ents[i]);
	cg->ents[i] = cg->ents[--cg->nents];
}

/* Close the entries of processes no longer read (stopped containers). */
static void sweep(struct st_cgroups *cg, int64_t now)
{
	if (now - cg->swept_ns < IDLE_NS / 10)
		return;
	cg->swept_ns = now;
	for (size_t i = cg->nents; i-- > 0; )
		if (now - cg->ents[i].used_ns > IDLE_NS)
			drop(cg, i);
}

static long find(const struct st_cgroups *cg, int pid)
{
	for (size_t i = 0; i < cg->nents; i++)
		if (cg->ents[i].pid == pid)
			return (long)i;
	return -1;
}

/* Map the lines of a <proc>/PID/cgroup text (cut in place) onto the mounts:
 * dir[c] for each v1 controller c whose bit is in want (the first line
 * naming it counts), and with unified the v2 line "0::PATH" into *unified.
 * Entries already set are left alone; unmapped ones stay NULL. */
static void map_lines(const struct st_cgroups *cg, char *text, unsigned want, char **dir, char **unified)
{
	for (char *l, *cur = text; (l = sf_next_line(&cur)); ) {
		/* "hierarchy-ID:controller-list:path"; the path may hold ':' */
		char *c1 = strchr(l, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || !sane_path(c2 + 1))
			continue;
		*c1 = *c2 = '\0';
		const char *cpath = c2 + 1;
		if (!strcmp(l, "0") && c1[1] == '\0') {
			if (unified && !*unified)
				*unified = map_dir(cg, true, 0, cpath);
			continue;
		}
		char *save = NULL;
		for (char *t = strtok_r(c1 + 1, ",", &save); t; t = strtok_r(NULL, ",", &save))
			for (int c = 0; c < C_KNOWN; c++)
				if ((want & 1u << c) && !strcmp(t, ctl_name[c]) && !dir[c])
					dir[c] = map_dir(cg, false, 1u << c, cpath);
	}
}

/* <proc>/PID/cgroup in the scratch buffer, or NULL with e set. */
static char *proc_cgroup(struct st_cgroups *cg, int pid, struct err *e)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%d/cgroup", cg->proc_root, pid) >= sizeof path) {
		err_set(e, ERR_USAGE, "proc path too long");
		return NULL;
	}
	char *text = slurp(cg, path, FILE_CAP);
	if (!text && (errno == ENOENT || errno == ESRCH))
		err_set(e, ERR_NOTFOUND, "process %d is gone", pid);
	else if (!text)
		err_set(e, ERR_NOTFOUND, "process %d: %s: %s", pid, path, strerror(errno));
	return text;
}

/* Read <proc>/PID/cgroup and add an entry; its index, or -1 with e set. */
static long resolve(struct st_cgroups *cg, int pid, struct err *e)
{
	char *text = proc_cgroup(cg, pid, e);
	if (!text)
		return -1;
	struct ent en = {.pid = pid};
	for (int f = 0; f < F_N; f++)
		en.fd[f] = -1;
	if (cg->version == 2)
		map_lines(cg, text, 0, NULL, &en.dir[C_CPU]);
	else
		map_lines(cg, text, (1u << C_N) - 1, en.dir, NULL);
	bool any = false;
	for (int c = 0; c < C_N; c++)
		any |= en.dir[c] != NULL;
	if (!any)
		return err_set(e, ERR_NOTFOUND, "process %d: no cgroup under the mounted hierarchies", pid);
	if (cg->nents == CACHE_MAX) {
		size_t old = 0;
		for (size_t i = 1; i < cg->nents; i++)
			if (cg->ents[i].used_ns < cg->ents[old].used_ns)
				old = i;
		drop(cg, old);
	}
	cg->ents = xrealloc(cg->ents, (cg->nents + 1) * sizeof *cg->ents);
	cg->ents[cg->nents] = en;
	return (long)cg->nents++;
}

/* ---- counters ---- */

/* Docker reports an unlimited container's limit as the host's memory, and
 * caps any limit above it the same way; 0 without host totals. */
static uint64_t mem_limit(uint64_t v, bool unlimited, const struct st_host *host)
{
	uint64_t total = host ? host->mem_total : 0;
	if (unlimited || v >= V1_UNLIMITED || (total && v > total))
		return total;
	return v;
}

/* v1 freezer.state: 0 THAWED, 1 FREEZING, 2 FROZEN, -1 anything else. */
static int freezer_word(const char *t)
{
	static const char *const w[] = {"THAWED", "FREEZING", "FROZEN"};
	for (int i = 0; i < 3; i++)
		if (!strncmp(t, w[i], strlen(w[i])) && (t[strlen(w[i])] == '\n' || !t[strlen(w[i])]))
			return i;
	return -1;
}

/* Whether memory.stat must be read again: never read, read too long ago,
 * or the usage (0: unknown) moved enough since that its inactive file
 * cache may have too. */
static bool mstat_due(const struct ent *en, uint64_t usage, int64_t now)
{
	if (!en->mstat_ns || now - en->mstat_ns >= MSTAT_NS || !usage)
		return true;
	uint64_t moved = usage > en->mstat_usage ? usage - en->mstat_usage : en->mstat_usage - usage;
	uint64_t room = en->mstat_usage >> MSTAT_MOVE_SHIFT;
	return moved > (room > MSTAT_MOVE_MIN ? room : MSTAT_MOVE_MIN);
}

/* Of the counters the container's tasks alone move (see struct ent),
 * those whose last values stand this round: the CPU counter (cpu, 0:
 * unknown) did not move since the last round that read them, under
 * STILL_NS ago; only those that round read. */
static unsigned still(const struct st_cgroups *cg, const struct ent *en, uint64_t cpu, int64_t now)
{
	if (!cpu || !en->still_ns || cpu != en->still_cpu || now - en->still_ns >= STILL_NS)
		return 0;
	unsigned k = en->still_have & (cg->version == 2 ? ST_HAVE_PIDS : ST_HAVE_PIDS | ST_HAVE_MEM | ST_HAVE_BLK);
	if (en->pids < 2)
		k &= ~ST_HAVE_PIDS; /* its last task is reaped from outside (the shim): that takes none of its CPU */
	return k;
}

/* Both versions have the same files under other names; only the CPU
 * counter's unit and the memory.stat key differ. */
static unsigned read_files(struct st_cgroups *cg, struct ent *en, const struct st_host *host, struct st_raw *out,
                           int64_t now)
{
	bool v2 = cg->version == 2;
	unsigned have = 0;
	uint64_t v, cpu = 0;
	int rc;
	if (v2 ? file_kv(cg, en, F_CPU, "usage_usec", &v) == 0 && v <= UINT64_MAX / 1000
	       : file_u64(cg, en, F_CPU, false, &v) == 0) {
		cpu = out->cpu_ns = v2 ? v * 1000 : v;
		if (host)
			have |= ST_HAVE_CPU;
	}
	unsigned kept = still(cg, en, cpu, now);
	if (kept & ST_HAVE_MEM)
		out->mem_usage = en->mem;
	else if (file_u64(cg, en, F_MEM, false, &out->mem_usage) == 0)
		have |= ST_HAVE_MEM;
	if (!mstat_due(en, (have | kept) & ST_HAVE_MEM ? out->mem_usage : 0, now)) {
		out->mem_inactive_file = en->inactive;
		have |= ST_HAVE_INACTIVE;
	} else if (file_kv(cg, en, F_MSTAT, v2 ? "inactive_file" : "total_inactive_file", &en->inactive) == 0) {
		out->mem_inactive_file = en->inactive;
		have |= ST_HAVE_INACTIVE;
		en->mstat_ns = now;
		en->mstat_usage = out->mem_usage;
	} else {
		en->mstat_ns = 0;
	}
	if (!en->limits_ns || now - en->limits_ns >= LIMITS_NS) {
		en->mlimit_rc = file_u64(cg, en, F_MLIMIT, v2, &en->mlimit);
		en->pmax_rc = file_u64(cg, en, F_PMAX, true, &en->pmax);
		en->limits_ns = now;
	}
	if ((rc = en->mlimit_rc) >= 0) {
		out->mem_limit = mem_limit(en->mlimit, rc == 1, host);
		have |= ST_HAVE_MEMLIMIT;
	}
	char *t;
	if (kept & ST_HAVE_BLK) {
		out->blk_read = en->blk_read;
		out->blk_write = en->blk_write;
	} else if ((t = ent_file(cg, en, F_BLK)) &&
	           (v2 ? sf_io_v2(t, &out->blk_read, &out->blk_write) : sf_blkio_v1(t, &out->blk_read, &out->blk_write)) == 0) {
		have |= ST_HAVE_BLK;
	}
	if (kept & ST_HAVE_PIDS)
		out->pids = en->pids;
	else if (file_u64(cg, en, F_PIDS, false, &out->pids) == 0)
		have |= ST_HAVE_PIDS;
	if ((have | kept) & ST_HAVE_PIDS)
		out->pids_limit = en->pmax_rc == 0 ? en->pmax : 0;
	/* a round that read them all starts the next still spell */
	if (!kept) {
		en->still_ns = now;
		en->still_cpu = cpu;
		en->still_have = have & (ST_HAVE_MEM | ST_HAVE_BLK | ST_HAVE_PIDS);
		en->mem = out->mem_usage;
		en->pids = out->pids;
		en->blk_read = out->blk_read;
		en->blk_write = out->blk_write;
	}
	have |= kept;
	/* frozen by anyone (the engine's pause, a sandtop, a hand): the kernel's word */
	if ((t = ent_file(cg, en, F_FRZ))) {
		int fz = !v2 ? freezer_word(t) : sf_kv_u64(t, "frozen", &v) == 0 && v <= 1 ? (int)v * 2 : -1;
		if (fz >= 0) {
			out->frozen = (uint8_t)fz;
			have |= ST_HAVE_FROZEN;
		}
	}
	return have;
}

static unsigned read_counters(struct st_cgroups *cg, struct ent *en, const struct st_host *host, struct st_raw *out,
                              int64_t now)
{
	memset(out, 0, sizeof *out);
	unsigned have = read_files(cg, en, host, out, now);
	/* values of fields we could not read stay 0 */
	if (!(have & ST_HAVE_CPU))
		out->cpu_ns = 0;
	if (!(have & ST_HAVE_MEM))
		out->mem_usage = 0;
	if (!(have & ST_HAVE_INACTIVE))
		out->mem_inactive_file = 0;
	if (!(have & ST_HAVE_BLK))
		out->blk_read = out->blk_write = 0;
	if (!(have & ST_HAVE_PIDS))
		out->pids = 0;
	return have;
}

/* ---- interface ---- */

struct st_cgroups *st_cgroups_open(const char *proc_root, const char *sys_root, struct err *e)
{
	struct st_cgroups *cg = xcalloc(1, sizeof *cg);
	cg->proc_root = xstrdup(proc_root);
	if (read_mounts(cg, proc_root, sys_root ? sys_root : "", e) < 0) {
		st_cgroups_free(cg);
		return NULL;
	}
	bool v1 = false, v2 = false;
	for (size_t i = 0; i < cg->nm; i++) {
		v1 |= (cg->m[i].ctls & (1u << C_CPU | 1u << C_MEM)) != 0;
		v2 |= cg->m[i].v2;
	}
	/* a hybrid host (v1 controllers plus an empty unified tree) is v1 */
	cg->version = v1 ? 1 : v2 ? 2 : 0;
	if (!cg->version) {
		err_set(e, ERR_NOTFOUND, "no cgroup hierarchy with cpuacct or memory is mounted");
		st_cgroups_free(cg);
		return NULL;
	}
	cg->scratch = xmalloc(NETDEV_CAP + 1);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > FDS_SPARE)
		cg->fd_budget = rl.rlim_cur == RLIM_INFINITY ? 65536 : (size_t)(rl.rlim_cur - FDS_SPARE) / 2;
	cg->display = st_display_new(proc_root, cg->fd_budget / 8);
	return cg;
}

void st_cgroups_free(struct st_cgroups *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->nm; i++) {
		free(cg->m[i].dir);
		free(cg->m[i].root);
	}
	for (size_t i = 0; i < cg->nents; i++)
		ent_clear(cg, &cg->ents[i]);
	free(cg->m);
	free(cg->ents);
	free(cg->scratch);
	st_display_free(cg->display);
	free(cg->proc_root);
	free(cg);
}

int st_cgroups_version(const struct st_cgroups *cg)
{
	return cg->version;
}

/* The enum ctl of a controller name, or -1. */
static int ctl_of(const char *name)
{
	for (int c = 0; c < C_KNOWN; c++)
		if (!strcmp(name, ctl_name[c]))
			return c;
	return -1;
}

bool st_cgroups_mounted(const struct st_cgroups *cg, const char *ctl)
{
	int c = ctl ? ctl_of(ctl) : -1;
	if (ctl && c < 0)
		return false;
	for (size_t i = 0; i < cg->nm; i++)
		if (ctl ? !cg->m[i].v2 && (cg->m[i].ctls & 1u << c) : cg->m[i].v2)
			return true;
	return false;
}

const char *st_cgroup_mount(const struct st_cgroups *cg, const char *ctl)
{
	int c = ctl ? ctl_of(ctl) : -1;
	if (ctl && c < 0)
		return NULL;
	for (size_t i = 0; i < cg->nm; i++) {
		const struct mnt *m = &cg->m[i];
		if ((ctl ? !m->v2 && (m->ctls & 1u << c) : m->v2) && !strcmp(m->root, "/"))
			return m->dir;
	}
	return NULL;
}

char *st_cgroup_dir(struct st_cgroups *cg, int pid, const char *ctl, struct err *e)
{
	int c = ctl ? ctl_of(ctl) : -1;
	if (ctl && c < 0) {
		err_set(e, ERR_USAGE, "unknown cgroup controller \"%s\"", ctl);
		return NULL;
	}
	if (pid <= 0) {
		err_set(e, ERR_USAGE, "no process id");
		return NULL;
	}
	const char *what = ctl ? ctl : "cgroup v2";
	if (!st_cgroups_mounted(cg, ctl)) {
		err_set(e, ERR_NOTFOUND, "no %s hierarchy is mounted", what);
		return NULL;
	}
	char *text = proc_cgroup(cg, pid, e);
	if (!text)
		return NULL;
	char *dir[C_KNOWN] = {0}, *unified = NULL;
	if (ctl)
		map_lines(cg, text, 1u << c, dir, NULL);
	else
		map_lines(cg, text, 0, NULL, &unified);
	char *d = ctl ? dir[c] : unified;
	if (!d)
		err_set(e, ERR_NOTFOUND, "process %d: not in a mounted %s hierarchy", pid, what);
	return d;
}

int st_cgroup_read(struct st_cgroups *cg, int pid, const struct st_host *host, struct st_raw *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (pid <= 0)
		return err_set(e, ERR_USAGE, "no process id");
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	sweep(cg, now);
	long i = find(cg, pid);
	bool fresh = i < 0;
	if (fresh && (i = resolve(cg, pid, e)) < 0)
		return -1;
	unsigned have = read_counters(cg, &cg->ents[i], host, out, now);
	if (!fresh && (have & cg->ents[i].have) != cg->ents[i].have) {
		/* something we read last time is gone: the pid may be another
		 * process now, or its cgroup was removed; look again once */
		drop(cg, (size_t)i);
		if ((i = resolve(cg, pid, e)) < 0)
			return -1;
		have = read_counters(cg, &cg->ents[i], host, out, now);
	}
	if (!(have & CG_HAVE)) {
		drop(cg, (size_t)i);
		return err_set(e, ERR_NOTFOUND, "process %d: its cgroup is gone", pid);
	}
	cg->ents[i].have = have;
	cg->ents[i].used_ns = now;

	char *t = ent_file(cg, &cg->ents[i], F_NET);
	if (t && sf_netdev(t, &out->net_rx, &out->net_tx) == 0)
		have |= ST_HAVE_NET;
	else
		out->net_rx = out->net_tx = 0;
	/* An open net/dev stays readable after its process died (it holds the
	 * namespace), so whether the process lives comes from its cgroup's
	 * task count, or without a pids controller from <proc>/PID itself. */
	bool gone;
	if (have & ST_HAVE_PIDS) {
		gone = out->pids == 0;
	} else {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%d", cg->proc_root, pid);
		gone = stat(path, &sb) < 0;
	}
	if (gone) {
		drop(cg, (size_t)i);
		return err_set(e, ERR_NOTFOUND, "process %d is gone", pid);
	}
	if (host) {
		out->system_ns = host->system_ns;
		out->online_cpus = host->online_cpus;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	out->mono_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	const char *procs_dir = cg->ents[i].dir[C_CPU] ? cg->ents[i].dir[C_CPU] : cg->ents[i].dir[C_MEM];
	if (procs_dir && st_display_cpu(cg->display, pid, procs_dir, &out->display_ns) == 0)
		have |= ST_HAVE_DISPLAY;
	out->have = have;
	return 0;
}
