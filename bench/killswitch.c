/* killswitch: bench/killswitch's stopwatch: run a command that should kill a set of processes, and time it until the last of them has died (pidfds, so no process is missed and no pid is mistaken for a new one). */
/*
 * usage: killswitch PID... -- CMD [ARG...]
 *   Opens a pidfd for every PID (the agent processes of the sandboxes to
 *   be killed, read from their cgroups before), then starts the clock and
 *   runs CMD (sandtop kill ..., docker kill ..., or tmux send-keys that
 *   confirms the screen's kill switch). A pidfd becomes readable when its
 *   process exits. Stops when every process has exited and CMD has
 *   returned, or after 60 s.
 * Two moments per process: "stopped", when it can never again run a
 * line of its own code (it is exiting: the kernel's PF_EXITING flag in
 * /proc/PID/stat, a zombie, or gone), and "exited", when the kernel has
 * finished tearing it down (its pidfd is readable: for a container's init
 * that includes unmounting its namespaces, which the kernel does at its
 * own pace whoever sent the SIGKILL).
 * Prints one line of key=value:
 *   stop_ms   from the start of CMD until the last process was stopped for good
 *   dead_ms   ... until the last process exited
 *   cmd_ms    until CMD returned
 *   dead=K/N  how many of the N processes exited
 *   cmd_exit  CMD's exit status
 * Needs Linux 5.3 (pidfd_open). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXN 65536
#define LIMIT_MS 60000
#define PF_EXITING 0x00000004u   /* include/linux/sched.h */

static struct timespec t0;

static double ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) * 1e3 + (double)(t.tv_nsec - t0.tv_nsec) / 1e6;
}

/* Whether pid runs no code of its own any more: exiting, a zombie, gone. */
static int stopped_for_good(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return 1;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 1;
	char state = p[2];
	/* fields after the state: ppid pgrp session tty_nr tpgid flags */
	unsigned flags = 0;
	if (sscanf(p + 3, " %*d %*d %*d %*d %*d %u", &flags) != 1)
		return 0;
	return state == 'Z' || state == 'X' || (flags & PF_EXITING);
}

int main(int argc, char **argv)
{
	int sep = 1;
	while (sep < argc && strcmp(argv[sep], "--") != 0)
		sep++;
	if (sep >= argc - 1) {
		fprintf(stderr, "usage: killswitch PID... -- CMD [ARG...]\n");
		return 2;
	}
	size_t n = (size_t)(sep - 1);
	if (n > MAXN)
		n = MAXN;
	struct pollfd *fds = calloc(n + 1, sizeof *fds);
	int *pids = calloc(n + 1, sizeof *pids);
	size_t open = 0;
	for (size_t i = 0; i < n; i++) {
		int pid = atoi(argv[1 + i]);
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0)
			continue;  /* gone already: nothing to wait for */
		pids[open] = pid;
		fds[open++] = (struct pollfd){.fd = fd, .events = POLLIN};
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t child = fork();
	if (child == 0) {
		execvp(argv[sep + 1], argv + sep + 1);
		_exit(127);
	}
	double dead_ms = -1, cmd_ms = -1, stop_ms = -1;
	int status = 0;
	size_t dead = 0, stopped = 0;
	while (ms_now() < LIMIT_MS && (dead < open || cmd_ms < 0)) {
		if (cmd_ms < 0 && waitpid(child, &status, WNOHANG) == child)
			cmd_ms = ms_now();
		for (size_t i = 0; i < open && stopped < open; i++)
			if (pids[i] && stopped_for_good(pids[i])) {
				pids[i] = 0;
				stopped++;
				stop_ms = ms_now();
			}
		if (dead < open) {
			int r = poll(fds, open, 1);   /* 1 ms: the watch must not take the CPU from what it watches */
			if (r < 0 && errno != EINTR)
				break;
			for (size_t i = 0; i < open && r > 0; i++)
				if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP))) {
					close(fds[i].fd);
					fds[i].fd = -1;   /* poll ignores it from now on */
					dead++;
					dead_ms = ms_now();
					if (pids[i]) {    /* exited before it was seen exiting */
						pids[i] = 0;
						stopped++;
						stop_ms = dead_ms;
					}
				}
		} else {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	if (cmd_ms < 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	printf("stop_ms=%.1f dead_ms=%.1f cmd_ms=%.1f dead=%zu/%zu cmd_exit=%d\n", stopped == open ? stop_ms : -1.0,
		dead == open ? dead_ms : -1.0, cmd_ms, dead, n, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	free(pids);
	free(fds);
	return dead == open ? 0 : 1;
}
