/* test_journal: the operator journal: chain, durability failures, tampering and truncation found by verify, hostile text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "cli/cli.h"
#include "journal/journal.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/journal_fx.h"
#include "tests/unit/helper/json_get.h"

/* ---- helpers ------------------------------------------------------------ */

static void spit(const char *path, const char *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Line k (1-based) of d: [*s, *e), newline excluded. */
static void line_at(const char *d, size_t n, int k, size_t *s, size_t *e)
{
	size_t i = 0;
	for (int l = 1; l < k; l++) {
		const char *nl = memchr(d + i, '\n', n - i);
		assert_non_null(nl);
		i = (size_t)(nl - d) + 1;
	}
	const char *nl = memchr(d + i, '\n', n - i);
	*s = i;
	*e = nl ? (size_t)(nl - d) : n;
}

/* The stored hash (64 hex) and prev of line k. */
static void line_hashes(const char *d, size_t n, int k, char hash[65], char prev[65])
{
	size_t s, e;
	line_at(d, n, k, &s, &e);
	assert_true(e - s > 149);
	memcpy(hash, d + e - 66, 64);
	hash[64] = '\0';
	memcpy(prev, d + e - 149 + 9, 64);
	prev[64] = '\0';
}

static const struct journal_target two[] = {
	{ "0123456789abcdef", "agent-1", NULL },
	{ "fedcba9876543210", "agent-2", NULL },
};

/* n records: intents (op 0) and their results (op = the intent's seq). */
static void write_n(struct journal *a, int n)
{
	struct err e;
	uint64_t op = 0;
	for (int i = 0; i < n; i++) {
		struct journal_target t[2] = { two[0], two[1] };
		struct journal_rec r = { .action = "kill", .targets = t, .ntargets = 2,
				       .reason = "runaway agent", .duration_ms = -1,
				       .detail = "signal=SIGKILL" };
		if (i % 2 == 0) {
			r.phase = "intent";
		} else {
			r.phase = "result";
			r.op = op;
			r.duration_ms = 12;
			t[0].result = "ok";
			t[1].result = "no such container";
		}
		assert_int_equal(journal_write(a, &r, &e), 0);
		if (i % 2 == 0)
			op = journal_last_seq(a);
	}
}

static void make_log(const char *path, int n)
{
	struct journal *a = jfx_open(path);
	write_n(a, n);
	journal_close(a);
}

static void remove_line(const char *path, int k)
{
	size_t n, s, e;
	char *d = files_read(path, &n);
	line_at(d, n, k, &s, &e);
	memmove(d + s, d + e + 1, n - e - 1);
	spit(path, d, n - (e + 1 - s));
	free(d);
}

/* ---- the chain ---------------------------------------------------------- */

static void test_chain_verifies(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 6);
	jfx_assert_intact(f->log, 6);

	size_t n;
	char *d = files_read(f->log, &n);
	char hash[65], prev[65], last[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	for (int k = 1; k <= 6; k++) {
		size_t s, e;
		line_at(d, n, k, &s, &e);
		char want[32];
		snprintf(want, sizeof want, "{\"seq\":%d,\"ts\":\"", k);
		assert_memory_equal(d + s, want, strlen(want));
		line_hashes(d, n, k, hash, prev);
		assert_string_equal(prev, last);
		memcpy(last, hash, sizeof last);

		char *line = xstrndup(d + s, e - s);
		cJSON *j = cJSON_Parse(line);
		assert_non_null(j);
		assert_int_equal(cJSON_GetObjectItem(j, "seq")->valuedouble, k);
		/* intents open their own op; results point back at them */
		assert_int_equal(cJSON_GetObjectItem(j, "op")->valuedouble, k % 2 ? k : k - 1);
		assert_string_equal(cJSON_GetObjectItem(j, "phase")->valuestring, k % 2 ? "intent" : "result");
		assert_string_equal(cJSON_GetObjectItem(j, "action")->valuestring, "kill");
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "armed")));
		cJSON *who = cJSON_GetObjectItem(j, "who");
		assert_int_equal(cJSON_GetObjectItem(who, "uid")->valuedouble, getuid());
		assert_non_null(cJSON_GetObjectItem(who, "host"));
		assert_int_equal(cJSON_GetObjectItem(who, "pid")->valuedouble, getpid());
		cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "targets"), 1);
		assert_string_equal(cJSON_GetObjectItem(t, "name")->valuestring, "agent-2");
		cJSON *res = cJSON_GetObjectItem(t, "result");
		cJSON *dur = cJSON_GetObjectItem(j, "duration_ms");
		if (k % 2) {
			assert_true(cJSON_IsNull(res));
			assert_true(cJSON_IsNull(dur));
		} else {
			assert_string_equal(res->valuestring, "no such container");
			assert_int_equal(dur->valuedouble, 12);
		}
		assert_string_equal(cJSON_GetObjectItem(j, "reason")->valuestring, "runaway agent");
		assert_string_equal(cJSON_GetObjectItem(j, "hash")->valuestring, hash);
		cJSON_Delete(j);
		free(line);
	}
	free(d);

	/* the head file names the last record */
	d = files_read(f->head, &n);
	char want[128];
	snprintf(want, sizeof want, "6 %s\n", last);
	assert_string_equal(d, want);
	free(d);
}

static void test_reopen_continues(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 2);
	struct journal *a = jfx_open(f->log);
	assert_int_equal(journal_last_seq(a), 2);
	write_n(a, 1);
	assert_int_equal(journal_last_seq(a), 3);
	journal_close(a);

	size_t n;
	char *d = files_read(f->log, &n);
	char h2[65], p2[65], h3[65], p3[65];
	line_hashes(d, n, 2, h2, p2);
	line_hashes(d, n, 3, h3, p3);
	assert_string_equal(p3, h2);
	size_t s, e3;
	line_at(d, n, 3, &s, &e3);
	assert_memory_equal(d + s, "{\"seq\":3,", 9);
	free(d);
	jfx_assert_intact(f->log, 3);
}

static void test_two_handles(void **state)
{
	struct fx *f = *state;
	struct journal *a = jfx_open(f->log);
	struct journal *b = jfx_open(f->log);
	write_n(a, 1);
	write_n(b, 1); /* b sees a's record and continues after it */
	assert_int_equal(journal_last_seq(b), 2);
	write_n(a, 1);
	assert_int_equal(journal_last_seq(a), 3);
	journal_close(a);
	journal_close(b);
	jfx_assert_intact(f->log, 3);
}

static void test_new_and_empty(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct journal *a = jfx_open(f->log);
	assert_int_equal(journal_last_seq(a), 0);
	assert_string_equal(journal_path(a), f->log);
	journal_close(a);
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *dir = xasprintf("%s/state", f->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
	jfx_assert_intact(f->log, 0);

	struct journal_rec bad = { .action = "kill", .duration_ms = -1 }; /* no phase */
	a = jfx_open(f->log);
	assert_int_equal(journal_write(a, &bad, &e), -1);
	assert_int_equal(e.code, JOURNAL_E_ARG);
	journal_close(a);
}

/* ---- tampering and truncation ------------------------------------------- */

static void test_edit_middle_byte(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 5);
	size_t n, s, e;
	char *d = files_read(f->log, &n);
	line_at(d, n, 3, &s, &e);
	size_t at = s + (e - s) / 2;
	d[at] = d[at] == 'x' ? 'y' : 'x';
	spit(f->log, d, n);
	free(d);
	jfx_assert_verify_rc(f->log, 1, "line 3: hash mismatch (edited)\nFAILED: 1 problem in 5 lines\n");
}

static void test_delete_middle_line(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 5);
	remove_line(f->log, 3);
	jfx_assert_verify_rc(f->log, 1,
		      "line 3: seq 4 follows seq 2 (records missing)\n"
		      "line 3: prev does not match line 2\n"
		      "FAILED: 2 problems in 4 lines\n");
}

static void test_truncate_mid_line(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 5);
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(truncate(f->log, st.st_size - 40), 0);
	jfx_assert_verify_rc(f->log, 1,
		      "line 5: not a complete record (truncated mid-line)\n"
		      "the log ends at seq 4 but the head says 5 (truncated)\n"
		      "FAILED: 2 problems in 5 lines\n");
	jfx_assert_refused(f->log, JOURNAL_E_CHAIN, "incomplete record"); /* the writer will not chain onto it */
}

static void test_delete_last_line(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 5);
	remove_line(f->log, 5);
	jfx_assert_verify_rc(f->log, 1,
		      "the log ends at seq 4 but the head says 5 (truncated)\n"
		      "FAILED: 1 problem in 4 lines\n");
	jfx_assert_refused(f->log, JOURNAL_E_CHAIN, "truncated");
}

static void test_forged_append(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 5);
	size_t n, s, e;
	char *d = files_read(f->log, &n);
	char h5[65], p5[65];
	line_hashes(d, n, 5, h5, p5);
	line_at(d, n, 5, &s, &e);
	/* seq 6 chained on line 5, with a made-up hash */
	char *body = xstrndup(d + s + 9, e - s - 149 - 9); /* after {"seq":5, up to ,"prev" */
	char *forged = xasprintf("{\"seq\":6,%s,\"prev\":\"%s\",\"hash\":\"%s\"}\n", body, h5,
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	jfx_append(f->log, forged, strlen(forged));
	jfx_assert_verify_rc(f->log, 1,
		      "line 6: hash mismatch (edited)\n"
		      "the log goes on to seq 6 past the head's seq 5 (an interrupted write, or records added)\n"
		      "FAILED: 2 problems in 6 lines\n");
	/* junk is named for what it is, and the chain check picks up after it */
	jfx_append(f->log, "hello\n\n", 7);
	int rc;
	char *out = jfx_verify(f->log, &rc);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "line 7: not a sandtop record\nline 8: empty line\n"));
	free(out);
	free(forged);
	free(body);
	free(d);
}

static void test_head_file(void **state)
{
	struct fx *f = *state;
	make_log(f->log, 3);
	size_t n;
	char *d = files_read(f->log, &n);
	char h2[65], p2[65];
	line_hashes(d, n, 2, h2, p2);
	free(d);

	/* one behind (a crash between the append and the head): reported,
	 * and repaired by the next open */
	char *behind = xasprintf("2 %s\n", h2);
	spit(f->head, behind, strlen(behind));
	jfx_assert_verify_rc(f->log, 1,
		      "the log goes on to seq 3 past the head's seq 2 (an interrupted write, or records added)\n"
		      "FAILED: 1 problem in 3 lines\n");
	struct journal *a = jfx_open(f->log);
	journal_close(a);
	jfx_assert_intact(f->log, 3);

	/* missing */
	assert_int_equal(unlink(f->head), 0);
	jfx_assert_verify_rc(f->log, 1,
		      "the head file is missing (the end of the log cannot be checked)\n"
		      "FAILED: 1 problem in 3 lines\n");
	jfx_assert_refused(f->log, JOURNAL_E_CHAIN, NULL);

	/* malformed */
	spit(f->head, "3 xyz\n", 6);
	jfx_assert_verify_rc(f->log, 1, "the head file is malformed\nFAILED: 1 problem in 3 lines\n");
	jfx_assert_refused(f->log, JOURNAL_E_CHAIN, NULL);
	free(behind);
}

static void test_verify_unreadable_and_junk(void **state)
{
	struct fx *f = *state;
	struct err e;
	assert_int_equal(journal_verify(f->log, NULL, &e), -1);
	assert_int_equal(e.code, JOURNAL_E_IO);
	assert_non_null(strstr(e.msg, "No such file"));

	/* one line longer than any record */
	char *dir = xasprintf("%s/state", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	size_t big = 2 * JOURNAL_LINE_MAX;
	char *p = xmalloc(big + 1);
	memset(p, 'x', big);
	p[big] = '\n';
	spit(f->log, p, big + 1);
	free(p);
	jfx_assert_verify_rc(f->log, 1,
		      "line 1: longer than any record (not written by sandtop)\n"
		      "the head file is missing (the end of the log cannot be checked)\n"
		      "FAILED: 2 problems in 1 lines\n");
}

/* ---- durability --------------------------------------------------------- */

static void test_write_failure(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct journal *a = jfx_open(f->log);
	write_n(a, 2);
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	off_t size0 = st.st_size;

	/* the file-size limit makes write fail with EFBIG (even for root):
	 * first part way through the line, then at its first byte */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	struct journal_rec r = { .action = "pause", .phase = "intent", .targets = two, .ntargets = 2,
			       .duration_ms = -1 };
	int rc1, rc2;
	struct err e1, e2;
	lim.rlim_cur = (rlim_t)size0 + 30;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc1 = journal_write(a, &r, &e1);
	lim.rlim_cur = (rlim_t)size0;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc2 = journal_write(a, &r, &e2);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	assert_int_equal(rc1, -1);
	assert_int_equal(e1.code, JOURNAL_E_IO);
	assert_non_null(strstr(e1.msg, "append failed: File too large"));
	assert_int_equal(rc2, -1);
	assert_non_null(strstr(e2.msg, "append failed: File too large"));
	/* the partial line was cut off again, and the chain stayed put */
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_size, size0);
	assert_int_equal(journal_last_seq(a), 2);
	jfx_assert_intact(f->log, 2);

	/* the next write carries on */
	assert_int_equal(journal_write(a, &r, &e), 0);
	assert_int_equal(journal_last_seq(a), 3);
	journal_close(a);
	jfx_assert_intact(f->log, 3);
}

static void test_head_update_failure(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct journal *a = jfx_open(f->log);
	write_n(a, 1);
	/* a directory in the temp file's place: the head cannot be replaced */
	char *tmp = xasprintf("%s.tmp", f->head);
	assert_int_equal(mkdir(tmp, 0700), 0);
	struct journal_rec r = { .action = "stop", .phase = "intent", .duration_ms = -1 };
	assert_int_equal(journal_write(a, &r, &e), -1);
	assert_int_equal(e.code, JOURNAL_E_IO);
	assert_non_null(strstr(e.msg, "record 2 written, but cannot create the head file: File exists"));
	/* the record is in the log (durable), so the chain moved on */
	assert_int_equal(journal_last_seq(a), 2);
	jfx_assert_verify_rc(f->log, 1,
		      "the log goes on to seq 2 past the head's seq 1 (an interrupted write, or records added)\n"
		      "FAILED: 1 problem in 2 lines\n");
	assert_int_equal(rmdir(tmp), 0);
	assert_int_equal(journal_write(a, &r, &e), 0);
	journal_close(a);
	jfx_assert_intact(f->log, 3);
	free(tmp);
}

static void test_not_regular(void **state)
{
	(void)state;
	jfx_assert_refused("/dev/full", -1, "not a regular file");
	jfx_assert_refused("", JOURNAL_E_ARG, NULL);
}

/* ---- hostile text ------------------------------------------------------- */

static void test_hostile_strings(void **state)
{
	struct fx *f = *state;
	static const char sudo[] = "mal\x1b[31mlory\n";
	setenv("SUDO_USER", sudo, 1);
	struct err e;
	struct journal *a = jfx_open(f->log);
	unsetenv("SUDO_USER");

	static const char name[] = "evil\x1b]0;pwned\x07\nname\"q\\b\xff\xc3(\xc3\xa9\xf0\x9f\x98\x80\x7f\t";
	static const char name_back[] = "evil\x1b]0;pwned\x07\nname\"q\\b\xef\xbf\xbd\xef\xbf\xbd("
					"\xc3\xa9\xf0\x9f\x98\x80\x7f\t";
	char reason[10 * 1024];
	memset(reason, 'A', sizeof reason - 1);
	reason[3] = '\x1b';
	reason[sizeof reason - 1] = '\0';
	char edge[258]; /* 255 bytes, then a two-byte character across the cap */
	memset(edge, 'a', 255);
	memcpy(edge + 255, "\xc3\xa9", 3);
	struct journal_target t[] = { { "\"}],\"hash\":\"", name, "error: \r\n\x1b[2J" }, { edge, NULL, NULL } };
	struct journal_rec r = { .action = "kill", .phase = "result", .op = 7, .targets = t, .ntargets = 2,
			       .reason = reason, .detail = "a\r\nb\\", .duration_ms = 5, .armed = true };
	assert_int_equal(journal_write(a, &r, &e), 0);
	journal_close(a);

	size_t n;
	char *d = files_read(f->log, &n);
	/* one line of printable ASCII */
	assert_true(n > 0 && d[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n; i++)
		if (d[i] < 0x20 || d[i] > 0x7e)
			fail_msg("byte 0x%02x at %zu", (unsigned char)d[i], i);
	assert_true(n < 4096);
	assert_non_null(strstr(d, "\\u001b]0;pwned\\u0007\\u000aname\\\"q\\\\b\\ufffd\\ufffd(\\u00e9\\ud83d\\ude00\\u007f\\u0009"));

	cJSON *j = cJSON_Parse(d);
	assert_non_null(j);
	cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "targets"), 0);
	cJSON *t1 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "targets"), 1);
	assert_string_equal(tj_str(t0, "id"), "\"}],\"hash\":\"");
	assert_string_equal(tj_str(t0, "name"), name_back);
	assert_string_equal(tj_str(t0, "result"), "error: \r\n\x1b[2J");
	/* cut at the cap, on a character boundary, marked with an ellipsis */
	char want[260];
	memset(want, 'a', 255);
	memcpy(want + 255, "\xe2\x80\xa6", 4);
	assert_string_equal(tj_str(t1, "id"), want);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(t1, "name")));
	const char *rs = tj_str(j, "reason");
	assert_int_equal(strlen(rs), JOURNAL_STR_MAX + 3);
	assert_int_equal(rs[3], '\x1b');
	assert_string_equal(rs + JOURNAL_STR_MAX, "\xe2\x80\xa6");
	assert_string_equal(tj_str(j, "detail"), "a\r\nb\\");
	assert_string_equal(tj_str(cJSON_GetObjectItem(j, "who"), "sudo_user"), sudo);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "armed")));
	assert_int_equal(cJSON_GetObjectItem(j, "op")->valuedouble, 7);
	cJSON_Delete(j);
	free(d);
	jfx_assert_intact(f->log, 1);
}

static void test_many_targets(void **state)
{
	struct fx *f = *state;
	enum { N = 12000 };
	struct journal_target *t = xcalloc(N, sizeof *t);
	char (*ids)[65] = xcalloc(N, 65);
	char (*names)[32] = xcalloc(N, 32);
	for (int i = 0; i < N; i++) {
		snprintf(ids[i], 65, "%064d", i);
		snprintf(names[i], 32, "sandbox-%05d", i);
		t[i] = (struct journal_target){ ids[i], names[i], "ok" };
	}
	struct err e;
	struct journal *a = jfx_open(f->log);
	struct journal_rec r = { .action = "panic_kill_all", .phase = "result", .targets = t,
			       .ntargets = N, .duration_ms = 900 };
	assert_int_equal(journal_write(a, &r, &e), 0);
	r.ntargets = JOURNAL_TARGETS_MAX + 1;
	for (int i = 0; i < N; i++)
		t[i] = (struct journal_target){ "a", "b", NULL };
	assert_int_equal(journal_write(a, &r, &e), 0);
	journal_close(a);

	size_t n, s, end;
	char *d = files_read(f->log, &n);
	for (int k = 1; k <= 2; k++) {
		line_at(d, n, k, &s, &end);
		assert_true(end - s + 1 <= JOURNAL_LINE_MAX);
		char *line = xstrndup(d + s, end - s);
		cJSON *j = cJSON_Parse(line);
		assert_non_null(j);
		int listed = cJSON_GetArraySize(cJSON_GetObjectItem(j, "targets"));
		cJSON *om = cJSON_GetObjectItem(j, "targets_omitted");
		assert_non_null(om);
		if (k == 1) {
			assert_true(listed > 1000 && listed < JOURNAL_TARGETS_MAX);
			assert_int_equal(listed + (int)om->valuedouble, N);
		} else {
			assert_int_equal(listed, JOURNAL_TARGETS_MAX);
			assert_int_equal(om->valuedouble, 1);
		}
		cJSON_Delete(j);
		free(line);
	}
	free(d);
	free(t);
	free(ids);
	free(names);
	jfx_assert_intact(f->log, 2);
}

/* ---- paths and the command ---------------------------------------------- */

static void test_default_path(void **state)
{
	(void)state;
	char *ox = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	char *oh = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	char *p = journal_default_path();
	assert_string_equal(p, "/x/state/sandtop/audit.log");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1); /* not absolute: ignored, as XDG says */
	setenv("HOME", "/home/h", 1);
	p = journal_default_path();
	assert_string_equal(p, "/home/h/.local/state/sandtop/audit.log");
	free(p);
	if (ox)
		setenv("XDG_STATE_HOME", ox, 1);
	else
		unsetenv("XDG_STATE_HOME");
	if (oh)
		setenv("HOME", oh, 1);
	else
		unsetenv("HOME");
	free(ox);
	free(oh);
}

static int quiet_cli(const char *path)
{
	fflush(stdout);
	fflush(stderr);
	int out = dup(1), err = dup(2);
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
	int rc = cli_journal_verify(path);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	return rc;
}

static void test_cli(void **state)
{
	struct fx *f = *state;
	assert_int_equal(quiet_cli(f->log), CLI_USAGE); /* no log yet */
	make_log(f->log, 3);
	assert_int_equal(quiet_cli(f->log), CLI_OK);
	remove_line(f->log, 3);
	assert_int_equal(quiet_cli(f->log), CLI_FAIL);
	/* the whole log deleted, its head left behind */
	assert_int_equal(unlink(f->log), 0);
	jfx_assert_verify_rc(f->log, 1,
		      "the log ends at seq 0 but the head says 3 (truncated)\n"
		      "FAILED: 1 problem in 0 lines\n");
	assert_int_equal(quiet_cli(f->log), CLI_FAIL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, jfx_setup, jfx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_chain_verifies),
		T(test_reopen_continues),
		T(test_two_handles),
		T(test_new_and_empty),
		T(test_edit_middle_byte),
		T(test_delete_middle_line),
		T(test_truncate_mid_line),
		T(test_delete_last_line),
		T(test_forged_append),
		T(test_head_file),
		T(test_verify_unreadable_and_junk),
		T(test_write_failure),
		T(test_head_update_failure),
		T(test_not_regular),
		T(test_hostile_strings),
		T(test_many_targets),
		T(test_default_path),
		T(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
