/* freezer: containment through the cgroup freezer: freeze, thaw and read the state of a container's cgroup (v1 freezer.state, v2 cgroup.freeze). */
#include "docker/freezer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/statfile.h"
#include "docker/stats.h"

#define STATE_CAP 512  /* freezer.state, cgroup.events, cgroup.freeze: a few words */

/* The files and words of each version: [0] v1, [1] v2. */
static const struct {
	const char *ctl;      /* controller for st_cgroup_dir; NULL = unified */
	const char *state;    /* read for the state */
	const char *freeze;   /* written to freeze or thaw */
	const char *on, *off; /* the words written */
} ver[2] = {
	{"freezer", "freezer.state", "freezer.state", "FROZEN", "THAWED"},
	{NULL, "cgroup.events", "cgroup.freeze", "1", "0"},
};

struct dk_freezer {
	struct st_cgroups *cg;
	int v;      /* index into ver: 0 for v1, 1 for v2 */
	char *own;  /* this process's cgroup directory in that hierarchy, NULL when unknown */
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- directories ---- */

/* Whether directory d is own or one of its ancestors. */
static bool holds(const char *d, const char *own)
{
	size_t n = strlen(d);
	return own && !strncmp(own, d, n) && (own[n] == '\0' || own[n] == '/');
}

/* pid's cgroup directory, or NULL with e set. A process in the root cgroup
 * (st_cgroup_dir gives the mount point and a trailing '/') is refused; so,
 * when guard is set, is a cgroup holding this process. */
static char *dir_of(struct dk_freezer *f, int pid, bool guard, struct err *e)
{
	char *d = st_cgroup_dir(f->cg, pid, ver[f->v].ctl, e);
	if (!d)
		return NULL;
	size_t n = strlen(d);
	if (n && d[n - 1] == '/') {
		free(d);
		err_set(e, DK_EUSAGE, "process %d is in the root cgroup, not a container's: not touched", pid);
		return NULL;
	}
	if (guard && holds(d, f->own)) {
		free(d);
		err_set(e, DK_EUSAGE, "process %d: its cgroup holds sandtop itself: not frozen", pid);
		return NULL;
	}
	return d;
}

/* The error of a failed open, read or write of dir/file (errno err). */
static int file_err(const char *dir, const char *file, int pid, int err, struct err *e)
{
	struct stat sb;
	if (err == ENODEV || ((err == ENOENT || err == ENOTDIR) && stat(dir, &sb) < 0))
		return err_set(e, DK_ENOTFOUND, "process %d: its cgroup is gone", pid);
	if (err == ENOENT)
		return err_set(e, DK_EVERSION, "process %d: %s/%s is missing (a kernel without the freezer?)", pid, dir, file);
	if (err == EFBIG)
		return err_set(e, DK_EPARSE, "process %d: %s/%s: oversized", pid, dir, file);
	return err_set(e, DK_ESERVER, "process %d: %s/%s: %s", pid, dir, file, strerror(err));
}

/* Write word into dir/file (truncating, never creating). 0 or -1. */
static int put_word(const char *dir, const char *file, const char *word, int pid, struct err *e)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return err_set(e, DK_EUSAGE, "cgroup path too long");
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

/* dir/file into buf (STATE_CAP + 1 bytes); with fd (not NULL) the
 * descriptor is kept there and read again with pread next time. */
static int get_text(const char *dir, const char *file, int *fd, char *buf, int pid, struct err *e)
{
	char path[4096];
	long n;
	if (fd && *fd >= 0) {
		n = sf_pread_all(*fd, buf, STATE_CAP);
	} else {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
			return err_set(e, DK_EUSAGE, "cgroup path too long");
		int k = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (k < 0)
			return file_err(dir, file, pid, errno, e);
		n = sf_pread_all(k, buf, STATE_CAP);
		if (fd && n >= 0)
			*fd = k;
		else
			close(k);
	}
	return n < 0 ? file_err(dir, file, pid, errno, e) : 0;
}

/* The state of the cgroup at dir (see dk_freezer_state), or -1. */
static int read_state(struct dk_freezer *f, const char *dir, int *fd, int pid, struct err *e)
{
	char buf[STATE_CAP + 1];
	if (get_text(dir, ver[f->v].state, fd, buf, pid, e) < 0)
		return -1;
	if (f->v == 0) {
		size_t n = strlen(buf);
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (!strcmp(buf, "THAWED"))
			return DK_FRZ_THAWED;
		if (!strcmp(buf, "FREEZING"))
			return DK_FRZ_FREEZING;
		if (!strcmp(buf, "FROZEN"))
			return DK_FRZ_FROZEN;
		return err_set(e, DK_EPARSE, "process %d: %s/freezer.state: unknown state", pid, dir);
	}
	uint64_t v;
	if (sf_kv_u64(buf, "frozen", &v) < 0 || v > 1)
		return err_set(e, DK_EPARSE, "process %d: %s/cgroup.events: no \"frozen 0|1\"", pid, dir);
	if (v == 1)
		return DK_FRZ_FROZEN;
	if (get_text(dir, "cgroup.freeze", NULL, buf, pid, e) < 0)
		return -1;
	if (sf_whole_u64(buf, false, &v) < 0 || v > 1)
		return err_set(e, DK_EPARSE, "process %d: %s/cgroup.freeze: not 0 or 1", pid, dir);
	return v ? DK_FRZ_FREEZING : DK_FRZ_THAWED;
}

/* ---- interface ---- */

struct dk_freezer *dk_freezer_open(const char *proc_root, const char *sys_root, struct err *e)
{
	struct err ce;
	struct st_cgroups *cg = st_cgroups_open(proc_root, sys_root, &ce);
	if (!cg) {
		err_set(e, DK_ENOTFOUND, "no cgroup freezer: %s", ce.msg);
		return NULL;
	}
	int v = st_cgroups_mounted(cg, "freezer") ? 0 : st_cgroups_mounted(cg, NULL) ? 1 : -1;
	if (v < 0) {
		st_cgroups_free(cg);
		err_set(e, DK_ENOTFOUND, "no cgroup freezer: cgroup v1 without a freezer hierarchy, and no cgroup v2");
		return NULL;
	}
	struct dk_freezer *f = xcalloc(1, sizeof *f);
	f->cg = cg;
	f->v = v;
	f->own = st_cgroup_dir(cg, (int)getpid(), ver[v].ctl, &ce);
	return f;
}

void dk_freezer_free(struct dk_freezer *f)
{
	if (!f)
		return;
	st_cgroups_free(f->cg);
	free(f->own);
	free(f);
}

int dk_freezer_version(const struct dk_freezer *f)
{
	return f->v + 1;
}

static int set(struct dk_freezer *f, int pid, bool freeze, struct err *e)
{
	char *d = dir_of(f, pid, freeze, e);
	if (!d)
		return -1;
	int rc = put_word(d, ver[f->v].freeze, freeze ? ver[f->v].on : ver[f->v].off, pid, e);
	free(d);
	return rc;
}

int dk_freeze(struct dk_freezer *f, int pid, struct err *e)
{
	return set(f, pid, true, e);
}

int dk_thaw(struct dk_freezer *f, int pid, struct err *e)
{
	return set(f, pid, false, e);
}

int dk_freezer_state(struct dk_freezer *f, int pid, struct err *e)
{
	char *d = dir_of(f, pid, false, e);
	if (!d)
		return -1;
	int st = read_state(f, d, NULL, pid, e);
	free(d);
	return st;
}

/* ---- many at once ---- */

struct slot {
	char *dir;        /* NULL once settled by an error */
	int fd;           /* the state file, kept open; -1 */
	int state;        /* enum dk_frz_state */
	int64_t wrote_ns; /* when the freeze was last written */
};

/* A pid whose write or read failed: GONE or FAILED, the first failure kept in first. */
static void settle(struct slot *s, const struct err *pe, struct err *first, bool *have_first)
{
	s->state = pe->code == DK_ENOTFOUND ? DK_FRZ_GONE : DK_FRZ_FAILED;
	if (s->state == DK_FRZ_FAILED && !*have_first) {
		*first = *pe;
		*have_first = true;
	}
	free(s->dir);
	s->dir = NULL;
}

static void freeze_write(struct dk_freezer *f, struct slot *s, int pid, struct err *first, bool *have_first)
{
	struct err pe;
	s->wrote_ns = now_ns();
	if (put_word(s->dir, ver[f->v].freeze, ver[f->v].on, pid, &pe) < 0)
		settle(s, &pe, first, have_first);
}

int dk_freeze_all(struct dk_freezer *f, const int *pids, size_t n, int timeout_ms, int *states_out, struct err *e)
{
	int64_t deadline = now_ns() + (int64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	struct slot *s = xcalloc(n ? n : 1, sizeof *s);
	struct err first = {0}, pe;
	bool have_first = false;
	/* writes first: every container starts freezing as early as it can */
	for (size_t i = 0; i < n; i++) {
		s[i].fd = -1;
		s[i].state = DK_FRZ_FREEZING;
		if (!(s[i].dir = dir_of(f, pids[i], true, &pe)))
			settle(&s[i], &pe, &first, &have_first);
		else
			freeze_write(f, &s[i], pids[i], &first, &have_first);
	}
	size_t pending;
	for (;;) {
		pending = 0;
		int64_t now = now_ns();
		for (size_t i = 0; i < n; i++) {
			if (!s[i].dir || s[i].state == DK_FRZ_FROZEN)
				continue;
			int st = read_state(f, s[i].dir, &s[i].fd, pids[i], &pe);
			if (st < 0) {
				settle(&s[i], &pe, &first, &have_first);
				continue;
			}
			s[i].state = st;
			if (st == DK_FRZ_FROZEN)
				continue;
			pending++;
			if (now - s[i].wrote_ns >= (int64_t)DK_FREEZE_REWRITE_MS * 1000000)
				freeze_write(f, &s[i], pids[i], &first, &have_first);
		}
		now = now_ns();
		if (!pending || now >= deadline)
			break;
		int64_t nap = deadline - now < (int64_t)DK_FREEZE_POLL_MS * 1000000 ? deadline - now : (int64_t)DK_FREEZE_POLL_MS * 1000000;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)nap};
		nanosleep(&ts, NULL);
	}
	size_t failed = 0;
	pending = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i].fd >= 0)
			close(s[i].fd);
		free(s[i].dir);
		failed += s[i].state == DK_FRZ_FAILED;
		pending += s[i].state == DK_FRZ_THAWED || s[i].state == DK_FRZ_FREEZING;
		if (states_out)
			states_out[i] = s[i].state;
	}
	free(s);
	if (failed) {
		if (e)
			*e = first;
		return -1;
	}
	if (pending)
		return err_set(e, DK_ETRANSPORT, "%zu of %zu not frozen after %d ms (still freezing)", pending, n, timeout_ms);
	return 0;
}
