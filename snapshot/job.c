/* job: the tree archiver in a child process, so that the poll loop never waits on a filesystem and a stuck walk can be killed. */
#include "snapshot/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"

/* one write of at most PIPE_BUF bytes is atomic */
_Static_assert(sizeof(struct snap_tree_result) <= 4096, "the result must fit one pipe write");

struct snap_tree_job {
	pid_t pid;               /* 0 once reaped */
	int fd;                  /* read end of the result pipe */
	struct snap_tree_result r;
	size_t got;
};

/* In the child: close every fd but 0-2 and the three kept. */
static void keep_only(int a, int b, int c)
{
	int k[3] = {a, b, c};
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (k[j] < k[i]) {
				int t = k[i];
				k[i] = k[j];
				k[j] = t;
			}
	unsigned from = 3;
	for (int i = 0; i < 3; i++) {
		if (k[i] < (int)from)
			continue;
		if ((unsigned)k[i] > from)
			close_range(from, (unsigned)k[i] - 1, 0);
		from = (unsigned)k[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static void child(int root_fd, const char *path, int out_fd, const struct snap_tree_caps *caps, int wfd, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	keep_only(root_fd, out_fd, wfd);
	signal(SIGPIPE, SIG_DFL);
	struct snap_tree_result r;
	memset(&r, 0, sizeof r);
	struct err e = {0};
	r.rc = snap_tree_archive(root_fd, path, out_fd, caps, &r.st, r.sha256, &r.size, &e);
	snprintf(r.err, sizeof r.err, "%s", e.msg);
	if (fsync(out_fd) < 0 && r.rc == 0) {
		r.rc = -1;
		snprintf(r.err, sizeof r.err, "fsync: %s", strerror(errno));
	}
	const char *p = (const char *)&r;
	for (size_t done = 0; done < sizeof r;) {
		ssize_t w = write(wfd, p + done, sizeof r - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(2);
		done += (size_t)w;
	}
	_exit(0);
}

struct snap_tree_job *snap_tree_spawn(int root_fd, const char *path, int out_fd, const struct snap_tree_caps *caps,
                                      struct err *e)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		err_set(e, 1, "pipe: %s", strerror(errno));
		return NULL;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		err_set(e, 1, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		close(p[0]);
		child(root_fd, path, out_fd, caps, p[1], parent);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	struct snap_tree_job *j = xcalloc(1, sizeof *j);
	j->pid = pid;
	j->fd = p[0];
	return j;
}

int snap_tree_job_fd(const struct snap_tree_job *j)
{
	return j->fd;
}

static void reap(struct snap_tree_job *j, int *status)
{
	*status = 0;
	while (j->pid > 0 && waitpid(j->pid, status, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
}

int snap_tree_job_poll(struct snap_tree_job *j, struct snap_tree_result *r)
{
	for (;;) {
		ssize_t n = read(j->fd, (char *)&j->r + j->got, sizeof j->r - j->got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0; /* EAGAIN: not yet */
		j->got += (size_t)n;
		if (j->got == sizeof j->r) {
			int st;
			reap(j, &st); /* it exits right after writing */
			*r = j->r;
			r->err[sizeof r->err - 1] = '\0';
			r->sha256[sizeof r->sha256 - 1] = '\0';
			r->st.notes[sizeof r->st.notes - 1] = '\0';
			return 1;
		}
		if (n == 0) { /* EOF without a whole result: it died */
			int st;
			reap(j, &st);
			memset(r, 0, sizeof *r);
			r->rc = -1;
			if (WIFSIGNALED(st))
				snprintf(r->err, sizeof r->err, "the archiving process died of signal %d", WTERMSIG(st));
			else
				snprintf(r->err, sizeof r->err, "the archiving process ended (status %d) without a result",
				         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			return 1;
		}
	}
}

void snap_tree_job_free(struct snap_tree_job *j)
{
	if (!j)
		return;
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		int st;
		reap(j, &st);
	}
	close(j->fd);
	free(j);
}
