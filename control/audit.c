/* audit: the operator audit log: open and continue the chain, append durably, keep the head file, the default path. */
#include "control/audit.h"
#include "control/audit_line.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"

/* room kept after the targets for reason, detail and the rest of the line */
#define TAIL_RESERVE (16 * 1024)
/* how long a write waits for another process's lock on the log */
#define LOCK_TRIES 200
#define LOCK_SLEEP_NS (10 * 1000 * 1000)

struct audit {
	char *path;
	char *head_path;                /* PATH.head: "SEQ HASH\n" of the last record */
	char *tmp_path;                 /* PATH.head.tmp, renamed over the head */
	int fd;                         /* the log, O_RDWR | O_APPEND */
	int dirfd;                      /* its directory, fsync'd after a rename */
	off_t size;                     /* the log's size when we last saw its end */
	uint64_t seq;                   /* newest record (0: empty log) */
	char hash[AUDIT_HEX_LEN + 1];   /* its hash (zeros: empty log) */
	char *who;                      /* the "who" JSON object, made once */
};

int audit_mkdirs(const char *path, struct err *e)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (s[-1] != '/' && mkdir(p, 0700) < 0 && errno != EEXIST) {
			rc = err_set(e, AUDIT_E_IO, "cannot create directory %s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

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
	audit_json_str(&b, pw ? pw->pw_name : NULL, AUDIT_STR_MAX);
	buf_puts(&b, ",\"sudo_user\":");
	audit_json_str(&b, getenv("SUDO_USER"), AUDIT_STR_MAX);
	buf_puts(&b, ",\"tty\":");
	audit_json_str(&b, tty ? tty : "-", AUDIT_STR_MAX);
	buf_puts(&b, ",\"host\":");
	audit_json_str(&b, host[0] ? host : NULL, AUDIT_STR_MAX);
	buf_printf(&b, ",\"pid\":%ld}", (long)getpid());
	return buf_steal(&b);
}

static int write_all(int fd, const char *p, size_t n, size_t *done)
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

static int fsync_fd(int fd)
{
	int rc;
	while ((rc = fsync(fd)) < 0 && errno == EINTR)
		;
	return rc;
}

/* Replace the head file with "seq hash\n": temp file, fsync, rename,
 * directory fsync. Called with the log locked. */
static int head_write(struct audit *a, uint64_t seq, const char *hash, struct err *e)
{
	char s[32 + AUDIT_HEX_LEN];
	int n = snprintf(s, sizeof s, "%" PRIu64 " %s\n", seq, hash);
	unlink(a->tmp_path); /* a leftover of a crash; O_EXCL below refuses anything else */
	int fd = open(a->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, AUDIT_E_IO, "cannot create the head file: %s", strerror(errno));
	size_t done;
	const char *step = NULL;
	if (write_all(fd, s, (size_t)n, &done) < 0)
		step = "write";
	else if (fsync_fd(fd) < 0)
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
	if (!step && fsync_fd(a->dirfd) < 0) {
		step = "directory fsync";
		en = errno;
	}
	if (step) {
		unlink(a->tmp_path);
		return err_set(e, AUDIT_E_IO, "cannot update the head file: %s failed: %s", step, strerror(en));
	}
	return 0;
}

static int pread_all(int fd, char *p, size_t n, off_t off)
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

/* Take up the chain where the log ends: its last line must be a valid
 * record and agree with the head file. Called with the log locked. */
static int read_tail(struct audit *a, struct err *e)
{
	struct stat st;
	if (fstat(a->fd, &st) < 0)
		return err_set(e, AUDIT_E_IO, "fstat failed: %s", strerror(errno));
	uint64_t seq = 0;
	char hash[AUDIT_HEX_LEN + 1] = AUDIT_ZERO_HASH, prev[AUDIT_HEX_LEN + 1] = AUDIT_ZERO_HASH;
	if (st.st_size > 0) {
		/* the longest record, and the newline before it */
		size_t n = st.st_size > AUDIT_LINE_MAX + 1 ? AUDIT_LINE_MAX + 1 : (size_t)st.st_size;
		off_t off = st.st_size - (off_t)n;
		char *p = xmalloc(n);
		if (pread_all(a->fd, p, n, off) < 0) {
			int en = errno;
			free(p);
			return err_set(e, AUDIT_E_IO, "cannot read the log's end: %s", strerror(en));
		}
		const char *why = NULL;
		struct audit_line m;
		if (p[n - 1] != '\n') {
			why = "the log ends in an incomplete record (an interrupted write?)";
		} else {
			const char *nl = memrchr(p, '\n', n - 1);
			size_t start = nl ? (size_t)(nl - p) + 1 : 0;
			if (!nl && off > 0)
				why = "the log's last line is too long to be a record";
			else if (audit_line_parse(p + start, n - 1 - start, &m, &why) < 0)
				why = "the log's last line is not a valid record";
			else if (!m.hash_ok)
				why = "the log's last record has a wrong hash (edited)";
		}
		free(p);
		if (why)
			return err_set(e, AUDIT_E_CHAIN, "%s; see 'sandtop audit-log verify'", why);
		seq = m.seq;
		memcpy(hash, m.hash, sizeof hash);
		memcpy(prev, m.prev, sizeof prev);
	}
	uint64_t hseq = 0;
	char hhash[AUDIT_HEX_LEN + 1] = AUDIT_ZERO_HASH;
	int h = audit_head_read(a->head_path, &hseq, hhash, e);
	if (h < 0)
		return -1;
	if (hseq == seq && strcmp(hhash, hash) == 0) {
		/* agree */
	} else if (seq > 0 && hseq + 1 == seq && strcmp(hhash, prev) == 0) {
		/* the head is one record behind that record's own prev: an append
		 * whose head update never happened (a crash or a failed rename) */
		if (head_write(a, seq, hash, e) < 0)
			return -1;
	} else if (h == 0) {
		return err_set(e, AUDIT_E_CHAIN, "the log has records up to seq %" PRIu64 " but no head file; "
			       "see 'sandtop audit-log verify'", seq);
	} else if (hseq > seq) {
		return err_set(e, AUDIT_E_CHAIN, "the log ends at seq %" PRIu64 " but its head file says %" PRIu64
			       " (truncated); see 'sandtop audit-log verify'", seq, hseq);
	} else {
		return err_set(e, AUDIT_E_CHAIN, "the log's last record (seq %" PRIu64 ") does not match its head "
			       "file (seq %" PRIu64 "); see 'sandtop audit-log verify'", seq, hseq);
	}
	a->seq = seq;
	memcpy(a->hash, hash, sizeof hash);
	a->size = st.st_size;
	return 0;
}

static int lock_log(struct audit *a, struct err *e)
{
	for (int i = 0;; i++) {
		if (flock(a->fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return err_set(e, AUDIT_E_IO, "cannot lock the log: %s", strerror(errno));
		if (i >= LOCK_TRIES)
			return err_set(e, AUDIT_E_LOCKED, "the log stayed locked by another process for 2 s");
		struct timespec ts = { 0, LOCK_SLEEP_NS };
		nanosleep(&ts, NULL);
	}
}

static void unlock_log(struct audit *a)
{
	flock(a->fd, LOCK_UN);
}

struct audit *audit_open(const char *path, struct err *e)
{
	if (!path || !*path) {
		err_set(e, AUDIT_E_ARG, "no audit log path");
		return NULL;
	}
	char *dir = dir_of(path);
	if (audit_mkdirs(dir, e) < 0) {
		free(dir);
		return NULL;
	}
	struct audit *a = xcalloc(1, sizeof *a);
	a->path = xstrdup(path);
	a->head_path = xasprintf("%s.head", path);
	a->tmp_path = xasprintf("%s.head.tmp", path);
	a->dirfd = -1;
	a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (a->fd < 0) {
		err_set(e, AUDIT_E_IO, "cannot open audit log %s: %s", path, strerror(errno));
		free(dir);
		goto fail;
	}
	struct stat st;
	if (fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, AUDIT_E_IO, "audit log %s is not a regular file", path);
		free(dir);
		goto fail;
	}
	a->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a->dirfd < 0) {
		err_set(e, AUDIT_E_IO, "cannot open directory %s: %s", dir, strerror(errno));
		free(dir);
		goto fail;
	}
	free(dir);
	if (lock_log(a, e) < 0) {
		err_set(e, e->code, "audit log %s: %s", path, e->msg);
		goto fail;
	}
	int rc = read_tail(a, e);
	unlock_log(a);
	if (rc < 0) {
		err_set(e, e->code, "audit log %s: %s", path, e->msg);
		goto fail;
	}
	a->who = who_format();
	return a;
fail:
	audit_close(a);
	return NULL;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	if (a->dirfd >= 0)
		close(a->dirfd);
	free(a->path);
	free(a->head_path);
	free(a->tmp_path);
	free(a->who);
	free(a);
}

uint64_t audit_last_seq(const struct audit *a)
{
	return a->seq;
}

const char *audit_path(const struct audit *a)
{
	return a->path;
}

/* RFC 3339 UTC with nanoseconds. */
static void fmt_ts(char out[96])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts.tv_nsec);
}

/* Everything of the line before ,"hash": into b. */
static void format_rec(const struct audit *a, const struct audit_rec *r, uint64_t seq, struct buf *b)
{
	char ts[96];
	fmt_ts(ts);
	buf_printf(b, AUDIT_LINE_HEAD "%" PRIu64 ",\"ts\":\"%s\",\"op\":%" PRIu64 ",\"phase\":",
		   seq, ts, r->op ? r->op : seq);
	audit_json_str(b, r->phase, AUDIT_STR_MAX);
	buf_puts(b, ",\"action\":");
	audit_json_str(b, r->action, AUDIT_STR_MAX);
	buf_printf(b, ",\"armed\":%s,\"who\":%s,\"targets\":[", r->armed ? "true" : "false", a->who);
	size_t n = r->ntargets < AUDIT_TARGETS_MAX ? r->ntargets : AUDIT_TARGETS_MAX, i;
	for (i = 0; i < n; i++) {
		const struct audit_target *t = &r->targets[i];
		size_t mark = b->len;
		buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		audit_json_str(b, t->id, AUDIT_STR_MAX);
		buf_puts(b, ",\"name\":");
		audit_json_str(b, t->name, AUDIT_STR_MAX);
		buf_puts(b, ",\"result\":");
		audit_json_str(b, t->result, AUDIT_STR_MAX);
		buf_puts(b, "}");
		if (b->overflow || b->len > AUDIT_LINE_MAX - TAIL_RESERVE) {
			/* no room: take this one back and count the rest */
			b->len = mark;
			b->data[mark] = '\0';
			b->overflow = false;
			break;
		}
	}
	buf_puts(b, "]");
	if (i < r->ntargets)
		buf_printf(b, ",\"targets_omitted\":%zu", r->ntargets - i);
	buf_puts(b, ",\"reason\":");
	audit_json_str(b, r->reason, AUDIT_STR_MAX);
	buf_puts(b, ",\"detail\":");
	audit_json_str(b, r->detail, AUDIT_STR_MAX);
	if (r->duration_ms >= 0)
		buf_printf(b, ",\"duration_ms\":%" PRId64, r->duration_ms);
	else
		buf_puts(b, ",\"duration_ms\":null");
	buf_printf(b, ",\"prev\":\"%s\"", a->hash);
}

/* The append itself; the log is locked. */
static int write_locked(struct audit *a, const struct audit_rec *r, struct err *e)
{
	struct stat st;
	if (fstat(a->fd, &st) < 0)
		return err_set(e, AUDIT_E_IO, "audit log: fstat failed: %s", strerror(errno));
	/* someone else appended (or the file changed): continue from its end */
	if (st.st_size != a->size && read_tail(a, e) < 0)
		return err_set(e, e->code, "audit log: %s", e->msg);
	uint64_t seq = a->seq + 1;
	struct buf b;
	buf_init(&b, AUDIT_LINE_MAX);
	format_rec(a, r, seq, &b);
	char hash[AUDIT_HEX_LEN + 1];
	if (b.overflow || audit_sha256_hex(b.data, b.len, hash) < 0) {
		buf_free(&b);
		return err_set(e, AUDIT_E_IO, "audit log: cannot format the record");
	}
	buf_printf(&b, ",\"hash\":\"%s\"}\n", hash);
	if (b.overflow) {
		buf_free(&b);
		return err_set(e, AUDIT_E_IO, "audit log: the record is too long");
	}
	size_t done;
	if (write_all(a->fd, b.data, b.len, &done) < 0) {
		int en = errno;
		buf_free(&b);
		if (done > 0 && ftruncate(a->fd, a->size) < 0)
			return err_set(e, AUDIT_E_IO, "audit log: append failed: %s; could not cut the partial "
				       "record off again: %s", strerror(en), strerror(errno));
		return err_set(e, AUDIT_E_IO, "audit log: append failed: %s", strerror(en));
	}
	size_t len = b.len;
	buf_free(&b);
	if (fsync_fd(a->fd) < 0) {
		int en = errno;
		/* not known to be on disk: take it back so the chain stays whole */
		if (ftruncate(a->fd, a->size) < 0)
			return err_set(e, AUDIT_E_IO, "audit log: fsync failed: %s; could not take the record "
				       "back: %s", strerror(en), strerror(errno));
		fsync_fd(a->fd);
		return err_set(e, AUDIT_E_IO, "audit log: fsync failed: %s", strerror(en));
	}
	a->size += (off_t)len;
	a->seq = seq;
	memcpy(a->hash, hash, sizeof hash);
	if (head_write(a, seq, hash, e) < 0)
		return err_set(e, e->code, "audit log: record %" PRIu64 " written, but %s", seq, e->msg);
	return 0;
}

int audit_write(struct audit *a, const struct audit_rec *r, struct err *e)
{
	if (!r->action || !*r->action || !r->phase || !*r->phase || (r->ntargets && !r->targets))
		return err_set(e, AUDIT_E_ARG, "audit log: a record needs an action and a phase");
	if (lock_log(a, e) < 0)
		return err_set(e, e->code, "audit log: %s", e->msg);
	int rc = write_locked(a, r, e);
	unlock_log(a);
	return rc;
}

char *audit_state_path(const char *leaf)
{
	const char *x = getenv("XDG_STATE_HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/sandtop/%s", x, leaf);
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return NULL;
	return xasprintf("%s/.local/state/sandtop/%s", home, leaf);
}

char *audit_default_path(void)
{
	return audit_state_path("audit.log");
}
