/* contain: the kill switch's kernel path: freeze, kill, signal or thaw many containers at once through their cgroups, bounded in time, never leaving a cgroup frozen that it could not finish. */
#include "host/contain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "host/freezer_internal.h"
#include "host/statfile.h"

#define PROCS_CAP (1u << 20)     /* one cgroup.procs file: ~140k pids */
#define TREE_DEPTH 8             /* sub-cgroups walked below a container's */
#define TREE_DIRS 4096
#define REWRITE_NS 10000000      /* a freeze still FREEZING is written again after 10 ms */
#define KILL_FREEZE_WAIT_NS 5000000 /* without cgroup.kill: how long a kill waits for FROZEN */
#define BOOST_MAX_NS 200000000   /* a kill lends the dying the CPU for 200 ms at most */

struct slot {
	struct cg_ktarget *t;
	struct cg_loc cg;
	bool open;                   /* located and not settled yet */
	int64_t wrote_ns;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void nap_ns(int64_t ns)
{
	if (ns <= 0)
		return;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(ns > 1000000 ? 1000000 : ns)};
	nanosleep(&ts, NULL);
}

static void settle(struct slot *s, enum cg_kres res, int64_t t0)
{
	s->t->res = res;
	s->t->us = (now_ns() - t0) / 1000;
	s->open = false;
}

/* ---- the tasks of a cgroup tree ---- */

static long each_task(const char *dir, int depth, size_t *dirs, frz_task_fn fn, void *ud)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= sizeof path)
		return 0;
	char *buf = xmalloc(PROCS_CAP + 1);
	long got = sf_slurp(path, buf, PROCS_CAP);
	if (got < 0) {
		int en = errno;
		free(buf);
		return en == ENOENT || en == ENODEV ? -1 : 0;
	}
	long count = 0;
	for (char *l, *cur = buf; (l = sf_next_line(&cur)); ) {
		char *end;
		long pid = strtol(l, &end, 10);
		if (end != l && pid > 0 && pid <= 0x3fffffff) {
			count++;
			if (fn)
				fn(ud, (int)pid);
		}
	}
	free(buf);
	if (depth >= TREE_DEPTH)
		return count;
	DIR *dh = opendir(dir);
	if (!dh)
		return count;
	for (struct dirent *de; (de = readdir(dh)) && *dirs < TREE_DIRS; ) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
			continue;
		(*dirs)++;
		long sub = each_task(path, depth + 1, dirs, fn, ud);
		count += sub > 0 ? sub : 0;
	}
	closedir(dh);
	return count;
}

long frz_each_task(const char *dir, frz_task_fn fn, void *ud)
{
	size_t dirs = 0;
	return each_task(dir, 0, &dirs, fn, ud);
}

static long count_tasks(const struct cg_loc *cg)
{
	return frz_each_task(cg->dir, NULL, NULL);
}

#define PF_EXITING 0x00000004u   /* include/linux/sched.h: the task is in do_exit */

struct live_ctx {
	const char *proc_root;
	long live;
};

/* A task counts as dead once it can never again run code of its own: in
 * do_exit (PF_EXITING), a zombie, or gone. What the kernel still does for
 * it (a container init unmounting its namespaces takes tens of ms here)
 * is its own business. */
static void count_live(void *ud, int pid)
{
	struct live_ctx *c = ud;
	char path[512], buf[1024];
	if ((size_t)snprintf(path, sizeof path, "%s/%d/stat", c->proc_root, pid) >= sizeof path)
		return;
	long n = sf_slurp(path, buf, sizeof buf - 1);
	char *p = n > 0 ? strrchr(buf, ')') : NULL;
	if (!p || p[1] != ' ' || !p[2])
		return;   /* gone (or unreadable: it is going) */
	unsigned flags = 0;
	if (p[2] == 'Z' || p[2] == 'X' || (sscanf(p + 3, " %*d %*d %*d %*d %*d %u", &flags) == 1 && (flags & PF_EXITING)))
		return;
	c->live++;
}

/* Whether every task of the container's cgroup is dead (see count_live),
 * or the cgroup is empty or gone. */
static bool all_dead(const struct cg_freezer *f, const struct cg_loc *cg)
{
	if (cg->unified) {
		char buf[FRZ_TEXT_CAP + 1];
		struct err e;
		uint64_t v;
		if (frz_get(cg->unified, "cgroup.events", buf, cg->pid, &e) < 0)
			return e.code == ERR_NOTFOUND;
		if (sf_kv_u64(buf, "populated", &v) == 0 && v == 0)
			return true;
	}
	struct live_ctx c = {.proc_root = f->proc_root};
	return frz_each_task(cg->dir, count_live, &c) <= 0 || c.live == 0;
}

/* ---- signals ---- */

struct sig_ctx {
	const struct cg_freezer *f;
	const char *top;       /* the container's cgroup: a pid must still be in it */
	int signo;
	int sent;
};

/* Whether pid's freezer cgroup is still top or below it. */
static bool still_inside(const struct sig_ctx *c, int pid)
{
	struct err e;
	char *d = st_cgroup_dir(c->f->cg, pid, frz_ver[c->f->v].ctl, &e);
	bool in = d && frz_holds(c->top, d);
	free(d);
	return in;
}

/* pid gets signo if it is still in the cgroup: through a pidfd (opened
 * first, then checked: a pid recycled by another process in between fails
 * the check) where the kernel has one. */
static void send_one(void *ud, int pid)
{
	struct sig_ctx *c = ud;
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		if (still_inside(c, pid) && syscall(SYS_pidfd_send_signal, fd, c->signo, NULL, 0) == 0)
			c->sent++;
		close(fd);
		return;
	}
#endif
	if (still_inside(c, pid) && kill(pid, c->signo) == 0)
		c->sent++;
}

/* ---- the named task that keeps a cgroup from freezing or dying ---- */

struct stuck_ctx {
	const char *proc_root;
	int pid;
	char comm[32];
	char state;
	bool found_d;
};

static void note_task(void *ud, int pid)
{
	struct stuck_ctx *c = ud;
	if (c->found_d)
		return;
	char path[512], buf[1024];
	if ((size_t)snprintf(path, sizeof path, "%s/%d/stat", c->proc_root, pid) >= sizeof path ||
	    sf_slurp(path, buf, sizeof buf - 1) < 0)
		return;
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close < open || close[1] != ' ' || !close[2])
		return;
	bool d = close[2] == 'D';
	if (c->pid && !d)
		return;
	c->pid = pid;
	c->state = close[2];
	c->found_d = d;
	snprintf(c->comm, sizeof c->comm, "%.*s", (int)(close - open - 1), open + 1);
}

/* " task 123 (runc:[2:INIT]) in uninterruptible sleep" or "" */
static void stuck_task(const struct cg_freezer *f, const struct cg_loc *cg, char *out, size_t n)
{
	struct stuck_ctx c = {.proc_root = f->proc_root};
	frz_each_task(cg->dir, note_task, &c);
	if (!c.pid)
		out[0] = '\0';
	else
		snprintf(out, n, ": task %d (%s) %s", c.pid, c.comm,
			c.state == 'D' ? "in uninterruptible sleep" : c.state == 'T' ? "stopped" : "still running");
}

/* ---- the operations ---- */

/* Write the freeze (on) or the thaw; a cgroup gone meanwhile settles s as
 * gone_res (GONE, or DONE once a kill has been sent: it died of it). */
static void freeze_write(struct cg_freezer *f, struct slot *s, bool on, int64_t t0, enum cg_kres gone_res)
{
	struct err e;
	s->wrote_ns = now_ns();
	if (frz_put(s->cg.dir, frz_ver[f->v].freeze, on ? frz_ver[f->v].on : frz_ver[f->v].off, s->cg.pid, &e) < 0) {
		if (e.code != ERR_NOTFOUND || gone_res != CG_K_DONE)
			s->t->e = e;
		settle(s, e.code == ERR_NOTFOUND ? gone_res : CG_K_FAILED, t0);
	}
}

/* Poll the open slots' states until every one is FROZEN or until_ns;
 * a FROZEN one is settled DONE. Rewrites the freeze every 10 ms. */
static void wait_frozen(struct cg_freezer *f, struct slot *s, size_t n, int64_t until_ns, int64_t t0, bool settle_done)
{
	for (;;) {
		size_t pending = 0;
		for (size_t i = 0; i < n; i++) {
			if (!s[i].open)
				continue;
			struct err e;
			int st = frz_read_state(f, s[i].cg.dir, s[i].cg.pid, &e);
			if (st < 0) {
				s[i].t->e = e;
				settle(&s[i], e.code == ERR_NOTFOUND ? CG_K_GONE : CG_K_FAILED, t0);
				continue;
			}
			s[i].t->state = st;
			if (st == CG_FRZ_FROZEN) {
				if (settle_done)
					settle(&s[i], CG_K_DONE, t0);
				continue;
			}
			pending++;
			if (now_ns() - s[i].wrote_ns >= REWRITE_NS)
				freeze_write(f, &s[i], true, t0, CG_K_GONE);
		}
		if (!pending || now_ns() >= until_ns)
			return;
		nap_ns(until_ns - now_ns());
	}
}

static void op_freeze(struct cg_freezer *f, struct slot *s, size_t n, int timeout_ms, int64_t t0)
{
	int64_t deadline = t0 + (int64_t)timeout_ms * 1000000;
	char stuck[160] = "";
	for (int attempt = 0; attempt < 3; attempt++) {
		for (size_t i = 0; i < n; i++)
			if (s[i].open)
				freeze_write(f, &s[i], true, t0, CG_K_GONE);
		int64_t until = t0 + (int64_t)timeout_ms * 1000000 * (attempt + 1) / 3;
		wait_frozen(f, s, n, until < deadline ? until : deadline, t0, true);
		bool left = false;
		for (size_t i = 0; i < n; i++)
			left |= s[i].open;
		if (!left || attempt == 2)
			break;
		/* still FREEZING: let the stuck task past what holds it, then again */
		for (size_t i = 0; i < n; i++)
			if (s[i].open) {
				stuck_task(f, &s[i].cg, stuck, sizeof stuck);
				freeze_write(f, &s[i], false, t0, CG_K_GONE);
			}
		nap_ns(1000000);
	}
	for (size_t i = 0; i < n; i++) {
		if (!s[i].open)
			continue;
		char why[160];
		stuck_task(f, &s[i].cg, why, sizeof why);
		struct err e;
		bool thawed = frz_put(s[i].cg.dir, frz_ver[f->v].freeze, frz_ver[f->v].off, s[i].cg.pid, &e) == 0;
		s[i].t->state = thawed ? CG_FRZ_THAWED : s[i].t->state;
		err_set(&s[i].t->e, ERR_TRANSPORT, "not frozen within %d ms%s; %s", timeout_ms, why[0] ? why : stuck,
			thawed ? "thawed" : "and the thaw failed too");
		settle(&s[i], CG_K_FAILED, t0);
	}
	for (size_t i = 0; i < n; i++)
		if (s[i].t->res == CG_K_DONE) {
			long k = count_tasks(&s[i].cg);
			s[i].t->tasks = k > 0 ? (int)k : 0;
		}
}

static void op_thaw(struct cg_freezer *f, struct slot *s, size_t n, int64_t t0)
{
	for (size_t i = 0; i < n; i++) {
		if (!s[i].open)
			continue;
		freeze_write(f, &s[i], false, t0, CG_K_GONE);
		if (!s[i].open)
			continue;
		struct err e;
		int st = frz_read_state(f, s[i].cg.dir, s[i].cg.pid, &e);
		s[i].t->state = st;
		if (st == CG_FRZ_THAWED)
			settle(&s[i], CG_K_DONE, t0);
		else if (st < 0)
			s[i].t->e = e, settle(&s[i], e.code == ERR_NOTFOUND ? CG_K_GONE : CG_K_FAILED, t0);
		else {
			/* v2 through a frozen ancestor, or v1 FROZEN by a parent */
			err_set(&s[i].t->e, ERR_SERVER, "still %s after the thaw (a frozen parent cgroup?)",
				st == CG_FRZ_FROZEN ? "frozen" : "freezing");
			settle(&s[i], CG_K_FAILED, t0);
		}
	}
}

/* SIGKILL every task of s's cgroup once: cgroup.kill, else each pid. */
static void kill_round(struct cg_freezer *f, struct slot *s)
{
	struct err e;
	if (s->cg.unified && frz_put(s->cg.unified, "cgroup.kill", "1", s->cg.pid, &e) == 0)
		return;
	struct sig_ctx c = {.f = f, .top = s->cg.dir, .signo = SIGKILL};
	frz_each_task(s->cg.dir, send_one, &c);
}

/* cg_boost_on over the open slots. */
static struct cg_boost *boost_dying(struct cg_freezer *f, const struct slot *s, size_t n)
{
	const struct cg_loc **locs = xcalloc(n ? n : 1, sizeof *locs);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].open)
			locs[k++] = &s[i].cg;
	struct cg_boost *b = cg_boost_on(f, locs, k);
	free(locs);
	return b;
}

/* Put the lent weight back and let the signals held meanwhile in. */
static void boost_end(struct cg_boost **b, const sigset_t *old_mask)
{
	if (!*b)
		return;
	cg_boost_off(*b);
	*b = NULL;
	sigprocmask(SIG_SETMASK, old_mask, NULL);
}

static void op_kill(struct cg_freezer *f, struct slot *s, size_t n, int timeout_ms, int64_t t0)
{
	int64_t deadline = t0 + (int64_t)timeout_ms * 1000000;
	bool pids_one_by_one = false;
	for (size_t i = 0; i < n; i++)
		pids_one_by_one |= s[i].open && !s[i].cg.unified;
	int rounds = 0;
	struct cg_boost *boost = NULL;
	int64_t boost_until = now_ns() + BOOST_MAX_NS;
	sigset_t quit_sigs, old_mask;
	sigemptyset(&quit_sigs);
	sigaddset(&quit_sigs, SIGINT);
	sigaddset(&quit_sigs, SIGTERM);
	sigaddset(&quit_sigs, SIGHUP);
	sigaddset(&quit_sigs, SIGQUIT);
	for (;;) {
		rounds++;
		/* the freeze first, for every container: busy tasks stop taking the
		 * CPU the dying ones need (a SIGKILL to running busy loops is
		 * acted on at their pace: 130 ms for 90 of them here, against 25
		 * ms frozen first) */
		for (size_t i = 0; i < n; i++)
			if (s[i].open)
				freeze_write(f, &s[i], true, t0, rounds > 1 ? CG_K_DONE : CG_K_GONE);
		if (rounds == 1)
			for (size_t i = 0; i < n; i++)
				if (s[i].open) {
					long k = count_tasks(&s[i].cg);
					s[i].t->tasks = k > 0 ? (int)k : 0;
				}
		/* without cgroup.kill the pids are signalled one by one: let the
		 * freeze take first so that nothing forks in between */
		if (pids_one_by_one)
			wait_frozen(f, s, n, now_ns() + KILL_FREEZE_WAIT_NS, t0, false);
		/* the first thaw lends the dying their CPU until they are dead
		 * (found before the kill: a killed init's cgroup may be gone at
		 * once); no signal ends sandtop with the weight lent */
		if (rounds == 1) {
			sigprocmask(SIG_BLOCK, &quit_sigs, &old_mask);
			boost = boost_dying(f, s, n);
		}
		for (size_t i = 0; i < n; i++)
			if (s[i].open)
				kill_round(f, &s[i]);
		for (size_t i = 0; i < n; i++)
			if (s[i].open)
				freeze_write(f, &s[i], false, t0, CG_K_DONE);
		/* the killed tasks die once thawed: wait until none can run again.
		 * cgroup.kill leaves no task behind, so the first wait is long
		 * (freezing again would stop the dying ones on their way out); one
		 * by one, a fork in between may have escaped: soon a round again */
		int grace = rounds > 1 ? 100 : pids_one_by_one ? 20 : 200;
		int64_t until = now_ns() + (int64_t)grace * 1000000;
		if (until > deadline)
			until = deadline;
		size_t left;
		do {
			left = 0;
			for (size_t i = 0; i < n; i++) {
				if (!s[i].open)
					continue;
				if (all_dead(f, &s[i].cg)) {
					settle(&s[i], CG_K_DONE, t0);
					if (rounds > 1)
						err_set(&s[i].t->e, 0, "%d rounds", rounds);
				} else {
					left++;
				}
			}
			if (boost && (!left || now_ns() >= boost_until))
				boost_end(&boost, &old_mask);
			if (left)
				nap_ns(1000000);
		} while (left && now_ns() < until);
		if (!left || now_ns() >= deadline)
			break;
	}
	boost_end(&boost, &old_mask);
	for (size_t i = 0; i < n; i++) {
		if (!s[i].open)
			continue;
		struct err e;
		frz_put(s[i].cg.dir, frz_ver[f->v].freeze, frz_ver[f->v].off, s[i].cg.pid, &e);
		char why[160];
		stuck_task(f, &s[i].cg, why, sizeof why);
		long k = count_tasks(&s[i].cg);
		err_set(&s[i].t->e, ERR_TRANSPORT, "%ld task%s still alive after %d ms and %d rounds%s (thawed)", k,
			k == 1 ? "" : "s", timeout_ms, rounds, why);
		settle(&s[i], CG_K_FAILED, t0);
	}
}

static void op_signal(struct cg_freezer *f, struct slot *s, size_t n, int signo, int64_t t0)
{
	for (size_t i = 0; i < n; i++) {
		if (!s[i].open)
			continue;
		struct sig_ctx c = {.f = f, .top = s[i].cg.dir, .signo = signo};
		send_one(&c, s[i].cg.pid);
		if (c.sent) {
			s[i].t->tasks = 1;
			settle(&s[i], CG_K_DONE, t0);
		} else {
			err_set(&s[i].t->e, ERR_NOTFOUND, "process %d is gone", s[i].cg.pid);
			settle(&s[i], CG_K_GONE, t0);
		}
	}
}

size_t cg_contain(struct cg_freezer *f, enum cg_kop op, int signo, struct cg_ktarget *t, size_t n, int timeout_ms)
{
	int64_t t0 = now_ns();
	if (timeout_ms <= 0)
		timeout_ms = op == CG_KFREEZE ? CG_KFREEZE_MS : CG_KKILL_MS;
	struct slot *s = xcalloc(n ? n : 1, sizeof *s);
	struct cg_index *idx = NULL;   /* for the targets without a pid, one walk */
	for (size_t i = 0; i < n; i++) {
		if (t[i].pid <= 0 && !idx)
			idx = cg_index_new(f);
		s[i].t = &t[i];
		t[i].res = CG_K_FAILED;
		t[i].state = -1;
		t[i].tasks = 0;
		err_clear(&t[i].e);
		int rc = t[i].pid > 0 ? cg_locate(f, t[i].id, t[i].pid, &s[i].cg, &t[i].e)
		                      : cg_find_in(f, idx, t[i].id, &s[i].cg, &t[i].e);
		if (rc == 0)
			s[i].open = true;
		else
			settle(&s[i], t[i].e.code == ERR_REFUSED ? CG_K_REFUSED :
				t[i].e.code == ERR_NOTFOUND ? CG_K_GONE : CG_K_FAILED, t0);
	}
	cg_index_free(idx);
	switch (op) {
	case CG_KFREEZE: op_freeze(f, s, n, timeout_ms, t0); break;
	case CG_KTHAW: op_thaw(f, s, n, t0); break;
	case CG_KKILL: op_kill(f, s, n, timeout_ms, t0); break;
	case CG_KSIGNAL: op_signal(f, s, n, signo, t0); break;
	}
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		done += t[i].res == CG_K_DONE || t[i].res == CG_K_GONE;
		cg_clear(&s[i].cg);
	}
	free(s);
	return done;
}
