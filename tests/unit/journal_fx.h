/* journal_fx: the audit log tests' fixture and helpers: a temporary state directory, mounts, reading the log back (include after cmocka.h). */
#ifndef TESTS_UNIT_JOURNAL_FX_H
#define TESTS_UNIT_JOURNAL_FX_H

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "journal/journal.h"

struct fx {
	char dir[64];
	char *mnt;     /* DIR/m: a tmpfs or a read-only bind mount, when a test makes one */
	char *log;     /* DIR/state/audit.log (DIR/m/audit.log with a mount) */
	bool mounted;
};

static inline int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test_auditq.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->mnt = xasprintf("%s/m", f->dir);
	f->log = xasprintf("%s/state/audit.log", f->dir);
	*state = f;
	return 0;
}

static inline int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline int teardown(void **state)
{
	struct fx *f = *state;
	if (f->mounted)
		umount2(f->mnt, MNT_DETACH);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	free(f->mnt);
	free(f->log);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static inline char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	char *p = xmalloc((size_t)st.st_size + 1);
	assert_int_equal(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	p[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return p;
}

static inline void append(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static inline void assert_verify(const char *path, const char *want)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	struct err e;
	int rc = journal_verify(path, fp, &e);
	fclose(fp);
	if (strcmp(out, want) != 0)
		fail_msg("verify gave %d:\n%s\nwanted:\n%s", rc, out, want);
	free(out);
}

/* Line k (1-based) of the log as JSON (caller deletes). */
static inline cJSON *line_json(const char *path, int k)
{
	size_t n;
	char *d = slurp(path, &n), *s = d;
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

static inline const char *jstr(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(j, k);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static inline double jnum(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(j, k);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* A kill intent with nt targets (about 110 bytes each), named and reasoned tag. */
static inline struct journal_rec rec(const char *tag, uint64_t op, struct journal_target *t, size_t nt)
{
	for (size_t i = 0; i < nt; i++)
		t[i] = (struct journal_target){ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
					      tag, NULL };
	return (struct journal_rec){ .action = "kill", .phase = "intent", .op = op, .targets = t, .ntargets = nt,
				   .reason = tag, .detail = "signal=SIGKILL", .duration_ms = -1 };
}

static inline void submit_ok(struct audit *a, const char *tag, uint64_t op)
{
	struct journal_target t[1];
	struct journal_rec r = rec(tag, op, t, 1);
	struct err e;
	assert_int_equal(journal_submit(a, &r, &e), 0);
}

static inline double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The names of DIR's entries starting with prefix (count; *one: the last). */
static inline int side_files(const char *dir, const char *prefix, char **one)
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

/* Mount a tmpfs of size at f->mnt (false: not root or not allowed). */
static inline bool mount_tmpfs(struct fx *f, const char *size)
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
	return true;
}

/* Fill the file system under dir; returns the filler's path (caller frees). */
static inline char *fill(const char *dir)
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

#endif
