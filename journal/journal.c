/* journal: the operator journal's handle: open (strict or lazy) and lock the log, keep the head file, the default path. */
#include "journal/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/jsonstr.h"
#include "base/path.h"
#include "base/xalloc.h"

/* the pause between tries for another process's lock */
#define LOCK_SLEEP_NS (10 * 1000 * 1000)
/* how soon a damaged log is read again (a person has to mend it) */
#define DAMAGED_RETRY_MS 1000

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The operator, as one JSON object: uid, user, sudo_user, tty, host, pid. */
static char *who_format(void)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid);
	const char *tty = ttyname(STDIN_FILENO);
	char host[257] = "";
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	buf_printf(&b, "{\"uid\":%lu,\"user\":", (unsigned long)uid);
	jsonstr_put(&b, pw ? pw->pw_name : NULL, JOURNAL_STR_MAX);
	buf_puts(&b, ",\"sudo_user\":");
	jsonstr_put(&b, getenv("SUDO_USER"), JOURNAL_STR_MAX);
	buf_puts(&b, ",\"tty\":");
	jsonstr_put(&b, tty ? tty : "-", JOURNAL_STR_MAX);
	buf_puts(&b, ",\"host\":");
	jsonstr_put(&b, host[0] ? host : NULL, JOURNAL_STR_MAX);
	buf_printf(&b, ",\"pid\":%ld}", (long)getpid());
	return buf_steal(&b);
}

int journal_io_write_all(int fd, const char *p, size_t n, size_t *done)
{
	*done = 0;
	while (*done < n) {
		ssize_t w = write(fd, p + *done, n - *done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		*done += (size_t)w;
	}
	return 0;
}

int journal_io_fsync(int fd)
{
	int rc;
	while ((rc = fsync(fd)) < 0 && errno == EINTR)
		;
	return rc;
}

/* Replace the head file with "seq hash\n": temp file, fsync, rename,
 * directory fsync. Called with the log locked. */
int journal_head_write(struct journal *a, uint64_t seq, const char *hash, struct err *e)
{
	char s[32 + JOURNAL_HEX_LEN];
	int n = snprintf(s, sizeof s, "%" PRIu64 " %s\n", seq, hash);
	unlink(a->tmp_path); /* a leftover of a crash; O_EXCL below refuses anything else */
	int fd = open(a->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, JOURNAL_E_IO, "cannot create the head file: %s", strerror(errno));
	size_t done;
	const char *step = NULL;
	if (journal_io_write_all(fd, s, (size_t)n, &done) < 0)
		step = "write";
	else if (journal_io_fsync(fd) < 0)
		step = "fsync";
	int en = errno;
	if (close(fd) < 0 && !step) {
		step = "close";
		en = errno;
	}
	if (!step && rename(a->tmp_path, a->head_path) < 0) {
		step = "rename";
		en = errno;
	}
	if (!step && journal_io_fsync(a->dirfd) < 0) {
		step = "directory fsync";
		en = errno;
	}
	if (step) {
		unlink(a->tmp_path);
		return err_set(e, JOURNAL_E_IO, "cannot update the head file: %s failed: %s", step, strerror(en));
	}
	return 0;
}

int journal_io_pread_all(int fd, char *p, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EIO; /* shrank under us */
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* Open the log and its directory (not locked yet). */
static int log_fd_open(struct journal *a, struct err *e)
{
	if (path_mkdirs(a->dir, e) < 0) {
		e->code = JOURNAL_E_IO;
		return -1;
	}
	a->fd = open(a->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (a->fd < 0)
		return err_set(e, JOURNAL_E_IO, "cannot open journal %s: %s", a->path, strerror(errno));
	struct stat st;
	if (fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(a->fd);
		a->fd = -1;
		return err_set(e, JOURNAL_E_IO, "journal %s is not a regular file", a->path);
	}
	if (a->dirfd < 0 && (a->dirfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set(e, JOURNAL_E_IO, "cannot open directory %s: %s", a->dir, strerror(errno));
		close(a->fd);
		a->fd = -1;
		return -1;
	}
	a->tail_known = false;
	return 0;
}

static void log_fd_close(struct journal *a)
{
	if (a->fd >= 0)
		close(a->fd); /* and its lock */
	a->fd = -1;
	a->locked = false;
	a->tail_known = false;
}

static int lock_log(struct journal *a, int tries, struct err *e)
{
	for (int i = 0;; i++) {
		if (flock(a->fd, LOCK_EX | LOCK_NB) == 0) {
			a->locked = true;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return err_set(e, JOURNAL_E_IO, "cannot lock the log: %s", strerror(errno));
		if (tries == 0)
			return err_set(e, JOURNAL_E_LOCKED, "journal locked by another process");
		if (i >= tries)
			return err_set(e, JOURNAL_E_LOCKED, "the log stayed locked by another process for %d s",
				       tries * (LOCK_SLEEP_NS / 1000000) / 1000);
		struct timespec ts = { 0, LOCK_SLEEP_NS };
		nanosleep(&ts, NULL);
	}
}

void journal_unlock(struct journal *a)
{
	if (a->locked && a->fd >= 0)
		flock(a->fd, LOCK_UN);
	a->locked = false;
}

int journal_attach(struct journal *a, int tries, struct err *e)
{
	for (int round = 0; round < 2; round++) {
		if (a->fd < 0) {
			if (a->reopen_ms && clock_mono_ms() < a->reopen_ms)
				return err_set(e, JOURNAL_E_CHAIN, "%s", a->damage);
			if (log_fd_open(a, e) < 0)
				return -1;
		}
		if (lock_log(a, tries, e) < 0)
			return -1;
		struct stat st;
		if (fstat(a->fd, &st) < 0) {
			int en = errno;
			journal_unlock(a);
			return err_set(e, JOURNAL_E_IO, "fstat failed: %s", strerror(en));
		}
		if (st.st_nlink == 0 && round == 0) {
			/* deleted under us: what we wrote would go nowhere; open the path again */
			log_fd_close(a);
			continue;
		}
		if (a->tail_known && st.st_size == a->size)
			return 0;
		if (journal_tail_take(a, e) == 0)
			return 0;
		journal_unlock(a);
		if (e->code == JOURNAL_E_CHAIN) {
			snprintf(a->damage, sizeof a->damage, "%s", e->msg);
			log_fd_close(a);
			a->reopen_ms = clock_mono_ms() + DAMAGED_RETRY_MS;
		}
		return -1;
	}
	return err_set(e, JOURNAL_E_IO, "the journal %s was deleted while open", a->path);
}

static struct journal *handle_new(const char *path)
{
	struct journal *a = xcalloc(1, sizeof *a);
	a->path = xstrdup(path);
	a->head_path = xasprintf("%s.head", path);
	a->tmp_path = xasprintf("%s.head.tmp", path);
	a->dir = dir_of(path);
	a->fd = -1;
	a->dirfd = -1;
	memcpy(a->hash, JOURNAL_ZERO_HASH, sizeof a->hash);
	a->qtail = &a->qhead;
	a->who = who_format();
	return a;
}

struct journal *journal_open(const char *path, struct err *e)
{
	if (!path || !*path) {
		err_set(e, JOURNAL_E_ARG, "no journal path");
		return NULL;
	}
	struct journal *a = handle_new(path);
	if (journal_attach(a, JOURNAL_LOCK_TRIES, e) < 0) {
		/* a failed open names the path already */
		if (a->fd >= 0 || e->code != JOURNAL_E_IO)
			err_set(e, e->code, "journal %s: %s%s", path, e->msg,
				e->code == JOURNAL_E_CHAIN ? "; see 'sandtop journal verify'" : "");
		journal_close(a);
		return NULL;
	}
	/* a repaired torn line: its record goes in first (kept queued if it cannot) */
	struct err we;
	int rc = a->nq ? journal_q_write(a, &we) : 0;
	journal_unlock(a);
	if (rc < 0)
		journal_set_problem(a, &we);
	return a;
}

struct journal *journal_open_lazy(const char *path)
{
	if (!path)
		return NULL;
	struct journal *a = handle_new(path);
	journal_flush(a, NULL);
	return a;
}

void journal_close(struct journal *a)
{
	if (!a)
		return;
	if (a->nq)
		journal_drain(a, 0, stderr); /* one last try, then standard error: never lost in silence */
	log_fd_close(a);
	if (a->dirfd >= 0)
		close(a->dirfd);
	free(a->path);
	free(a->head_path);
	free(a->tmp_path);
	free(a->dir);
	free(a->who);
	free(a);
}

uint64_t journal_last_seq(const struct journal *a)
{
	return a->seq;
}

const char *journal_path(const struct journal *a)
{
	return a->path;
}

void journal_fmt_ts(char out[96])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts.tv_nsec);
}
char *journal_default_path(void)
{
	return path_state("audit.log");
}
