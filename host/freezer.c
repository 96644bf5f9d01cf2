/* freezer: a container's cgroup found and proven to be its own; freeze, thaw and read the state of one cgroup (v1 freezer.state, v2 cgroup.freeze). */
#include "host/freezer.h"
#include "host/freezer_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "host/statfile.h"
#include "host/stats.h"

const struct frz_ver frz_ver[2] = {
	{"freezer", "freezer.state", "freezer.state", "FROZEN", "THAWED"},
	{NULL, "cgroup.events", "cgroup.freeze", "1", "0"},
};

/* ---- directories ---- */

bool frz_holds(const char *d, const char *own)
{
	size_t n = strlen(d);
	return own && !strncmp(own, d, n) && (own[n] == '\0' || own[n] == '/');
}

/* pid's cgroup directory, or NULL with e set. A process in the root cgroup
 * (st_cgroup_dir gives the mount point and a trailing '/') is refused; so,
 * when guard is set, is a cgroup holding this process. */
static char *dir_of(struct cg_freezer *f, int pid, bool guard, struct err *e)
{
	char *d = st_cgroup_dir(f->cg, pid, frz_ver[f->v].ctl, e);
	if (!d)
		return NULL;
	size_t n = strlen(d);
	if (n && d[n - 1] == '/') {
		free(d);
		err_set(e, ERR_USAGE, "process %d is in the root cgroup, not a container's: not touched", pid);
		return NULL;
	}
	if (guard && frz_holds(d, f->own)) {
		free(d);
		err_set(e, ERR_USAGE, "process %d: its cgroup holds sandtop itself: not frozen", pid);
		return NULL;
	}
	return d;
}

/* The error of a failed open, read or write of dir/file (errno err). */
static int file_err(const char *dir, const char *file, int pid, int err, struct err *e)
{
	struct stat sb;
	if (err == ENODEV || ((err == ENOENT || err == ENOTDIR) && stat(dir, &sb) < 0))
		return err_set(e, ERR_NOTFOUND, "process %d: its cgroup is gone", pid);
	if (err == ENOENT)
		return err_set(e, ERR_VERSION, "process %d: %s/%s is missing (a kernel without the freezer?)", pid, dir, file);
	if (err == EFBIG)
		return err_set(e, ERR_PARSE, "process %d: %s/%s: oversized", pid, dir, file);
	return err_set(e, ERR_SERVER, "process %d: %s/%s: %s", pid, dir, file, strerror(err));
}

int frz_put(const char *dir, const char *file, const char *word, int pid, struct err *e)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return err_set(e, ERR_USAGE, "cgroup path too long");
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return file_err(dir, file, pid, errno, e);
	size_t len = strlen(word);
	ssize_t w;
	do
		w = write(fd, word, len);
	while (w < 0 && errno == EINTR);
	int saved = w < 0 ? errno : EIO;
	close(fd);
	return (size_t)w == len ? 0 : file_err(dir, file, pid, saved, e);
}

int frz_get(const char *dir, const char *file, char *buf, int pid, struct err *e)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return err_set(e, ERR_USAGE, "cgroup path too long");
	int k = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (k < 0)
		return file_err(dir, file, pid, errno, e);
	long n = sf_pread_all(k, buf, FRZ_TEXT_CAP);
	int en = errno;
	close(k);
	return n < 0 ? file_err(dir, file, pid, en, e) : 0;
}

int frz_read_state(const struct cg_freezer *f, const char *dir, int pid, struct err *e)
{
	char buf[FRZ_TEXT_CAP + 1];
	if (frz_get(dir, frz_ver[f->v].state, buf, pid, e) < 0)
		return -1;
	if (f->v == 0) {
		size_t n = strlen(buf);
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (!strcmp(buf, "THAWED"))
			return CG_FRZ_THAWED;
		if (!strcmp(buf, "FREEZING"))
			return CG_FRZ_FREEZING;
		if (!strcmp(buf, "FROZEN"))
			return CG_FRZ_FROZEN;
		return err_set(e, ERR_PARSE, "process %d: %s/freezer.state: unknown state", pid, dir);
	}
	uint64_t v;
	if (sf_kv_u64(buf, "frozen", &v) < 0 || v > 1)
		return err_set(e, ERR_PARSE, "process %d: %s/cgroup.events: no \"frozen 0|1\"", pid, dir);
	if (v == 1)
		return CG_FRZ_FROZEN;
	if (frz_get(dir, "cgroup.freeze", buf, pid, e) < 0)
		return -1;
	if (sf_whole_u64(buf, false, &v) < 0 || v > 1)
		return err_set(e, ERR_PARSE, "process %d: %s/cgroup.freeze: not 0 or 1", pid, dir);
	return v ? CG_FRZ_FREEZING : CG_FRZ_THAWED;
}

/* ---- interface ---- */

struct cg_freezer *cg_freezer_open(const char *proc_root, const char *sys_root, struct err *e)
{
	struct err ce;
	struct st_cgroups *cg = st_cgroups_open(proc_root, sys_root, &ce);
	if (!cg) {
		err_set(e, ERR_NOTFOUND, "no cgroup freezer: %s", ce.msg);
		return NULL;
	}
	int v = st_cgroups_mounted(cg, "freezer") ? 0 : st_cgroups_mounted(cg, NULL) ? 1 : -1;
	if (v < 0) {
		st_cgroups_free(cg);
		err_set(e, ERR_NOTFOUND, "no cgroup freezer: cgroup v1 without a freezer hierarchy, and no cgroup v2");
		return NULL;
	}
	struct cg_freezer *f = xcalloc(1, sizeof *f);
	f->cg = cg;
	f->proc_root = xstrdup(proc_root);
	f->v = v;
	f->unified = st_cgroups_mounted(cg, NULL);
	f->own = st_cgroup_dir(cg, (int)getpid(), frz_ver[v].ctl, &ce);
	return f;
}

void cg_freezer_free(struct cg_freezer *f)
{
	if (!f)
		return;
	st_cgroups_free(f->cg);
	free(f->proc_root);
	free(f->own);
	free(f);
}

int cg_freezer_version(const struct cg_freezer *f)
{
	return f->v + 1;
}

static int set(struct cg_freezer *f, int pid, bool freeze, struct err *e)
{
	char *d = dir_of(f, pid, freeze, e);
	if (!d)
		return -1;
	int rc = frz_put(d, frz_ver[f->v].freeze, freeze ? frz_ver[f->v].on : frz_ver[f->v].off, pid, e);
	free(d);
	return rc;
}

int cg_freeze(struct cg_freezer *f, int pid, struct err *e)
{
	return set(f, pid, true, e);
}

int cg_thaw(struct cg_freezer *f, int pid, struct err *e)
{
	return set(f, pid, false, e);
}

int cg_freezer_state(struct cg_freezer *f, int pid, struct err *e)
{
	char *d = dir_of(f, pid, false, e);
	if (!d)
		return -1;
	int st = frz_read_state(f, d, pid, e);
	free(d);
	return st;
}


/* ---- a container's cgroup, proven ---- */

static bool is_id(const char *id)
{
	size_t n = 0;
	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
			return false;
	return n == 64;
}

/* Whether path component c (len n) names container id: "ID", or
 * "PREFIX-ID" / "PREFIX-ID.scope" (docker-ID.scope, libpod-ID.scope). */
static bool names_id(const char *c, size_t n, const char *id)
{
	if (n >= 6 && !memcmp(c + n - 6, ".scope", 6))
		n -= 6;
	if (n < 64 || memcmp(c + n - 64, id, 64) != 0)
		return false;
	return n == 64 || c[n - 65] == '-';
}

bool cg_names_some_id(const char *c, size_t n)
{
	if (n >= 6 && !memcmp(c + n - 6, ".scope", 6))
		n -= 6;
	if (n < 64 || (n > 64 && c[n - 65] != '-'))
		return false;
	for (size_t i = n - 64; i < n; i++)
		if (!((c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'f')))
			return false;
	return true;
}

/* The prefix of d up to and including the component naming id (a new
 * string), or NULL. The last such component counts. */
static char *container_top(const char *d, const char *id)
{
	const char *end = NULL;
	for (const char *c = d; *c; ) {
		while (*c == '/')
			c++;
		size_t n = strcspn(c, "/");
		if (n && names_id(c, n, id))
			end = c + n;
		c += n;
	}
	return end ? xstrndup(d, (size_t)(end - d)) : NULL;
}

bool cg_path_names(const char *dir, const char *id)
{
	if (!dir || !id || !is_id(id))
		return false;
	char *top = container_top(dir, id);
	free(top);
	return top != NULL;
}

void cg_clear(struct cg_loc *cg)
{
	free(cg->dir);
	free(cg->unified);
	memset(cg, 0, sizeof *cg);
}

int cg_locate(struct cg_freezer *f, const char *id, int pid, struct cg_loc *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!id || !is_id(id))
		return err_set(e, ERR_USAGE, "not a full container id");
	if (pid <= 0)
		return err_set(e, ERR_USAGE, "container %.12s: no process id (not running?)", id);
	char *d = dir_of(f, pid, false, e);
	if (!d) {
		if (e && e->code == ERR_USAGE)
			e->code = ERR_REFUSED; /* the root cgroup: not a container's */
		return -1;
	}
	char *top = container_top(d, id);
	if (!top) {
		err_set(e, ERR_REFUSED, "process %d is not in container %.12s's cgroup (it is in %s): not touched", pid, id,
			d);
		free(d);
		return -1;
	}
	free(d);
	struct stat sb;
	if (stat(top, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		err_set(e, ERR_NOTFOUND, "container %.12s: its cgroup is gone", id);
		free(top);
		return -1;
	}
	if (frz_holds(top, f->own)) {
		err_set(e, ERR_REFUSED, "container %.12s: its cgroup holds sandtop itself: not touched", id);
		free(top);
		return -1;
	}
	snprintf(out->id, sizeof out->id, "%s", id);
	out->pid = pid;
	out->dir = top;
	if (f->unified) {
		struct err ue;
		char *u = st_cgroup_dir(f->cg, pid, NULL, &ue);
		char *utop = u ? container_top(u, id) : NULL;
		free(u);
		char path[4096];
		if (utop && (size_t)snprintf(path, sizeof path, "%s/cgroup.kill", utop) < sizeof path &&
		    access(path, W_OK) == 0)
			out->unified = utop;
		else
			free(utop);
	}
	return 0;
}

/* ---- a container's cgroup found by its id alone ---- */

#define FIND_DEPTH 4       /* docker/ID, system.slice/docker-ID.scope, a/b/ID, ... */
#define FIND_DIRS 20000    /* directories looked at, at most */

/* The first pid listed in dir/cgroup.procs (its own, not a sub-cgroup's), or 0. */
static int first_pid(const char *dir)
{
	char path[4096], buf[64];
	if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= sizeof path)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	long pid = strtol(buf, NULL, 10);
	return pid > 0 && pid <= 0x3fffffff ? (int)pid : 0;
}

/* One directory named after a container; seq keeps the walk's order. */
struct named {
	char id[65];
	char *dir;
	size_t seq;
};

struct cg_index {
	struct named *v;
	size_t n, cap;
};

/* Depth-first under dir, at most FIND_DEPTH levels and FIND_DIRS
 * directories: every directory named after some container, not descended
 * into (another container's cgroup holds none of this one's). */
static void index_walk(struct cg_index *x, const char *dir, int depth, size_t *seen)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d)) && *seen < FIND_DIRS; ) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		(*seen)++;
		size_t n = strlen(de->d_name);
		if (cg_names_some_id(de->d_name, n)) {
			if (x->n == x->cap) {
				x->cap = x->cap ? x->cap * 2 : 64;
				x->v = xrealloc(x->v, x->cap * sizeof *x->v);
			}
			struct named *m = &x->v[x->n];
			size_t end = n >= 6 && !memcmp(de->d_name + n - 6, ".scope", 6) ? n - 6 : n;
			memcpy(m->id, de->d_name + end - 64, 64);
			m->id[64] = '\0';
			m->dir = xasprintf("%s/%s", dir, de->d_name);
			m->seq = x->n++;
		} else if (depth + 1 < FIND_DEPTH) {
			char *sub = xasprintf("%s/%s", dir, de->d_name);
			index_walk(x, sub, depth + 1, seen);
			free(sub);
		}
	}
	closedir(d);
}

static int by_id_then_seq(const void *a, const void *b)
{
	const struct named *p = a, *q = b;
	int c = strcmp(p->id, q->id);
	return c ? c : p->seq < q->seq ? -1 : p->seq > q->seq;
}

struct cg_index *cg_index_new(struct cg_freezer *f)
{
	struct cg_index *x = xcalloc(1, sizeof *x);
	const char *root = st_cgroup_mount(f->cg, frz_ver[f->v].ctl);
	size_t seen = 0;
	if (root)
		index_walk(x, root, 0, &seen);
	if (!x->n)   /* none (a rootless engine's containers have no cgroup here): x->v is NULL */
		return x;
	/* by id; of one id named twice, the walk's first stays */
	qsort(x->v, x->n, sizeof *x->v, by_id_then_seq);
	size_t k = 1;
	for (size_t i = 1; i < x->n; i++) {
		if (!strcmp(x->v[i].id, x->v[k - 1].id))
			free(x->v[i].dir);
		else
			x->v[k++] = x->v[i];
	}
	x->n = k;
	return x;
}

void cg_index_free(struct cg_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i].dir);
	free(x->v);
	free(x);
}

static int by_id(const void *key, const void *m)
{
	return strcmp(key, ((const struct named *)m)->id);
}

int cg_find_in(struct cg_freezer *f, const struct cg_index *x, const char *id, struct cg_loc *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!id || !is_id(id))
		return err_set(e, ERR_USAGE, "not a full container id");
	if (!st_cgroup_mount(f->cg, frz_ver[f->v].ctl))
		return err_set(e, ERR_NOTFOUND, "no freezer hierarchy mounted whole");
	struct cg_index *own = x ? NULL : cg_index_new(f);
	const struct cg_index *in = x ? x : own;
	const struct named *m = in->n ? bsearch(id, in->v, in->n, sizeof *in->v, by_id) : NULL;
	int pid = m ? first_pid(m->dir) : 0;
	cg_index_free(own);
	if (!m)
		return err_set(e, ERR_NOTFOUND, "container %.12s: no cgroup named after it (not running?)", id);
	if (!pid)
		return err_set(e, ERR_NOTFOUND, "container %.12s: its cgroup holds no process", id);
	return cg_locate(f, id, pid, out, e);
}

int cg_find(struct cg_freezer *f, const char *id, struct cg_loc *out, struct err *e)
{
	return cg_find_in(f, NULL, id, out, e);
}

int cg_state(struct cg_freezer *f, const struct cg_loc *cg, struct err *e)
{
	return frz_read_state(f, cg->dir, cg->pid, e);
}

int cg_state_of(struct cg_freezer *f, const char *id, int pid)
{
	struct cg_loc cg;
	struct err e;
	if (!f || pid <= 0 || cg_locate(f, id, pid, &cg, &e) < 0)
		return -1;
	int st = cg_state(f, &cg, &e);
	cg_clear(&cg);
	return st;
}
