/* test_display: finding a container's X server among its cgroup's tasks and reading its CPU time (exact through a held schedstat, else in ticks), on a scratch /proc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/display.h"
#include "tests/unit/helper/tree.h"

#define CG "sys/fs/cgroup/cpuacct/docker/a"

/* A process of the scratch /proc: its name, its stat (utime, stime in
 * ticks; start time) and its schedstat (ns on the CPU). */
static void proc_put(int pid, const char *comm, unsigned ut, unsigned st, unsigned start, unsigned long long ns)
{
	char rel[64], text[256];
	snprintf(rel, sizeof rel, "proc/%d/comm", pid);
	snprintf(text, sizeof text, "%s\n", comm);
	tree_put(rel, text);
	snprintf(rel, sizeof rel, "proc/%d/stat", pid);
	snprintf(text, sizeof text, "%d (%s) S 1 %d %d 0 -1 4194560 10 0 0 0 %u %u 0 0 20 0 1 0 %u 0 0\n", pid, comm,
	         pid, pid, ut, st, start);
	tree_put(rel, text);
	snprintf(rel, sizeof rel, "proc/%d/schedstat", pid);
	snprintf(text, sizeof text, "%llu 5000 10\n", ns);
	tree_put(rel, text);
}

static int open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;
	for (struct dirent *de; dir && (de = readdir(dir)); )
		n += de->d_name[0] != '.';
	if (dir)
		closedir(dir);
	return n;
}

static struct st_display *display_new(size_t max_fds)
{
	char *proc = tree_path("proc");
	struct st_display *d = st_display_new(proc, max_fds);
	free(proc);
	return d;
}

/* A container whose init (pid 1) has one other task, pid 100 named comm
 * (5 + 3 ticks, 123456789 ns on the CPU), read with max_fds. */
static struct st_display *one_task(const char *comm, size_t max_fds)
{
	proc_put(1, "tini", 1, 1, 500, 1000);
	proc_put(100, comm, 5, 3, 777, 123456789);
	tree_put(CG "/cgroup.procs", "1\n100\n");
	return display_new(max_fds);
}

static int cpu(struct st_display *d, uint64_t *ns)
{
	char *cg = tree_path(CG);
	int rc = st_display_cpu(d, 1, cg, ns);
	free(cg);
	return rc;
}

/* The server's time to the nanosecond, read again through the same
 * descriptor (a still desktop's X server moves by less than a tick),
 * which is closed when the container is forgotten. */
static void test_exact(void **state)
{
	(void)state;
	int before = open_fds();
	struct st_display *d = one_task("Xvfb", 8);
	uint64_t ns = 0;
	assert_int_equal(cpu(d, &ns), 0);
	assert_int_equal(ns, 123456789);
	assert_int_equal(open_fds(), before + 1);
	proc_put(100, "Xvfb", 5, 3, 777, 124000001);
	assert_int_equal(cpu(d, &ns), 0);
	assert_int_equal(ns, 124000001);
	/* a container no longer read gives its descriptor back */
	st_display_forget(d, 1);
	assert_int_equal(open_fds(), before);
	assert_int_equal(cpu(d, &ns), 0);
	assert_int_equal(open_fds(), before + 1);
	st_display_free(d);
	assert_int_equal(open_fds(), before);
}

/* With no descriptor to spare, the stat's ticks; a pid now held by
 * another process (another start time, another name) is not the server. */
static void test_ticks(void **state)
{
	(void)state;
	int before = open_fds();
	struct st_display *d = one_task("Xorg", 0);
	uint64_t ns = 0;
	assert_int_equal(cpu(d, &ns), 0);
	assert_int_equal(ns, 80000000);
	assert_int_equal(open_fds(), before);
	proc_put(100, "bash", 9, 9, 900, 1);
	assert_int_equal(cpu(d, &ns), -1);
	st_display_free(d);
}

/* A container without one is not looked at again at once. */
static void test_none(void **state)
{
	(void)state;
	struct st_display *d = one_task("xterm", 8);
	uint64_t ns = 0;
	assert_int_equal(cpu(d, &ns), -1);
	proc_put(101, "Xvfb", 5, 3, 778, 5);
	tree_put(CG "/cgroup.procs", "1\n100\n101\n");
	assert_int_equal(cpu(d, &ns), -1);
	st_display_free(d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)
	const struct CMUnitTest tests[] = {T(test_exact), T(test_ticks), T(test_none)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
