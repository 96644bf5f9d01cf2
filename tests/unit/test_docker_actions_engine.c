/* test_docker_actions_engine: the action and evidence calls on the real engine, checked with the docker CLI.
 * Skips unless /var/run/docker.sock answers and the containers are named:
 * SANDTOP_TEST_ACT=P for the busybox containers tests/integration/t_actions.sh
 * starts (P-run, P-term, P-keep, P-net on network P-unet, P-dead), and
 * SANDTOP_TEST_CONTAINER for a running reference sandbox (read-only root,
 * tmpfs /tmp). Images it commits are named P-img / SANDBOX-img (removed by
 * the script). Every state is checked with `docker inspect`, not with the
 * client under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/engine.h"
#include "tests/unit/helper/engine_case.h"
#include "tests/unit/helper/text.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "tests/unit/helper/call.h"

static bool safe_name(const char *s)
{
	return s && *s && strlen(s) < 100 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(s);
}

static const char *state_of(const char *name)
{
	return engine_sh1("docker inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.ExitCode}}' %s 2>&1", name);
}

/* SANDTOP_TEST_ACT's container P-suffix; the test skips without it. */
static const char *mini(const char *suffix)
{
	static char name[128];
	const char *p = engine_var("SANDTOP_TEST_ACT");
	if (!p)
		skip();
	assert_true(safe_name(p));
	snprintf(name, sizeof name, "%s-%s", p, suffix);
	return name;
}

/* SANDTOP_TEST_CONTAINER, the reference sandbox; the test skips without it. */
static const char *sandbox(void)
{
	const char *s = engine_var("SANDTOP_TEST_CONTAINER");
	if (!s)
		skip();
	assert_true(safe_name(s));
	return s;
}

/* What a test works with: the container n, a client of the engine, and
 * one call's result r, printed as it comes (the engine's own words). */
struct act {
	char n[128];
	struct dk_client *c;
	struct call r;
};

/* A new act on the container name; act_done frees it. */
static struct act *act_open(const char *name)
{
	struct act *a = xcalloc(1, sizeof *a);
	snprintf(a->n, sizeof a->n, "%s", name);
	a->c = engine_client();
	call_init(&a->r, 1, 256u << 20);
	a->r.verbose = true;
	return a;
}

static void act_done(struct act *a)
{
	call_free(&a->r, 1);
	dk_client_free(a->c);
	free(a);
}

/* Run until the one call in flight reports (its result in a->r). */
static void run(struct act *a, int ms)
{
	a->r.calls = 0;
	assert_int_equal(dk_client_run(a->c, ms), 0);
	assert_int_equal(a->r.calls, 1);
}

/* The call in r failed (rc -1) with code, its message holding has (NULL:
 * not asked). */
static void assert_failed(const struct call *r, int code, const char *has)
{
	assert_int_equal(r->rc, -1);
	assert_int_equal(r->e.code, code);
	if (has && !strstr(r->e.msg, has))
		fail_msg("no '%s' in '%s'", has, r->e.msg);
}

/* Start the call expr (on a->c, reporting to &a->r), said first, and run it. */
#define CALL(a, ms, expr) \
	do { \
		print_message("  %s\n", #expr); \
		expr; \
		run((a), (ms)); \
	} while (0)

/* ---- busybox containers ---- */

enum op { OP_PAUSE, OP_UNPAUSE, OP_STOP, OP_RESTART, OP_KILL, OP_REMOVE, OP_LOGS, OP_INSPECT, OP_COMMIT, OP_ARCHIVE };

/* One call on a container and what the engine's answer becomes: rc, the
 * code of a failure, the message exactly (is) or in part (has); and the
 * container's state after, as `docker inspect` says (NULL: not asked). */
struct op_case {
	enum op op;
	int rc, code;
	const char *is, *has, *state;
};

static void start_op(struct dk_client *c, enum op op, const char *n, struct call *r)
{
	switch (op) {
	case OP_PAUSE: dk_pause(c, n, call_on_done, r); break;
	case OP_UNPAUSE: dk_unpause(c, n, call_on_done, r); break;
	case OP_STOP: dk_stop(c, n, 1, call_on_done, r); break;
	case OP_RESTART: dk_restart(c, n, 1, call_on_done, r); break;
	case OP_KILL: dk_kill(c, n, NULL, call_on_done, r); break;
	case OP_REMOVE: dk_remove(c, n, true, call_on_done, r); break;
	case OP_LOGS: dk_logs(c, n, 100, call_on_data, r); break;
	case OP_INSPECT: dk_inspect_raw(c, n, call_on_raw, r); break;
	case OP_COMMIT: dk_commit(c, n, "act-never", "t", NULL, NULL, true, call_on_text, r); break;
	case OP_ARCHIVE: dk_archive_exec(c, n, "/tmp", 1000, call_on_tar, r); break;
	}
}

/* Each call of k[0..nk) on a's container in turn, checked. */
static void run_ops(struct act *a, const struct op_case *k, size_t nk)
{
	const struct call *r = &a->r;
	for (size_t i = 0; i < nk; i++, k++) {
		print_message("  op %d on %s\n", (int)k->op, a->n);
		buf_reset(&a->r.data);
		start_op(a->c, k->op, a->n, &a->r);
		run(a, 20000);
		if (r->rc != k->rc || (k->rc < 0 && r->e.code != k->code))
			fail_msg("op %d: rc %d code %d (%s), want rc %d code %d", (int)k->op, r->rc, (int)r->e.code, r->e.msg,
			         k->rc, k->code);
		if (k->is && strcmp(r->e.msg, k->is) != 0)
			fail_msg("op %d: message '%s', want '%s'", (int)k->op, r->e.msg, k->is);
		if (k->has && !strstr(r->e.msg, k->has))
			fail_msg("op %d: no '%s' in '%s'", (int)k->op, k->has, r->e.msg);
		text_assert_printable(r->e.msg);
		if (k->state)
			assert_string_equal(state_of(a->n), k->state);
	}
}

/* pause -> paused; again -> 409; unpause; again -> conflict; restart; kill
 * SIGKILL while paused -> the engine unpauses, exit 137. */
static void test_pause_unpause_kill_paused(void **state)
{
	(void)state;
	struct act *a = act_open(mini("run"));
	static const struct op_case ops[] = {
		{OP_PAUSE, 0, 0, NULL, NULL, "paused true 0"},
		/* the engine's 409 "already paused" is the goal reached */
		{OP_PAUSE, 0, 0, "already paused", NULL, "paused true 0"},
		{OP_UNPAUSE, 0, 0, NULL, NULL, "running false 0"},
		{OP_UNPAUSE, -1, ERR_CONFLICT, NULL, "is not paused", "running false 0"},
		{OP_RESTART, 0, 0, NULL, NULL, "running false 0"},
		{OP_PAUSE, 0, 0, NULL, NULL, "paused true 0"},
	};
	run_ops(a, ops, sizeof ops / sizeof *ops);
	int64_t t0 = clock_mono_ms();
	CALL(a, 10000, dk_kill(a->c, a->n, "SIGKILL", call_on_done, &a->r));
	assert_int_equal(a->r.rc, 0);
	for (int i = 0; i < 50 && strcmp(state_of(a->n), "exited false 137"); i++)
		usleep(100000);
	print_message("  killed while paused: exited in %lld ms\n", (long long)(clock_mono_ms() - t0));
	assert_string_equal(state_of(a->n), "exited false 137");
	act_done(a);
}

/* stop t=1 of a process that ignores SIGTERM: the engine kills it after 1 s. */
static void test_stop_escalates(void **state)
{
	(void)state;
	struct act *a = act_open(mini("term"));
	assert_string_equal(state_of(a->n), "running false 0");
	int64_t t0 = clock_mono_ms();
	CALL(a, 20000, dk_stop(a->c, a->n, 1, call_on_done, &a->r));
	int64_t took = clock_mono_ms() - t0;
	print_message("  stop t=1 took %lld ms\n", (long long)took);
	assert_int_equal(a->r.rc, 0);
	assert_true(took >= 900 && took < 3500);
	assert_string_equal(state_of(a->n), "exited false 137");
	/* and now it goes */
	CALL(a, 10000, dk_remove(a->c, a->n, false, call_on_done, &a->r));
	assert_int_equal(a->r.rc, 0);
	assert_string_equal(engine_sh1("docker inspect %s >/dev/null 2>&1; echo $?", a->n), "1");
	act_done(a);
}

/* The start of the line that holds p (within the text from start). */
static const char *line_of(const char *start, const char *p)
{
	while (p > start && p[-1] != '\n')
		p--;
	return p;
}

/* remove of a running container without force: 409, and it still runs;
 * kill with a harmless signal; the logs, demultiplexed. */
static void test_remove_running_and_logs(void **state)
{
	(void)state;
	struct act *a = act_open(mini("keep"));
	struct call *r = &a->r;
	CALL(a, 10000, dk_remove(a->c, a->n, false, call_on_done, r));
	assert_failed(r, ERR_CONFLICT, "cannot remove a running container");
	assert_string_equal(state_of(a->n), "running false 0");
	CALL(a, 10000, dk_kill(a->c, a->n, "hup", call_on_done, r));
	assert_int_equal(r->rc, 0);
	CALL(a, 10000, dk_logs(a->c, a->n, 1u << 20, call_on_data, r));
	assert_int_equal(r->rc, 0);
	assert_false(r->truncated);
	print_message("  logs: %.*s", (int)r->data.len, r->data.data);
	/* "stdout 2026-...Z out-marker\n", "stderr 2026-...Z err-marker\n" */
	assert_true(r->data.len > 0 && !strncmp(r->data.data, "std", 3));
	const char *o = strstr(r->data.data, "Z out-marker\n");
	const char *e = strstr(r->data.data, "Z err-marker\n");
	assert_non_null(o);
	assert_non_null(e);
	assert_memory_equal(line_of(r->data.data, o), "stdout 20", 9);
	assert_memory_equal(line_of(r->data.data, e), "stderr 20", 9);
	/* capped: the newest line only */
	size_t whole = r->data.len;
	buf_reset(&r->data);
	CALL(a, 10000, dk_logs(a->c, a->n, whole - 5, call_on_data, r));
	assert_true(r->truncated);
	assert_true(r->data.len < whole - 5);
	assert_true(!strncmp(r->data.data, "stdout ", 7) || !strncmp(r->data.data, "stderr ", 7));
	/* no tar in this image: the engine's exec error comes back as the reason */
	buf_reset(&r->data);
	CALL(a, 20000, dk_archive_exec(a->c, a->n, "/tmp", 1u << 20, call_on_tar, r));
	assert_failed(r, ERR_BADREQ, "no tar archive");
	assert_non_null(strstr(r->e.msg, "exec"));
	act_done(a);
}

static void test_network_disconnect(void **state)
{
	(void)state;
	struct act *a = act_open(mini("net"));
	struct call *r = &a->r;
	char net[128];
	snprintf(net, sizeof net, "%s-unet", getenv("SANDTOP_TEST_ACT"));
	assert_non_null(strstr(engine_sh1("docker inspect -f '{{json .NetworkSettings.Networks}}' %s", a->n), net));
	CALL(a, 10000, dk_network_disconnect(a->c, net, a->n, false, call_on_done, r));
	assert_int_equal(r->rc, 0);
	assert_null(strstr(engine_sh1("docker inspect -f '{{json .NetworkSettings.Networks}}' %s", a->n), net));
	assert_string_equal(state_of(a->n), "running false 0");
	CALL(a, 10000, dk_network_disconnect(a->c, net, a->n, true, call_on_done, r));
	assert_failed(r, ERR_CONFLICT, "is not connected");
	/* a network that does not exist (the name escaped and back): 404; with
	 * force the engine does not look the network up and says the container
	 * is not on it */
	CALL(a, 10000, dk_network_disconnect(a->c, "act-no such/net?", a->n, false, call_on_done, r));
	assert_failed(r, ERR_NOTFOUND, "network act-no such/net? not found");
	CALL(a, 10000, dk_network_disconnect(a->c, "act-no such/net?", a->n, true, call_on_done, r));
	assert_failed(r, ERR_CONFLICT, NULL);
	act_done(a);
}

/* An exited container: stop is a no-op (304), kill, pause, unpause and an
 * archive conflict. */
static void test_stopped(void **state)
{
	(void)state;
	struct act *a = act_open(mini("dead"));
	static const struct op_case ops[] = {
		{OP_STOP, 0, 0, "already stopped", NULL, NULL},
		{OP_KILL, -1, ERR_CONFLICT, NULL, "is not running", NULL},
		{OP_PAUSE, -1, ERR_CONFLICT, NULL, NULL, NULL},
		{OP_UNPAUSE, -1, ERR_CONFLICT, NULL, NULL, NULL},
		{OP_ARCHIVE, -1, ERR_CONFLICT, NULL, NULL, NULL},
	};
	assert_true(!strncmp(state_of(a->n), "exited ", 7));
	run_ops(a, ops, sizeof ops / sizeof *ops);
	act_done(a);
}

/* A container that is not there: every call says so. */
static void test_vanished(void **state)
{
	(void)state;
	mini("x"); /* (skips without the containers) */
	char gone[128];
	snprintf(gone, sizeof gone, "act-vanished-%d", (int)getpid());
	static const struct op_case ops[] = {
		{OP_PAUSE, -1, ERR_NOTFOUND, NULL, "No such container", NULL},
		{OP_STOP, -1, ERR_NOTFOUND, NULL, NULL, NULL},
		{OP_KILL, -1, ERR_NOTFOUND, NULL, NULL, NULL},
		{OP_REMOVE, -1, ERR_NOTFOUND, NULL, NULL, NULL},
		{OP_LOGS, -1, ERR_NOTFOUND, NULL, NULL, NULL},
		{OP_INSPECT, -1, ERR_NOTFOUND, NULL, NULL, NULL},
		{OP_COMMIT, -1, ERR_NOTFOUND, NULL, NULL, NULL},
		{OP_ARCHIVE, -1, ERR_NOTFOUND, NULL, NULL, NULL},
	};
	struct act *a = act_open(gone);
	run_ops(a, ops, sizeof ops / sizeof *ops);
	act_done(a);
}

/* ---- the reference sandbox: evidence ---- */

/* The content of entry name in the tar t (n bytes), or NULL. */
static const char *tar_find(const char *t, size_t n, const char *name, size_t *len)
{
	size_t off = 0;
	while (off + 512 <= n && t[off]) {
		char size[13];
		memcpy(size, t + off + 124, 12);
		size[12] = '\0';
		size_t sz = (size_t)strtoull(size, NULL, 8);
		if (!strncmp(t + off, name, 100) && off + 512 + sz <= n) {
			*len = sz;
			return t + off + 512;
		}
		off += 512 + (sz + 511) / 512 * 512;
	}
	return NULL;
}

/* What the agent wrote on the tmpfs is in the exec archive and not in the
 * committed image; commit labels the image and leaves the sandbox running. */
static void test_snapshot_tmpfs(void **state)
{
	(void)state;
	struct act *a = act_open(sandbox());
	struct call *r = &a->r;
	char marker[64], img[160];
	snprintf(marker, sizeof marker, "evidence-%d", (int)getpid());
	snprintf(img, sizeof img, "%s-img", a->n);
	engine_sh1("docker exec %s sh -c 'echo %s > /tmp/act-evidence.txt' 2>&1", a->n, marker);
	assert_string_equal(engine_sh1("docker exec %s cat /tmp/act-evidence.txt 2>&1", a->n), marker);
	CALL(a, 60000, dk_archive_exec(a->c, a->n, "/tmp", 64u << 20, call_on_tar, r));
	assert_int_equal(r->rc, 0);
	assert_false(r->truncated);
	print_message("  archive of /tmp: %zu bytes, note \"%s\"\n", r->data.len, r->e.msg);
	size_t len = 0;
	const char *f = tar_find(r->data.data, r->data.len, "./act-evidence.txt", &len);
	assert_non_null(f);
	assert_int_equal(len, strlen(marker) + 1);
	assert_memory_equal(f, marker, strlen(marker));
	assert_null(strstr(r->e.msg, "unknown")); /* tar's exit status was read */
	const char *labels[] = {"sandtop.snapshot=1", "sandtop.reason=act test", NULL};
	CALL(a, 120000, dk_commit(a->c, a->n, img, "t1", labels, "sandtop test snapshot", true, call_on_text, r));
	assert_int_equal(r->rc, 0);
	print_message("  committed %s\n", r->text);
	assert_string_equal(engine_sh1("docker image inspect -f '{{.Id}}' %s:t1", img), r->text);
	assert_string_equal(engine_sh1("docker image inspect -f '{{index .Config.Labels \"sandtop.snapshot\"}} "
	                        "{{index .Config.Labels \"sandtop.reason\"}} {{.Comment}}' %s:t1", img),
	                    "1 act test sandtop test snapshot");
	/* the container's own labels are kept too */
	assert_string_equal(engine_sh1("docker image inspect -f '{{index .Config.Labels \"sandtop.sandbox\"}}' %s:t1", img),
	                    "1");
	assert_string_equal(state_of(a->n), "running false 0");
	/* the image holds the underlying /tmp: empty, no marker */
	assert_string_equal(engine_sh1("docker run --rm --name %s-ls --network none --entrypoint /bin/ls %s:t1 -A /tmp 2>&1 "
	                        "| tr '\\n' ' '", a->n, img), "");
	act_done(a);
}

static void test_archive_edges(void **state)
{
	(void)state;
	struct act *a = act_open(sandbox());
	struct call *r = &a->r;
	/* unreadable files: a tar still, and tar's complaint as the note */
	CALL(a, 60000, dk_archive_exec(a->c, a->n, "/etc", 64u << 20, call_on_tar, r));
	assert_int_equal(r->rc, 0);
	assert_non_null(strstr(r->e.msg, "tar exited 2"));
	assert_non_null(strstr(r->e.msg, "Permission denied"));
	/* no such directory: no tar, tar's stderr says why */
	buf_reset(&r->data);
	CALL(a, 60000, dk_archive_exec(a->c, a->n, "/nonexistent", 1u << 20, call_on_tar, r));
	assert_failed(r, ERR_BADREQ, "nonexistent");
	/* cut: the tar process does not linger */
	buf_reset(&r->data);
	CALL(a, 60000, dk_archive_exec(a->c, a->n, "/usr", 100000, call_on_tar, r));
	assert_int_equal(r->rc, 0);
	assert_true(r->truncated);
	assert_int_equal(r->data.len, 100000);
	assert_memory_equal(r->data.data + 257, "ustar", 5);
	/* (docker top itself works: it sees x11vnc) */
	assert_string_equal(engine_sh1("docker top %s -eo pid,args 2>&1 | grep -q ' x11vnc ' && echo seen", a->n), "seen");
	bool gone = false;
	for (int i = 0; i < 50 && !gone; i++) {
		gone = !strcmp(engine_sh1("docker top %s -eo pid,args 2>&1 | grep -c ' tar -C /usr '", a->n), "0");
		if (!gone)
			usleep(100000);
	}
	assert_true(gone);
	/* paused: exec is refused */
	CALL(a, 10000, dk_pause(a->c, a->n, call_on_done, r));
	assert_int_equal(r->rc, 0);
	CALL(a, 20000, dk_archive_exec(a->c, a->n, "/tmp", 1000, call_on_tar, r));
	assert_failed(r, ERR_CONFLICT, "paused");
	CALL(a, 10000, dk_unpause(a->c, a->n, call_on_done, r));
	assert_int_equal(r->rc, 0);
	/* the raw inspect body and the logs */
	buf_reset(&r->data);
	CALL(a, 10000, dk_inspect_raw(a->c, a->n, call_on_raw, r));
	assert_int_equal(r->rc, 0);
	assert_true(r->data.len > 1000 && r->data.data[0] == '{');
	assert_non_null(strstr(r->data.data, "\"ReadonlyRootfs\":true"));
	buf_reset(&r->data);
	CALL(a, 20000, dk_logs(a->c, a->n, 1u << 20, call_on_data, r));
	assert_int_equal(r->rc, 0);
	assert_non_null(strstr(r->data.data, "x11vnc"));
	assert_true(!strncmp(r->data.data, "stdout ", 7) || !strncmp(r->data.data, "stderr ", 7));
	act_done(a);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pause_unpause_kill_paused),
		cmocka_unit_test(test_stop_escalates),
		cmocka_unit_test(test_remove_running_and_logs),
		cmocka_unit_test(test_network_disconnect),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_vanished),
		cmocka_unit_test(test_snapshot_tmpfs),
		cmocka_unit_test(test_archive_edges),
	};
	return cmocka_run_group_tests_name("docker_actions_engine", tests, NULL, NULL);
}
