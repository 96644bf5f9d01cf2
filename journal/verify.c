/* verify: check a journal's hash chain, seq numbers and head file, and say where it was damaged. */
#include "journal/journal.h"
#include "journal/line.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"

struct reader {
	int fd;
	size_t pos, len;
	char blk[64 * 1024];
};

/* The next line (without '\n') into line; at most cap bytes are kept and
 * *over says there were more. Returns 1 for a line that ended in '\n', 2
 * for a last line without one, 0 at the end, -1 on a read error. */
static int next_line(struct reader *rd, char *line, size_t cap, size_t *n, bool *over)
{
	*n = 0;
	*over = false;
	for (;;) {
		if (rd->pos == rd->len) {
			ssize_t r = read(rd->fd, rd->blk, sizeof rd->blk);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0)
				return *n || *over ? 2 : 0;
			rd->pos = 0;
			rd->len = (size_t)r;
		}
		const char *s = rd->blk + rd->pos;
		size_t avail = rd->len - rd->pos;
		const char *nl = memchr(s, '\n', avail);
		size_t take = nl ? (size_t)(nl - s) : avail;
		size_t keep = take <= cap - *n ? take : cap - *n;
		if (keep < take)
			*over = true;
		memcpy(line + *n, s, keep);
		*n += keep;
		rd->pos += take + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

struct vstate {
	FILE *out;
	unsigned problems;
	uint64_t records;
	bool started;           /* a line was seen */
	bool have_prev;         /* the line before was a record: prev_* are known */
	uint64_t prev_seq;
	char prev_hash[JOURNAL_HEX_LEN + 1];
	size_t prev_line;
	bool have_last;         /* the newest record seen, for the head check */
	uint64_t last_seq;
	char last_hash[JOURNAL_HEX_LEN + 1];
};

__attribute__((format(printf, 2, 3)))
static void problem(struct vstate *v, const char *fmt, ...)
{
	v->problems++;
	if (!v->out)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(v->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->out);
}

static void check_record(struct vstate *v, size_t lineno, const char *s, size_t n)
{
	struct journal_line m;
	const char *why;
	bool first = !v->started;
	v->started = true;
	if (journal_line_parse(s, n, &m, &why) < 0) {
		problem(v, "line %zu: %s", lineno, why);
		v->have_prev = false;
		return;
	}
	if (!m.hash_ok)
		problem(v, "line %zu: hash mismatch (edited)", lineno);
	if (first) {
		if (m.seq != 1)
			problem(v, "line %zu: the log starts at seq %" PRIu64 ", not 1 (its beginning is missing)",
				lineno, m.seq);
		if (strcmp(m.prev, JOURNAL_ZERO_HASH) != 0)
			problem(v, "line %zu: prev is not the start of a chain (its beginning is missing)", lineno);
	} else if (v->have_prev) {
		if (m.seq > v->prev_seq + 1)
			problem(v, "line %zu: seq %" PRIu64 " follows seq %" PRIu64 " (records missing)",
				lineno, m.seq, v->prev_seq);
		else if (m.seq != v->prev_seq + 1)
			problem(v, "line %zu: seq %" PRIu64 " follows seq %" PRIu64 " (repeated or out of order)",
				lineno, m.seq, v->prev_seq);
		if (strcmp(m.prev, v->prev_hash) != 0)
			problem(v, "line %zu: prev does not match line %zu", lineno, v->prev_line);
	}
	v->have_prev = true;
	v->prev_seq = m.seq;
	memcpy(v->prev_hash, m.hash, sizeof v->prev_hash);
	v->prev_line = lineno;
	v->have_last = true;
	v->last_seq = m.seq;
	memcpy(v->last_hash, m.hash, sizeof v->last_hash);
	v->records++;
}

static void check_head(struct vstate *v, const char *path)
{
	char *head = xasprintf("%s.head", path);
	uint64_t hseq;
	char hhash[JOURNAL_HEX_LEN + 1];
	struct err he;
	int h = journal_head_read(head, &hseq, hhash, &he);
	free(head);
	uint64_t lseq = v->have_last ? v->last_seq : 0;
	const char *lhash = v->have_last ? v->last_hash : JOURNAL_ZERO_HASH;
	if (h < 0)
		problem(v, "%s", he.msg);
	else if (h == 0 && v->started)
		problem(v, "the head file is missing (the end of the log cannot be checked)");
	else if (h == 0 || (hseq == lseq && strcmp(hhash, lhash) == 0))
		return;
	else if (hseq > lseq)
		problem(v, "the log ends at seq %" PRIu64 " but the head says %" PRIu64 " (truncated)", lseq, hseq);
	else if (hseq < lseq)
		problem(v, "the log goes on to seq %" PRIu64 " past the head's seq %" PRIu64
			" (an interrupted write, or records added)", lseq, hseq);
	else
		problem(v, "the last record (seq %" PRIu64 ") does not match the head's hash (replaced)", lseq);
}

/* Wait a little for a writer's append to finish, so that the log and its
 * head are read in step; go on unlocked if the lock does not come. */
static void lock_shared(int fd)
{
	for (int i = 0; i < 200; i++) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0 || (errno != EWOULDBLOCK && errno != EINTR))
			return;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int journal_verify(const char *path, FILE *out, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		/* a log that is gone while its head remains was deleted: say so */
		char *head = xasprintf("%s.head", path);
		bool orphan = access(head, F_OK) == 0;
		free(head);
		if (orphan)
			fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		else
			errno = ENOENT;
	}
	if (fd < 0)
		return err_set(e, JOURNAL_E_IO, "cannot open %s: %s", path, strerror(errno));
	lock_shared(fd);
	struct reader *rd = xcalloc(1, sizeof *rd);
	rd->fd = fd;
	char *line = xmalloc(JOURNAL_LINE_MAX);
	struct vstate v = { .out = out };
	size_t lineno = 0, n;
	bool over;
	int rc;
	/* a record is at most JOURNAL_LINE_MAX bytes with its newline */
	while ((rc = next_line(rd, line, JOURNAL_LINE_MAX - 1, &n, &over)) > 0) {
		lineno++;
		if (rc == 2) {
			v.started = true;
			problem(&v, "line %zu: not a complete record (truncated mid-line)", lineno);
		} else if (over) {
			v.started = true;
			v.have_prev = false;
			problem(&v, "line %zu: longer than any record (not written by sandtop)", lineno);
		} else {
			check_record(&v, lineno, line, n);
		}
	}
	int en = errno;
	free(line);
	free(rd);
	if (rc < 0) {
		close(fd);
		return err_set(e, JOURNAL_E_IO, "cannot read %s after line %zu: %s", path, lineno, strerror(en));
	}
	check_head(&v, path);
	close(fd); /* and its lock */
	if (out) {
		if (v.problems == 0)
			fprintf(out, "OK: %" PRIu64 " records, chain intact\n", v.records);
		else
			fprintf(out, "FAILED: %u problem%s in %zu lines\n", v.problems,
				v.problems == 1 ? "" : "s", lineno);
	}
	return v.problems ? 1 : 0;
}
