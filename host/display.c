/* display: the CPU time of a container's display server (Xvfb, Xorg, Xvnc), the cheap sign that its desktop changed: drawing costs the X server time, a still desktop costs it none. */
#include "host/display.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "host/statfile.h"

#define DISPLAY_MAX 1024          /* containers remembered */
/* one without a display server is looked at again after RESCAN_NS, doubled
 * at each miss up to RESCAN_MAX_NS (a plain container never has one) */
#define RESCAN_NS (10LL * 1000000000)
#define RESCAN_MAX_NS (80LL * 1000000000)
#define PROCS_CAP (256u << 10)

/* The X servers; x11vnc is left out on purpose: it works when someone
 * watches (sandtop included), whatever the agent does. */
static const char *const servers[] = {"Xvfb", "Xorg", "Xvnc", "Xtigervnc"};

struct slot {
	int key;                  /* the container's init pid; 0 free */
	int pid;                  /* its display server, 0 none found */
	int fd;                   /* its schedstat, held; -1: its stat is read by path */
	unsigned long long start; /* that process's start time (field 22): a reused pid is not it */
	int64_t scanned_ns;
	int64_t used_ns;
	int misses;               /* scans that found none in a row */
};

struct st_display {
	char *proc_root;
	struct slot s[DISPLAY_MAX];
	char *buf;
	size_t nfds, max_fds;     /* schedstat descriptors held, and at most */
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct st_display *st_display_new(const char *proc_root, size_t max_fds)
{
	struct st_display *d = xcalloc(1, sizeof *d);
	d->proc_root = xstrdup(proc_root);
	d->buf = xmalloc(PROCS_CAP + 1);
	d->max_fds = max_fds;
	for (size_t i = 0; i < DISPLAY_MAX; i++)
		d->s[i].fd = -1;
	return d;
}

static void slot_close(struct st_display *d, struct slot *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		d->nfds--;
	}
	s->fd = -1;
}

/* The slot closed and free. */
static void slot_reset(struct st_display *d, struct slot *s)
{
	slot_close(d, s);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

void st_display_free(struct st_display *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < DISPLAY_MAX; i++)
		slot_close(d, &d->s[i]);
	free(d->proc_root);
	free(d->buf);
	free(d);
}

/* utime + stime (ns) and the start time of pid; 0, or -1 when gone. */
static int cpu_of(struct st_display *d, int pid, uint64_t *ns, unsigned long long *start)
{
	char path[512], stat[1024];
	snprintf(path, sizeof path, "%s/%d/stat", d->proc_root, pid);
	if (sf_slurp(path, stat, sizeof stat - 1) < 0)
		return -1;
	char *p = strrchr(stat, ')');
	unsigned long long ut, st, sta;
	/* after the name: state(3) ... utime(14) stime(15) ... starttime(22) */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
		         &ut, &st, &sta) != 3)
		return -1;
	long hz = 100;   /* USER_HZ: 100 on Linux x86 and arm */
	*ns = (uint64_t)(ut + st) * (1000000000ull / (unsigned long long)hz);
	*start = sta;
	return 0;
}

static bool is_server(struct st_display *d, int pid)
{
	char path[512], comm[64];
	snprintf(path, sizeof path, "%s/%d/comm", d->proc_root, pid);
	if (sf_slurp(path, comm, sizeof comm - 1) < 0)
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++)
		if (!strcmp(comm, servers[i]))
			return true;
	return false;
}

/* The display server among the pids of cgdir/cgroup.procs, or 0. */
static int find_server(struct st_display *d, const char *cgdir)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", cgdir) >= sizeof path ||
	    sf_slurp(path, d->buf, PROCS_CAP) < 0)
		return 0;
	for (char *l, *cur = d->buf; (l = sf_next_line(&cur)); ) {
		int pid = atoi(l);
		if (pid > 0 && is_server(d, pid))
			return pid;
	}
	return 0;
}

static struct slot *slot_for(struct st_display *d, int key)
{
	struct slot *free_one = NULL, *oldest = &d->s[0];
	for (size_t i = 0; i < DISPLAY_MAX; i++) {
		if (d->s[i].key == key)
			return &d->s[i];
		if (!d->s[i].key && !free_one)
			free_one = &d->s[i];
		if (d->s[i].used_ns < oldest->used_ns)
			oldest = &d->s[i];
	}
	struct slot *s = free_one ? free_one : oldest;
	slot_reset(d, s);
	s->key = key;
	return s;
}

void st_display_forget(struct st_display *d, int key_pid)
{
	for (size_t i = 0; i < DISPLAY_MAX; i++)
		if (d->s[i].key == key_pid) {
			slot_reset(d, &d->s[i]);
			return;
		}
}

/* Hold the schedstat of the slot's server when the budget allows: opened,
 * then its name checked again, so the descriptor is the server's even if
 * the pid was reused meanwhile. */
static void slot_hold(struct st_display *d, struct slot *s)
{
	char path[512];
	if (d->nfds >= d->max_fds)
		return;
	snprintf(path, sizeof path, "%s/%d/schedstat", d->proc_root, s->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	if (!is_server(d, s->pid)) {
		close(fd);
		return;
	}
	s->fd = fd;
	d->nfds++;
}

/* The server's CPU time (ns): the first field of its schedstat, exact,
 * through the descriptor held (a read fails once that process is gone, so
 * a reused pid is never read); else utime + stime of its stat, in 10 ms
 * ticks (one tick in a second is 1%, above the drawing threshold: a
 * still desktop would look drawn now and then), its start time checked.
 * 0, or -1. */
static int slot_cpu(struct st_display *d, struct slot *s, uint64_t *ns)
{
	if (s->fd < 0) {
		unsigned long long start;
		return cpu_of(d, s->pid, ns, &start) == 0 && start == s->start ? 0 : -1;
	}
	char buf[128];
	const char *p = buf;
	return sf_pread_all(s->fd, buf, sizeof buf - 1) < 0 || sf_take_u64(&p, ns) < 0 ? -1 : 0;
}

int st_display_cpu(struct st_display *d, int key_pid, const char *cgdir, uint64_t *ns)
{
	int64_t now = now_ns();
	struct slot *s = slot_for(d, key_pid);
	s->used_ns = now;
	if (s->pid && slot_cpu(d, s, ns) == 0)
		return 0;
	slot_close(d, s);
	/* none yet, or it went: look again (not every time when there is none) */
	int64_t wait = s->misses < 3 ? RESCAN_NS << s->misses : RESCAN_MAX_NS;
	if (!s->pid && s->scanned_ns && now - s->scanned_ns < wait)
		return -1;
	s->scanned_ns = now;
	if ((s->pid = find_server(d, cgdir)) && cpu_of(d, s->pid, ns, &s->start) == 0) {
		slot_hold(d, s);
		if (slot_cpu(d, s, ns) == 0) {
			s->misses = 0;
			return 0;
		}
	}
	slot_close(d, s);
	s->pid = 0;
	s->misses++;
	return -1;
}
