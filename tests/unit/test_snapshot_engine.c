/* test_snapshot_engine: the snapshot state machine on a real reference sandbox: cut short at each stage (the agent stopped, frozen, or the stop exec in flight) it still thaws or resumes the sandbox, continues every process it stopped and writes its manifest and audit result; the caller's stats history becomes stats.csv; the kernel stop on real processes: a process calling itself Xvfb is stopped, a forking loop is caught, SIGCONT on frozen tasks keeps them frozen until the thaw.
 * Skips unless /var/run/docker.sock answers and SANDTOP_TEST_SNAP names a
 * running reference sandbox (tests/integration/t_snapshot.sh starts one),
 * with SANDTOP_TEST_SNAP_DIR a directory for bundles and the audit log.
 * Needs root for the kernel path. Uses the docker CLI to start helper
 * processes in the sandbox (docker exec -d) and to remove the images it
 * commits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/engine.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "journal/journal.h"
#include "snapshot/machine.h"
#include "snapshot/snapshot.h"
#include "host/contain.h"
#include "host/agent_stop.h"
#include "docker/docker.h"
#include "host/freezer.h"
#include "host/freezer_internal.h"
#include "host/statfile.h"

struct fx {
	struct dk_client *c;
	struct journal *audit;
	struct dk_container ct;
	const char *dir;   /* SANDTOP_TEST_SNAP_DIR */
	char log[4096];    /* DIR/audit.log */
	struct cg_freezer *frz;
};

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	(void)e;
	struct dk_container *out = ud;
	if (rc == 0) {
		*out = *ct;
		free(ct);
	}
}

/* The sandbox as the engine sees it now (cleared first). */
static void inspect(struct fx *f)
{
	dk_container_clear(&f->ct);
	memset(&f->ct, 0, sizeof f->ct);
	dk_inspect(f->c, getenv("SANDTOP_TEST_SNAP"), on_inspect, &f->ct);
	assert_int_equal(dk_client_run(f->c, 20000), 0);
	assert_true(f->ct.id[0] != '\0');
}

static int setup(void **state)
{
	const char *name = getenv("SANDTOP_TEST_SNAP"), *dir = getenv("SANDTOP_TEST_SNAP_DIR");
	if (!name || !dir || !engine_reachable())
		return 0;
	struct fx *f = xcalloc(1, sizeof *f);
	struct err e = {0};
	f->c = dk_client_new("unix:///var/run/docker.sock", &e);
	f->dir = dir;
	snprintf(f->log, sizeof f->log, "%s/audit.log", dir);
	f->audit = journal_open(f->log, &e);
	f->frz = cg_freezer_open("/proc", "", &e);
	if (!f->c || !f->audit || !f->frz)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	dk_container_clear(&f->ct);
	cg_freezer_free(f->frz);
	journal_close(f->audit);
	dk_client_free(f->c);
	free(f);
	return 0;
}

/* The test's fixture; the test skips without the sandbox. */
static struct fx *fx_or_skip(void **state)
{
	if (!*state)
		skip();
	return *state;
}

/* One turn of the caller's loop. */
static void turn(struct fx *f, struct snap *s)
{
	struct pollfd fds[64];
	int timeout = 50;
	int t = snap_tick(s, clock_mono_ms());
	if (t >= 0 && t < timeout)
		timeout = t;
	size_t n = dk_client_pollfds(f->c, fds, 60, &timeout);
	size_t k = snap_pollfds(s, fds + n, 64 - n);
	if (timeout < 0 || timeout > 50)
		timeout = 50;
	poll(fds, n + k, timeout);
	dk_client_dispatch(f->c, fds, n);
	snap_dispatch(s, fds + n, k);
}

/* Turn s until it is in phase ph (at most max turns); fails unless it gets there. */
static void run_to(struct fx *f, struct snap *s, enum phase ph, int max)
{
	for (int i = 0; i < max && s->ph != ph; i++)
		turn(f, s);
	assert_int_equal(s->ph, ph);
}

static struct snap *start(struct fx *f, const struct snap_opts *extra)
{
	inspect(f);
	struct snap_opts o = {.reason = "engine test", .parent_dir = f->dir, .host_access = true};
	if (extra)
		o = *extra;
	struct err e = {0};
	struct snap *s = snap_start(f->c, f->audit, &f->ct, &o, &e);
	assert_non_null(s);
	return s;
}

/* ---- what the kernel says of the sandbox's processes ---- */

struct states {
	const char *comm;   /* count only these (NULL: all) */
	int all, stopped;   /* 'T' */
	long utime;         /* summed user CPU ticks */
};

static void note_state(void *ud, int pid)
{
	struct states *c = ud;
	char path[64], buf[4097];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (sf_slurp(path, buf, 4096) <= 0)
		return;
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close[1] != ' ')
		return;
	*close = '\0';
	if (c->comm && strcmp(open + 1, c->comm))
		return;
	char *fl[16];
	if (sf_split(close + 2, fl, 13) < 13)
		return;
	c->all++;
	c->stopped += fl[0][0] == 'T';
	c->utime += atol(fl[11]);
}

/* The sandbox's processes (all, or those named comm) as /proc shows them. */
static struct states states_of(struct fx *f, const char *comm)
{
	struct states c = {.comm = comm};
	struct cg_loc cg;
	struct err e;
	assert_int_equal(cg_locate(f->frz, f->ct.id, f->ct.pid, &cg, &e), 0);
	frz_each_task(cg.dir, note_state, &c);
	cg_clear(&cg);
	return c;
}

static int kstate(struct fx *f)
{
	return cg_state_of(f->frz, f->ct.id, f->ct.pid);
}

/* Let the orphan's last answers come, then check the sandbox runs: the
 * engine says so, the kernel has it thawed, and no process of it is
 * stopped (every SIGSTOP was followed by its SIGCONT). */
static void wind_down(struct fx *f)
{
	dk_client_run(f->c, 60000);
	inspect(f);
	assert_string_equal(f->ct.state, "running");
	assert_int_equal(kstate(f), CG_FRZ_THAWED);
	struct states st = states_of(f, NULL);
	assert_true(st.all > 3);
	assert_int_equal(st.stopped, 0);
}

/* Cut s short after its bundle was begun (its directory into dir), wind
 * down: the bundle still gets its manifest. */
static void cut_with_bundle(struct fx *f, struct snap *s, char dir[4096])
{
	snprintf(dir, 4096, "%s", s->res.dir);
	snap_free(s);
	wind_down(f);
	char *m = xasprintf("%s/manifest.json", dir);
	struct stat sb;
	assert_int_equal(stat(m, &sb), 0);
	free(m);
}

/* Run cmd in the sandbox in the background (docker exec -d). */
static void exec_bg(struct fx *f, const char *cmd)
{
	char *c = xasprintf("docker exec -d %s bash -c '%s'", f->ct.name, cmd);
	assert_int_equal(system(c), 0);
	free(c);
}

static int count_in_log(const char *log, const char *needle)
{
	FILE *fp = fopen(log, "r");
	assert_non_null(fp);
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, fp))
		n += strstr(line, needle) != NULL;
	fclose(fp);
	return n;
}

static void rm_image(const struct snap *s)
{
	if (s->res.image_id[0]) {
		char cmd[160];
		snprintf(cmd, sizeof cmd, "docker rmi -f %s >/dev/null 2>&1", s->res.image_id);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", s->res.image_id);
	}
}

static void test_cut_in_plan(void **state)
{
	struct fx *f = fx_or_skip(state);
	int results = count_in_log(f->log, "\"phase\":\"result\"");
	struct snap *s = start(f, NULL);
	snap_free(s); /* before the first answer: no bundle, nothing paused */
	wind_down(f);
	assert_int_equal(count_in_log(f->log, "\"phase\":\"result\""), results + 1);
	assert_true(count_in_log(f->log, "cancelled") >= 1);
}

static void test_cut_in_screenshot(void **state)
{
	struct fx *f = fx_or_skip(state);
	struct snap *s = start(f, NULL);
	run_to(f, s, PH_SHOT, 400);
	/* the agent is stopped while the picture is taken; the servers run */
	assert_true(s->kpath);
	assert_true(s->stop.stopped > 0);
	struct states st = states_of(f, NULL);
	assert_int_equal(st.stopped, (int)s->stop.stopped);
	assert_int_equal(states_of(f, "Xvfb").stopped, 0);
	assert_int_equal(states_of(f, "x11vnc").stopped, 0);
	assert_int_equal(kstate(f), CG_FRZ_THAWED);
	char dir[4096];
	cut_with_bundle(f, s, dir);
}

static void test_cut_while_paused(void **state)
{
	struct fx *f = fx_or_skip(state);
	struct snap *s = start(f, NULL);
	run_to(f, s, PH_BRANCHES, 2000);
	/* frozen by the kernel: the engine does not see it paused */
	inspect(f);
	assert_string_equal(f->ct.state, "running");
	assert_int_equal(kstate(f), CG_FRZ_FROZEN);
	assert_int_equal(s->res.steps[SNAP_STEP_CONTINUE].state, SNAP_OK);
	char dir[4096];
	cut_with_bundle(f, s, dir); /* the branches' answers still come, then the resume */
	/* the image it may have committed: found by its tag */
	const char *slash = strrchr(dir, '/');
	char cmd[600];
	snprintf(cmd, sizeof cmd, "docker rmi -f sandtop-snapshot:%s >/dev/null 2>&1", slash + 1);
	if (system(cmd) != 0)
		fprintf(stderr, "no image to remove\n");
}

/* The TUI's case: the collector's history, and a normal end. */
static void test_history(void **state)
{
	struct fx *f = fx_or_skip(state);
	struct st_view v;
	memset(&v, 0, sizeof v);
	for (int i = 0; i < 5; i++) {
		v.cpu.v[v.cpu.head++] = (float)i;
		v.cpu.n++;
	}
	struct snap_opts o = {.parent_dir = f->dir, .host_access = true, .history = &v, .history_step_ms = 1000,
		.shot_timeout_ms = 1};
	struct snap *s = start(f, &o);
	for (int i = 0; i < 4000 && !snap_done(s); i++)
		turn(f, s);
	assert_true(snap_done(s));
	const struct snap_result *r = snap_result(s);
	assert_string_equal(snap_state_name(r->steps[SNAP_STEP_STATS].state), "ok");
	assert_non_null(strstr(r->steps[SNAP_STEP_STATS].msg, "history"));
	/* 1 ms for the picture: skipped, which is no failure */
	assert_int_equal(r->steps[SNAP_STEP_SCREENSHOT].state, SNAP_SKIPPED);
	assert_true(r->ok);
	char *p = xasprintf("%s/stats.csv", r->dir);
	FILE *fp = fopen(p, "r");
	assert_non_null(fp);
	char line[256];
	assert_non_null(fgets(line, sizeof line, fp));
	assert_non_null(strstr(line, "seconds_before_snapshot"));
	int lines = 0;
	while (fgets(line, sizeof line, fp))
		lines++;
	assert_int_equal(lines, 5);
	fclose(fp);
	free(p);
	rm_image(s);
	snap_free(s);
	inspect(f);
	assert_string_equal(f->ct.state, "running");
}

/* The engine path (as for a remote engine) cut short while its stop exec
 * runs: the answer still comes, and every process it stopped is continued
 * after the unpause. */
static void test_cut_in_stop_exec(void **state)
{
	struct fx *f = fx_or_skip(state);
	struct snap_opts o = {.reason = "engine test", .parent_dir = f->dir, .host_access = false};
	struct snap *s = start(f, &o);
	run_to(f, s, PH_STOP, 400);
	assert_false(s->kpath);
	snap_free(s);
	wind_down(f);
}

/* The kernel stop on real processes: one that calls itself Xvfb (its comm
 * written through /proc/self/comm) is stopped, the real Xvfb and x11vnc
 * are not; a loop that forks all the time is caught within the rounds;
 * SIGCONT to the stopped ones while frozen leaves them frozen (no CPU
 * time) until the thaw, after which they run and none is stopped. */
static void test_kernel_stop(void **state)
{
	struct fx *f = fx_or_skip(state);
	inspect(f);
	exec_bg(f, "printf Xvfb >/proc/$$/comm; while :; do :; done");
	exec_bg(f, "while :; do /bin/true; done");
	usleep(300000);
	struct states fake = states_of(f, "Xvfb");
	assert_int_equal(fake.all, 2);  /* the real one and the impostor */
	struct ag_stop st;
	struct err e = {0};
	assert_int_equal(ag_stop_kernel(f->frz, f->ct.id, f->ct.pid, &st, &e), 0);
	fprintf(stderr, "snapstop: kernel stop: %zu stopped, %zu left running, %d rounds, %lld us\n", st.stopped, st.kept,
	        st.rounds, (long long)st.us);
	assert_int_equal(st.kept, 2);  /* Xvfb and x11vnc, by name and executable */
	assert_int_equal(st.failed, 0);
	assert_false(st.still_forking);
	struct states now = states_of(f, NULL);
	assert_int_equal(now.stopped, (int)st.stopped);
	assert_int_equal(states_of(f, "Xvfb").stopped, 1);  /* the impostor */
	assert_int_equal(states_of(f, "x11vnc").stopped, 0);
	/* freeze, SIGCONT while frozen: they stay put */
	struct cg_ktarget t = {.id = f->ct.id, .pid = f->ct.pid};
	cg_contain(f->frz, CG_KFREEZE, 0, &t, 1, 0);
	assert_int_equal(t.res, CG_K_DONE);
	assert_int_equal(ag_cont_kernel(f->frz, f->ct.id, f->ct.pid, &st, &e), 0);
	assert_int_equal(st.continued, st.stopped);
	long u0 = states_of(f, "Xvfb").utime;
	usleep(300000);
	assert_int_equal(kstate(f), CG_FRZ_FROZEN);
	assert_int_equal(states_of(f, "Xvfb").utime, u0);
	cg_contain(f->frz, CG_KTHAW, 0, &t, 1, 0);
	assert_int_equal(t.res, CG_K_DONE);
	usleep(300000);
	assert_true(states_of(f, "Xvfb").utime > u0);  /* the busy impostor runs again */
	assert_int_equal(states_of(f, NULL).stopped, 0);
	ag_clear(&st);
	char *kill = xasprintf("docker exec %s bash -c 'for p in /proc/[0-9]*; do read -r c <$p/comm; case $c in Xvfb) "
	                       "[ $p/exe -ef /usr/bin/bash ] && kill ${p#/proc/};; esac; done; pkill -f \"/bin/true; done\"'",
	                       f->ct.name);
	assert_int_equal(system(kill), 0);
	free(kill);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cut_in_plan), T(test_cut_in_screenshot), T(test_cut_while_paused), T(test_history),
		T(test_cut_in_stop_exec), T(test_kernel_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
