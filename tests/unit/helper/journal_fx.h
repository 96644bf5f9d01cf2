/* journal_fx: the operator log tests' fixture and helpers: a scratch state directory, mounts, records to submit, reading the log back (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_JOURNAL_FX_H
#define TESTS_UNIT_HELPER_JOURNAL_FX_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal/journal.h"

/* One test's scratch: made by jfx_setup, removed by jfx_teardown. */
struct fx {
	char dir[64];  /* /tmp/sandtop-journal.XXXXXX */
	char *mnt;     /* DIR/m: a tmpfs or a read-only bind mount, when a test makes one */
	char *log;     /* DIR/state/audit.log (DIR/m/audit.log with a mount) */
	char *head;    /* the log's head file: LOG.head */
	bool mounted;
};

/* cmocka setup: a new struct fx in *state. 0, or -1 when the directory
 * cannot be made. */
int jfx_setup(void **state);

/* cmocka teardown: unmount what the test mounted, remove the directory,
 * free the struct fx. */
int jfx_teardown(void **state);

/* Append p[0..n) to the file path (which must exist). */
void jfx_append(const char *path, const void *p, size_t n);

/* journal_verify of path: what it printed (the caller frees), its result
 * in *rc. */
char *jfx_verify(const char *path, int *rc);

/* Fail unless journal_verify of path prints exactly want. */
void jfx_assert_verify(const char *path, const char *want);

/* Fail unless journal_verify of path prints exactly want and returns want_rc. */
void jfx_assert_verify_rc(const char *path, int want_rc, const char *want);

/* Line k (1-based) of the log at path, parsed; the caller deletes it.
 * Fails when there is no such line or it is not JSON. */
cJSON *jfx_line_json(const char *path, int k);

/* A kill intent with nt targets (t[0..nt), filled here; about 110 bytes
 * each), named and reasoned tag. The record points into t. */
struct journal_rec jfx_rec(const char *tag, uint64_t op, struct journal_target *t, size_t nt);

/* Submit jfx_rec(tag, op) with one target to a; fails unless accepted. */
void jfx_submit_ok(struct journal *a, const char *tag, uint64_t op);

/* The monotonic clock in milliseconds. */
double jfx_now_ms(void);

/* How many of dir's entries start with prefix; with one, *one is set to the
 * last such name (the old one freed; the caller frees the last). */
int jfx_side_files(const char *dir, const char *prefix, char **one);

/* Mount a tmpfs of size at f->mnt and move f->log into it; false when not
 * root or not allowed (the test then skips). */
bool jfx_mount_tmpfs(struct fx *f, const char *size);

/* Fill the file system under dir to the last byte; the filler's path,
 * which the caller frees (removing it frees the space). */
char *jfx_fill(const char *dir);

/* Fail unless the member key of line k (1-based) of the log at path is the
 * string want. */
void jfx_assert_line_str(const char *path, int k, const char *key, const char *want);

/* Fail unless the file at path begins with before[0..n): holds exactly
 * that, or with grown, that and more after it. */
void jfx_assert_kept(const char *path, const char *before, size_t n, bool grown);

/* Fail unless journal_open of path is refused with code (-1: any code) and
 * a message holding part (NULL: any message). */
void jfx_assert_refused(const char *path, int code, const char *part);

/* journal_open of path; fails the test, with the reason, unless it opens. */
struct journal *jfx_open(const char *path);

/* Fail unless journal_verify of path finds it intact, with n records:
 * prints exactly "OK: n records, chain intact" and returns 0. */
void jfx_assert_intact(const char *path, int n);

/* Fail unless a flush of a writes all it holds: 0, and no problem left. */
void jfx_assert_flushed(struct journal *a);

#endif
