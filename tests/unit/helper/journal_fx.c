/* journal_fx: fixture and helpers of the operator log tests (see journal_fx.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/memout.h"
#include "tests/unit/helper/journal_fx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/memout.h"

int jfx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	if (files_tmpdir(f->dir, sizeof f->dir, "journal") < 0)
		return -1;
	f->mnt = xasprintf("%s/m", f->dir);
	f->log = xasprintf("%s/state/audit.log", f->dir);
	f->head = xasprintf("%s.head", f->log);
	*state = f;
	return 0;
}

int jfx_teardown(void **state)
{
	struct fx *f = *state;
	if (f->mounted)
		umount2(f->mnt, MNT_DETACH);
	files_rmtree(f->dir);
	free(f->mnt);
	free(f->log);
	free(f->head);
	free(f);
	return 0;
}

void jfx_append(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

char *jfx_verify(const char *path, int *rc)
{
	struct memout m;
	struct err e;
	*rc = journal_verify(path, memout_open(&m), &e);
	return memout_text(&m);
}

/* jfx_assert_verify, and the result too unless check_rc is false. */
static void assert_verify(const char *path, bool check_rc, int want_rc, const char *want)
{
	int rc;
	char *out = jfx_verify(path, &rc);
	if (strcmp(out, want) != 0 || (check_rc && rc != want_rc))
		fail_msg("verify gave %d:\n%s\nwanted %d:\n%s", rc, out, check_rc ? want_rc : rc, want);
	free(out);
}

void jfx_assert_verify(const char *path, const char *want)
{
	assert_verify(path, false, 0, want);
}

void jfx_assert_verify_rc(const char *path, int want_rc, const char *want)
{
	assert_verify(path, true, want_rc, want);
}

cJSON *jfx_line_json(const char *path, int k)
{
	char *d = files_read(path, NULL), *s = d;
	for (int i = 1; i < k; i++) {
		s = strchr(s, '\n');
		assert_non_null(s);
		s++;
	}
	char *nl = strchr(s, '\n');
	assert_non_null(nl);
	*nl = '\0';
	cJSON *j = cJSON_Parse(s);
	assert_non_null(j);
	free(d);
	return j;
}

struct journal_rec jfx_rec(const char *tag, uint64_t op, struct journal_target *t, size_t nt)
{
	for (size_t i = 0; i < nt; i++)
		t[i] = (struct journal_target){ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
					      tag, NULL };
	return (struct journal_rec){ .action = "kill", .phase = "intent", .op = op, .targets = t, .ntargets = nt,
				   .reason = tag, .detail = "signal=SIGKILL", .duration_ms = -1 };
}

void jfx_submit_ok(struct journal *a, const char *tag, uint64_t op)
{
	struct journal_target t[1];
	struct journal_rec r = jfx_rec(tag, op, t, 1);
	struct err e;
	assert_int_equal(journal_submit(a, &r, &e), 0);
}

double jfx_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int jfx_side_files(const char *dir, const char *prefix, char **one)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix))) {
			n++;
			if (one) {
				free(*one);
				*one = xstrdup(de->d_name);
			}
		}
	closedir(d);
	return n;
}

bool jfx_mount_tmpfs(struct fx *f, const char *size)
{
	if (geteuid() != 0)
		return false;
	assert_int_equal(mkdir(f->mnt, 0700), 0);
	char opt[64];
	snprintf(opt, sizeof opt, "size=%s,mode=0700", size);
	if (mount("tmpfs", f->mnt, "tmpfs", MS_NOSUID | MS_NODEV, opt) < 0)
		return false;
	f->mounted = true;
	free(f->log);
	f->log = xasprintf("%s/audit.log", f->mnt);
	free(f->head);
	f->head = xasprintf("%s.head", f->log);
	return true;
}

char *jfx_fill(const char *dir)
{
	char *p = xasprintf("%s/filler", dir);
	int fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0600);
	assert_true(fd >= 0);
	char blk[4096];
	memset(blk, 'f', sizeof blk);
	while (write(fd, blk, sizeof blk) > 0)
		;
	assert_int_equal(errno, ENOSPC);
	while (write(fd, blk, 1) > 0)
		;
	close(fd);
	return p;
}

void jfx_assert_line_str(const char *path, int k, const char *key, const char *want)
{
	cJSON *j = jfx_line_json(path, k);
	const cJSON *v = cJSON_GetObjectItem(j, key);
	if (!cJSON_IsString(v))
		fail_msg("line %d of %s: no string %s", k, path, key);
	if (strcmp(v->valuestring, want) != 0)
		fail_msg("line %d of %s: %s is '%s', not '%s'", k, path, key, v->valuestring, want);
	cJSON_Delete(j);
}

void jfx_assert_kept(const char *path, const char *before, size_t n, bool grown)
{
	size_t now_n;
	char *now = files_read(path, &now_n);
	if (grown)
		assert_true(now_n > n);
	else
		assert_int_equal(now_n, n);
	assert_memory_equal(now, before, n);
	free(now);
}

void jfx_assert_refused(const char *path, int code, const char *part)
{
	struct err e;
	assert_null(journal_open(path, &e));
	if (code != -1)
		assert_int_equal(e.code, code);
	if (part && !strstr(e.msg, part))
		fail_msg("journal_open refused %s with '%s', not with '...%s...'", path, e.msg, part);
}

struct journal *jfx_open(const char *path)
{
	struct err e;
	struct journal *a = journal_open(path, &e);
	if (!a)
		fail_msg("journal_open %s: %s", path, e.msg);
	return a;
}

void jfx_assert_intact(const char *path, int n)
{
	char want[64];
	snprintf(want, sizeof want, "OK: %d records, chain intact\n", n);
	jfx_assert_verify_rc(path, 0, want);
}

void jfx_assert_flushed(struct journal *a)
{
	struct err e;
	if (journal_flush(a, &e) != 0)
		fail_msg("flush: %s", journal_problem(a) ? journal_problem(a) : e.msg);
	assert_null(journal_problem(a));
}
