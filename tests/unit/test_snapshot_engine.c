/* test_snapshot_engine: the snapshot state machine on a real reference sandbox: cut short at each stage it still resumes the sandbox and writes its manifest and audit result; the caller's stats history becomes stats.csv.
 * Skips unless /var/run/docker.sock answers and SANDTOP_TEST_SNAP names a
 * running reference sandbox (tests/integration/t_snapshot.sh starts one),
 * with SANDTOP_TEST_SNAP_DIR a directory for bundles and the audit log.
 * Uses the docker CLI only to remove the images it commits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine.h"

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
#include "control/audit.h"
#include "control/snap_machine.h"
#include "control/snapshot.h"
#include "docker/docker.h"

struct fx {
	struct dk_client *c;
	struct audit *audit;
	struct dk_container ct;
	char *dir, *log;
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
	f->dir = xstrdup(dir);
	f->log = xasprintf("%s/audit.log", dir);
	f->audit = audit_open(f->log, &e);
	if (!f->c || !f->audit)
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
	audit_close(f->audit);
	dk_client_free(f->c);
	free(f->dir);
	free(f->log);
	free(f);
	return 0;
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

/* Let the orphan's last answers come, then check the sandbox runs. */
static void wind_down(struct fx *f)
{
	dk_client_run(f->c, 60000);
	inspect(f);
	assert_string_equal(f->ct.state, "running");
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
	struct fx *f = *state;
	if (!f)
		skip();
	int results = count_in_log(f->log, "\"phase\":\"result\"");
	struct snap *s = start(f, NULL);
	snap_free(s); /* before the first answer: no bundle, nothing paused */
	wind_down(f);
	assert_int_equal(count_in_log(f->log, "\"phase\":\"result\""), results + 1);
	assert_true(count_in_log(f->log, "cancelled") >= 1);
}

static void test_cut_in_screenshot(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct snap *s = start(f, NULL);
	for (int i = 0; i < 400 && s->ph != PH_SHOT; i++)
		turn(f, s);
	assert_int_equal(s->ph, PH_SHOT);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", s->res.dir);
	snap_free(s);
	wind_down(f);
	char *m = xasprintf("%s/manifest.json", dir);
	struct stat sb;
	assert_int_equal(stat(m, &sb), 0);
	free(m);
}

static void test_cut_while_paused(void **state)
{
	struct fx *f = *state;
	if (!f)
		skip();
	struct snap *s = start(f, NULL);
	for (int i = 0; i < 2000 && s->ph != PH_BRANCHES; i++)
		turn(f, s);
	assert_int_equal(s->ph, PH_BRANCHES);
	inspect(f);
	assert_string_equal(f->ct.state, "paused");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", s->res.dir);
	snap_free(s); /* the branches' answers still come, then the resume */
	wind_down(f);
	char *m = xasprintf("%s/manifest.json", dir);
	struct stat sb;
	assert_int_equal(stat(m, &sb), 0);
	free(m);
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
	struct fx *f = *state;
	if (!f)
		skip();
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cut_in_plan), T(test_cut_in_screenshot), T(test_cut_while_paused), T(test_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
