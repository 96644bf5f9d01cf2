/* repair: take up the journal's chain at its end, check it against the head file, repair a torn last line or a head one record behind. */
#include "journal/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"

/* What the log's end says: the last complete record and the torn tail. */
struct tail {
	uint64_t seq;
	char hash[JOURNAL_HEX_LEN + 1], prev[JOURNAL_HEX_LEN + 1];
	off_t end;             /* where the complete records end */
	char *frag;            /* the bytes after the last newline (owned; NULL: none) */
	size_t nfrag;
};

/* Parse the log's last n bytes p (from offset off): the torn tail and the
 * record before it. Returns 0 (t filled but for frag), 1 when a window
 * that does not reach the file's start is too small to tell, -1 with *why. */
static int tail_parse(const char *p, size_t n, off_t off, bool small, struct tail *t, size_t *cut,
		      const char **why)
{
	const char *nl = memrchr(p, '\n', n);
	*cut = nl ? (size_t)(nl - p) + 1 : 0; /* in p: where the torn tail starts */
	if (small && off > 0 && !nl)
		return 1;
	if (n - *cut > JOURNAL_LINE_MAX) { /* also: no newline in the last 2 MiB */
		*why = "the log ends in more bytes without a newline than any record has";
		return -1;
	}
	t->end = off + (off_t)*cut;
	if (*cut == 0)
		return 0; /* nothing but a torn line */
	const char *nl2 = *cut > 1 ? memrchr(p, '\n', *cut - 1) : NULL;
	size_t start = nl2 ? (size_t)(nl2 - p) + 1 : 0;
	struct journal_line m;
	if (!nl2 && off > 0) {
		if (small)
			return 1;
		*why = "the log's last line is too long to be a record";
	} else if (journal_line_parse(p + start, *cut - 1 - start, &m, why) < 0) {
		*why = "the log's last line is not a valid record";
	} else if (!m.hash_ok) {
		*why = "the log's last record has a wrong hash (edited)";
	} else {
		t->seq = m.seq;
		memcpy(t->hash, m.hash, sizeof t->hash);
		memcpy(t->prev, m.prev, sizeof t->prev);
		return 0;
	}
	return -1;
}

/* Read the end of the log (the torn tail and the record before it, each
 * at most JOURNAL_LINE_MAX) into t: the last 64 KiB, and the last 2 MiB when
 * that is not enough. Returns 0, or -1 with e (JOURNAL_E_CHAIN when the end
 * is not one sandtop could have left). */
static int tail_read(int fd, off_t size, struct tail *t, struct err *e)
{
	static const size_t window[] = { 64 * 1024, 2 * (size_t)JOURNAL_LINE_MAX + 1 };
	memcpy(t->hash, JOURNAL_ZERO_HASH, sizeof t->hash);
	memcpy(t->prev, JOURNAL_ZERO_HASH, sizeof t->prev);
	if (size == 0)
		return 0;
	for (size_t w = 0; w < sizeof window / sizeof window[0]; w++) {
		size_t n = size > (off_t)window[w] ? window[w] : (size_t)size;
		off_t off = size - (off_t)n;
		char *p = xmalloc(n);
		if (journal_io_pread_all(fd, p, n, off) < 0) {
			int en = errno;
			free(p);
			return err_set(e, JOURNAL_E_IO, "cannot read the log's end: %s", strerror(en));
		}
		size_t cut;
		const char *why = NULL;
		int rc = tail_parse(p, n, off, w == 0, t, &cut, &why);
		if (rc == 0 && cut < n) {
			t->nfrag = n - cut;
			t->frag = xmalloc(t->nfrag);
			memcpy(t->frag, p + cut, t->nfrag);
		}
		free(p);
		if (rc < 0)
			return err_set(e, JOURNAL_E_CHAIN, "%s", why);
		if (rc == 0)
			return 0;
	}
	return err_set(e, JOURNAL_E_CHAIN, "the log's end cannot be read as records");
}

/* Save the torn tail to PATH.torn-<UTC>-<pid>[-k] (0600, never an existing
 * file), fsync'd with its directory. Returns the file's name (caller frees). */
static char *frag_save(struct journal *a, const struct tail *t, struct err *e)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	for (int k = 1; k < 100; k++) {
		char *name = k == 1 ? xasprintf("%s.torn-%s-%ld", a->path, stamp, (long)getpid())
				    : xasprintf("%s.torn-%s-%ld-%d", a->path, stamp, (long)getpid(), k);
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd < 0 && errno == EEXIST) {
			free(name);
			continue;
		}
		if (fd < 0) {
			err_set(e, JOURNAL_E_IO, "cannot save the log's torn last line: %s", strerror(errno));
			free(name);
			return NULL;
		}
		int en;
		const char *step = journal_io_commit(fd, t->frag, t->nfrag, NULL, NULL, a->dirfd, &en);
		if (step) {
			unlink(name);
			free(name);
			err_set(e, JOURNAL_E_IO, "cannot save the log's torn last line: %s failed: %s", step, strerror(en));
			return NULL;
		}
		return name;
	}
	err_set(e, JOURNAL_E_IO, "cannot save the log's torn last line: too many side files this second");
	return NULL;
}

/* Keep the torn tail in a side file, cut it off the log, and queue the
 * record that says so at the front. */
static int frag_repair(struct journal *a, const struct tail *t, struct err *e)
{
	char *side = frag_save(a, t, e);
	if (!side)
		return -1;
	if (ftruncate(a->fd, t->end) < 0 || journal_io_fsync(a->fd) < 0) {
		int en = errno;
		unlink(side); /* the fragment is still in the log */
		free(side);
		return err_set(e, JOURNAL_E_IO, "cannot cut the torn last line off the log: %s", strerror(en));
	}
	char sum[JOURNAL_HEX_LEN + 1];
	journal_sha256_hex(t->frag, t->nfrag, sum);
	const char *base = strrchr(side, '/');
	base = base ? base + 1 : side;
	char *detail = xasprintf("torn last line cut off: %zu bytes, sha256 %s, kept in %s", t->nfrag, sum, base);
	struct journal_rec r = { .action = "log_repair", .phase = "event", .detail = detail, .duration_ms = -1 };
	journal_q_push(a, &r, true);
	log_msg(LOG_WARN, "journal: %s", detail);
	free(detail);
	free(side);
	return 0;
}

int journal_tail_take(struct journal *a, struct err *e)
{
	struct stat st;
	if (fstat(a->fd, &st) < 0)
		return err_set(e, JOURNAL_E_IO, "fstat failed: %s", strerror(errno));
	struct tail t = {0};
	if (tail_read(a->fd, st.st_size, &t, e) < 0)
		return -1;
	uint64_t hseq = 0;
	char hhash[JOURNAL_HEX_LEN + 1] = JOURNAL_ZERO_HASH;
	int h = journal_head_read(a->head_path, &hseq, hhash, e);
	int rc = -1;
	bool behind = false;
	if (h < 0) {
		/* e says why */
	} else if (hseq == t.seq && strcmp(hhash, t.hash) == 0) {
		rc = 0;
	} else if (t.seq > 0 && hseq + 1 == t.seq && strcmp(hhash, t.prev) == 0) {
		/* the head is one record behind that record's own prev: an append
		 * whose head update never happened (a crash or a failed rename) */
		behind = true;
		rc = 0;
	} else if (h == 0) {
		err_set(e, JOURNAL_E_CHAIN, "the log has records up to seq %" PRIu64 " but no head file", t.seq);
	} else if (hseq > t.seq) {
		err_set(e, JOURNAL_E_CHAIN, "the log ends at seq %" PRIu64 "%s but its head file says %" PRIu64
			" (truncated)", t.seq, t.frag ? " and an incomplete record" : "", hseq);
	} else {
		err_set(e, JOURNAL_E_CHAIN, "the log's last record (seq %" PRIu64 ") does not match its head "
			"file (seq %" PRIu64 ")", t.seq, hseq);
	}
	if (rc == 0 && t.frag)
		rc = frag_repair(a, &t, e);
	if (rc == 0 && behind)
		rc = journal_head_write(a, t.seq, t.hash, e);
	free(t.frag);
	if (rc < 0)
		return -1;
	a->seq = t.seq;
	memcpy(a->hash, t.hash, sizeof a->hash);
	a->size = t.end;
	a->tail_known = true;
	return 0;
}
