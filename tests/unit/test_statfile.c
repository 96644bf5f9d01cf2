/* test_statfile: the /proc and cgroup file parsers, and the cgroup reader on hostile, oversized and changing files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "host/statfile.h"
#include "host/stats.h"
#include "tests/unit/helper/expect.h"
#include "tests/unit/helper/fields.h"
#include "tests/unit/helper/kopen.h"
#include "tests/unit/helper/tree.h"


static const char netdev_hdr[] =
	"Inter-|   Receive                                                |  Transmit\n"
	" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";


/* ---- parsers ---- */

/* Write text to tree_root/DIR/FILE (dir ends with a slash). */
static void put_in(const char *dir, const char *file, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s%s", dir, file);
	tree_put(path, text);
}

static void test_whole_u64(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(sf_whole_u64("123\n", false, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(sf_whole_u64("7", false, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(sf_whole_u64("8 \n", false, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(sf_whole_u64("18446744073709551615\n", false, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(sf_whole_u64("max\n", true, &v), 1);
	v = 5;
	const char *bad[] = {"", "\n", "12a\n", "-5\n", " 5\n", "18446744073709551616\n",
		"99999999999999999999999\n", "1\n2\n", "1\n\n", "max\n", "0x10\n"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (sf_whole_u64(bad[i], false, &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(sf_whole_u64("maxi\n", true, &v), -1);
	assert_int_equal(sf_whole_u64("max max\n", true, &v), -1);
	assert_int_equal(v, 5); /* untouched by failures */
}

static void test_kv_u64(void **state)
{
	(void)state;
	uint64_t v = 0;
	const char *t = "inactive_file 5\ntotal_inactive_file 7\nusage_usec 12x\nnr 3";
	assert_int_equal(sf_kv_u64(t, "total_inactive_file", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(sf_kv_u64(t, "inactive_file", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(sf_kv_u64(t, "nr", &v), 0); /* last line without newline */
	assert_int_equal(v, 3);
	assert_int_equal(sf_kv_u64(t, "usage_usec", &v), -1);
	assert_int_equal(sf_kv_u64("total_inactive_file 7\n", "inactive_file", &v), -1);
	assert_int_equal(sf_kv_u64("inactive_files 7\n", "inactive_file", &v), -1);
	assert_int_equal(sf_kv_u64("total_inactive_file\n", "total_inactive_file", &v), -1);
	assert_int_equal(sf_kv_u64("usage_usec 99999999999999999999\n", "usage_usec", &v), -1);
	assert_int_equal(sf_kv_u64("", "x", &v), -1);
}

static int blkio(const char *text, uint64_t *rd, uint64_t *wr)
{
	char *t = xstrdup(text);
	int rc = sf_blkio_v1(t, rd, wr);
	free(t);
	return rc;
}

static int iostat(const char *text, uint64_t *rd, uint64_t *wr)
{
	char *t = xstrdup(text);
	int rc = sf_io_v2(t, rd, wr);
	free(t);
	return rc;
}

static int netdev(const char *body, uint64_t *rx, uint64_t *tx)
{
	char *t = xasprintf("%s%s", netdev_hdr, body);
	int rc = sf_netdev(t, rx, tx);
	free(t);
	return rc;
}

static void test_counter_files(void **state)
{
	(void)state;
	uint64_t a, b;
	assert_int_equal(blkio("8:0 Read 10\n8:0 Write 20\n8:0 Sync 30\n8:0 Total 30\n8:16 Read 1\n8:16 Discard 4\nTotal 31\n", &a, &b), 0);
	assert_int_equal(a, 11);
	assert_int_equal(b, 20);
	assert_int_equal(blkio("Total 0\n", &a, &b), 0); /* what this machine's containers show */
	assert_int_equal(a + b, 0);
	assert_int_equal(blkio("", &a, &b), 0);
	const char *bad_blk[] = {"8:0 Read\n", "8:0 Read 12x\n", "garbage\n", "Read 5 6\n",
		"8:0 Read 9223372036854775808\n8:1 Read 9223372036854775808\n", "Total x\n", "8:0 Read 1 2\n"};
	for (size_t i = 0; i < sizeof bad_blk / sizeof *bad_blk; i++)
		if (blkio(bad_blk[i], &a, &b) != -1)
			fail_msg("blkio accepted \"%s\"", bad_blk[i]);

	assert_int_equal(iostat("8:0 rbytes=5 wbytes=6 rios=1 wios=1 dbytes=0 dios=0\n8:16 rbytes=1 wbytes=2\n", &a, &b), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 8);
	assert_int_equal(iostat("", &a, &b), 0);
	assert_int_equal(a + b, 0);
	const char *bad_io[] = {"8:0 rbytes=abc\n", "8:0 rbytes\n", "rbytes=5\n", "8:0 wbytes=\n", "8:0 rbytes=-1\n"};
	for (size_t i = 0; i < sizeof bad_io / sizeof *bad_io; i++)
		if (iostat(bad_io[i], &a, &b) != -1)
			fail_msg("io.stat accepted \"%s\"", bad_io[i]);

	const char *lo = "    lo:  100 1 0 0 0 0 0 0  200 2 0 0 0 0 0 0\n";
	const char *eth = "  eth0: 1000 1 0 0 0 0 0 0 3000 2 0 0 0 0 0 0\n";
	char *both = xasprintf("%s\n%s", lo, eth);
	assert_int_equal(netdev(both, &a, &b), 0);
	assert_int_equal(a, 1000);
	assert_int_equal(b, 3000);
	free(both);
	assert_int_equal(netdev(lo, &a, &b), 0);
	assert_int_equal(a + b, 0);
	const char *bad_net[] = {"  eth0: 1 2 3\n", ": 1 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0\n",
		"eth0 1 0 0 0 0 0 0 0 3\n", "  eth0: x 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0\n"};
	for (size_t i = 0; i < sizeof bad_net / sizeof *bad_net; i++)
		if (netdev(bad_net[i], &a, &b) != -1)
			fail_msg("net/dev accepted \"%s\"", bad_net[i]);
	char junk[] = "hello\nworld\n  eth0: 1 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0\n";
	assert_int_equal(sf_netdev(junk, &a, &b), -1); /* no header */

	char esc[] = "/sys/fs/cgroup/my\\040pids\\134x\\9\\04";
	sf_unescape(esc);
	assert_string_equal(esc, "/sys/fs/cgroup/my pids\\x\\9\\04");
}

static const char mountinfo_v1[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n";
static void test_slurp_cap(void **state)
{
	(void)state;
	char buf[17];
	tree_put("f16", "0123456789abcdef");
	tree_put("f17", "0123456789abcdefg");
	char *p16 = tree_path("f16"), *p17 = tree_path("f17"), *none = tree_path("none");
	assert_int_equal(sf_slurp(p16, buf, 16), 16);
	assert_string_equal(buf, "0123456789abcdef");
	assert_int_equal(sf_slurp(p17, buf, 16), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(sf_slurp(none, buf, 16), -1);
	assert_int_equal(errno, ENOENT);
	free(p16);
	free(p17);
	free(none);
}

#define CA "sys/fs/cgroup/cpuacct/docker/a/"
#define ME "sys/fs/cgroup/memory/docker/a/"

/* Garbage everywhere but cpuacct.usage: one bit, no crash, no guesses. */
/* The host the hostile trees are read against: 2 CPUs, 1 GiB. */
static const struct st_host host = {.system_ns = 1000, .online_cpus = 2, .mem_total = 1 << 30};

/* The reader opened on the tree, which must see cgroup version v; pid read
 * into r, which must succeed. The caller frees the reader. */
static struct st_cgroups *open_and_read(int v, int pid, struct st_raw *r)
{
	struct st_cgroups *cg = kopen_cgroups(tree_root);
	assert_int_equal(st_cgroups_version(cg), v);
	struct err e;
	if (st_cgroup_read(cg, pid, &host, r, &e) != 0)
		fail_msg("read of %d: %s", pid, e.msg);
	return cg;
}

static void test_hostile_v1(void **state)
{
	(void)state;
	char longline[20000];
	memset(longline, 'x', sizeof longline - 2);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	char *mi = xasprintf("garbage\n\n%s1 2 3\n"
		"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
		"41 31 0:38 / /x rw - cgroup\n%s", longline, mountinfo_v1);
	tree_put("proc/self/mountinfo", mi);
	free(mi);
	tree_put("proc/10/cgroup", "junk\n5:memory:../../etc\n4:memory\n99:cpuacct:/docker/../../x\n"
		"2:cpuacct:/docker/a\n4:memory:/docker/a\n7:blkio:/docker/a\n8:pids:/docker/a\n");
	tree_put("proc/10/net/dev", "garbage\n");
	tree_put(CA "cpuacct.usage", "42\n");
	tree_put(ME "memory.usage_in_bytes", "99999999999999999999999\n");
	tree_put(ME "memory.stat", "total_rss 5\ntotal_inactive_file");
	tree_put(ME "memory.limit_in_bytes", "");
	tree_put("sys/fs/cgroup/blkio/docker/a/blkio.throttle.io_service_bytes_recursive", "254:0 Read\n");
	tree_put("sys/fs/cgroup/pids/docker/a/pids.current", "12 13\n");
	tree_put("sys/fs/cgroup/pids/docker/a/pids.max", "-5\n");
	struct st_raw r;
	struct err e;
	struct st_cgroups *cg = open_and_read(1, 10, &r);
	assert_int_equal(r.have, ST_HAVE_CPU);
	assert_int_equal(r.cpu_ns, 42);
	assert_int_equal(r.mem_usage + r.mem_inactive_file + r.mem_limit + r.blk_read + r.pids + r.net_rx, 0);
	/* now the one good file turns bad too: nothing is left, so the
	 * cgroup counts as gone (after one fresh look at /proc/10/cgroup) */
	tree_put(CA "cpuacct.usage", "garbage\n");
	assert_int_equal(st_cgroup_read(cg, 10, &host, &r, &e), -1);
	assert_non_null(strstr(e.msg, "cgroup is gone"));
	assert_int_equal(r.have, 0);
	/* largest values still parse */
	tree_put(CA "cpuacct.usage", "18446744073709551615\n");
	tree_put(ME "memory.limit_in_bytes", "9223372036854771712\n");
	assert_int_equal(st_cgroup_read(cg, 10, &host, &r, &e), 0);
	assert_true(r.cpu_ns == UINT64_MAX);
	assert_int_equal(r.have, ST_HAVE_CPU | ST_HAVE_MEMLIMIT);
	assert_int_equal(r.mem_limit, 1 << 30); /* "unlimited" shown as host memory */
	st_cgroups_free(cg);
}

static void test_hostile_v2(void **state)
{
	(void)state;
	const char *d = "sys/fs/cgroup/system.slice/docker-b.scope/";
	tree_put("proc/self/mountinfo",
		"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
		"27 21 0:24 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
	tree_put("proc/11/cgroup", "1:name=systemd:/system.slice/docker-b.scope\n0::/system.slice/docker-b.scope\n");
	put_in(d, "cpu.stat", "usage_usec 18446744073709552\n"); /* * 1000 overflows */
	put_in(d, "memory.current", "4096\n");
	put_in(d, "memory.max", "maxi\n");
	put_in(d, "io.stat", "254:0 rbytes=1 wbytes\n");
	put_in(d, "pids.current", "3\n");
	put_in(d, "pids.max", "max\n");
	struct st_raw r;
	struct st_cgroups *cg = open_and_read(2, 11, &r);
	ex_expect("hostile v2", &r, fields_st_raw,
	          "have = mem pids\ncpu_ns = 0\nmem_usage = 4096\npids = 3\npids_limit = 0\nblk_read = 0");
	st_cgroups_free(cg);
}

/* Files past their caps are missing fields, not partial sums. */
static void test_oversized(void **state)
{
	(void)state;
	tree_put("proc/self/mountinfo", mountinfo_v1);
	tree_put("proc/12/cgroup", "2:cpuacct:/docker/a\n4:memory:/docker/a\n");
	tree_put(CA "cpuacct.usage", "1\n");
	tree_put(ME "memory.usage_in_bytes", "1000\n");
	struct buf b;
	buf_init(&b, 4 << 20);
	buf_puts(&b, netdev_hdr);
	for (int i = 0; i < 1200; i++) /* ~75 KiB: over the general cap, under net/dev's */
		buf_printf(&b, "  veth%04d: %10d 1 0 0 0 0 0 0 %10d 1 0 0 0 0 0 0\n", i, 10, 1);
	tree_put("proc/12/net/dev", b.data);
	assert_true(b.len > 64 * 1024);
	buf_reset(&b);
	for (int i = 0; i < 4000; i++)
		buf_printf(&b, "total_pgfault_%d 1\n", i);
	buf_puts(&b, "total_inactive_file 10\n");
	tree_put(ME "memory.stat", b.data);
	struct st_cgroups *cg = kopen_cgroups(tree_root);
	struct st_raw r;
	struct err e;
	assert_int_equal(st_cgroup_read(cg, 12, NULL, &r, &e), 0);
	ex_expect("oversized", &r, fields_st_raw, "have = mem net\nnet_rx = 12000\nnet_tx = 1200");
	/* 20000 interfaces: more than 1 MiB */
	buf_reset(&b);
	buf_puts(&b, netdev_hdr);
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "  veth%05d: %10d 1 0 0 0 0 0 0 %10d 1 0 0 0 0 0 0\n", i, 10, 1);
	tree_put("proc/12/net/dev", b.data);
	assert_true(b.len > 1024 * 1024);
	assert_int_equal(st_cgroup_read(cg, 12, NULL, &r, &e), 0);
	assert_int_equal(r.have, ST_HAVE_MEM);
	assert_int_equal(r.net_rx, 0);
	/* a /proc/PID/cgroup over the cap */
	buf_reset(&b);
	for (int i = 0; i < 3000; i++)
		buf_printf(&b, "%d:name=n%d:/docker/a\n", 100 + i, i);
	buf_puts(&b, "2:cpuacct:/docker/a\n");
	tree_put("proc/13/cgroup", b.data);
	assert_int_equal(st_cgroup_read(cg, 13, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "13"));
	buf_free(&b);
	st_cgroups_free(cg);
}

/* A process pid in the cgroup v1 group /docker/a (cpuacct.usage 100,
 * memory.usage_in_bytes 1000, a net/dev of its own), more: further lines
 * of its /proc/PID/cgroup; the reader opened on that tree (the caller
 * frees it). */
static struct st_cgroups *v1_process(int pid, const char *more)
{
	char path[64], lines[256];
	tree_put("proc/self/mountinfo", mountinfo_v1);
	snprintf(path, sizeof path, "proc/%d/cgroup", pid);
	snprintf(lines, sizeof lines, "2:cpuacct:/docker/a\n4:memory:/docker/a\n%s", more);
	tree_put(path, lines);
	snprintf(path, sizeof path, "proc/%d/net/dev", pid);
	tree_put(path, netdev_hdr);
	tree_put(CA "cpuacct.usage", "100\n");
	tree_put(ME "memory.usage_in_bytes", "1000\n");
	return kopen_cgroups(tree_root);
}

/* The cached directories of a pid are dropped once their files vanish. */
static void test_cache_follows(void **state)
{
	(void)state;
	struct st_cgroups *cg = v1_process(20, "");
	struct st_raw r;
	struct err e;
	assert_int_equal(st_cgroup_read(cg, 20, NULL, &r, &e), 0);
	assert_int_equal(r.mem_usage, 1000);
	/* same pid, now in another cgroup; the old one removed. The reader
	 * keeps its files open, and the kernel fails reads of a removed
	 * cgroup's open files (ENODEV); a regular file cannot, so the old
	 * file is emptied (unreadable as a number) before it goes. */
	tree_put("proc/20/cgroup", "2:cpuacct:/docker/b\n4:memory:/docker/b\n");
	tree_put("sys/fs/cgroup/memory/docker/b/memory.usage_in_bytes", "2000\n");
	static const char *const gone[] = {ME "memory.usage_in_bytes", CA "cpuacct.usage"};
	for (size_t k = 0; k < 2; k++) {
		tree_put(gone[k], "");
		char *old = tree_path(gone[k]);
		assert_int_equal(unlink(old), 0);
		free(old);
	}
	assert_int_equal(st_cgroup_read(cg, 20, NULL, &r, &e), 0);
	assert_int_equal(r.mem_usage, 2000);
	assert_int_equal(r.have, ST_HAVE_MEM | ST_HAVE_NET);
	/* the process exits while its cgroup lingers */
	char *pd = tree_path("proc/20"), *f1 = tree_path("proc/20/cgroup"), *f2 = tree_path("proc/20/net/dev"), *f3 = tree_path("proc/20/net");
	assert_int_equal(unlink(f1) | unlink(f2) | rmdir(f3) | rmdir(pd), 0);
	assert_int_equal(st_cgroup_read(cg, 20, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "process 20 is gone"));
	free(pd);
	free(f1);
	free(f2);
	free(f3);
	st_cgroups_free(cg);
}

/* Open files of an exited process still read (net/dev holds its
 * namespace): an empty task count says it is gone, and the next start of
 * the same pid is read afresh. */
static void test_exited_with_open_files(void **state)
{
	(void)state;
	tree_put("sys/fs/cgroup/pids/docker/a/pids.current", "3\n");
	struct st_cgroups *cg = v1_process(21, "8:pids:/docker/a\n");
	struct st_raw r;
	struct err e;
	assert_int_equal(st_cgroup_read(cg, 21, NULL, &r, &e), 0);
	assert_int_equal(r.pids, 3);
	assert_true(r.have & ST_HAVE_NET);
	/* its last task exits (the exit runs in it: the CPU counter moves) */
	tree_put(CA "cpuacct.usage", "101\n");
	tree_put("sys/fs/cgroup/pids/docker/a/pids.current", "0\n");
	assert_int_equal(st_cgroup_read(cg, 21, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "process 21 is gone"));
	tree_put("sys/fs/cgroup/pids/docker/a/pids.current", "1\n");
	tree_put(ME "memory.usage_in_bytes", "5000\n");
	assert_int_equal(st_cgroup_read(cg, 21, NULL, &r, &e), 0);
	assert_int_equal(r.mem_usage, 5000);
	st_cgroups_free(cg);
}

/* memory.stat is read again when the usage moved by more than 1/64 of
 * itself (at least 1 MiB) or after 5 s; between, its last inactive file
 * cache stands. */
static void test_mstat_kept(void **state)
{
	(void)state;
	struct st_cgroups *cg = v1_process(22, "");
	tree_put(ME "memory.usage_in_bytes", "209715200\n"); /* 200 MiB: 3.125 MiB is 1/64 */
	tree_put(ME "memory.stat", "total_rss 1\ntotal_inactive_file 1000\n");
	struct st_raw r;
	struct err e;
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 1000);
	tree_put(ME "memory.stat", "total_rss 1\ntotal_inactive_file 2000\n");
	/* 3 MiB more (its tasks ran: the CPU counter moved): not read */
	tree_put(CA "cpuacct.usage", "101\n");
	tree_put(ME "memory.usage_in_bytes", "212860928\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_true(r.have & ST_HAVE_INACTIVE);
	assert_int_equal(r.mem_usage, 212860928);
	assert_int_equal(r.mem_inactive_file, 1000);
	/* 3.25 MiB less than when it was read: read */
	tree_put(CA "cpuacct.usage", "102\n");
	tree_put(ME "memory.usage_in_bytes", "206307328\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 2000);
	/* unmoved, but 5 s later: read */
	tree_put(ME "memory.stat", "total_rss 1\ntotal_inactive_file 3000\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 2000);
	sleep(5);
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 3000);
	/* a small usage moves by 1 MiB at least: 0.9 MiB more is not enough */
	tree_put(CA "cpuacct.usage", "103\n");
	tree_put(ME "memory.usage_in_bytes", "1048576\n");
	tree_put(ME "memory.stat", "total_inactive_file 4000\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 4000);
	tree_put(CA "cpuacct.usage", "104\n");
	tree_put(ME "memory.usage_in_bytes", "1992294\n");
	tree_put(ME "memory.stat", "total_inactive_file 5000\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 4000);
	/* a memory.stat that cannot be read is looked at again next time */
	tree_put(CA "cpuacct.usage", "105\n");
	tree_put(ME "memory.usage_in_bytes", "8388608\n");
	tree_put(ME "memory.stat", "total_inactive_file x\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_false(r.have & ST_HAVE_INACTIVE);
	tree_put(ME "memory.stat", "total_inactive_file 6000\n");
	assert_int_equal(st_cgroup_read(cg, 22, NULL, &r, &e), 0);
	assert_int_equal(r.mem_inactive_file, 6000);
	st_cgroups_free(cg);
}

/* The counters only a container's own tasks move (v1: the task count, the
 * memory use, the I/O counters) are read again when the CPU counter moved
 * or after 5 s; between, their last values stand. */
static void test_still_kept(void **state)
{
	(void)state;
	struct st_cgroups *cg = v1_process(23, "3:blkio:/docker/a\n8:pids:/docker/a\n");
	const char *blk = "sys/fs/cgroup/blkio/docker/a/blkio.throttle.io_service_bytes_recursive";
	const char *pids = "sys/fs/cgroup/pids/docker/a/pids.current";
	tree_put(blk, "8:0 Read 100\n8:0 Write 200\nTotal 300\n");
	tree_put(pids, "2\n");
	struct st_raw r;
	struct err e;
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_true(r.have & ST_HAVE_BLK);
	assert_int_equal(r.blk_read, 100);
	assert_int_equal(r.blk_write, 200);
	assert_int_equal(r.pids, 2);
	assert_int_equal(r.mem_usage, 1000);
	/* the CPU counter did not move: not read */
	tree_put(blk, "8:0 Read 150\n8:0 Write 250\nTotal 400\n");
	tree_put(pids, "3\n");
	tree_put(ME "memory.usage_in_bytes", "2000\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_true(r.have & ST_HAVE_BLK);
	assert_true(r.have & ST_HAVE_PIDS);
	assert_true(r.have & ST_HAVE_MEM);
	assert_int_equal(r.blk_read, 100);
	assert_int_equal(r.blk_write, 200);
	assert_int_equal(r.pids, 2);
	assert_int_equal(r.mem_usage, 1000);
	/* it moved: read */
	tree_put(CA "cpuacct.usage", "101\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_int_equal(r.blk_read, 150);
	assert_int_equal(r.blk_write, 250);
	assert_int_equal(r.pids, 3);
	assert_int_equal(r.mem_usage, 2000);
	/* unmoved, but 5 s later: read */
	tree_put(blk, "8:0 Read 175\n8:0 Write 250\nTotal 425\n");
	tree_put(pids, "4\n");
	tree_put(ME "memory.usage_in_bytes", "1500\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_int_equal(r.blk_read, 150);
	assert_int_equal(r.pids, 3);
	sleep(5);
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_int_equal(r.blk_read, 175);
	assert_int_equal(r.pids, 4);
	assert_int_equal(r.mem_usage, 1500);
	/* one that cannot be read is looked at again next time, moved or not */
	tree_put(CA "cpuacct.usage", "102\n");
	tree_put(blk, "8:0 Read x\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_false(r.have & ST_HAVE_BLK);
	tree_put(blk, "8:0 Read 180\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_true(r.have & ST_HAVE_BLK);
	assert_int_equal(r.blk_read, 180);
	/* a last task is reaped from outside, its CPU counter still: a count
	 * of one is read every round, and 0 is gone at once */
	tree_put(CA "cpuacct.usage", "103\n");
	tree_put(pids, "1\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), 0);
	assert_int_equal(r.pids, 1);
	tree_put(pids, "0\n");
	assert_int_equal(st_cgroup_read(cg, 23, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "process 23 is gone"));
	st_cgroups_free(cg);

	/* v2 charges a container the kernel's writeback and its sockets'
	 * buffers, which take none of its CPU time: only the task count stands */
	tree_put("proc/self/mountinfo", "27 21 0:24 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	tree_put("proc/24/cgroup", "0::/docker/c\n");
	tree_put("proc/24/net/dev", netdev_hdr);
	const char *v2 = "sys/fs/cgroup/docker/c/";
	put_in(v2, "cpu.stat", "usage_usec 7\n");
	put_in(v2, "memory.current", "4096\n");
	put_in(v2, "pids.current", "2\n");
	put_in(v2, "io.stat", "8:0 rbytes=10 wbytes=20\n");
	cg = kopen_cgroups(tree_root);
	assert_int_equal(st_cgroup_read(cg, 24, NULL, &r, &e), 0);
	assert_int_equal(r.pids, 2);
	assert_int_equal(r.mem_usage, 4096);
	assert_int_equal(r.blk_write, 20);
	put_in(v2, "pids.current", "3\n");
	put_in(v2, "memory.current", "8192\n");
	put_in(v2, "io.stat", "8:0 rbytes=10 wbytes=30\n");
	assert_int_equal(st_cgroup_read(cg, 24, NULL, &r, &e), 0);
	assert_int_equal(r.pids, 2);
	assert_int_equal(r.mem_usage, 8192);
	assert_int_equal(r.blk_write, 30);
	st_cgroups_free(cg);
}

static void test_mounts_without_counters(void **state)
{
	(void)state;
	struct err e;
	char *proc = tree_path("proc");
	tree_put("proc/self/mountinfo", "39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
		"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n");
	assert_null(st_cgroups_open(proc, tree_root, &e));
	assert_non_null(strstr(e.msg, "no cgroup hierarchy"));
	tree_put("proc/self/mountinfo", "");
	assert_null(st_cgroups_open(proc, tree_root, &e));
	/* the last line may lack its newline */
	tree_put("proc/self/mountinfo", "27 21 0:24 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw");
	struct st_cgroups *cg = st_cgroups_open(proc, tree_root, &e);
	assert_non_null(cg);
	assert_int_equal(st_cgroups_version(cg), 2);
	st_cgroups_free(cg);
	free(proc);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_u64),
		cmocka_unit_test(test_kv_u64),
		cmocka_unit_test(test_counter_files),
		T(test_slurp_cap),
		T(test_hostile_v1),
		T(test_hostile_v2),
		T(test_oversized),
		T(test_cache_follows),
		T(test_exited_with_open_files),
		T(test_mstat_kept),
		T(test_still_kept),
		T(test_mounts_without_counters),
	};
	return cmocka_run_group_tests_name("statfile", tests, NULL, NULL);
}
