/* test_snapshot: the bundle's pieces: the confined tree archiver against hostile symlinks, fifos and caps, the archiving child, bundle files and their sha256, the mount list, the stats CSV (the manifest: test_snapshot_manifest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "snapshot/internal.h"
#include "snapshot/snapshot.h"
#include "docker/docker.h"
#include "tests/unit/helper/files.h"

#define SECRET "TOPSECRET-outside-the-container"
#define INSIDE "inside-the-container"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fx {
	char dir[64];       /* /tmp/test_snapshot.XXXXXX */
	char root[96];      /* DIR/root: the "container's" root */
	char secret[96];    /* DIR/outside/secret: what must never be read */
	int root_fd;
	int out_fd;         /* DIR/out.tar */
	char out[96];
	/* what the last archive() gave */
	struct snap_tree_stats st;
	char sha[65];
	uint64_t size;
};

static void mkdirf(const char *fmt, const char *a)
{
	char *p = xasprintf(fmt, a);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void linkf(const char *target, const char *fmt, const char *a)
{
	char *p = xasprintf(fmt, a);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}


/* The fixture: a host directory outside with a secret, and a container
 * root whose /tmp holds files and every kind of hostile link. */
static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	if (files_tmpdir(f->dir, sizeof f->dir, "snapshot") < 0)
		return -1;
	mkdirf("%s/outside", f->dir);
	snprintf(f->secret, sizeof f->secret, "%s/outside/secret", f->dir);
	files_put(f->dir, "outside/secret", SECRET);
	snprintf(f->root, sizeof f->root, "%s/root", f->dir);
	mkdirf("%s", f->root);
	mkdirf("%s/tmp", f->root);
	mkdirf("%s/tmp/sub", f->root);
	mkdirf("%s/outside", f->root);
	files_put(f->root, "outside/secret", INSIDE);
	files_put(f->root, "tmp/a.txt", "hello\n");
	files_put(f->root, "tmp/sub/b.txt", "deep\n");
	linkf(f->secret, "%s/tmp/abs", f->root);                    /* absolute, to the host's secret */
	linkf("../../../../../../../outside/secret", "%s/tmp/up", f->root); /* ../ out of the root */
	linkf("../..", "%s/tmp/dirup", f->root);                    /* a directory link upwards */
	linkf("/", "%s/tmp/rootlink", f->root);
	linkf("loop2", "%s/tmp/loop1", f->root);
	linkf("loop1", "%s/tmp/loop2", f->root);
	char *fifo = xasprintf("%s/tmp/fifo", f->root);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	free(fifo);
	f->root_fd = open(f->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(f->out, sizeof f->out, "%s/out.tar", f->dir);
	f->out_fd = open(f->out, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f->root_fd < 0 || f->out_fd < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close(f->root_fd);
	close(f->out_fd);
	files_rmtree(f->dir);
	free(f);
	return 0;
}

/* ---- reading the tar back ---- */

struct entry {
	char name[256];
	mode_t type;
	char link[256];
	char data[256];
	int64_t size;
};

static size_t read_tar(const char *path, struct entry *out, size_t max)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	struct archive_entry *en;
	size_t n = 0;
	while (n < max && archive_read_next_header(a, &en) == ARCHIVE_OK) {
		struct entry *e = &out[n++];
		memset(e, 0, sizeof *e);
		snprintf(e->name, sizeof e->name, "%s", archive_entry_pathname(en));
		e->type = archive_entry_filetype(en);
		e->size = archive_entry_size(en);
		if (archive_entry_symlink(en))
			snprintf(e->link, sizeof e->link, "%s", archive_entry_symlink(en));
		la_ssize_t k = archive_read_data(a, e->data, sizeof e->data - 1);
		if (k > 0)
			e->data[k] = '\0';
	}
	archive_read_free(a);
	return n;
}

static const struct entry *find(const struct entry *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name) || (strlen(v[i].name) == strlen(name) + 1 && !strncmp(v[i].name, name, strlen(name))))
			return &v[i];
	return NULL;
}

/* the whole file never holds the secret's bytes */
static bool file_holds(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	return memmem(buf, n, needle, strlen(needle)) != NULL;
}

static const struct snap_tree_caps big = {.max_bytes = 1 << 20, .max_entries = 1000, .max_depth = 16};

/* ---- the archiver ---- */

/* snap_tree_archive of start in f's root into f->out (emptied first), with
 * caps; its stats, hash and size into f; its return code. */
static int archive(struct fx *f, const char *start, const struct snap_tree_caps *caps)
{
	struct err e = {0};
	assert_int_equal(ftruncate(f->out_fd, 0), 0);
	assert_int_equal(lseek(f->out_fd, 0, SEEK_SET), 0);
	return snap_tree_archive(f->root_fd, start, f->out_fd, caps, &f->st, f->sha, &f->size, &e);
}

static void test_tree_hostile_links(void **state)
{
	struct fx *f = *state;
	struct err e = {0};
	assert_int_equal(archive(f, "/tmp", &big), 0);
	struct entry v[64];
	size_t n = read_tar(f->out, v, 64);
	const struct entry *x = find(v, n, "tmp/a.txt");
	assert_non_null(x);
	assert_string_equal(x->data, "hello\n");
	assert_non_null((x = find(v, n, "tmp/sub/b.txt")));
	assert_string_equal(x->data, "deep\n");
	/* every link stored as a link, with its target as written, never followed */
	static const char *const links[][2] = {
		{"tmp/abs", NULL}, {"tmp/up", "../../../../../../../outside/secret"}, {"tmp/dirup", "../.."},
		{"tmp/rootlink", "/"}, {"tmp/loop1", "loop2"}, {"tmp/loop2", "loop1"},
	};
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		assert_non_null((x = find(v, n, links[i][0])));
		assert_int_equal(x->type, AE_IFLNK);
		assert_string_equal(x->link, links[i][1] ? links[i][1] : f->secret);
		assert_int_equal(x->size, 0);
	}
	assert_null(find(v, n, "tmp/fifo"));       /* noted, not archived, never opened */
	assert_null(find(v, n, "tmp/dirup/outside/secret"));
	assert_int_equal(f->st.files, 2);
	assert_int_equal(f->st.symlinks, 6);
	assert_int_equal(f->st.dirs, 2);               /* tmp and tmp/sub */
	assert_int_equal(f->st.specials, 1);
	assert_non_null(strstr(f->st.notes, "fifo, not archived: tmp/fifo"));
	assert_false(f->st.truncated);
	assert_false(file_holds(f->out, SECRET));
	assert_false(file_holds(f->out, INSIDE));   /* nothing outside /tmp either */
	/* what it reports is what it wrote */
	int dfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	struct snap_file sf;
	assert_int_equal(snap_file_hash(dfd, "out.tar", &sf, &e), 0);
	close(dfd);
	assert_string_equal(sf.sha256, f->sha);
	assert_int_equal(sf.size, f->size);
}

/* The start is resolved inside the root: a link on the way cannot leave it. */
static void test_tree_start_confined(void **state)
{
	struct fx *f = *state;
	/* ../.. clamps at the root: this is the root's own outside/, not the host's */
	assert_int_equal(archive(f, "/tmp/dirup/outside", &big), 0);
	struct entry v[16];
	size_t n = read_tar(f->out, v, 16);
	const struct entry *x = find(v, n, "tmp/dirup/outside/secret");
	assert_non_null(x);
	assert_string_equal(x->data, INSIDE);
	assert_false(file_holds(f->out, SECRET));
	/* an absolute link to the host's file, as the start: stored as the link */
	assert_int_equal(archive(f, "/tmp/abs", &big), 0);
	n = read_tar(f->out, v, 16);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].type, AE_IFLNK);
	assert_false(file_holds(f->out, SECRET));
	/* a path through it: resolved in the root, where it does not exist */
	char *through = xasprintf("/tmp/rootlink%s", f->dir + 0);  /* "/" then the host's fixture dir */
	char *p = xasprintf("%s/outside", through);
	assert_int_equal(archive(f, p, &big), -1);
	free(p);
	free(through);
	assert_false(file_holds(f->out, SECRET));
	/* paths with . or .. components are refused outright */
	assert_int_equal(archive(f, "/tmp/../..", &big), -1);
	assert_int_equal(archive(f, "tmp", &big), -1);
	/* a loop as the start: ELOOP is not followed either, it is a link */
	assert_int_equal(archive(f, "/tmp/loop1", &big), 0);
	assert_int_equal(f->st.symlinks, 1);
}

/* Sockets and devices: noted, never opened. */
static void test_tree_specials(void **state)
{
	struct fx *f = *state;
	char *sp = xasprintf("%s/tmp/sock", f->root);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sp);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	char *dev = xasprintf("%s/tmp/null", f->root);
	bool have_dev = mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0; /* root only */
	assert_int_equal(archive(f, "/tmp", &big), 0);
	assert_int_equal(f->st.specials, have_dev ? 3 : 2);
	assert_non_null(strstr(f->st.notes, "socket, not archived: tmp/sock"));
	if (have_dev)
		assert_non_null(strstr(f->st.notes, "device, not archived: tmp/null"));
	close(s);
	free(sp);
	free(dev);
}

static void test_tree_caps(void **state)
{
	struct fx *f = *state;
	char *big_file = xasprintf("%s/tmp/big.bin", f->root);
	FILE *fp = fopen(big_file, "w");
	for (int i = 0; i < 5000; i++)
		fputc('x', fp);
	fclose(fp);
	/* bytes: the big file is left out, the walk goes on */
	struct snap_tree_caps c = {.max_bytes = 1000, .max_entries = 1000, .max_depth = 16};
	assert_int_equal(archive(f, "/tmp", &c), 0);
	assert_true(f->st.truncated);
	assert_int_equal(f->st.over_cap, 1);
	assert_int_equal(f->st.files, 2);
	assert_int_equal(f->st.bytes, 11);
	assert_non_null(strstr(f->st.notes, "over the size cap: tmp/big.bin"));
	struct entry v[64];
	size_t n = read_tar(f->out, v, 64);
	assert_null(find(v, n, "tmp/big.bin"));
	assert_non_null(find(v, n, "tmp/sub/b.txt"));
	/* entries: the walk stops there */
	c = (struct snap_tree_caps){.max_bytes = 1 << 20, .max_entries = 3, .max_depth = 16};
	assert_int_equal(archive(f, "/tmp", &c), 0);
	assert_true(f->st.truncated);
	assert_int_equal(read_tar(f->out, v, 64), 3);
	assert_non_null(strstr(f->st.notes, "entry cap reached"));
	/* depth: tmp/sub is not entered */
	c = (struct snap_tree_caps){.max_bytes = 1 << 20, .max_entries = 1000, .max_depth = 0};
	assert_int_equal(archive(f, "/tmp", &c), 0);
	assert_non_null(strstr(f->st.notes, "too deep, not entered: tmp/sub"));
	n = read_tar(f->out, v, 64);
	assert_null(find(v, n, "tmp/sub/b.txt"));
	free(big_file);
}

/* Notes are capped, and a hostile name is made printable. */
static void test_tree_notes_capped(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 200; i++) {
		char name[64];
		snprintf(name, sizeof name, "tmp/fifo-\x1b[31m-%03d", i);
		char *p = xasprintf("%s/%s", f->root, name);
		assert_int_equal(mkfifo(p, 0600), 0);
		free(p);
	}
	assert_int_equal(archive(f, "/tmp", &big), 0);
	assert_int_equal(f->st.specials, 201);
	assert_true(strlen(f->st.notes) < sizeof f->st.notes);
	assert_non_null(strstr(f->st.notes, "...\n"));
	assert_null(strchr(f->st.notes, '\x1b'));
}

/* The same through the child process; and one killed midway is reaped. */
static void test_tree_job(void **state)
{
	struct fx *f = *state;
	struct err e = {0};
	struct snap_tree_job *j = snap_tree_spawn(f->root_fd, "/tmp", f->out_fd, &big, &e);
	assert_non_null(j);
	struct snap_tree_result r;
	int done = 0;
	for (int i = 0; i < 500 && !done; i++) {
		struct pollfd p = {.fd = snap_tree_job_fd(j), .events = POLLIN};
		poll(&p, 1, 20);
		done = snap_tree_job_poll(j, &r);
	}
	assert_int_equal(done, 1);
	snap_tree_job_free(j);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.st.files, 2);
	assert_int_equal(r.st.symlinks, 6);
	int dfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	struct snap_file sf;
	assert_int_equal(snap_file_hash(dfd, "out.tar", &sf, &e), 0);
	close(dfd);
	assert_string_equal(sf.sha256, r.sha256);
	assert_int_equal(sf.size, r.size);
	/* a job freed while it runs: killed and reaped, no child left */
	j = snap_tree_spawn(f->root_fd, "/tmp", f->out_fd, &big, &e);
	assert_non_null(j);
	snap_tree_job_free(j);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	/* a start that does not exist: a result with the reason */
	j = snap_tree_spawn(f->root_fd, "/nonexistent", f->out_fd, &big, &e);
	done = 0;
	for (int i = 0; i < 500 && !done; i++) {
		struct pollfd p = {.fd = snap_tree_job_fd(j), .events = POLLIN};
		poll(&p, 1, 20);
		done = snap_tree_job_poll(j, &r);
	}
	snap_tree_job_free(j);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.err, "No such file"));
}

/* ---- bundle files ---- */

static void test_bundle_files(void **state)
{
	struct fx *f = *state;
	struct err e = {0};
	char *parent = xasprintf("%s/state/sandtop/snapshots", f->dir), *p1 = NULL, *p2 = NULL;
	int d1 = snap_bundle_create(parent, "box-20260101T000000Z", &p1, &e);
	assert_true(d1 >= 0);
	int d2 = snap_bundle_create(parent, "box-20260101T000000Z", &p2, &e);
	assert_true(d2 >= 0);
	assert_string_not_equal(p1, p2);             /* never the same bundle twice */
	assert_non_null(strstr(p2, "box-20260101T000000Z-2"));
	struct stat sb;
	assert_int_equal(stat(p1, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(parent, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	struct snap_file a, b;
	assert_int_equal(snap_file_put(d1, "abc.txt", "abc", 3, &a, &e), 0);
	assert_string_equal(a.sha256, SHA_ABC);
	assert_int_equal(a.size, 3);
	assert_int_equal(snap_file_put(d1, "empty", "", 0, &b, &e), 0);
	assert_string_equal(b.sha256, SHA_EMPTY);
	assert_int_equal(fstatat(d1, "abc.txt", &sb, 0), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* an existing file is never overwritten */
	assert_int_equal(snap_file_put(d1, "abc.txt", "xyz", 3, &a, &e), -1);
	assert_int_equal(snap_file_hash(d1, "abc.txt", &a, &e), 0);
	assert_string_equal(a.sha256, SHA_ABC);
	/* nor a symlink followed */
	assert_int_equal(symlinkat(f->secret, d1, "link"), 0);
	assert_int_equal(snap_file_put(d1, "link", "x", 1, &a, &e), -1);
	assert_int_equal(snap_file_hash(d1, "link", &a, &e), -1);
	close(d1);
	close(d2);
	free(p1);
	free(p2);
	free(parent);
	char n[80];
	snap_safe_name("../evil\x1b[31m name/..", n, sizeof n);
	assert_string_equal(n, "evil__31m_name_..");
	snap_safe_name("", n, sizeof n);
	assert_string_equal(n, "sandbox");
	snap_stamp(1769506255123, n, sizeof n);
	assert_string_equal(n, "20260127T093055Z");
	snap_rfc3339(1769506255123, n, sizeof n);
	assert_string_equal(n, "2026-01-27T09:30:55.123Z");
}

/* ---- the mounts of an inspect body, and the stats history ---- */

static void test_mount_points(void **state)
{
	(void)state;
	const char *body = "{\"HostConfig\":{\"IpcMode\":\"private\",\"Tmpfs\":{\"/home/agent\":\"rw,size=1m\","
		"\"/ro\":\"ro,size=1m\",\"relative\":\"\"}},\"Mounts\":[{\"Type\":\"volume\",\"Destination\":\"/data\","
		"\"RW\":true},{\"Type\":\"bind\",\"Destination\":\"/etc/cfg\",\"RW\":false},"
		"{\"Type\":\"tmpfs\",\"Destination\":\"/home/agent\",\"RW\":true},{\"Destination\":5}]}";
	struct dk_mount_point *m;
	size_t n;
	struct err e = {0};
	assert_int_equal(dk_parse_mount_points(body, strlen(body), &m, &n, &e), 0);
	assert_int_equal(n, 5);
	assert_string_equal(m[0].dest, "/home/agent");
	assert_string_equal(m[0].type, "tmpfs");
	assert_true(m[0].rw);
	assert_string_equal(m[1].dest, "/ro");
	assert_false(m[1].rw);
	assert_string_equal(m[2].dest, "/data");
	assert_string_equal(m[2].type, "volume");
	assert_string_equal(m[3].dest, "/etc/cfg");
	assert_false(m[3].rw);
	assert_string_equal(m[4].dest, "/dev/shm");
	assert_string_equal(m[4].type, "shm");
	dk_mount_points_free(m, n);
	assert_int_equal(dk_parse_mount_points("[1,2]", 5, &m, &n, &e), -1);
	const char *ipc = "{\"HostConfig\":{\"IpcMode\":\"container:x\"}}";
	assert_int_equal(dk_parse_mount_points(ipc, strlen(ipc), &m, &n, &e), 0);
	assert_int_equal(n, 0);
	dk_mount_points_free(m, n);
}

static void test_stats_csv(void **state)
{
	(void)state;
	struct st_view v;
	memset(&v, 0, sizeof v);
	for (int i = 0; i < 3; i++) {
		v.cpu.v[v.cpu.head++] = 10.0f * (float)(i + 1);
		v.cpu.n++;
		v.mem.v[v.mem.head++] = 1000.0f * (float)(i + 1);
		v.mem.n++;
	}
	char *csv = snap_stats_csv_history(&v, 2000);
	assert_string_equal(csv, "seconds_before_snapshot,cpu_percent,mem_bytes,net_bytes_per_s,io_bytes_per_s\n"
		"4.000,10.00,1000,,\n2.000,20.00,2000,,\n0.000,30.00,3000,,\n");
	free(csv);
	struct st_raw r = {.have = ST_HAVE_MEM | ST_HAVE_PIDS, .mem_usage = 5, .pids = 7, .pids_limit = 9};
	csv = snap_stats_csv_sample(&r, 1769506255123);
	assert_non_null(strstr(csv, "\n2026-01-27T09:30:55.123Z,,,,5,,,,,,,7,9\n"));
	free(csv);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tree_hostile_links), T(test_tree_start_confined), T(test_tree_specials), T(test_tree_caps),
		T(test_tree_notes_capped), T(test_tree_job), T(test_bundle_files), T(test_mount_points), T(test_stats_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
