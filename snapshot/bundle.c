/* bundle: the bundle directory and its files: fresh names, 0700/0600, durable writes, size and sha256, who took it. */
#include "snapshot/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/jsonstr.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "journal/journal.h"
#include "journal/line.h"

#define BUNDLE_TRIES 1000
#define HASH_CHUNK (256 * 1024)

void snap_safe_name(const char *name, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = name ? name : ""; *p && k + 1 < n && k < 64; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!ok && k == 0)
			continue; /* start with a letter or digit */
		out[k++] = ok || c == '_' || c == '.' || c == '-' ? c : '_';
	}
	if (n > 0)
		out[k] = '\0';
	if (k == 0 && n > 0)
		snprintf(out, n, "sandbox");
}

static void utc(int64_t wall_ms, struct tm *tm)
{
	time_t t = (time_t)(wall_ms / 1000);
	gmtime_r(&t, tm);
}

void snap_stamp(int64_t wall_ms, char *out, size_t n)
{
	struct tm tm;
	utc(wall_ms, &tm);
	strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

void snap_rfc3339(int64_t wall_ms, char *out, size_t n)
{
	struct tm tm;
	char s[32];
	utc(wall_ms, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%03dZ", s, (int)(wall_ms % 1000));
}

char *snap_default_parent(void)
{
	return path_state("snapshots");
}

int snap_bundle_create(const char *parent, const char *base, char **path, struct err *e)
{
	*path = NULL;
	if (!parent || !*parent)
		return err_set(e, 1, "no directory for the bundle");
	if (path_mkdirs(parent, e) < 0)
		return -1;
	int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return err_set(e, 1, "%s: %s", parent, strerror(errno));
	for (int i = 1; i <= BUNDLE_TRIES; i++) {
		char name[128];
		if (i == 1)
			snprintf(name, sizeof name, "%s", base);
		else
			snprintf(name, sizeof name, "%s-%d", base, i);
		if (mkdirat(pfd, name, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			err_set(e, 1, "cannot create %s/%s: %s", parent, name, strerror(errno));
			close(pfd);
			return -1;
		}
		int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			err_set(e, 1, "%s/%s: %s", parent, name, strerror(errno));
			close(pfd);
			return -1;
		}
		fsync(pfd);
		close(pfd);
		*path = xasprintf("%s%s%s", parent, parent[strlen(parent) - 1] == '/' ? "" : "/", name);
		return fd;
	}
	close(pfd);
	return err_set(e, 1, "%s/%s: every name up to -%d is taken", parent, base, BUNDLE_TRIES);
}

int snap_file_create(int dirfd, const char *name, struct err *e)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		err_set(e, 1, "cannot create %s: %s", name, strerror(errno));
	return fd;
}

int snap_file_put(int dirfd, const char *name, const void *data, size_t len, struct snap_file *f, struct err *e)
{
	int fd = snap_file_create(dirfd, name, e);
	if (fd < 0)
		return -1;
	const char *p = data;
	int en = 0;
	for (size_t done = 0; done < len && !en;) {
		ssize_t w = write(fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			en = w < 0 ? errno : EIO;
		else
			done += (size_t)w;
	}
	if (!en && fsync(fd) < 0)
		en = errno;
	if (close(fd) < 0 && !en)
		en = errno;
	if (en) {
		unlinkat(dirfd, name, 0);
		return err_set(e, 1, "writing %s: %s", name, strerror(en));
	}
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->size = len;
	if (journal_sha256_hex(data, len, f->sha256) < 0)
		return err_set(e, 1, "sha256 of %s failed", name);
	return 0;
}

int snap_file_hash(int dirfd, const char *name, struct snap_file *f, struct err *e)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, 1, "%s: %s", name, strerror(errno));
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		abort();
	char *chunk = xmalloc(HASH_CHUNK);
	uint64_t size = 0;
	int en = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, HASH_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			en = n < 0 ? errno : 0;
			break;
		}
		EVP_DigestUpdate(md, chunk, (size_t)n);
		size += (uint64_t)n;
	}
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	free(chunk);
	close(fd);
	if (en)
		return err_set(e, 1, "reading %s: %s", name, strerror(en));
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->size = size;
	for (unsigned i = 0; i < dl && i < 32; i++)
		snprintf(f->sha256 + 2 * i, 3, "%02x", d[i]);
	return 0;
}

static void who(unsigned long *uid, const char **user, const char **sudo, char host[257])
{
	*uid = (unsigned long)getuid();
	struct passwd *pw = getpwuid((uid_t)*uid);
	*user = pw ? pw->pw_name : NULL;
	*sudo = getenv("SUDO_USER");
	if (gethostname(host, 256) < 0)
		host[0] = '\0';
	host[256] = '\0';
}

void snap_operator(char *out, size_t n)
{
	unsigned long uid;
	const char *user, *sudo;
	char host[257];
	who(&uid, &user, &sudo, host);
	snprintf(out, n, "%.64s (uid %lu) on %.64s%s%.64s", user ? user : "?", uid, host[0] ? host : "?",
	         sudo && *sudo ? " via sudo from " : "", sudo && *sudo ? sudo : "");
}

void snap_operator_json(struct buf *b)
{
	unsigned long uid;
	const char *user, *sudo;
	char host[257];
	who(&uid, &user, &sudo, host);
	buf_printf(b, "{\"uid\":%lu,\"user\":", uid);
	jsonstr_put(b, user, 256);
	buf_puts(b, ",\"sudo_user\":");
	jsonstr_put(b, sudo, 256);
	buf_puts(b, ",\"host\":");
	jsonstr_put(b, host[0] ? host : NULL, 256);
	buf_puts(b, "}");
}
