/* tree: what the agent wrote, archived as a tar from the host through its root directory, confined by openat2: links stored as links, never followed. */
#include "snapshot/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/xalloc.h"
#include "snapshot/tarw.h"

#define IO_CHUNK (256 * 1024)
#define LINK_TARGET_MAX 4096
#define NAME_MAX_BYTES (64 * 1024)
/* below the start: one name at a time, never a symlink, never another mount */
#define BENEATH (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)
/* the start: anything, but as if root_fd were "/" */
#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static int open2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW), .resolve = resolve};
	long fd;
	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return (int)fd;
}

/* the tar's bytes go to the file and through the hash */
struct sink {
	int fd;
	EVP_MD_CTX *md;
	uint64_t size;
};

static int sink_write(void *ud, const void *p, size_t n)
{
	struct sink *s = ud;
	for (size_t done = 0; done < n;) {
		ssize_t w = write(s->fd, (const char *)p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)w;
	}
	EVP_DigestUpdate(s->md, p, n);
	s->size += n;
	return 0;
}

struct walk {
	struct tarw *a;
	const struct snap_tree_caps *caps;
	struct snap_tree_stats *st;
	dev_t dev;               /* the mount being archived */
	char *name;              /* the current entry's name */
	size_t len, cap;
	char *io;
	uint64_t entries;
	bool stop;               /* a cap ended the walk */
	bool fatal;              /* the archive cannot be written */
	struct err *e;
};

/* One line "what: name" in the notes while there is room, then "...". */
static void note(struct walk *w, const char *what, const char *name)
{
	char *notes = w->st->notes;
	size_t len = strlen(notes), room = sizeof w->st->notes;
	if (len >= 4 && !strcmp(notes + len - 4, "...\n"))
		return;
	char safe[512], line[640];
	sanitize_text(name, strlen(name), safe, sizeof safe);
	int n = snprintf(line, sizeof line, "%s: %s\n", what, safe[0] ? safe : ".");
	if (len + (size_t)n + 5 <= room)
		memcpy(notes + len, line, (size_t)n + 1);
	else
		memcpy(notes + len, "...\n", 5);
}

static int name_push(struct walk *w, const char *nm)
{
	size_t k = strlen(nm), need = w->len + (w->len > 0) + k + 1;
	if (need > NAME_MAX_BYTES)
		return -1;
	if (need > w->cap) {
		w->cap = need * 2;
		w->name = xrealloc(w->name, w->cap);
	}
	if (w->len > 0)
		w->name[w->len++] = '/';
	memcpy(w->name + w->len, nm, k + 1);
	w->len += k;
	return 0;
}

static bool cap_reached(struct walk *w, const char *what)
{
	if (w->entries < w->caps->max_entries)
		return false;
	w->stop = true;
	w->st->truncated = true;
	w->st->over_cap++;
	note(w, what, w->name);
	return true;
}

/* The entry's header; -1 when this entry could not be written (fatal set
 * when nothing more can). */
static int header(struct walk *w, const struct stat *sb, const char *link)
{
	int r = tarw_header(w->a, w->name[0] ? w->name : ".", sb, link);
	if (r == -1) {
		w->fatal = true;
		err_set(w->e, 1, "%s", tarw_error(w->a));
		return -1;
	}
	if (r < 0) {
		note(w, "not archivable", w->name);
		return -1;
	}
	w->entries++;
	return 0;
}

/* A regular file: lsb is what lstat saw; it is opened without following
 * anything, and only archived when the opened file is that same file. */
static void add_file(struct walk *w, int dirfd, const char *nm, uint64_t resolve, const struct stat *lsb)
{
	struct snap_tree_stats *st = w->st;
	if (cap_reached(w, "entry cap reached, stopped at"))
		return;
	if ((uint64_t)lsb->st_size > w->caps->max_bytes - st->bytes) {
		st->over_cap++;
		st->truncated = true;
		note(w, "over the size cap", w->name);
		return;
	}
	int fd = open2(dirfd, nm, O_RDONLY | O_NONBLOCK | O_NOCTTY, resolve);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_ino != lsb->st_ino ||
	    sb.st_dev != lsb->st_dev || (uint64_t)sb.st_size > w->caps->max_bytes - st->bytes) {
		st->unreadable++;
		note(w, fd < 0 ? strerror(errno) : "changed while read, left out", w->name);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (header(w, &sb, NULL) < 0) {
		close(fd);
		return;
	}
	uint64_t left = (uint64_t)sb.st_size;
	bool bad = false;
	while (left > 0 && !w->fatal) {
		ssize_t n = read(fd, w->io, left < IO_CHUNK ? left : IO_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			bad = true;
			break;
		}
		if (tarw_data(w->a, w->io, (size_t)n) < 0) {
			w->fatal = true;
			err_set(w->e, 1, "%s", tarw_error(w->a));
		}
		left -= (uint64_t)n;
	}
	if (bad && !w->fatal) { /* shrank or failed: the entry keeps its size, zeros to the end */
		st->unreadable++;
		note(w, "shorter than its size or unreadable, padded with zeros", w->name);
		memset(w->io, 0, IO_CHUNK);
		while (left > 0 && !w->fatal) {
			size_t k = left < IO_CHUNK ? left : IO_CHUNK;
			if (tarw_data(w->a, w->io, k) < 0) {
				w->fatal = true;
				err_set(w->e, 1, "%s", tarw_error(w->a));
			}
			left -= k;
		}
	} else if (!w->fatal && read(fd, w->io, 1) > 0) {
		note(w, "grew while read, cut at its first size", w->name);
	}
	close(fd);
	st->files++;
	st->bytes += (uint64_t)sb.st_size;
}

static void walk_dir(struct walk *w, int dfd, int depth);

/* One entry named nm in the directory dfd (w->name is its full name). */
static void add_entry(struct walk *w, int dfd, const char *nm, int depth)
{
	struct snap_tree_stats *st = w->st;
	struct stat sb;
	if (fstatat(dfd, nm, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		st->unreadable++;
		note(w, strerror(errno), w->name);
		return;
	}
	if (sb.st_dev != w->dev) {
		st->mounts++;
		note(w, "another mount, not entered", w->name);
		return;
	}
	if (S_ISREG(sb.st_mode)) {
		add_file(w, dfd, nm, BENEATH, &sb);
	} else if (S_ISLNK(sb.st_mode)) {
		char target[LINK_TARGET_MAX + 1];
		ssize_t n = readlinkat(dfd, nm, target, LINK_TARGET_MAX);
		if (n < 0) {
			st->unreadable++;
			note(w, strerror(errno), w->name);
			return;
		}
		target[n] = '\0';
		if (!cap_reached(w, "entry cap reached, stopped at") && header(w, &sb, target) == 0)
			st->symlinks++;
	} else if (S_ISDIR(sb.st_mode)) {
		if (depth >= w->caps->max_depth) {
			st->over_cap++;
			st->truncated = true;
			note(w, "too deep, not entered", w->name);
			return;
		}
		int cfd = open2(dfd, nm, O_RDONLY | O_DIRECTORY, BENEATH);
		struct stat csb;
		if (cfd < 0 || fstat(cfd, &csb) < 0 || csb.st_ino != sb.st_ino || csb.st_dev != sb.st_dev) {
			st->unreadable++;
			note(w, cfd < 0 && errno == EXDEV ? "another mount, not entered" : cfd < 0 ? strerror(errno) : "changed while read", w->name);
			if (cfd >= 0)
				close(cfd);
			return;
		}
		if (!cap_reached(w, "entry cap reached, stopped at") && header(w, &csb, NULL) == 0) {
			st->dirs++;
			walk_dir(w, cfd, depth + 1);
		}
		close(cfd);
	} else {
		st->specials++;
		note(w, S_ISFIFO(sb.st_mode) ? "fifo, not archived" : S_ISSOCK(sb.st_mode) ? "socket, not archived"
			: "device, not archived", w->name);
	}
}

static void walk_dir(struct walk *w, int dfd, int depth)
{
	int fd2 = dup(dfd);
	DIR *d = fd2 < 0 ? NULL : fdopendir(fd2);
	if (!d) {
		if (fd2 >= 0)
			close(fd2);
		w->st->unreadable++;
		note(w, strerror(errno), w->name);
		return;
	}
	size_t base = w->len;
	struct dirent *de;
	while (!w->stop && !w->fatal && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (name_push(w, de->d_name) < 0) {
			w->st->unreadable++;
			note(w, "name too long, left out", de->d_name);
		} else {
			add_entry(w, dfd, de->d_name, depth);
		}
		w->len = base;
		w->name[base] = '\0';
	}
	closedir(d);
}

/* absolute, no empty, "." or ".." components */
static bool clean_path(const char *p)
{
	if (!p || p[0] != '/' || strlen(p) > 4096)
		return false;
	for (const char *s = p + 1; *s;) {
		size_t k = strcspn(s, "/");
		if (k == 0 || (k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += k + (s[k] == '/');
	}
	return true;
}

/* The start: a directory, a file or a symlink (not followed). */
static void add_start(struct walk *w, int root_fd, const char *rel)
{
	int dfd = open2(root_fd, rel, O_RDONLY | O_DIRECTORY, IN_ROOT);
	if (dfd >= 0) {
		struct stat sb;
		if (fstat(dfd, &sb) < 0) {
			err_set(w->e, 1, "%s", strerror(errno));
			w->fatal = true;
		} else {
			w->dev = sb.st_dev;
			if (!w->name[0] || header(w, &sb, NULL) == 0) {
				w->st->dirs += w->name[0] != '\0';
				walk_dir(w, dfd, 0);
			}
		}
		close(dfd);
		return;
	}
	int en = errno;
	int pfd = en == ENOTDIR || en == ELOOP ? open2(root_fd, rel, O_PATH, IN_ROOT) : -1;
	struct stat sb;
	if (pfd < 0 || fstat(pfd, &sb) < 0) {
		err_set(w->e, 1, "cannot open it: %s", strerror(pfd < 0 && en != ENOTDIR && en != ELOOP ? en : errno));
		w->fatal = true;
		if (pfd >= 0)
			close(pfd);
		return;
	}
	w->dev = sb.st_dev;
	char target[LINK_TARGET_MAX + 1];
	ssize_t n;
	if (S_ISREG(sb.st_mode)) {
		add_file(w, root_fd, rel, IN_ROOT, &sb);
	} else if (S_ISLNK(sb.st_mode) && (n = readlinkat(pfd, "", target, LINK_TARGET_MAX)) >= 0) {
		target[n] = '\0';
		if (header(w, &sb, target) == 0)
			w->st->symlinks++;
	} else {
		w->st->specials++;
		note(w, "not a directory, file or symlink, not archived", w->name);
	}
	close(pfd);
}

int snap_tree_archive(int root_fd, const char *path, int out_fd, const struct snap_tree_caps *caps,
                      struct snap_tree_stats *st, char sha256[65], uint64_t *size, struct err *e)
{
	memset(st, 0, sizeof *st);
	sha256[0] = '\0';
	*size = 0;
	if (!clean_path(path))
		return err_set(e, 1, "not a clean absolute path");
	struct sink sk = {.fd = out_fd, .md = EVP_MD_CTX_new()};
	struct walk w = {.caps = caps, .st = st, .e = e, .io = xmalloc(IO_CHUNK), .a = tarw_new(sink_write, &sk)};
	if (!sk.md || EVP_DigestInit_ex(sk.md, EVP_sha256(), NULL) != 1)
		abort();
	name_push(&w, path + 1);
	add_start(&w, root_fd, path[1] ? path + 1 : ".");
	if (tarw_close(w.a) < 0 && !w.fatal) {
		err_set(e, 1, "%s", tarw_error(w.a));
		w.fatal = true;
	}
	int rc = w.fatal ? -1 : 0;
	tarw_free(w.a);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(sk.md, md, &mdlen);
	EVP_MD_CTX_free(sk.md);
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		snprintf(sha256 + 2 * i, 3, "%02x", md[i]);
	*size = sk.size;
	free(w.io);
	free(w.name);
	return rc;
}
