/* test_freezer_engine: the kernel path (host/contain.h) on real containers of the local engine: busy loops stop and run again, a frozen container dies on docker kill, a forking one, the kernel kill, a pid that is not the container's.
 * Skips unless /var/run/docker.sock answers and the variables name running
 * containers (tests/integration/t_freezer.sh starts them and sets them):
 *   SANDTOP_TEST_FREEZE       busy loops (`while :; do :; done`), space separated
 *   SANDTOP_TEST_FREEZE_KILL  one busy loop to freeze, then `docker kill`
 *   SANDTOP_TEST_FREEZE_FORK  one loop forking /bin/true
 *   SANDTOP_TEST_KILL         busy loops (with children) to kill through the kernel
 * Needs root (writes the cgroup files); uses the docker CLI for kill and the
 * exit code. Prints its measurements ("freezer: ..." lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/engine.h"
#include "tests/unit/helper/engine_case.h"
#include "tests/unit/helper/kopen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "host/contain.h"
#include "host/freezer.h"
#include "host/stats.h"

#define MAXC 64
/* What a bound may be overrun by on a loaded machine (a san build, CI). */
#define SLACK_MS 500
/* The freeze tests' deadline (cg_contain's timeout_ms). */
#define FREEZE_MS 1000

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The containers of a test: name, full id, init pid. */
struct ctr {
	char name[128];
	char id[65];
};
static struct ctr ctrs[MAXC];
static int ctr_pids[MAXC];

/* The containers the variable var names (space or comma separated): their
 * names and ids into ctrs[], their init pids into ctr_pids[]; the count.
 * The test skips without an engine, the variable or a running container. */
static size_t containers(const char *var)
{
	const char *v = engine_var(var);
	if (!v)
		skip();
	struct dk_client *c = engine_client();
	size_t n = 0;
	char *copy = xstrdup(v), *save = NULL;
	for (char *t = strtok_r(copy, " ,", &save); t && n < MAXC; t = strtok_r(NULL, " ,", &save)) {
		snprintf(ctrs[n].name, sizeof ctrs[n].name, "%s", t);
		if ((ctr_pids[n] = engine_running_pid(c, t, ctrs[n].id)) <= 0) {
			print_message("container %s not running: skipped\n", t);
			n = 0;
			break;
		}
		n++;
	}
	free(copy);
	dk_client_free(c);
	if (!n)
		skip();
	return n;
}

/* Container CPU time (ns) of each pid, from its cgroup. */
static void cpu_of(struct st_cgroups *cg, const int *pids, size_t n, uint64_t *out)
{
	struct st_host h;
	struct err e;
	assert_int_equal(st_host_read("/proc", &h, &e), 0);
	for (size_t i = 0; i < n; i++) {
		struct st_raw r;
		if (st_cgroup_read(cg, pids[i], &h, &r, &e) < 0)
			fail_msg("cpu of %d: %s", pids[i], e.msg);
		assert_true(r.have & ST_HAVE_CPU);
		out[i] = r.cpu_ns;
	}
}

/* The least and the most CPU (ms) each container used over ms milliseconds. */
static void cpu_over(struct st_cgroups *cg, const int *pids, size_t n, int ms, double *lo, double *hi)
{
	uint64_t a[MAXC], b[MAXC];
	cpu_of(cg, pids, n, a);
	sleep_ms(ms);
	cpu_of(cg, pids, n, b);
	*lo = 1e18;
	*hi = 0;
	for (size_t i = 0; i < n; i++) {
		double d = (double)(b[i] - a[i]) / 1e6;
		*lo = d < *lo ? d : *lo;
		*hi = d > *hi ? d : *hi;
	}
}

/* The busy loops of the first n containers run: each used more than 10 ms
 * of CPU in 300 ms (when: what the printed measurement says). */
static void assert_busy(struct st_cgroups *cg, size_t n, const char *when)
{
	double lo, hi;
	cpu_over(cg, ctr_pids, n, 300, &lo, &hi);
	print_message("freezer: %s: each busy loop used %.0f..%.0f ms CPU in 300 ms\n", when, lo, hi);
	assert_true(lo > 10);
}

/* After a thaw: the first n containers are THAWED and their loops busy. */
static void assert_thawed_and_busy(struct cg_freezer *f, struct st_cgroups *cg, size_t n, const char *when)
{
	struct err e;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cg_freezer_state(f, ctr_pids[i], &e), CG_FRZ_THAWED);
	assert_busy(cg, n, when);
}

static const char *state_word(int st)
{
	static const char *const w[] = {"THAWED", "FREEZING", "FROZEN"};
	return st >= 0 && st <= CG_FRZ_FROZEN ? w[st] : "error";
}

/* cg_contain of op over the first n of ctrs/pids; each target's result into kt. */
static size_t contain(struct cg_freezer *f, enum cg_kop op, const int *pids, size_t n, int timeout_ms,
                      struct cg_ktarget *kt)
{
	for (size_t i = 0; i < n; i++) {
		memset(&kt[i], 0, sizeof kt[i]);
		kt[i].id = ctrs[i].id;
		kt[i].pid = pids[i];
	}
	return cg_contain(f, op, 0, kt, n, timeout_ms);
}

/* The engine's own view, e.g. "running 0" ({{.State.Status}} {{.State.ExitCode}}). */
static void engine_state(const char *name, char *out, size_t cap)
{
	const char *st = engine_sh1("docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' '%s' 2>/dev/null", name);
	snprintf(out, cap, "%s", st);
}

/* ---- busy loops: freeze, CPU stops, thaw, CPU runs ---- */

static void test_freeze_busy(void **state)
{
	(void)state;
	struct cg_ktarget kt[MAXC];
	size_t n = containers("SANDTOP_TEST_FREEZE");
	struct err e;
	struct cg_freezer *f = kopen_freezer(KOPEN_HOST);
	struct st_cgroups *cg = kopen_cgroups(KOPEN_HOST);
	assert_busy(cg, n, "before");

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t done = contain(f, CG_KFREEZE, ctr_pids, n, FREEZE_MS, kt);
	double took = ms_since(&t0);
	print_message("freezer: v%d: %zu of %zu containers FROZEN in %.2f ms\n", cg_freezer_version(f), done, n, took);
	assert_int_equal(done, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(kt[i].res, CG_K_DONE);
		assert_int_equal(kt[i].state, CG_FRZ_FROZEN);
		assert_true(kt[i].tasks >= 1);
		assert_int_equal(cg_freezer_state(f, ctr_pids[i], &e), CG_FRZ_FROZEN);
	}
	/* how fast is bench/killswitch's to say (a timed assert fails under load):
	 * here only that the freeze kept the deadline it was given */
	assert_true(took < FREEZE_MS + SLACK_MS);
	double lo, hi;
	cpu_over(cg, ctr_pids, n, 300, &lo, &hi);
	print_message("freezer: frozen: CPU used in 300 ms: %.3f..%.3f ms\n", lo, hi);
	assert_true(hi < 0.001); /* not one nanosecond */
	char es[64];
	engine_state(ctrs[0].name, es, sizeof es);
	print_message("freezer: the engine says %s is \"%s\" while frozen\n", ctrs[0].name, es);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(contain(f, CG_KTHAW, ctr_pids, n, 0, kt), n);
	print_message("freezer: thawed %zu in %.2f ms\n", n, ms_since(&t0));
	assert_thawed_and_busy(f, cg, n, "thawed");
	st_cgroups_free(cg);
	cg_freezer_free(f);
}

/* The same through cgroup v2's cgroup.freeze: on this hybrid host the
 * unified tree (a cgroup2 mount beside the v1 ones) holds every container
 * too. A private proc root whose mountinfo lists only that mount makes the
 * freezer pick v2; its PID entries lead to the real /proc. Skipped when
 * there is no such mount. */
static void test_freeze_busy_v2(void **state)
{
	(void)state;
	struct cg_ktarget kt[MAXC];
	size_t n = containers("SANDTOP_TEST_FREEZE");
	char root[] = "/tmp/test_freezer_v2.XXXXXX";
	assert_non_null(mkdtemp(root));
	char *self = xasprintf("%s/self", root);
	assert_int_equal(mkdir(self, 0755), 0);
	char *mi = xasprintf("%s/mountinfo", self);
	FILE *in = fopen("/proc/self/mountinfo", "r"), *out = fopen(mi, "w");
	assert_non_null(in);
	assert_non_null(out);
	char line[4096];
	bool any = false;
	while (fgets(line, sizeof line, in))
		if (strstr(line, " - cgroup2 ")) {
			fputs(line, out);
			any = true;
		}
	fclose(in);
	fclose(out);
	for (size_t i = 0; i < n; i++) {
		char *to = xasprintf("/proc/%d", ctr_pids[i]), *at = xasprintf("%s/%d", root, ctr_pids[i]);
		assert_int_equal(symlink(to, at), 0);
		free(to);
		free(at);
	}
	struct err e;
	struct cg_freezer *f = any ? cg_freezer_open(root, "", &e) : NULL;
	if (!f) {
		print_message("no cgroup2 mount here: skipped\n");
	} else {
		assert_int_equal(cg_freezer_version(f), 2);
		struct st_cgroups *cg = kopen_cgroups(KOPEN_HOST);
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		size_t done = contain(f, CG_KFREEZE, ctr_pids, n, FREEZE_MS, kt);
		double took = ms_since(&t0);
		print_message("freezer: v2 (cgroup.freeze of the unified tree): %zu of %zu FROZEN in %.2f ms (%s)\n", done, n,
			took, kt[0].e.msg);
		int rc = done == n ? 0 : -1;
		double lo, hi;
		if (rc == 0) {
			cpu_over(cg, ctr_pids, n, 300, &lo, &hi);
			print_message("freezer: v2 frozen: CPU used in 300 ms: %.3f..%.3f ms\n", lo, hi);
		}
		for (size_t i = 0; i < n; i++)
			assert_int_equal(cg_thaw(f, ctr_pids[i], &e), 0);
		assert_int_equal(rc, 0);
		assert_true(took < FREEZE_MS + SLACK_MS);
		assert_true(hi < 0.001);
		assert_thawed_and_busy(f, cg, n, "v2 thawed");
		st_cgroups_free(cg);
		cg_freezer_free(f);
	}
	for (size_t i = 0; i < n; i++) {
		char *at = xasprintf("%s/%d", root, ctr_pids[i]);
		unlink(at);
		free(at);
	}
	unlink(mi);
	rmdir(self);
	rmdir(root);
	free(mi);
	free(self);
}

/* ---- frozen, then docker kill ---- */

static void test_freeze_then_kill(void **state)
{
	(void)state;
	struct cg_ktarget kt[1];
	containers("SANDTOP_TEST_FREEZE_KILL");
	int pid = ctr_pids[0];
	struct err e;
	struct cg_freezer *f = kopen_freezer(KOPEN_HOST);
	assert_int_equal(contain(f, CG_KFREEZE, &pid, 1, 1000, kt), 1);
	assert_int_equal(kt[0].state, CG_FRZ_FROZEN);
	/* The engine cannot be told: runc sees the frozen cgroup as paused and
	 * refuses to pause it ("container not running"), and dockerd, which
	 * thinks it runs, refuses to unpause it. Only a thaw resumes it. The
	 * freeze holds whatever the engine answers. */
	char cmd[256], es[64] = "";
	snprintf(cmd, sizeof cmd, "docker pause '%s' >/dev/null 2>&1", ctrs[0].name);
	int prc = system(cmd);
	snprintf(cmd, sizeof cmd, "docker unpause '%s' >/dev/null 2>&1", ctrs[0].name);
	int urc = system(cmd);
	engine_state(ctrs[0].name, es, sizeof es);
	print_message("freezer: frozen %s: docker pause exits %d, docker unpause %d; the engine says \"%s\"\n", ctrs[0].name,
		WEXITSTATUS(prc), WEXITSTATUS(urc), es);
	assert_int_equal(cg_freezer_state(f, pid, &e), CG_FRZ_FROZEN);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(cmd, sizeof cmd, "docker kill '%s' >/dev/null", ctrs[0].name);
	int rc = system(cmd);
	double kill_ms = ms_since(&t0);
	double dead_ms = -1;
	for (int i = 0; i < 200; i++) {
		engine_state(ctrs[0].name, es, sizeof es);
		if (!strncmp(es, "exited", 6)) {
			dead_ms = ms_since(&t0);
			break;
		}
		sleep_ms(10);
	}
	print_message("freezer: frozen %s: docker kill returned %d in %.0f ms; \"%s\" after %.0f ms\n", ctrs[0].name, rc,
		kill_ms, es, dead_ms);
	assert_int_equal(rc, 0);
	assert_string_equal(es, "exited 137");
	assert_true(dead_ms >= 0 && dead_ms < 2000);
	/* its process is gone: not frozen, not there */
	assert_int_equal(cg_freezer_state(f, pid, &e), -1);
	assert_int_equal(e.code, ERR_NOTFOUND);
	cg_freezer_free(f);
}

/* ---- a sandbox that keeps forking ---- */

/* One attempt: the time (ms) until FROZEN, or -1 when it was still not
 * after limit_ms (*last gets the last state). rewrite: cg_contain (the
 * freeze written again while FREEZING, thawed when it does not complete),
 * else written once and polled. */
static double freeze_fork(struct cg_freezer *f, int pid, bool rewrite, int limit_ms, int *last)
{
	struct err e;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rewrite) {
		struct cg_ktarget kt[1];
		size_t done = contain(f, CG_KFREEZE, &pid, 1, limit_ms, kt);
		*last = kt[0].state;
		/* never left half-way: frozen, or thawed and said so */
		assert_true(done == 1 ? kt[0].state == CG_FRZ_FROZEN : kt[0].state == CG_FRZ_THAWED);
		assert_true(done == 1 || strstr(kt[0].e.msg, "thawed"));
		return done == 1 ? ms_since(&t0) : -1;
	}
	assert_int_equal(cg_freeze(f, pid, &e), 0);
	while ((*last = cg_freezer_state(f, pid, &e)) == CG_FRZ_FREEZING && ms_since(&t0) < limit_ms)
		sleep_ms(1);
	assert_true(*last >= 0);
	return *last == CG_FRZ_FROZEN ? ms_since(&t0) : -1;
}

static void test_freeze_forking(void **state)
{
	(void)state;
	containers("SANDTOP_TEST_FREEZE_FORK");
	int pid = ctr_pids[0];
	struct err e;
	struct cg_freezer *f = kopen_freezer(KOPEN_HOST);
	struct st_cgroups *cg = kopen_cgroups(KOPEN_HOST);
	int tries = getenv("SANDTOP_TEST_FREEZE_TRIES") ? atoi(getenv("SANDTOP_TEST_FREEZE_TRIES")) : 5;
	for (int mode = 0; mode < 2; mode++) {
		int frozen = 0;
		double worst = 0, best = 1e9;
		for (int t = 0; t < tries; t++) {
			int last;
			double ms = freeze_fork(f, pid, mode == 1, 1000, &last);
			double lo, hi;
			cpu_over(cg, &pid, 1, 300, &lo, &hi);
			/* honest: FROZEN means no CPU at all */
			if (ms >= 0) {
				frozen++;
				worst = ms > worst ? ms : worst;
				best = ms < best ? ms : best;
				assert_true(hi < 0.001);
			}
			print_message("freezer: forking, %s: %s after %.1f ms; CPU in the next 300 ms %.1f ms\n",
				mode ? "cg_contain (rewrites)" : "written once", state_word(last), ms >= 0 ? ms : 1000.0, hi);
			assert_int_equal(cg_thaw(f, pid, &e), 0);
			sleep_ms(200);
		}
		print_message("freezer: forking, %s: FROZEN %d of %d times (%.1f..%.1f ms)\n",
			mode ? "cg_contain" : "written once", frozen, tries, frozen ? best : 0, worst);
	}
	assert_int_equal(cg_freezer_state(f, pid, &e), CG_FRZ_THAWED);
	st_cgroups_free(cg);
	cg_freezer_free(f);
}

/* ---- the kernel kill ---- */

/* The pids of the container whose init is pid (its freezer cgroup's procs). */
static size_t tasks_of(struct st_cgroups *cg, int pid, int *out, size_t max)
{
	struct err e;
	char *d = st_cgroup_dir(cg, pid, "freezer", &e);
	if (!d)
		d = st_cgroup_dir(cg, pid, NULL, &e);
	assert_non_null(d);
	char *path = xasprintf("%s/cgroup.procs", d);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	size_t n = 0;
	int p;
	while (n < max && fscanf(fp, "%d", &p) == 1)
		out[n++] = p;
	fclose(fp);
	free(path);
	free(d);
	return n;
}

static void test_kernel_kill(void **state)
{
	(void)state;
	struct cg_ktarget kt[MAXC];
	size_t n = containers("SANDTOP_TEST_KILL");
	struct cg_freezer *f = kopen_freezer(KOPEN_HOST);
	struct st_cgroups *cg = kopen_cgroups(KOPEN_HOST);
	static int before[MAXC][256];
	size_t nb[MAXC], total = 0;
	for (size_t i = 0; i < n; i++) {
		nb[i] = tasks_of(cg, ctr_pids[i], before[i], 256);
		total += nb[i];
		assert_true(nb[i] >= 2); /* the init and its busy children */
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t done = contain(f, CG_KKILL, ctr_pids, n, 0, kt);
	double took = ms_since(&t0);
	print_message("freezer: kernel kill of %zu containers (%zu tasks): %zu done in %.2f ms\n", n, total, done, took);
	assert_int_equal(done, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(kt[i].res, CG_K_DONE);
		assert_int_equal(kt[i].tasks, (int)nb[i]);
		/* every task that was there is dead: gone, or a zombie waiting for
		 * its reaper (one that left its cgroup may still be finishing its
		 * exit in the kernel for a moment: it runs no code of its own) */
		for (size_t j = 0; j < nb[i]; j++) {
			char path[64], buf[512];
			snprintf(path, sizeof path, "/proc/%d/stat", before[i][j]);
			bool dead = false;
			for (int k = 0; k < 100 && !dead; k++) {
				FILE *fp = fopen(path, "r");
				buf[0] = '\0';
				if (fp) {
					if (!fgets(buf, sizeof buf, fp))
						buf[0] = '\0';
					fclose(fp);
				}
				char *cl = strrchr(buf, ')');
				dead = !fp || (cl && (cl[2] == 'Z' || cl[2] == 'X'));
				if (!dead)
					sleep_ms(1);
			}
			assert_true(dead);
		}
	}
	assert_true(took < CG_KKILL_MS + SLACK_MS); /* its bound; the speed is bench/killswitch's */
	/* the engine sees them die (exit 137) by itself */
	for (size_t i = 0; i < n; i++) {
		char es[64] = "";
		for (int k = 0; k < 200; k++) {
			engine_state(ctrs[i].name, es, sizeof es);
			if (!strncmp(es, "exited", 6))
				break;
			sleep_ms(10);
		}
		assert_string_equal(es, "exited 137");
	}
	st_cgroups_free(cg);
	cg_freezer_free(f);
}

/* A pid the engine may claim but that is not in the container's cgroup is
 * refused, and nothing is written. */
static void test_refused(void **state)
{
	(void)state;
	struct cg_ktarget kt[3];
	containers("SANDTOP_TEST_FREEZE");
	struct err e;
	struct cg_freezer *f = kopen_freezer(KOPEN_HOST);
	int wrong[3] = {(int)getpid(), 1, ctr_pids[0]};
	memset(kt, 0, sizeof kt);
	kt[0].id = ctrs[0].id;
	kt[0].pid = wrong[0];   /* this process: not the container's */
	kt[1].id = ctrs[0].id;
	kt[1].pid = wrong[1];   /* init: the root cgroup */
	kt[2].id = "not-an-id";
	kt[2].pid = wrong[2];
	assert_int_equal(cg_contain(f, CG_KKILL, 0, kt, 3, 0), 0);
	assert_int_equal(kt[0].res, CG_K_REFUSED);
	assert_non_null(strstr(kt[0].e.msg, "not touched"));
	assert_int_equal(kt[1].res, CG_K_REFUSED);
	assert_int_equal(kt[2].res, CG_K_FAILED);
	print_message("freezer: refused: %s\n", kt[0].e.msg);
	/* the container named is untouched */
	assert_int_equal(cg_freezer_state(f, ctr_pids[0], &e), CG_FRZ_THAWED);
	char es[64];
	engine_state(ctrs[0].name, es, sizeof es);
	assert_string_equal(es, "running 0");
	cg_freezer_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freeze_busy),
		cmocka_unit_test(test_freeze_busy_v2),
		cmocka_unit_test(test_freeze_then_kill),
		cmocka_unit_test(test_freeze_forking),
		cmocka_unit_test(test_kernel_kill),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests_name("freezer_engine", tests, NULL, NULL);
}
