/* test_tarw: the tar writer read back by libarchive and GNU tar's format rules: ustar entries, pax headers for long, non-ASCII and non-UTF-8 names and targets, big ids and times, data cut and padded to the declared size, a sink that fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xalloc.h"
#include "snapshot/tarw.h"

/* the archive in memory; fail_after: the sink fails once it holds that many */
struct mem {
	unsigned char *p;
	size_t n, cap, fail_after, writes;
	bool odd_size;  /* a write of other than TARW_BLOCK bytes */
};

static int mem_sink(void *ud, const void *p, size_t n)
{
	struct mem *m = ud;
	m->writes++;
	m->odd_size |= n != TARW_BLOCK;
	if (m->fail_after && m->n + n > m->fail_after) {
		errno = ENOSPC;
		return -1;
	}
	if (m->n + n > m->cap) {
		m->cap = (m->n + n) * 2;
		m->p = xrealloc(m->p, m->cap);
	}
	memcpy(m->p + m->n, p, n);
	m->n += n;
	return 0;
}

static struct stat st_of(mode_t mode, off_t size, uid_t uid, gid_t gid, time_t mtime)
{
	struct stat sb;
	memset(&sb, 0, sizeof sb);
	sb.st_mode = mode;
	sb.st_size = size;
	sb.st_uid = uid;
	sb.st_gid = gid;
	sb.st_mtim.tv_sec = mtime;
	return sb;
}

struct got {
	char name[600];
	char link[600];
	mode_t type, perm;
	int64_t size, uid, gid, mtime;
	char data[64];
	size_t ndata;
};

static size_t read_back(const struct mem *m, struct got *out, size_t max)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_memory(a, m->p, m->n), ARCHIVE_OK);
	struct archive_entry *en;
	size_t n = 0;
	int r;
	while (n < max && ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		/* WARN: a UTF-8 name the C locale cannot show; the bytes are kept */
		struct got *g = &out[n++];
		memset(g, 0, sizeof *g);
		snprintf(g->name, sizeof g->name, "%s", archive_entry_pathname(en));
		if (archive_entry_symlink(en))
			snprintf(g->link, sizeof g->link, "%s", archive_entry_symlink(en));
		g->type = archive_entry_filetype(en);
		g->perm = archive_entry_perm(en);
		g->size = archive_entry_size(en);
		g->uid = archive_entry_uid(en);
		g->gid = archive_entry_gid(en);
		g->mtime = archive_entry_mtime(en);
		la_ssize_t k = archive_read_data(a, g->data, sizeof g->data);
		g->ndata = k > 0 ? (size_t)k : 0;
	}
	assert_int_equal(archive_read_free(a), ARCHIVE_OK);
	return n;
}

/* One entry to write: its header (a stat made by st_of, a link target),
 * what tarw_header must return, and the data written after it (NULL:
 * none). */
struct ent {
	const char *name;
	mode_t mode;
	int64_t size, uid, gid, mtime;
	const char *link;
	int rc;
	const char *data;
	size_t ndata;
};

/* Write the n entries into m through one writer, which must close clean. */
static void write_tar(struct mem *m, const struct ent *e, size_t n)
{
	struct tarw *t = tarw_new(mem_sink, m);
	for (size_t i = 0; i < n; i++) {
		struct stat st = st_of(e[i].mode, e[i].size, e[i].uid, e[i].gid, e[i].mtime);
		if (tarw_header(t, e[i].name, &st, e[i].link) != e[i].rc)
			fail_msg("entry %zu (%s): tarw_header did not return %d", i, e[i].name, e[i].rc);
		if (e[i].data)
			assert_int_equal(tarw_data(t, e[i].data, e[i].ndata), 0);
	}
	assert_int_equal(tarw_close(t), 0);
	assert_string_equal(tarw_error(t), "");
	tarw_free(t);
}

static void test_entries(void **state)
{
	(void)state;
	static const struct ent e[] = {
		{"home/agent", S_IFDIR | 0755, 0, 0, 0, 1700000000, NULL, 0, NULL, 0},
		{"home/agent/notes.txt", S_IFREG | 0640, 5, 1000, 100, 1700000001, NULL, 0, "hello", 5},
		{"home/agent/link", S_IFLNK | 0777, 0, 0, 0, 1700000002, "../../etc/passwd", 0, NULL, 0},
		{"home/agent/fifo", S_IFIFO | 0600, 0, 0, 0, 0, NULL, -2, NULL, 0}, /* skipped */
	};
	struct mem m = {0};
	write_tar(&m, e, sizeof e / sizeof *e);
	/* whole blocks, each written as one */
	assert_int_equal(m.n % TARW_BLOCK, 0);
	assert_false(m.odd_size);
	struct got g[8];
	assert_int_equal(read_back(&m, g, 8), 3);
	assert_string_equal(g[0].name, "home/agent/");
	assert_int_equal(g[0].type, AE_IFDIR);
	assert_int_equal(g[0].perm, 0755);
	assert_int_equal(g[0].mtime, 1700000000);
	assert_string_equal(g[1].name, "home/agent/notes.txt");
	assert_int_equal(g[1].type, AE_IFREG);
	assert_int_equal(g[1].perm, 0640);
	assert_int_equal(g[1].size, 5);
	assert_int_equal(g[1].uid, 1000);
	assert_int_equal(g[1].gid, 100);
	assert_int_equal(g[1].ndata, 5);
	assert_memory_equal(g[1].data, "hello", 5);
	assert_string_equal(g[2].name, "home/agent/link");
	assert_int_equal(g[2].type, AE_IFLNK);
	assert_string_equal(g[2].link, "../../etc/passwd");
	free(m.p);
}

/* what does not fit a ustar header goes in a pax header, read back whole */
static void test_pax(void **state)
{
	(void)state;
	char longname[400], longlink[300], nonutf8[] = "odd-\xff\xfe-name", utf8[] = "caf\xc3\xa9.txt";
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	for (size_t i = 50; i < sizeof longname - 1; i += 50)
		longname[i] = '/';
	memset(longlink, 'b', sizeof longlink - 1);
	longlink[sizeof longlink - 1] = '\0';
	const struct ent e[] = {
		{longname, S_IFREG | 0600, 3, 3000000, 4000000, 1700000000, NULL, 0, "xyz", 3},
		{"l", S_IFLNK | 0777, 0, 0, 0, -5, longlink, 0, NULL, 0},
		{nonutf8, S_IFREG | 0644, 0, 0, 0, 0, NULL, 0, NULL, 0},
		{utf8, S_IFREG | 0644, 0, 0, 0, 0, NULL, 0, NULL, 0},
	};
	struct mem m = {0};
	write_tar(&m, e, sizeof e / sizeof *e);
	struct got g[8];
	assert_int_equal(read_back(&m, g, 8), 4);
	assert_string_equal(g[0].name, longname);
	assert_int_equal(g[0].uid, 3000000);
	assert_int_equal(g[0].gid, 4000000);
	assert_int_equal(g[0].ndata, 3);
	assert_string_equal(g[1].link, longlink);
	assert_int_equal(g[1].mtime, -5);
	assert_string_equal(g[2].name, nonutf8);
	assert_string_equal(g[3].name, utf8);
	free(m.p);
}

/* more data than declared is cut, less is padded with zeros */
static void test_sizes(void **state)
{
	(void)state;
	static const struct ent e[] = {
		{"grew", S_IFREG | 0644, 4, 0, 0, 0, NULL, 0, "12345678", 8},
		{"shrank", S_IFREG | 0644, 6, 0, 0, 0, NULL, 0, "ab", 2},
	};
	struct mem m = {0};
	write_tar(&m, e, sizeof e / sizeof *e);
	struct got g[4];
	assert_int_equal(read_back(&m, g, 4), 2);
	assert_int_equal(g[0].ndata, 4);
	assert_memory_equal(g[0].data, "1234", 4);
	assert_int_equal(g[1].ndata, 6);
	assert_memory_equal(g[1].data, "ab\0\0\0\0", 6);
	free(m.p);
}

/* a sink that fails loses the archive, and says why */
static void test_sink_fails(void **state)
{
	(void)state;
	struct mem m = {.fail_after = TARW_BLOCK};
	struct tarw *t = tarw_new(mem_sink, &m);
	struct stat f = st_of(S_IFREG | 0644, 3 * TARW_BLOCK, 0, 0, 0);
	static char big[3 * TARW_BLOCK];
	assert_int_equal(tarw_header(t, "big", &f, NULL), 0);
	assert_int_equal(tarw_data(t, big, sizeof big), -1);
	assert_non_null(strstr(tarw_error(t), "No space left"));
	assert_int_equal(tarw_close(t), -1);
	tarw_free(t);
	free(m.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_pax),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_sink_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
