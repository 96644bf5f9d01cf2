/* tree: a scratch stand-in for the host's root (see tree.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/tree.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xalloc.h"
#include "tests/unit/helper/files.h"

char tree_root[64];

int tree_setup(void **state)
{
	(void)state;
	return files_tmpdir(tree_root, sizeof tree_root, "tree");
}

int tree_teardown(void **state)
{
	(void)state;
	return files_rmtree(tree_root);
}

char *tree_path(const char *rel)
{
	return xasprintf("%s/%s", tree_root, rel);
}

void tree_put(const char *rel, const char *text)
{
	files_put(tree_root, rel, text);
}

const char *tree_get(const char *rel, char *buf, size_t cap)
{
	char *path = tree_path(rel);
	buf[0] = '\0';
	FILE *fp = fopen(path, "r");
	if (fp) {
		size_t n = fread(buf, 1, cap - 1, fp);
		buf[n] = '\0';
		fclose(fp);
	}
	free(path);
	return buf;
}

static size_t copy_src_len;

static int copy_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)ftw;
	char *to = tree_path(p + copy_src_len);
	int rc = 0;
	if (flag == FTW_D) {
		rc = mkdir(to, 0755) < 0 && errno != EEXIST ? -1 : 0;
	} else if (flag == FTW_F) {
		FILE *in = fopen(p, "rb"), *out = fopen(to, "wb");
		char buf[4096];
		size_t n;
		while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
			fwrite(buf, 1, n, out);
		rc = in && out ? 0 : -1;
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		chmod(to, sb->st_mode & 0777);
	}
	free(to);
	return rc;
}

void tree_copy(const char *tree)
{
	char *src = xasprintf("tests/fixtures/cgroup/%s", tree);
	copy_src_len = strlen(src);
	if (nftw(src, copy_one, 16, FTW_PHYS) != 0)
		fail_msg("copy %s: %s", src, strerror(errno));
	free(src);
}
