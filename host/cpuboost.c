/* cpuboost: lend the cgroups of containers being killed the CPU for the moment they need to die (their cpu weight and their ancestors' below the root raised, then put back), so that the engine's processes, woken by the first deaths, do not hold up the rest. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "host/freezer_internal.h"

/* Why: a container's processes share one CPU weight at the top of the
 * hierarchy (the engine's parent cgroup, e.g. /docker), the same weight as
 * each of the engine's own threads beside it. Killed and thawed, 90 tasks
 * of 30 containers took 40-170 ms here to reach do_exit, in bursts: each
 * container's last exit wakes its shim, whose threads then took the CPU
 * from the containers still dying; with the weight lent, 16 ms. */
#define BOOST_OWN_MAX 64   /* beyond so many targets only their ancestors (few, shared) are raised */

/* The weight files and their largest values: [0] v1, [1] v2. */
static const struct {
	const char *ctl;     /* controller for st_cgroup_dir; NULL = unified */
	const char *file;
	const char *most;
} weight[2] = {
	{"cpu", "cpu.shares", "262144"},
	{NULL, "cpu.weight", "10000"},
};

struct boost_dir {
	char *dir;
	char old[32];        /* the value before, written back */
};

struct cg_boost {
	int v;
	struct boost_dir *d;
	size_t n, cap;
	struct seen {        /* ancestors above the containers, each looked at once */
		char *dir;
		bool lend;       /* holds containers only */
	} *seen;
	size_t nseen;
};

static bool known(const struct cg_boost *b, const char *dir)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->d[i].dir, dir))
			return true;
	return false;
}

/* Whether a cgroup's name is a container's: ID, PREFIX-ID, PREFIX-ID.scope;
 * not Podman's libpod-conmon-ID.scope (the systemd manager's), which holds
 * conmon and the cleanup processes it starts. */
static bool names_a_container(const char *name)
{
	return cg_names_some_id(name, strlen(name)) && !strstr(name, "conmon");
}

/* Whether the ancestor dir holds containers' cgroups only: no process of
 * its own, and each cgroup in it names a container. One that also holds
 * an engine's or the system's processes (Podman's conmon cgroup beside
 * its containers, systemd's services in system.slice) is not lent the
 * weight: they would take the CPU the dying need. Measured with Podman's
 * libpod_parent raised: each dying container's conmon starts a cleanup
 * process, and a kill of 200 sandboxes (100 of them Podman's) took 8 to
 * 11 s, sandtop's own thaw starved, against 0.2 to 0.7 s without. */
static bool only_containers(const char *dir)
{
	char path[4096], c;
	if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= sizeof path)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno != ENOENT)
		return false;
	if (fd >= 0) {
		ssize_t r = read(fd, &c, 1);
		close(fd);
		if (r != 0)
			return false;   /* a process of its own, or unreadable */
	}
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool ok = true;
	for (struct dirent *de; ok && (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		struct stat st;
		bool isdir = de->d_type == DT_DIR ||
			(de->d_type == DT_UNKNOWN && !fstatat(dirfd(d), de->d_name, &st, 0) && S_ISDIR(st.st_mode));
		ok = !isdir || names_a_container(de->d_name);
	}
	closedir(d);
	return ok;
}

/* Whether the ancestor dir, above the containers, may be lent the weight. */
static bool may_lend(struct cg_boost *b, const char *dir)
{
	for (size_t i = 0; i < b->nseen; i++)
		if (!strcmp(b->seen[i].dir, dir))
			return b->seen[i].lend;
	b->seen = xrealloc(b->seen, (b->nseen + 1) * sizeof *b->seen);
	b->seen[b->nseen] = (struct seen){.dir = xstrdup(dir), .lend = only_containers(dir)};
	return b->seen[b->nseen++].lend;
}

/* Raise dir's weight, noting the old value; false when it has no weight
 * file or it cannot be read (nothing changed then). */
static bool raise_one(struct cg_boost *b, const char *dir, int pid)
{
	char buf[FRZ_TEXT_CAP + 1];
	struct err e;
	if (known(b, dir))
		return false;
	if (frz_get(dir, weight[b->v].file, buf, pid, &e) < 0)
		return false;
	size_t len = strcspn(buf, "\n");
	if (len == 0 || len >= sizeof b->d[0].old)
		return false;
	/* at the largest already: another sandtop's lending (whose put-back
	 * would then be undone by ours) or the operator's: left alone */
	if (len == strlen(weight[b->v].most) && !memcmp(buf, weight[b->v].most, len))
		return false;
	if (frz_put(dir, weight[b->v].file, weight[b->v].most, pid, &e) < 0)
		return false;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->d = xrealloc(b->d, b->cap * sizeof *b->d);
	}
	struct boost_dir *d = &b->d[b->n++];
	d->dir = xstrdup(dir);
	memcpy(d->old, buf, len);
	d->old[len] = '\0';
	return true;
}

struct cg_boost *cg_boost_on(struct cg_freezer *f, const struct cg_loc *const *locs, size_t n)
{
	struct cg_boost *b = xcalloc(1, sizeof *b);
	b->v = f->v;
	const char *root = st_cgroup_mount(f->cg, weight[b->v].ctl);
	size_t rl = root ? strlen(root) : 0;
	for (size_t i = 0; root && i < n; i++) {
		struct err e;
		char *dir = st_cgroup_dir(f->cg, locs[i]->pid, weight[b->v].ctl, &e);
		/* only a cgroup that names the container, as its freezer's does */
		size_t dl = dir ? strlen(dir) : 0;
		if (dir && dl > rl + 1 && !strncmp(dir, root, rl) && dir[rl] == '/' && dir[dl - 1] != '/' &&
		    cg_path_names(dir + rl, locs[i]->id)) {
			/* it (the first BOOST_OWN_MAX targets), the cgroups up to the
			 * container's top one (a process may sit in ID/init.scope,
			 * crun's libpod-ID.scope/container), then each ancestor below
			 * the hierarchy's root that holds containers only: the engine's
			 * parent is where the dying meet the engine's own threads */
			bool first = true;
			for (char *slash; ; *slash = '\0') {
				if (first ? i < BOOST_OWN_MAX : cg_path_names(dir + rl, locs[i]->id) || may_lend(b, dir))
					raise_one(b, dir, locs[i]->pid);
				first = false;
				slash = strrchr(dir, '/');
				if (!slash || slash <= dir + rl)
					break;
			}
		}
		free(dir);
	}
	return b;
}

void cg_boost_off(struct cg_boost *b)
{
	if (!b)
		return;
	for (size_t i = b->n; i-- > 0;) {
		struct err e;
		/* a dead container's cgroup may be gone already: nothing to put back */
		if (frz_put(b->d[i].dir, weight[b->v].file, b->d[i].old, 0, &e) < 0 && e.code != ERR_NOTFOUND)
			log_msg(LOG_WARN, "kill: the CPU weight of %s could not be put back to %s: %s", b->d[i].dir,
			        b->d[i].old, e.msg);
		free(b->d[i].dir);
	}
	for (size_t i = 0; i < b->nseen; i++)
		free(b->seen[i].dir);
	free(b->seen);
	free(b->d);
	free(b);
}
