/* test_journal_queue: the journal never refuses or delays: a torn line repaired, a damaged log kept as evidence, a held lock queues, drain and close print what is left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/journal_fx.h"
#include "tests/unit/helper/json_get.h"

/* ---- a torn last line --------------------------------------------------- */

static void test_torn_line_repaired(void **state)
{
	struct fx *f = *state;
	struct journal *a = jfx_open(f->log);
	jfx_submit_ok(a, "one", 11);
	jfx_submit_ok(a, "two", 12);
	journal_close(a);
	size_t n0;
	char *before = files_read(f->log, &n0);
	/* an interrupted append: the start of a record, and the zeros a crash
	 * can leave in a block that was allocated but never written */
	static const char frag[] = "{\"seq\":3,\"ts\":\"2030-01-01T00:00:00.000000000Z\",\"op\":13,\"pha\0\0\0";
	jfx_append(f->log, frag, sizeof frag - 1);
	jfx_assert_verify(f->log, "line 3: not a complete record (truncated mid-line)\nFAILED: 1 problem in 3 lines\n");

	a = jfx_open(f->log); /* was: refused ("ends in an incomplete record") */
	assert_null(journal_problem(a));
	assert_int_equal(journal_last_seq(a), 3);
	jfx_submit_ok(a, "three", 14);
	journal_close(a);
	jfx_assert_intact(f->log, 4);

	jfx_assert_kept(f->log, before, n0, true); /* every complete record is still there, byte for byte */
	/* the side file holds exactly the fragment, 0600 */
	char *dir = xasprintf("%s/state", f->dir), *side = NULL;
	assert_int_equal(jfx_side_files(dir, "audit.log.torn-", &side), 1);
	char *sp = xasprintf("%s/%s", dir, side);
	size_t ns;
	char *kept = files_read(sp, &ns);
	assert_int_equal(ns, sizeof frag - 1);
	assert_memory_equal(kept, frag, ns);
	struct stat st;
	assert_int_equal(stat(sp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the repair is the first record after the cut: length, sha256, side file */
	unsigned char md[32];
	unsigned mdlen;
	assert_int_equal(EVP_Digest(frag, sizeof frag - 1, md, &mdlen, EVP_sha256(), NULL), 1);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	char want[512];
	snprintf(want, sizeof want, "torn last line cut off: %zu bytes, sha256 %s, kept in %s", sizeof frag - 1, hex,
		 side);
	cJSON *j = jfx_line_json(f->log, 3);
	assert_string_equal(tj_str(j, "action"), "log_repair");
	assert_string_equal(tj_str(j, "phase"), "event");
	assert_string_equal(tj_str(j, "detail"), want);
	assert_int_equal(tj_num(j, "seq"), 3);
	cJSON_Delete(j);
	jfx_assert_line_str(f->log, 4, "reason", "three");

	/* a torn line after records that were cut off is not a tear: refused, untouched */
	struct stat s0;
	assert_int_equal(stat(f->log, &s0), 0);
	assert_int_equal(truncate(f->log, s0.st_size - 30), 0);
	jfx_assert_refused(f->log, JOURNAL_E_CHAIN, "ends at seq 3 and an incomplete record but its head file says 4 (truncated)");
	assert_int_equal(jfx_side_files(dir, "audit.log.torn-", NULL), 1);
	free(kept);
	free(sp);
	free(side);
	free(dir);
	free(before);
}

/* A last record longer than the first window read at the end (64 KiB):
 * the chain is still taken up, and a tear after it repaired. */
static void test_big_last_record(void **state)
{
	struct fx *f = *state;
	enum { NT = 3000 }; /* about 300 KB */
	struct journal_target *t = xcalloc(NT, sizeof *t);
	struct journal_rec r = jfx_rec("big", 1, t, NT);
	struct journal *a = journal_open_lazy(f->log);
	jfx_submit_ok(a, "small", 1);
	struct err e;
	assert_int_equal(journal_submit(a, &r, &e), 0);
	journal_close(a);
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	assert_true(st.st_size > 256 * 1024);
	a = jfx_open(f->log);
	assert_int_equal(journal_last_seq(a), 2);
	journal_close(a);
	jfx_append(f->log, "{\"seq\":3,", 9);
	a = jfx_open(f->log);
	assert_int_equal(journal_last_seq(a), 3); /* the repair record */
	journal_close(a);
	jfx_assert_intact(f->log, 3);
	free(t);
}

/* ---- a damaged log is never mended by sandtop ---------------------------- */

static void test_damaged_stays_queued(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct journal *a = jfx_open(f->log);
	jfx_submit_ok(a, "one", 1);
	jfx_submit_ok(a, "two", 2);
	journal_close(a);
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(truncate(f->log, st.st_size / 2 + 1), 0); /* the second record cut off but for a byte */
	size_t n0;
	char *before = files_read(f->log, &n0);

	a = journal_open_lazy(f->log);
	assert_non_null(a);
	assert_non_null(journal_problem(a));
	assert_non_null(strstr(journal_problem(a), "journal damaged: the log ends at seq 1 and an incomplete "
				"record but its head file says 2 (truncated) (sandtop journal verify)"));
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("after", 3, t, 1);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	assert_int_equal(e.code, JOURNAL_E_CHAIN);
	assert_int_equal(journal_queued(a), 1);
	assert_int_equal(journal_flush(a, &e), 1);
	jfx_assert_kept(f->log, before, n0, false);
	char *dir = xasprintf("%s/state", f->dir);
	assert_int_equal(jfx_side_files(dir, "audit.log.torn-", NULL), 0);

	/* the operator moves the evidence aside: a new log takes the record */
	char *aside = xasprintf("%s/evidence.log", dir), *ahead = xasprintf("%s/evidence.log.head", dir);
	assert_int_equal(rename(f->log, aside), 0);
	assert_int_equal(rename(f->head, ahead), 0);
	usleep(1100 * 1000); /* a damaged log is looked at again once a second */
	jfx_assert_flushed(a);
	journal_close(a);
	jfx_assert_intact(f->log, 1);
	cJSON *j = jfx_line_json(f->log, 1);
	assert_string_equal(tj_str(j, "reason"), "after");
	assert_non_null(cJSON_GetObjectItem(j, "written")); /* it waited */
	cJSON_Delete(j);
	free(aside);
	free(ahead);
	free(dir);
	free(before);
}

/* The log deleted under an open handle: what it wrote would go nowhere;
 * the path is opened again and the orphaned head shows the loss. */
static void test_log_deleted(void **state)
{
	struct fx *f = *state;
	struct journal *a = journal_open_lazy(f->log);
	jfx_submit_ok(a, "one", 1);
	assert_int_equal(unlink(f->log), 0);
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("two", 2, t, 1);
	struct err e;
	assert_int_equal(journal_submit(a, &r, &e), 1);
	assert_string_equal(journal_problem(a), "journal damaged: the log ends at seq 0 but its head file says 1 "
			    "(truncated) (sandtop journal verify)");
	size_t n;
	char *d = files_read(f->log, &n);
	assert_int_equal(n, 0);
	free(d);
	FILE *null = fopen("/dev/null", "w");
	assert_int_equal(journal_drain(a, 0, null), 1);
	fclose(null);
	journal_close(a);
}

/* ---- a lock held by another process ------------------------------------- */

static void test_lock_held(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct journal *a = journal_open_lazy(f->log), *b = journal_open_lazy(f->log);
	assert_null(journal_problem(a));
	jfx_submit_ok(a, "before", 1);
	/* another open file description of the log: flock's unit */
	int other = open(f->log, O_RDONLY);
	assert_int_equal(flock(other, LOCK_EX), 0);

	double t0 = jfx_now_ms();
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("held-1", 2, t, 1);
	int rc1 = journal_submit(a, &r, &e);
	double t1 = jfx_now_ms();
	assert_int_equal(rc1, 1);
	assert_int_equal(e.code, JOURNAL_E_LOCKED);
	assert_string_equal(e.msg, "journal locked by another process");
	r = jfx_rec("held-2", 3, t, 1);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	print_message("submit with the lock held: %.3f ms\n", t1 - t0);
	assert_true(t1 - t0 < 50);
	assert_int_equal(journal_queued(a), 2);
	assert_string_equal(journal_problem(a), "journal locked by another process");
	assert_int_equal(journal_flush(a, &e), 2);
	/* a handle opened now does not wait either */
	struct journal *c = journal_open_lazy(f->log);
	assert_string_equal(journal_problem(c), "journal locked by another process");
	journal_close(c);

	close(other); /* released */
	jfx_submit_ok(b, "other", 50); /* b gets there first: a's records continue after it */
	r = jfx_rec("after", 4, t, 1);
	assert_int_equal(journal_submit(a, &r, &e), 0); /* never overtakes the queued two */
	assert_int_equal(journal_queued(a), 0);
	assert_null(journal_problem(a));
	journal_close(a);
	journal_close(b);
	jfx_assert_intact(f->log, 5);
	static const char *const order[] = { "before", "other", "held-1", "held-2", "after" };
	for (int k = 1; k <= 5; k++) {
		cJSON *j = jfx_line_json(f->log, k);
		assert_string_equal(tj_str(j, "reason"), order[k - 1]);
		assert_int_equal(tj_num(j, "seq"), k);
		/* the two that waited say when they were written, after their ts */
		cJSON *w = cJSON_GetObjectItem(j, "written");
		assert_int_equal(w != NULL, k == 3 || k == 4);
		if (w)
			assert_true(strcmp(w->valuestring, tj_str(j, "ts")) > 0);
		cJSON_Delete(j);
	}
}

/* A child holds the lock for 150 ms: drain waits for it and writes. */
static void test_drain_waits_then_writes(void **state)
{
	struct fx *f = *state;
	struct journal *a = journal_open_lazy(f->log);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(f->log, O_RDONLY);
		flock(fd, LOCK_EX);
		(void)!write(pfd[1], "x", 1);
		usleep(150 * 1000);
		_exit(0);
	}
	char c;
	assert_int_equal(read(pfd[0], &c, 1), 1);
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("exit", 9, t, 1);
	struct err e;
	assert_int_equal(journal_submit(a, &r, &e), 1);
	double t0 = jfx_now_ms();
	assert_int_equal(journal_drain(a, 2000, stderr), 0);
	double ms = jfx_now_ms() - t0;
	print_message("drain waited %.0f ms for a lock held 150 ms\n", ms);
	assert_true(ms > 50 && ms < 1000);
	int st;
	waitpid(pid, &st, 0);
	close(pfd[0]);
	close(pfd[1]);
	journal_close(a);
	jfx_assert_intact(f->log, 1);
}

/* ---- the rest of the contract ------------------------------------------- */

static void test_close_prints_and_bad_record(void **state)
{
	struct fx *f = *state;
	struct journal *a = journal_open_lazy(f->log);
	struct journal_rec bad = { .action = "kill", .duration_ms = -1 }; /* no phase */
	struct err e;
	assert_int_equal(journal_submit(a, &bad, &e), -1);
	assert_int_equal(e.code, JOURNAL_E_ARG);
	assert_int_equal(journal_queued(a), 0);
	assert_null(journal_open_lazy(NULL));
	assert_int_equal(journal_flush(NULL, &e), 0);

	/* closed with a record still waiting: it goes to standard error */
	int other = open(f->log, O_RDONLY);
	assert_int_equal(flock(other, LOCK_EX), 0);
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("at-close", 5, t, 1);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	char *errf = xasprintf("%s/stderr", f->dir);
	fflush(stderr);
	int saved = dup(2), fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	journal_close(a);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(other);
	size_t n;
	char *d = files_read(errf, &n);
	assert_non_null(strstr(d, "{\"unwritten\":true,"));
	assert_non_null(strstr(d, "\"reason\":\"at-close\""));
	free(d);
	free(errf);
	jfx_assert_intact(f->log, 0);
}

/* The head file cannot be replaced: the record is in the log (0, not
 * queued again), the problem says so, and a flush mends the head. */
static void test_head_stale(void **state)
{
	struct fx *f = *state;
	struct journal *a = journal_open_lazy(f->log);
	jfx_submit_ok(a, "one", 1);
	char *tmp = xasprintf("%s.tmp", f->head);
	assert_int_equal(mkdir(tmp, 0700), 0);
	jfx_submit_ok(a, "two", 2);
	assert_int_equal(journal_queued(a), 0);
	assert_string_equal(journal_problem(a), "record 2 written, but cannot create the head file: File exists");
	jfx_assert_verify(f->log, "the log goes on to seq 2 past the head's seq 1 (an interrupted write, or records added)\n"
		      "FAILED: 1 problem in 2 lines\n");
	assert_int_equal(rmdir(tmp), 0);
	jfx_assert_flushed(a);
	jfx_assert_intact(f->log, 2);
	journal_close(a);
	free(tmp);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, jfx_setup, jfx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_torn_line_repaired),
		T(test_big_last_record),
		T(test_damaged_stays_queued),
		T(test_log_deleted),
		T(test_lock_held),
		T(test_drain_waits_then_writes),
		T(test_close_prints_and_bad_record),
		T(test_head_stale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
