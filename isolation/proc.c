/* proc: what the kernel says about a container's init process (/proc/PID: status, namespaces, root mount, LSM label). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "host/statfile.h"
#include "isolation/isolation.h"

#define PROC_FILE_MAX (256 * 1024)

/* The whole of dirfd/name (at most PROC_FILE_MAX bytes, NUL-ended) in a new
 * buffer, or NULL with errno (EFBIG when it is longer: never a part). */
static char *slurp(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	char *b = malloc(PROC_FILE_MAX + 1);
	if (!b || sf_pread_all(fd, b, PROC_FILE_MAX) < 0) {
		int saved = b ? errno : ENOMEM;
		free(b);
		close(fd);
		errno = saved;
		return NULL;
	}
	close(fd);
	return b;
}

/* the value after "Key:" at a line start, or NULL */
static const char *field(const char *status, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = status; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, k) && p[k] == ':')
			return p + k + 1;
	return NULL;
}

static void parse_status(const char *s, struct iso_proc *out)
{
	const char *v;
	if ((v = field(s, "Uid")))
		sscanf(v, "%ld %ld %ld %ld", &out->uid[0], &out->uid[1], &out->uid[2], &out->uid[3]);
	if ((v = field(s, "NoNewPrivs")))
		out->no_new_privs = (int)strtol(v, NULL, 10);
	if ((v = field(s, "Seccomp")))
		out->seccomp = (int)strtol(v, NULL, 10);
	const char *e = field(s, "CapEff"), *p = field(s, "CapPrm"), *b = field(s, "CapBnd");
	if (e && p && b) {
		out->cap_eff = strtoull(e, NULL, 16);
		out->cap_prm = strtoull(p, NULL, 16);
		out->cap_bnd = strtoull(b, NULL, 16);
		out->caps_known = true;
	}
}

/* 1 when the process's namespace ns is the host's, 0 when not, -1 unknown.
 * The host's: PID 1's, or ours when PID 1's cannot be read (some hosts
 * hide PID 1 even from root; sandtop runs in the host's namespaces). */
static int ns_shared(int dirfd, int initfd, int selffd, const char *ns)
{
	struct stat a, b;
	if (fstatat(dirfd, ns, &a, 0) < 0)
		return -1;
	if ((initfd < 0 || fstatat(initfd, ns, &b, 0) < 0) && (selffd < 0 || fstatat(selffd, ns, &b, 0) < 0))
		return -1;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static bool opt_ro(const char *opts)
{
	return !strncmp(opts, "ro", 2) && (opts[2] == ',' || opts[2] == '\0');
}

/* The paths the engines mask with a mount over them (/dev/null, an empty
 * read-only tmpfs) when the container is not privileged; a path this
 * kernel lacks is skipped by the engine. */
static const char *const masked_paths[] = {"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                           "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                                           "/proc/scsi", "/sys/firmware"};

/* From mountinfo (cut up in place): root_ro, 1 when the last mount on "/"
 * is read-only, 0 rw, -1 unknown; masked and nmasks (struct iso_proc). */
static void scan_mounts(char *mi, struct iso_proc *out)
{
	int sys_ro = 0;
	unsigned seen = 0;
	for (char *line, *cur = mi; (line = sf_next_line(&cur));) {
		/* id parent major:minor root mountpoint options ... */
		char *f[7];
		if (sf_split(line, f, 6) < 6)
			continue;
		if (!strcmp(f[4], "/"))
			out->root_ro = opt_ro(f[5]);
		else if (!strcmp(f[4], "/proc/sys"))
			sys_ro = opt_ro(f[5]);
		for (size_t i = 0; i < sizeof masked_paths / sizeof *masked_paths; i++)
			if (!strcmp(f[4], masked_paths[i]))
				seen |= 1u << i;
	}
	out->nmasks = __builtin_popcount(seen);
	out->masked = sys_ro && out->nmasks > 0;
}

void iso_proc_read(const char *proc_root, int pid, const char *cid, struct iso_proc *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < 4; i++)
		out->uid[i] = -1;
	out->no_new_privs = out->seccomp = -1;
	out->ns_net = out->ns_pid = out->ns_ipc = out->ns_uts = out->ns_user = out->ns_cgroup = -1;
	out->root_ro = out->masked = -1;
	if (pid <= 0) {
		snprintf(out->why, sizeof out->why, "not running: no process to read");
		return;
	}
	char path[256];
	snprintf(path, sizeof path, "%s/%d", proc_root, pid);
	/* the directory fd pins this process: if it ends and the PID is reused,
	 * reads through it fail instead of reading the newcomer */
	int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof path, "%s/1", proc_root);
	int initfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof path, "%s/self", proc_root);
	int selffd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		snprintf(out->why, sizeof out->why, "kernel not read: %s/%d: %s", proc_root, pid, strerror(errno));
		goto done;
	}
	char *status = slurp(dirfd, "status");
	char *cgroup = slurp(dirfd, "cgroup");
	if (!status || !cgroup) {
		snprintf(out->why, sizeof out->why, "kernel not read: %s", strerror(errno));
		free(status);
		free(cgroup);
		goto done;
	}
	parse_status(status, out);
	free(status);
	out->ns_net = ns_shared(dirfd, initfd, selffd, "ns/net");
	out->ns_pid = ns_shared(dirfd, initfd, selffd, "ns/pid");
	out->ns_ipc = ns_shared(dirfd, initfd, selffd, "ns/ipc");
	out->ns_uts = ns_shared(dirfd, initfd, selffd, "ns/uts");
	out->ns_user = ns_shared(dirfd, initfd, selffd, "ns/user");
	out->ns_cgroup = ns_shared(dirfd, initfd, selffd, "ns/cgroup");
	char *mi = slurp(dirfd, "mountinfo");
	if (mi)
		scan_mounts(mi, out);
	free(mi);
	char *lsm = slurp(dirfd, "attr/current");
	if (lsm) {
		out->lsm_known = true;
		lsm[strcspn(lsm, "\n")] = '\0';
		sanitize_fit(lsm, sizeof out->lsm / 2, out->lsm, sizeof out->lsm);
	}
	free(lsm);
	/* still the container's process? (read last: a reuse in between shows) */
	char *again = slurp(dirfd, "cgroup");
	bool ours = cid && strlen(cid) == 64 && strstr(cgroup, cid) && again && strstr(again, cid);
	free(again);
	free(cgroup);
	if (!ours) {
		snprintf(out->why, sizeof out->why, "kernel not read: PID %d is not the container's process", pid);
		goto done;
	}
	out->ok = out->uid[0] >= 0 && out->no_new_privs >= 0 && out->seccomp >= 0 && out->caps_known;
	if (!out->ok)
		snprintf(out->why, sizeof out->why, "kernel not read: /proc/%d/status lacks fields", pid);
done:
	if (dirfd >= 0)
		close(dirfd);
	if (initfd >= 0)
		close(initfd);
	if (selffd >= 0)
		close(selffd);
}
