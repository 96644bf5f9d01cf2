/* test_journal_full: the journal on a real full tmpfs and a read-only bind mount (as root; skipped otherwise): records queue, nothing written is damaged, a flush writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

/* ---- a full disk -------------------------------------------------------- */

static void test_full_disk(void **state)
{
	struct fx *f = *state;
	if (!jfx_mount_tmpfs(f, "64k"))
		skip();
	struct journal *a = journal_open_lazy(f->log);
	assert_null(journal_problem(a));
	enum { NT = 48 }; /* about 5.5 KB a record: more than the slack of any page */
	struct journal_target t[NT];
	struct journal_rec r = jfx_rec("kept", 1, t, NT);
	struct err e;
	for (int i = 0; i < 3; i++)
		assert_int_equal(journal_submit(a, &r, &e), 0);
	size_t n0;
	char *before = files_read(f->log, &n0);
	assert_true(n0 > 3 * 4096);
	char *filler = jfx_fill(f->mnt);

	r = jfx_rec("full-1", 2, t, NT);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	assert_int_equal(e.code, JOURNAL_E_IO);
	assert_string_equal(e.msg, "append failed: No space left on device");
	r = jfx_rec("full-2", 3, t, NT);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	assert_int_equal(journal_queued(a), 2);
	assert_string_equal(journal_problem(a), "append failed: No space left on device");
	jfx_assert_kept(f->log, before, n0, false); /* nothing already written was touched */
	jfx_assert_intact(f->log, 3);

	/* space again: the next flush writes both, in order */
	assert_int_equal(unlink(filler), 0);
	jfx_assert_flushed(a);
	jfx_assert_intact(f->log, 5);
	jfx_assert_line_str(f->log, 4, "reason", "full-1");
	jfx_assert_line_str(f->log, 5, "reason", "full-2");

	/* full again at exit: drain tries for 100 ms, then prints what is left */
	free(filler);
	filler = jfx_fill(f->mnt);
	r = jfx_rec("lost?", 4, t, NT);
	r.phase = "result";
	t[0].result = "ok";
	r.duration_ms = 7;
	assert_int_equal(journal_submit(a, &r, &e), 1);
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	double t0 = jfx_now_ms();
	assert_int_equal(journal_drain(a, 100, fp), 1);
	double ms = jfx_now_ms() - t0;
	fclose(fp);
	assert_true(ms >= 99 && ms < 1000); /* the deadline is kept in whole ms */
	assert_int_equal(journal_queued(a), 0);
	assert_int_equal(strchr(out, '\n') - out + 1, (long)len); /* one line */
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "unwritten")));
	assert_string_equal(tj_str(j, "log"), f->log);
	assert_string_equal(tj_str(j, "problem"), "append failed: No space left on device");
	assert_string_equal(tj_str(j, "action"), "kill");
	assert_string_equal(tj_str(j, "phase"), "result");
	assert_string_equal(tj_str(j, "reason"), "lost?");
	assert_int_equal(tj_num(j, "op"), 4);
	assert_int_equal(tj_num(j, "duration_ms"), 7);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "targets")), NT);
	assert_null(cJSON_GetObjectItem(j, "seq"));
	assert_null(cJSON_GetObjectItem(j, "hash"));
	cJSON_Delete(j);
	free(out);
	journal_close(a);
	jfx_assert_intact(f->log, 5);
	free(filler);
	free(before);
}

/* A torn line on a full disk: it cannot be saved, so nothing is cut; the
 * records wait until it can be. */
static void test_torn_line_full_disk(void **state)
{
	struct fx *f = *state;
	if (!jfx_mount_tmpfs(f, "64k"))
		skip();
	struct err e;
	struct journal *a = jfx_open(f->log);
	jfx_submit_ok(a, "one", 1);
	journal_close(a);
	jfx_append(f->log, "{\"seq\":2,\"ts\"", 13);
	size_t n0;
	char *before = files_read(f->log, &n0);
	char *filler = jfx_fill(f->mnt);

	jfx_assert_refused(f->log, JOURNAL_E_IO, "cannot save the log's torn last line: write failed: No space left on device");
	a = journal_open_lazy(f->log);
	assert_non_null(strstr(journal_problem(a), "cannot save the log's torn last line"));
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("two", 2, t, 1);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	jfx_assert_kept(f->log, before, n0, false);
	assert_int_equal(jfx_side_files(f->mnt, "audit.log.torn-", NULL), 0);

	assert_int_equal(unlink(filler), 0);
	jfx_assert_flushed(a);
	journal_close(a);
	jfx_assert_intact(f->log, 3);
	jfx_assert_line_str(f->log, 2, "action", "log_repair");
	jfx_assert_line_str(f->log, 3, "reason", "two");
	assert_int_equal(jfx_side_files(f->mnt, "audit.log.torn-", NULL), 1);
	free(filler);
	free(before);
}

/* ---- a read-only directory ---------------------------------------------- */

static void test_read_only(void **state)
{
	struct fx *f = *state;
	if (geteuid() != 0)
		skip();
	struct err e;
	struct journal *a = jfx_open(f->log);
	jfx_submit_ok(a, "one", 1);
	journal_close(a);
	/* the state directory seen through a read-only bind mount (chmod does not stop root) */
	char *state_dir = xasprintf("%s/state", f->dir);
	assert_int_equal(mkdir(f->mnt, 0700), 0);
	/* the type is ignored with MS_BIND and MS_REMOUNT; "none", not NULL:
	 * valgrind (make valgrind) reads it as a string whatever the flags */
	if (mount(state_dir, f->mnt, "none", MS_BIND, NULL) < 0)
		skip();
	f->mounted = true;
	assert_int_equal(mount(NULL, f->mnt, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	char *ro_log = xasprintf("%s/audit.log", f->mnt);

	a = journal_open_lazy(ro_log);
	char want[256];
	snprintf(want, sizeof want, "cannot open journal %s: Read-only file system", ro_log);
	assert_string_equal(journal_problem(a), want);
	assert_int_equal(journal_queued(a), 0);
	struct journal_target t[1];
	struct journal_rec r = jfx_rec("ro", 2, t, 1);
	assert_int_equal(journal_submit(a, &r, &e), 1);
	assert_string_equal(e.msg, want);
	assert_int_equal(journal_flush(a, &e), 1);

	assert_int_equal(mount(NULL, f->mnt, "none", MS_REMOUNT | MS_BIND, NULL), 0); /* writable again */
	jfx_assert_flushed(a);
	journal_close(a);
	jfx_assert_intact(f->log, 2);
	free(ro_log);
	free(state_dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, jfx_setup, jfx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_full_disk),
		T(test_torn_line_full_disk),
		T(test_read_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
