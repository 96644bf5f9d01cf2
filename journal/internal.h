/* internal: the journal handle and its queue, shared by journal/ (internal to them). */
#ifndef JOURNAL_INTERNAL_H
#define JOURNAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "journal/journal.h"
#include "journal/line.h"

/* journal_open and journal_write wait this many times 10 ms for another
 * process's lock (2 s); everything else does not wait */
#define JOURNAL_LOCK_TRIES 200

/* A record kept in memory until the log takes it: a deep copy of the
 * caller's journal_rec (each string cut to JOURNAL_STR_MAX + 1 bytes, which
 * formats exactly as the whole string would) and the time it was given. */
struct journal_qrec {
	struct journal_qrec *next;
	char *action, *phase, *reason, *detail;
	uint64_t op;
	int64_t duration_ms;
	bool armed;
	struct journal_target *targets;  /* owned copies, at most JOURNAL_TARGETS_MAX */
	size_t ntargets;               /* copied */
	size_t ntotal;                 /* the caller's count (the rest are "targets_omitted") */
	char ts[96];                   /* RFC 3339, when it was submitted */
	bool late;                     /* not written when submitted: its line also says when it was */
};

struct journal {
	char *path;
	char *head_path;                /* PATH.head: "SEQ HASH\n" of the last record */
	char *tmp_path;                 /* PATH.head.tmp, renamed over the head */
	char *dir;                      /* the log's directory */
	int fd;                         /* the log, O_RDWR | O_APPEND; -1: not open (yet) */
	int dirfd;                      /* its directory, fsync'd after a rename */
	bool locked;                    /* this handle holds the flock */
	bool tail_known;                /* seq, hash and size were read from this fd */
	bool head_stale;                /* records were written but the head file not replaced */
	off_t size;                     /* the log's size when we last saw its end */
	uint64_t seq;                   /* newest record (0: empty log) */
	char hash[JOURNAL_HEX_LEN + 1];   /* its hash (zeros: empty log) */
	char *who;                      /* the "who" JSON object, made once */
	struct journal_qrec *qhead, **qtail; /* not yet written, oldest first */
	size_t nq;
	int64_t reopen_ms;              /* a damaged log is not re-read before this (monotonic) */
	char damage[ERR_MSG_MAX];       /* what was wrong with it */
	char problem[ERR_MSG_MAX + 64]; /* why records wait ("" when none do and the log is fine) */
};

/* ---- io.c: the file steps, below everything else ---- */

/* I/O helpers: EINTR retried; -1 with errno. write_all reports the bytes
 * written in *done; pread_all fails with EIO on a file that shrank. */
int journal_io_write_all(int fd, const char *p, size_t n, size_t *done);
int journal_io_fsync(int fd);
int journal_io_pread_all(int fd, char *p, size_t n, off_t off);
/* Writes p[0..n) to fd, fsyncs and closes it (always), renames from to to
 * when to is not NULL, and fsyncs the directory dirfd: the file is on disk
 * under its final name. NULL when every step held, else the step that
 * failed ("write", "fsync", "close", "rename", "directory fsync") with its
 * errno in *en; the caller unlinks what it created. */
const char *journal_io_commit(int fd, const char *p, size_t n, const char *from, const char *to, int dirfd, int *en);

/* Replace the head file with "seq hash\n" (temp file, fsync, rename,
 * directory fsync). The log is locked. */
int journal_head_write(struct journal *a, uint64_t seq, const char *hash, struct err *e);

/* ---- qrec.c: the queue in memory ---- */

/* RFC 3339 UTC with nanoseconds, now. */
void journal_fmt_ts(char out[96]);

/* Put a copy of r at the back (front: at the front) of the queue. */
struct journal_qrec *journal_q_push(struct journal *a, const struct journal_rec *r, bool front);
/* Take the oldest record out of the queue and free it (the queue is not
 * empty). */
void journal_q_pop(struct journal *a);
/* Take q (the newest) back out of the queue and free it; nothing when q is
 * not in it. */
void journal_q_drop_last(struct journal *a, struct journal_qrec *q);

/* ---- repair.c: the log's end ---- */

/* Take up the chain at the log's end (the log is locked):
 * the last line must be a valid record agreeing with the head file. A torn
 * last line (bytes after the last newline, at most JOURNAL_LINE_MAX) is saved
 * to a side file, cut off, and a "log_repair" record put at the front of
 * the queue. Errors: JOURNAL_E_CHAIN for a damaged log (nothing is changed),
 * JOURNAL_E_IO when a step failed (the log is then as it was). */
int journal_tail_take(struct journal *a, struct err *e);

/* ---- attach.c: taking the log ---- */

/* Open the log if it is not open, lock it (tries: attempts 10 ms apart; 0:
 * once, without waiting) and take up its end when it changed. On 0 the
 * handle holds the lock (journal_unlock). On -1 e says why: JOURNAL_E_LOCKED,
 * JOURNAL_E_IO (cannot open, create or repair), JOURNAL_E_CHAIN (damaged: the
 * file is closed again, and is not re-read for a second). */
int journal_attach(struct journal *a, int tries, struct err *e);
void journal_unlock(struct journal *a);
/* Close the log if it is open (which drops its lock) and forget its end:
 * the next journal_attach opens it again and takes its end up anew. */
void journal_detach(struct journal *a);

/* ---- queue.c: the queue written ---- */

/* With the log attached and locked: write the queue, oldest first, in
 * batches (one write and one fsync each), then the head file. Returns 0
 * when the queue is empty and the head file is up to date; -1 with e
 * otherwise (what could not be written stays queued). */
int journal_q_write(struct journal *a, struct err *e);
/* Say why records wait (e's message; a damaged log says so and names the
 * verifier). */
void journal_set_problem(struct journal *a, const struct err *e);

#endif
