/* files: scratch directories and files for the unit tests (see files.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/files.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

int files_tmpdir(char *dir, size_t cap, const char *tag)
{
	if ((size_t)snprintf(dir, cap, "/tmp/sandtop-%s.XXXXXX", tag) >= cap)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int files_rmtree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0 ? 0 : -1;
}

void files_put(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	FILE *fp = fopen(path, "w");
	if (!fp)
		fail_msg("open %s: %s", path, strerror(errno));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

char *files_tmpfile(const char *tag, const char *text, size_t len)
{
	char *path = xasprintf("/tmp/sandtop-%s.XXXXXX", tag);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

char *files_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	char *p = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 65536 > cap)
			p = xrealloc(p, cap = (n + 65536) * 2);
		ssize_t r = read(fd, p + n, 65536);
		assert_true(r >= 0);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}
