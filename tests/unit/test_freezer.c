/* test_freezer: the cgroup freezer (v1 freezer.state, v2 cgroup.freeze), the proof that a cgroup is a container's, cg_contain's freeze and st_cgroup_dir against copies of the fixture trees. */
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
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "host/contain.h"
#include "host/freezer.h"
#include "host/freezer_internal.h"
#include "host/stats.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/kopen.h"
#include "tests/unit/helper/tree.h"

#define FX "tests/fixtures/cgroup/"
#define V1_ID "e0d287590e6a3e1070a24c058c5d72877336110b486fbc624c09874e5725c2c5"
#define V1_FRZ "sys/fs/cgroup/freezer/docker/" V1_ID "/"
#define V2_SCOPE "sys/fs/cgroup/system.slice/docker-f2a7000000000000000000000000000000000000000000000000000000000002.scope/"

/* The fixture tree fx (v1, v2) copied to the scratch root, and its
 * freezer opened (the caller frees it). */
static struct cg_freezer *open_copy(const char *fx)
{
	tree_copy(fx);
	return kopen_freezer(tree_root);
}

/* A call that must fail (rc -1) with code, its message holding has (when
 * not NULL). */
static void fails(int rc, const struct err *e, int code, const char *has)
{
	if (rc != -1 || e->code != code)
		fail_msg("rc %d code %d (%s), want -1 and code %d", rc, (int)e->code, e->msg, code);
	if (has && !strstr(e->msg, has))
		fail_msg("'%s' not in '%s'", has, e->msg);
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- st_cgroup_dir (host/cgroup.c) ---- */

static void test_cgroup_dir(void **state)
{
	(void)state;
	struct err e;
	struct st_cgroups *cg = st_cgroups_open(FX "v1/proc", FX "v1", &e);
	assert_non_null(cg);
	assert_true(st_cgroups_mounted(cg, "freezer"));
	assert_true(st_cgroups_mounted(cg, "cpuacct"));
	assert_true(st_cgroups_mounted(cg, NULL)); /* the hybrid host's empty unified tree */
	assert_false(st_cgroups_mounted(cg, "hugetlb"));
	char *d = st_cgroup_dir(cg, 4242, "freezer", &e);
	assert_non_null(d);
	assert_string_equal(d, FX "v1/sys/fs/cgroup/freezer/docker/" V1_ID);
	free(d);
	d = st_cgroup_dir(cg, 4242, NULL, &e);
	assert_non_null(d);
	assert_string_equal(d, FX "v1/sys/fs/cgroup/unified/docker/" V1_ID);
	free(d);
	d = st_cgroup_dir(cg, 4242, "memory", &e);
	assert_string_equal(d, FX "v1/sys/fs/cgroup/memory/docker/" V1_ID);
	free(d);
	d = st_cgroup_dir(cg, 4242, "cpu", &e);   /* its weight: the kill's CPU lending */
	assert_string_equal(d, FX "v1/sys/fs/cgroup/cpu/docker/" V1_ID);
	free(d);
	assert_null(st_cgroup_dir(cg, 4242, "hugetlb", &e)); /* not one this module knows */
	assert_int_equal(e.code, ERR_USAGE);
	assert_null(st_cgroup_dir(cg, 0, "freezer", &e));
	assert_int_equal(e.code, ERR_USAGE);
	assert_null(st_cgroup_dir(cg, 999999, "freezer", &e));
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "process 999999 is gone"));
	/* the counters still read as before */
	struct st_raw r;
	assert_int_equal(st_cgroup_read(cg, 4242, NULL, &r, &e), 0);
	assert_int_equal(r.mem_usage, 2433024);
	st_cgroups_free(cg);

	/* cpu,cpuacct combined, memory mounted from /docker, no freezer */
	cg = st_cgroups_open(FX "v1comb/proc", FX "v1comb", &e);
	assert_non_null(cg);
	assert_false(st_cgroups_mounted(cg, "freezer"));
	assert_false(st_cgroups_mounted(cg, NULL));
	assert_null(st_cgroup_dir(cg, 4242, "freezer", &e));
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no freezer hierarchy is mounted"));
	d = st_cgroup_dir(cg, 4242, "memory", &e);
	assert_string_equal(d, FX "v1comb/sys/fs/cgroup/memory/c0b1000000000000000000000000000000000000000000000000000000000001");
	free(d);
	d = st_cgroup_dir(cg, 4242, "pids", &e);
	assert_string_equal(d, FX "v1comb/sys/fs/cgroup/my pids/docker/c0b1000000000000000000000000000000000000000000000000000000000001");
	free(d);
	st_cgroups_free(cg);

	cg = st_cgroups_open(FX "v2/proc", FX "v2", &e);
	assert_non_null(cg);
	assert_false(st_cgroups_mounted(cg, "freezer"));
	d = st_cgroup_dir(cg, 4242, NULL, &e);
	char want[512];
	snprintf(want, sizeof want, "%s", FX "v2/" V2_SCOPE);
	want[strlen(want) - 1] = '\0'; /* without the trailing '/' */
	assert_string_equal(d, want);
	free(d);
	st_cgroups_free(cg);
}

/* One step of a freeze and thaw: a file written first (put, NULL: none),
 * then a freeze or a thaw that must succeed (op), a file that must then
 * read so (file, NULL: none), and the state read after (-1: a failure,
 * with code when not 0). */
enum { NOP, FREEZE, THAW };
struct frz_step {
	const char *put, *put_text;
	int op;
	const char *file, *file_text;
	int state, code;
};

static void run_steps(struct cg_freezer *f, const struct frz_step *k, size_t n)
{
	struct err e;
	char buf[64];
	for (size_t i = 0; i < n; i++, k++) {
		print_message("step %zu\n", i);
		if (k->put)
			tree_put(k->put, k->put_text);
		if (k->op == FREEZE)
			assert_int_equal(cg_freeze(f, 4242, &e), 0);
		if (k->op == THAW)
			assert_int_equal(cg_thaw(f, 4242, &e), 0);
		if (k->file)
			assert_string_equal(tree_get(k->file, buf, sizeof buf), k->file_text);
		int st = cg_freezer_state(f, 4242, &e);
		if (k->state == -1 && k->code)
			fails(st, &e, k->code, NULL);
		else
			assert_int_equal(st, k->state);
	}
}

static const struct frz_step v1_steps[] = {
	{NULL, NULL, NOP, NULL, NULL, CG_FRZ_THAWED, 0},
	{NULL, NULL, FREEZE, V1_FRZ "freezer.state", "FROZEN", CG_FRZ_FROZEN, 0},
	{V1_FRZ "freezer.state", "FREEZING\n", NOP, NULL, NULL, CG_FRZ_FREEZING, 0},
	{NULL, NULL, THAW, V1_FRZ "freezer.state", "THAWED", CG_FRZ_THAWED, 0},
	/* nothing else was written */
	{NULL, NULL, NOP, V1_FRZ "freezer.self_freezing", "0\n", CG_FRZ_THAWED, 0},
	{NULL, NULL, NOP, "sys/fs/cgroup/unified/docker/" V1_ID "/cgroup.freeze", "", CG_FRZ_THAWED, 0},
	{V1_FRZ "freezer.state", "FROZEN SOLID\n", NOP, NULL, NULL, -1, ERR_PARSE},
	{V1_FRZ "freezer.state", "", NOP, NULL, NULL, -1, ERR_PARSE},
};

static const struct frz_step v2_steps[] = {
	{NULL, NULL, NOP, NULL, NULL, CG_FRZ_THAWED, 0},
	/* asked, not done yet */
	{NULL, NULL, FREEZE, V2_SCOPE "cgroup.freeze", "1", CG_FRZ_FREEZING, 0},
	{V2_SCOPE "cgroup.events", "populated 1\nfrozen 1\n", NOP, NULL, NULL, CG_FRZ_FROZEN, 0},
	/* frozen through an ancestor: frozen all the same */
	{NULL, NULL, THAW, V2_SCOPE "cgroup.freeze", "0", CG_FRZ_FROZEN, 0},
	{V2_SCOPE "cgroup.events", "populated 1\nfrozen 0\n", NOP, NULL, NULL, CG_FRZ_THAWED, 0},
	{V2_SCOPE "cgroup.events", "populated 1\n", NOP, NULL, NULL, -1, ERR_PARSE},
	{V2_SCOPE "cgroup.events", "populated 1\nfrozen 2\n", NOP, NULL, NULL, -1, 0},
	{V2_SCOPE "cgroup.events", "populated 1\nfrozen 0\n", NOP, NULL, NULL, CG_FRZ_THAWED, 0},
	{V2_SCOPE "cgroup.freeze", "yes\n", NOP, NULL, NULL, -1, ERR_PARSE},
};

/* ---- v1 ---- */

static void test_v1_freeze_thaw(void **state)
{
	(void)state;
	struct cg_freezer *f = open_copy("v1");
	assert_int_equal(cg_freezer_version(f), 1);
	run_steps(f, v1_steps, sizeof v1_steps / sizeof *v1_steps);
	cg_freezer_free(f);
}

/* ---- v2 ---- */

static void test_v2_freeze_thaw(void **state)
{
	(void)state;
	struct cg_freezer *f = open_copy("v2");
	struct err e;
	assert_int_equal(cg_freezer_version(f), 2);
	run_steps(f, v2_steps, sizeof v2_steps / sizeof *v2_steps);
	/* a kernel before 5.2 has no cgroup.freeze */
	char *p = xasprintf("%s/" V2_SCOPE "cgroup.freeze", tree_root);
	assert_int_equal(unlink(p), 0);
	free(p);
	fails(cg_freeze(f, 4242, &e), &e, ERR_VERSION, "cgroup.freeze is missing");
	p = xasprintf("%s/" V2_SCOPE "cgroup.freeze", tree_root);
	struct stat sb;
	assert_int_equal(stat(p, &sb), -1); /* never created */
	free(p);
	cg_freezer_free(f);
}

/* ---- failures ---- */

static void test_no_freezer(void **state)
{
	(void)state;
	struct err e;
	/* v1 without a freezer hierarchy, no unified tree */
	assert_null(cg_freezer_open(FX "v1comb/proc", FX "v1comb", &e));
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no cgroup freezer"));
	assert_non_null(strstr(e.msg, "freezer hierarchy"));
	/* no mountinfo at all */
	assert_null(cg_freezer_open(FX "nowhere/proc", "", &e));
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "no cgroup freezer"));
	/* only a freezer hierarchy (no counters): the freezer alone is not enough
	 * for st_cgroups_open, which wants cpuacct or memory */
	tree_put("proc/self/mountinfo", "37 31 0:34 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n");
	char *proc = xasprintf("%s/proc", tree_root);
	assert_null(cg_freezer_open(proc, tree_root, &e));
	assert_non_null(strstr(e.msg, "no cgroup freezer"));
	free(proc);
}

static void test_gone(void **state)
{
	(void)state;
	struct cg_freezer *f = open_copy("v1");
	struct err e;
	/* listed, but its cgroup directories are gone */
	fails(cg_freezer_state(f, 4243, &e), &e, ERR_NOTFOUND, "cgroup is gone");
	fails(cg_freeze(f, 4243, &e), &e, ERR_NOTFOUND, NULL);
	fails(cg_thaw(f, 4243, &e), &e, ERR_NOTFOUND, NULL);
	/* some directories, not the freezer's */
	fails(cg_freeze(f, 4244, &e), &e, ERR_NOTFOUND, NULL);
	/* no such process */
	fails(cg_freeze(f, 999999, &e), &e, ERR_NOTFOUND, "process 999999 is gone");
	fails(cg_freezer_state(f, 0, &e), &e, ERR_USAGE, NULL);
	/* no freezer line in its /proc/PID/cgroup */
	tree_put("proc/4250/cgroup", "4:memory:/docker/x\n");
	fails(cg_freeze(f, 4250, &e), &e, ERR_NOTFOUND, NULL);
	/* the state file is a directory: an error, not "gone" */
	char *p = xasprintf("%s/" V1_FRZ "freezer.state", tree_root);
	assert_int_equal(unlink(p), 0);
	free(p);
	tree_put(V1_FRZ "freezer.state/x", "");
	fails(cg_freeze(f, 4242, &e), &e, ERR_SERVER, NULL);
	cg_freezer_free(f);
}

/* The root cgroup, and cgroups holding the caller, are never frozen. */
static void test_guards(void **state)
{
	(void)state;
	tree_copy("v1");
	char buf[64], rel[64];
	tree_put("sys/fs/cgroup/freezer/freezer.state", "THAWED\n"); /* (a real root has none) */
	tree_put("proc/4260/cgroup", "6:freezer:/\n");
	tree_put("sys/fs/cgroup/freezer/docker/freezer.state", "THAWED\n");
	tree_put("proc/4261/cgroup", "6:freezer:/docker\n");
	tree_put("sys/fs/cgroup/freezer/docker/other/freezer.state", "THAWED\n");
	tree_put("proc/4262/cgroup", "6:freezer:/docker/other\n");
	/* this process, as the tree tells */
	snprintf(rel, sizeof rel, "proc/%d/cgroup", (int)getpid());
	tree_put(rel, "6:freezer:/docker/" V1_ID "\n");
	struct cg_freezer *f = kopen_freezer(tree_root);
	struct err e;
	fails(cg_freeze(f, 4260, &e), &e, ERR_USAGE, "root cgroup");
	fails(cg_freezer_state(f, 4260, &e), &e, ERR_USAGE, NULL);
	assert_string_equal(tree_get("sys/fs/cgroup/freezer/freezer.state", buf, sizeof buf), "THAWED\n");
	/* our own cgroup and its parent */
	fails(cg_freeze(f, 4242, &e), &e, ERR_USAGE, "sandtop itself");
	fails(cg_freeze(f, 4261, &e), &e, ERR_USAGE, NULL);
	/* the kernel path refuses both: ours, and one that names no container */
	struct cg_ktarget kt[2] = {{.id = V1_ID, .pid = 4242}, {.id = V1_ID, .pid = 4262}};
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, kt, 2, 10), 0);
	assert_int_equal(kt[0].res, CG_K_REFUSED);
	assert_non_null(strstr(kt[0].e.msg, "sandtop itself"));
	assert_int_equal(kt[1].res, CG_K_REFUSED);
	assert_non_null(strstr(kt[1].e.msg, "not in container e0d287590e6a's cgroup"));
	assert_string_equal(tree_get(V1_FRZ "freezer.state", buf, sizeof buf), "THAWED\n");
	assert_string_equal(tree_get("sys/fs/cgroup/freezer/docker/freezer.state", buf, sizeof buf), "THAWED\n");
	assert_string_equal(tree_get("sys/fs/cgroup/freezer/docker/other/freezer.state", buf, sizeof buf), "THAWED\n");
	/* a sibling is fine; reading and thawing our own is fine */
	assert_int_equal(cg_freezer_state(f, 4242, &e), CG_FRZ_THAWED);
	assert_int_equal(cg_thaw(f, 4242, &e), 0);
	cg_freezer_free(f);
}

/* ---- a container's cgroup, proven ---- */

#define V2_ID "f2a7000000000000000000000000000000000000000000000000000000000002"

static void test_locate(void **state)
{
	(void)state;
	struct cg_freezer *f = open_copy("v1");
	struct err e;
	struct cg_loc cg;
	char *want = xasprintf("%s/" V1_FRZ, tree_root);
	want[strlen(want) - 1] = '\0';
	assert_int_equal(cg_locate(f, V1_ID, 4242, &cg, &e), 0);
	assert_string_equal(cg.dir, want);
	assert_null(cg.unified);   /* the fixture's unified tree has no cgroup.kill */
	assert_int_equal(cg.pid, 4242);
	assert_int_equal(cg_state(f, &cg, &e), CG_FRZ_THAWED);
	cg_clear(&cg);
	tree_put("sys/fs/cgroup/unified/docker/" V1_ID "/cgroup.kill", "");
	assert_int_equal(cg_locate(f, V1_ID, 4242, &cg, &e), 0);
	assert_non_null(cg.unified);
	assert_non_null(strstr(cg.unified, "/unified/docker/" V1_ID));
	cg_clear(&cg);
	/* a process in a sub-cgroup: the container's cgroup is the one named after it */
	tree_put("proc/4280/cgroup", "6:freezer:/docker/" V1_ID "/agent/sub\n");
	tree_put(V1_FRZ "agent/sub/freezer.state", "THAWED\n");
	assert_int_equal(cg_locate(f, V1_ID, 4280, &cg, &e), 0);
	assert_string_equal(cg.dir, want);
	cg_clear(&cg);
	/* another container's id, a prefix of it, a decoy name */
	const char *other = "e0d287590e6a3e1070a24c058c5d72877336110b486fbc624c09874e5725c2c6";
	fails(cg_locate(f, other, 4242, &cg, &e), &e, ERR_REFUSED, NULL);
	tree_put("proc/4281/cgroup", "6:freezer:/docker/x" V1_ID "\n");
	fails(cg_locate(f, V1_ID, 4281, &cg, &e), &e, ERR_REFUSED, NULL);
	tree_put("proc/4282/cgroup", "6:freezer:/system.slice/sshd.service\n");
	fails(cg_locate(f, V1_ID, 4282, &cg, &e), &e, ERR_REFUSED, "sshd.service");
	/* not a full id; no pid; gone */
	fails(cg_locate(f, "e0d287590e6a", 4242, &cg, &e), &e, ERR_USAGE, NULL);
	fails(cg_locate(f, V1_ID, 0, &cg, &e), &e, ERR_USAGE, NULL);
	fails(cg_locate(f, V1_ID, 999999, &cg, &e), &e, ERR_NOTFOUND, NULL);
	free(want);
	cg_freezer_free(f);

	/* v2, systemd driver: docker-ID.scope */
	tree_teardown(NULL);
	tree_setup(NULL);
	f = open_copy("v2");
	assert_int_equal(cg_locate(f, V2_ID, 4242, &cg, &e), 0);
	assert_non_null(strstr(cg.dir, "/system.slice/docker-" V2_ID ".scope"));
	cg_clear(&cg);
	cg_freezer_free(f);
}

/* cg_contain's freeze of several at once on the fixture: the freeze written
 * (the fixture's file reads back at once, as the kernel's does once done). */
static void test_contain_freeze_v1(void **state)
{
	(void)state;
	struct cg_freezer *f = open_copy("v1");
	char buf[64];
	/* 4243's cgroup directories are gone */
	struct cg_ktarget kt[3] = {{.id = V1_ID, .pid = 4242},
		{.id = "dead0000000000000000000000000000000000000000000000000000000000aa", .pid = 4243},
		{.id = V1_ID, .pid = 999999}};
	int64_t t0 = ms_now();
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, kt, 3, 500), 3);
	assert_true(ms_now() - t0 < 400); /* no waiting once all are settled */
	assert_int_equal(kt[0].res, CG_K_DONE);
	assert_int_equal(kt[0].state, CG_FRZ_FROZEN);
	assert_int_equal(kt[1].res, CG_K_GONE);
	assert_int_equal(kt[2].res, CG_K_GONE);
	assert_string_equal(tree_get(V1_FRZ "freezer.state", buf, sizeof buf), "FROZEN");
	assert_int_equal(cg_contain(f, CG_KTHAW, 0, kt, 1, 0), 1);
	assert_int_equal(kt[0].state, CG_FRZ_THAWED);
	assert_string_equal(tree_get(V1_FRZ "freezer.state", buf, sizeof buf), "THAWED");
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, NULL, 0, 100), 0);
	/* a write that fails for another reason than "gone" */
	tree_put("sys/fs/cgroup/freezer/docker/" V2_ID "/freezer.state/x", "");
	tree_put("proc/4270/cgroup", "6:freezer:/docker/" V2_ID "\n");
	struct cg_ktarget bad = {.id = V2_ID, .pid = 4270};
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, &bad, 1, 50), 0);
	assert_int_equal(bad.res, CG_K_FAILED);
	assert_int_equal(bad.e.code, ERR_SERVER);
	cg_freezer_free(f);
}

/* A cgroup that never reports frozen: not frozen at the deadline, and
 * thawed again (never left freezing), said so. */
static void test_contain_freeze_deadline(void **state)
{
	(void)state;
	struct cg_freezer *f = open_copy("v2");
	char buf[64];
	struct cg_ktarget kt = {.id = V2_ID, .pid = 4242};
	int64_t t0 = ms_now();
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, &kt, 1, 60), 0);
	int64_t took = ms_now() - t0;
	assert_true(took >= 60);
	assert_true(took < 1000);
	assert_int_equal(kt.res, CG_K_FAILED);
	assert_int_equal(kt.state, CG_FRZ_THAWED);
	assert_non_null(strstr(kt.e.msg, "not frozen within 60 ms"));
	assert_non_null(strstr(kt.e.msg, "thawed"));
	assert_string_equal(tree_get(V2_SCOPE "cgroup.freeze", buf, sizeof buf), "0");
	/* frozen at once when the kernel says so */
	tree_put(V2_SCOPE "cgroup.events", "populated 1\nfrozen 1\n");
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, &kt, 1, 60), 1);
	assert_int_equal(kt.state, CG_FRZ_FROZEN);
	cg_freezer_free(f);
}

/* The kill's CPU lending (host/cpuboost.c): the container's cgroup and its
 * ancestors below the root get the largest weight and their own back;
 * the root, a cgroup that does not name the container and one without a
 * weight file are never touched. */
static void check_boost(const char *tree, const char *id, const char *own, const char *parent, const char *file,
                        const char *before, const char *most)
{
	struct cg_freezer *f = open_copy(tree);
	char buf[64], path[512];
	struct err e;
	snprintf(path, sizeof path, "%s/%s", own, file);
	tree_put(path, before);
	snprintf(path, sizeof path, "%s/%s", parent, file);
	tree_put(path, before);
	tree_put("sys/fs/cgroup/cpu/cpu.shares", "1024\n");    /* v1's root: never */
	tree_put("sys/fs/cgroup/cpu.weight", "100\n");         /* v2's root: never */
	struct cg_loc cg;
	assert_int_equal(cg_locate(f, id, 4242, &cg, &e), 0);
	const struct cg_loc *locs[] = {&cg, &cg};              /* twice: one raise each */
	struct cg_boost *b = cg_boost_on(f, locs, 2);
	snprintf(path, sizeof path, "%s/%s", own, file);
	assert_string_equal(tree_get(path, buf, sizeof buf), most);
	snprintf(path, sizeof path, "%s/%s", parent, file);
	assert_string_equal(tree_get(path, buf, sizeof buf), most);
	assert_string_equal(tree_get("sys/fs/cgroup/cpu/cpu.shares", buf, sizeof buf), "1024\n");
	assert_string_equal(tree_get("sys/fs/cgroup/cpu.weight", buf, sizeof buf), "100\n");
	/* the container's own cgroup gone meanwhile, as a dead one's goes */
	char *gone = tree_path(own);
	assert_int_equal(files_rmtree(gone), 0);
	free(gone);
	cg_boost_off(b);
	snprintf(path, sizeof path, "%s/%s", parent, file);
	char want[32];
	snprintf(want, sizeof want, "%.*s", (int)strcspn(before, "\n"), before);
	assert_string_equal(tree_get(path, buf, sizeof buf), want);
	/* a pid whose cpu cgroup does not name the container: nothing raised */
	tree_put("proc/4290/cgroup", "1:cpu:/docker/other\n6:freezer:/docker/other\n0::/other\n");
	struct cg_loc odd = {.pid = 4290};
	snprintf(odd.id, sizeof odd.id, "%s", id);
	const struct cg_loc *l1[] = {&odd};
	b = cg_boost_on(f, l1, 1);
	assert_string_equal(tree_get(path, buf, sizeof buf), want);
	cg_boost_off(b);
	cg_boost_off(NULL);
	/* another sandtop's lending under way (the parent at the largest
	 * already): ours leaves it alone, so it never writes the largest back
	 * over the other's put-back */
	snprintf(path, sizeof path, "%s/%s", parent, file);
	tree_put(path, most);
	snprintf(path, sizeof path, "%s/%s", own, file);
	tree_put(path, before);
	b = cg_boost_on(f, locs, 1);
	assert_string_equal(tree_get(path, buf, sizeof buf), most);
	snprintf(path, sizeof path, "%s/%s", parent, file);
	tree_put(path, before);   /* the other one put it back */
	cg_boost_off(b);
	assert_string_equal(tree_get(path, buf, sizeof buf), before);
	snprintf(path, sizeof path, "%s/%s", own, file);
	assert_string_equal(tree_get(path, buf, sizeof buf), want);
	/* a parent that holds more than containers (Podman's conmon cgroup
	 * beside them, cgroupfs's or the systemd manager's; a process of its
	 * own): its weight is not lent, the container's own still is */
	char scope[128];
	snprintf(scope, sizeof scope, "libpod-conmon-%s.scope/cgroup.procs", id);
	const char *more[][2] = {{"conmon/cgroup.procs", ""}, {scope, ""}, {"cgroup.procs", "77\n"}};
	for (size_t k = 0; k < 3; k++) {
		snprintf(path, sizeof path, "%s/%s", parent, more[k][0]);
		tree_put(path, more[k][1]);
		b = cg_boost_on(f, locs, 2);
		snprintf(path, sizeof path, "%s/%s", own, file);
		assert_string_equal(tree_get(path, buf, sizeof buf), most);
		snprintf(path, sizeof path, "%s/%s", parent, file);
		assert_string_equal(tree_get(path, buf, sizeof buf), before);
		cg_boost_off(b);
		snprintf(path, sizeof path, "%s/%s", own, file);
		assert_string_equal(tree_get(path, buf, sizeof buf), want);
		snprintf(path, sizeof path, "%s/%s", parent, more[k][0]);
		char *p = tree_path(path);
		if (k < 2) {
			*strrchr(p, '/') = '\0';
			assert_int_equal(files_rmtree(p), 0);
		} else {
			assert_int_equal(unlink(p), 0);
		}
		free(p);
	}
	/* containers only again: lent */
	b = cg_boost_on(f, locs, 1);
	snprintf(path, sizeof path, "%s/%s", parent, file);
	assert_string_equal(tree_get(path, buf, sizeof buf), most);
	cg_boost_off(b);
	/* a process in a cgroup below the container's own (crun's
	 * libpod-ID.scope/container, ID/init.scope): that one, the
	 * container's and the parent are lent, and all put back */
	const char *rel = own + strlen(strcmp(file, "cpu.shares") ? "sys/fs/cgroup" : "sys/fs/cgroup/cpu");
	char lines[512];
	snprintf(lines, sizeof lines, "1:cpu:%s/container\n0::%s/container\n", rel, rel);
	tree_put("proc/4291/cgroup", lines);
	snprintf(path, sizeof path, "%s/container/%s", own, file);
	tree_put(path, before);
	struct cg_loc nested = {.pid = 4291};
	snprintf(nested.id, sizeof nested.id, "%s", id);
	const char *in[] = {"container/", "", NULL};
	const struct cg_loc *l2[] = {&nested};
	b = cg_boost_on(f, l2, 1);
	for (size_t k = 0; k < 3; k++) {
		snprintf(path, sizeof path, "%s/%s%s", k < 2 ? own : parent, k < 2 ? in[k] : "", file);
		assert_string_equal(tree_get(path, buf, sizeof buf), most);
	}
	cg_boost_off(b);
	for (size_t k = 0; k < 3; k++) {
		snprintf(path, sizeof path, "%s/%s%s", k < 2 ? own : parent, k < 2 ? in[k] : "", file);
		assert_string_equal(tree_get(path, buf, sizeof buf), want);
	}
	cg_clear(&cg);
	cg_freezer_free(f);
}

static void test_boost_v1(void **state)
{
	(void)state;
	check_boost("v1", V1_ID, "sys/fs/cgroup/cpu/docker/" V1_ID, "sys/fs/cgroup/cpu/docker", "cpu.shares", "1024\n",
		"262144");
}

static void test_boost_v2(void **state)
{
	(void)state;
	check_boost("v2", V2_ID, V2_SCOPE, "sys/fs/cgroup/system.slice", "cpu.weight", "100\n", "10000");
}

/* Containers found by their id alone (no pid from the engine), the kill
 * switch's way: each under its own parent and naming, one not there, one
 * whose cgroup holds no process; cg_contain walks the hierarchy once for
 * all of them, cg_find once for one. */
static void test_find_by_id(void **state)
{
	(void)state;
	tree_copy("v1");
#define ID2 "a2b2000000000000000000000000000000000000000000000000000000000002"
#define ID3 "a3b3000000000000000000000000000000000000000000000000000000000003"
#define ID4 "a4b4000000000000000000000000000000000000000000000000000000000004"
#define SCOPE2 "sys/fs/cgroup/freezer/system.slice/docker-" ID2 ".scope/"
	tree_put(V1_FRZ "cgroup.procs", "4242\n");
	tree_put(SCOPE2 "freezer.state", "THAWED\n");
	tree_put(SCOPE2 "cgroup.procs", "4290\n4291\n");
	tree_put("proc/4290/cgroup", "6:freezer:/system.slice/docker-" ID2 ".scope\n");
	tree_put("sys/fs/cgroup/freezer/docker/" ID4 "/freezer.state", "THAWED\n");
	tree_put("sys/fs/cgroup/freezer/docker/" ID4 "/cgroup.procs", "");
	struct cg_freezer *f = kopen_freezer(tree_root);
	struct cg_ktarget kt[4] = {{.id = V1_ID}, {.id = ID2}, {.id = ID3}, {.id = ID4}};
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, kt, 4, 100), 4);
	for (int i = 0; i < 2; i++) {
		if (kt[i].res != CG_K_DONE)
			fail_msg("target %d: %d (%s)", i, (int)kt[i].res, kt[i].e.msg);
		assert_int_equal(kt[i].state, CG_FRZ_FROZEN);
	}
	char buf[64];
	assert_string_equal(tree_get(V1_FRZ "freezer.state", buf, sizeof buf), "FROZEN");
	assert_string_equal(tree_get(SCOPE2 "freezer.state", buf, sizeof buf), "FROZEN");
	assert_int_equal(kt[2].res, CG_K_GONE);
	assert_non_null(strstr(kt[2].e.msg, "no cgroup named after it"));
	assert_int_equal(kt[3].res, CG_K_GONE);
	assert_non_null(strstr(kt[3].e.msg, "holds no process"));
	/* one id, no index */
	struct cg_loc cg;
	struct err e;
	assert_int_equal(cg_find(f, ID2, &cg, &e), 0);
	assert_int_equal(cg.pid, 4290);
	assert_non_null(strstr(cg.dir, "/system.slice/docker-" ID2 ".scope"));
	cg_clear(&cg);
	fails(cg_find(f, ID3, &cg, &e), &e, ERR_NOTFOUND, NULL);
	fails(cg_find(f, "a2b2", &cg, &e), &e, ERR_USAGE, NULL);
	cg_freezer_free(f);
	/* a freezer hierarchy with no container's cgroup at all (a rootless
	 * engine's containers have none): nothing found, nothing touched */
	tree_put("proc/self/mountinfo", "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	                                "37 31 0:34 / /sys/fs/cgroup/empty rw - cgroup cgroup rw,freezer\n");
	tree_put("sys/fs/cgroup/empty/cgroup.procs", "1\n");
	f = kopen_freezer(tree_root);
	struct cg_ktarget none = {.id = ID2};
	assert_int_equal(cg_contain(f, CG_KFREEZE, 0, &none, 1, 100), 1);
	assert_int_equal(none.res, CG_K_GONE);
	assert_non_null(strstr(none.e.msg, "no cgroup named after it"));
	cg_freezer_free(f);
#undef ID2
#undef ID3
#undef ID4
#undef SCOPE2
}

#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_dir),
		T(test_v1_freeze_thaw),
		T(test_v2_freeze_thaw),
		T(test_no_freezer),
		T(test_gone),
		T(test_guards),
		T(test_locate),
		T(test_find_by_id),
		T(test_contain_freeze_v1),
		T(test_contain_freeze_deadline),
		T(test_boost_v1),
		T(test_boost_v2),
	};
	return cmocka_run_group_tests_name("freezer", tests, NULL, NULL);
}
