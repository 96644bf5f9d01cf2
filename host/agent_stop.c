/* agent_stop: a local sandbox's agent stopped with SIGSTOP through the kernel before a snapshot (every process of its proven cgroup but the display and VNC servers), and continued with SIGCONT afterwards, even while frozen. */
#include "host/agent_stop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/xalloc.h"
#include "host/freezer_internal.h"
#include "host/statfile.h"

#define STAT_CAP 4096        /* /proc/PID/stat: a few hundred bytes */
#define ROUND_PIDS 65536     /* pids taken from one enumeration */

/* The servers the picture needs: a display server draws the screen, a VNC
 * server hands it out. Matched whole, by name. */
static const struct {
	const char *name;
	const char *what;
} servers[] = {
	{"Xvfb", "display server"},
	{"Xorg", "display server"},
	{"Xvnc", "display and VNC server"},
	{"Xtigervnc", "display and VNC server"},
	{"x11vnc", "VNC server"},
};

const char *ag_server(const char *comm, const char *exe)
{
	for (size_t i = 0; i < sizeof servers / sizeof *servers; i++)
		if (comm && !strcmp(comm, servers[i].name) && (!exe || !strcmp(exe, servers[i].name)))
			return servers[i].what;
	return NULL;
}

void ag_clear(struct ag_stop *st)
{
	if (!st)
		return;
	free(st->p);
	memset(st, 0, sizeof *st);
}

void ag_pids(const struct ag_stop *st, char *out, size_t n)
{
	size_t k = 0;
	if (n)
		out[0] = '\0';
	for (size_t i = 0; i < st->n && n; i++) {
		const struct ag_proc *p = &st->p[i];
		if (p->kind != AG_STOPPED || p->continued)
			continue;
		char one[24];
		int m = snprintf(one, sizeof one, "%s%d", k ? " " : "", p->pid);
		if (k + (size_t)m + 5 > n) { /* room for " ..." */
			snprintf(out + k, n - k, " ...");
			return;
		}
		memcpy(out + k, one, (size_t)m + 1);
		k += (size_t)m;
	}
}

/* ---- one process, as /proc shows it ---- */

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* State letter, start time and comm of pid from <proc>/PID/stat; 0 or -1
 * (gone). The comm is what lies between the first '(' and the last ')'. */
static int read_stat(const char *proc, int pid, char *state, unsigned long long *start, char *comm, size_t ncomm)
{
	char path[256], buf[STAT_CAP + 1];
	snprintf(path, sizeof path, "%s/%d/stat", proc, pid);
	long n = sf_slurp(path, buf, STAT_CAP);
	if (n <= 0)
		return -1;
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close < open || close[1] != ' ')
		return -1;
	if (comm)
		sanitize_text(open + 1, (size_t)(close - open - 1), comm, ncomm);
	char *f[24];
	int nf = sf_split(close + 2, f, 22);
	if (nf < 20 || !f[0][0])
		return -1;
	*state = f[0][0];
	*start = strtoull(f[19], NULL, 10);  /* field 22 overall */
	return 0;
}

/* The base name of pid's executable ("" when unknown), sanitized. */
static void read_exe(const char *proc, int pid, char *out, size_t n)
{
	char path[256], target[4096];
	snprintf(path, sizeof path, "%s/%d/exe", proc, pid);
	ssize_t k = readlink(path, target, sizeof target - 1);
	out[0] = '\0';
	if (k <= 0)
		return;
	target[k] = '\0';
	char *del = strstr(target, " (deleted)");
	if (del && del[10] == '\0')
		*del = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	sanitize_text(base, strlen(base), out, n);
}

static int pidfd_of(int pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether pid's freezer cgroup is top or below it. */
static bool inside(struct cg_freezer *f, const char *top, int pid)
{
	struct err e;
	char *d = st_cgroup_dir(f->cg, pid, frz_ver[f->v].ctl, &e);
	bool in = d && frz_holds(top, d);
	free(d);
	return in;
}

/* signo to pid, which must still be in top with start time start: the
 * pidfd is opened first and the checks are made after, so a pid recycled
 * in between fails them (or the signal: ESRCH). 0, 1 (gone or not the same
 * process any more), or -1 with errno. */
static int signal_checked(struct cg_freezer *f, const char *top, int pid, unsigned long long start, int signo)
{
	int fd = pidfd_of(pid);
	if (fd < 0 && errno != ENOSYS)
		return errno == ESRCH ? 1 : -1;
	char st;
	unsigned long long now;
	int rc;
	if (read_stat(f->proc_root, pid, &st, &now, NULL, 0) < 0 || now != start || !inside(f, top, pid))
		rc = 1;
#ifdef SYS_pidfd_send_signal
	else if (fd >= 0)
		rc = syscall(SYS_pidfd_send_signal, fd, signo, NULL, 0) == 0 ? 0 : errno == ESRCH ? 1 : -1;
#endif
	else
		rc = kill(pid, signo) == 0 ? 0 : errno == ESRCH ? 1 : -1;
	int en = errno;
	if (fd >= 0)
		close(fd);
	errno = en;
	return rc;
}

/* ---- the stop ---- */

struct pidset {
	int *v;
	size_t n;
};

static void collect(void *ud, int pid)
{
	struct pidset *s = ud;
	if (s->n < ROUND_PIDS)
		s->v[s->n++] = pid;
}

static struct ag_proc *known(struct ag_stop *st, int pid)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->p[i].pid == pid)
			return &st->p[i];
	return NULL;
}

/* Look at one process not seen before: leave it, or stop it. Returns 1
 * when it was stopped by us. */
static int stop_one(struct cg_freezer *f, const struct cg_loc *cg, struct ag_stop *st, int pid, int64_t *first)
{
	struct ag_proc p = {.pid = pid};
	char state;
	if (read_stat(f->proc_root, pid, &state, &p.start, p.comm, sizeof p.comm) < 0)
		return 0;  /* gone already */
	if (st->n >= AG_MAX) {
		st->over_cap++;
		return 0;
	}
	read_exe(f->proc_root, pid, p.exe, sizeof p.exe);
	const char *srv = ag_server(p.comm, p.exe);
	int rc = 0;
	if (srv) {
		p.kind = AG_KEPT;
		snprintf(p.why, sizeof p.why, "%s", srv);
		st->kept++;
	} else if (strchr("TtZXx", state)) {
		p.kind = AG_ALREADY;
		snprintf(p.why, sizeof p.why, "%s before", state == 'Z' || state == 'X' || state == 'x' ? "dead" :
		         state == 't' ? "traced" : "stopped");
		st->already++;
	} else {
		if (!*first)
			*first = now_us();
		int r = signal_checked(f, cg->dir, pid, p.start, SIGSTOP);
		if (r == 1)
			return 0;  /* it ended or left the cgroup meanwhile */
		if (r < 0) {
			p.kind = AG_FAILED;
			snprintf(p.why, sizeof p.why, "%s", strerror(errno));
			st->failed++;
		} else {
			p.kind = AG_STOPPED;
			st->stopped++;
			rc = 1;
		}
	}
	st->p[st->n++] = p;
	return rc;
}

/* Up to AG_WAIT_MS for every process we signalled to show 'T'. */
static void wait_stopped(struct cg_freezer *f, struct ag_stop *st)
{
	int64_t until = now_us() + (int64_t)AG_WAIT_MS * 1000;
	for (;;) {
		size_t pending = 0;
		for (size_t i = 0; i < st->n; i++) {
			struct ag_proc *p = &st->p[i];
			if (p->kind != AG_STOPPED)
				continue;
			char s;
			unsigned long long start;
			p->late = read_stat(f->proc_root, p->pid, &s, &start, NULL, 0) == 0 && start == p->start &&
			          s != 'T' && s != 't' && s != 'Z' && s != 'X';
			pending += p->late;
		}
		if (!pending || now_us() >= until) {
			st->late = pending;
			return;
		}
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 500000};
		nanosleep(&ts, NULL);
	}
}

int ag_stop_kernel(struct cg_freezer *f, const char *id, int pid, struct ag_stop *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct cg_loc cg;
	if (!f)
		return err_set(e, ERR_USAGE, "no kernel path");
	if (cg_locate(f, id, pid, &cg, e) < 0)
		return -1;
	out->p = xcalloc(AG_MAX, sizeof *out->p);
	struct pidset ps = {.v = xmalloc(ROUND_PIDS * sizeof(int))};
	int64_t first = 0;
	for (out->rounds = 1; out->rounds <= AG_ROUNDS; out->rounds++) {
		ps.n = 0;
		if (frz_each_task(cg.dir, collect, &ps) < 0) {
			snprintf(out->note, sizeof out->note, "its cgroup went away");
			break;
		}
		int fresh = 0;
		for (size_t i = 0; i < ps.n; i++)
			if (!known(out, ps.v[i]))
				fresh += stop_one(f, &cg, out, ps.v[i], &first);
		if (!fresh)
			break;
	}
	if (out->rounds > AG_ROUNDS) {
		out->rounds = AG_ROUNDS;
		out->still_forking = true;
	}
	free(ps.v);
	wait_stopped(f, out);
	out->us = first ? now_us() - first : 0;
	char *p = out->note + strlen(out->note);
	size_t left = sizeof out->note - (size_t)(p - out->note);
	for (size_t i = 0; i < out->n && left > 1; i++)
		if (out->p[i].late) {
			int k = snprintf(p, left, "%spid %d (%s) not stopped within %d ms (uninterruptible sleep?)",
			                 p == out->note ? "" : "; ", out->p[i].pid, out->p[i].comm, AG_WAIT_MS);
			if (k < 0 || (size_t)k >= left)
				break;
			p += k;
			left -= (size_t)k;
		}
	cg_clear(&cg);
	return 0;
}

/* SIGCONT on a task of a frozen cgroup, measured on Linux 6.18 with the v1
 * freezer (this machine; stopped busy loop, freezer.state FROZEN, then
 * kill -CONT): the task stays frozen (its state reads D, its CPU time does
 * not move, freezer.state stays FROZEN) and runs at the thaw, no longer
 * stopped: the kernel keeps the wake-up in the frozen task's saved state
 * (ttwu_state_match) and restores it when it thaws. On v2 a stopped task
 * counts as frozen and, woken by SIGCONT, goes into the freezer's trap in
 * get_signal() before it returns to user space (not measured here: no v2
 * host). */
int ag_cont_kernel(struct cg_freezer *f, const char *id, int pid, struct ag_stop *st, struct err *e)
{
	struct cg_loc cg;
	bool have = f && cg_locate(f, id, pid, &cg, e) == 0;
	if (!f)
		err_set(e, ERR_USAGE, "no kernel path");
	for (size_t i = 0; i < st->n; i++) {
		struct ag_proc *p = &st->p[i];
		if (p->kind != AG_STOPPED || p->continued)
			continue;
		int r = have ? signal_checked(f, cg.dir, p->pid, p->start, SIGCONT) : 1;
		if (r == 0) {
			p->continued = true;
			st->continued++;
		} else if (r == 1) {
			p->continued = true;  /* nothing left to continue */
			st->cont_gone++;
		} else {
			st->cont_failed++;
		}
	}
	if (!have)
		return -1;
	cg_clear(&cg);
	return 0;
}
