/* journal: the operator journal: hash-chained JSON lines, made durable before and after every action. */
#ifndef JOURNAL_JOURNAL_H
#define JOURNAL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* Caps: each string of a record (names, reasons, messages, the operator's
 * identity) is cut to JOURNAL_STR_MAX input bytes; at most JOURNAL_TARGETS_MAX
 * targets are listed, and fewer when the line would pass JOURNAL_LINE_MAX
 * (the rest are counted in "targets_omitted"). A line, newline included,
 * is never longer than JOURNAL_LINE_MAX; the verifier rejects longer ones. */
#define JOURNAL_STR_MAX 256
#define JOURNAL_TARGETS_MAX 10000
#define JOURNAL_LINE_MAX (1024 * 1024)

/* err codes set by this module */
enum journal_errc {
	JOURNAL_E_IO = 1,      /* a system call failed: the message names it and strerror */
	JOURNAL_E_CHAIN,       /* the log's end or its head file is damaged or inconsistent */
	JOURNAL_E_LOCKED,      /* another process kept the log locked */
	JOURNAL_E_ARG,         /* a bad record (no action or phase) */
};

struct journal_target {
	const char *id;      /* container id (NULL: null) */
	const char *name;    /* NULL: null */
	const char *result;  /* NULL in an intent; "ok" or an error message in a result */
};

struct journal_rec {
	const char *action;  /* "kill", "pause", "panic_kill_all", ... (required) */
	const char *phase;   /* "intent" or "result" (or "event" for a lone record) */
	uint64_t op;         /* pairs a result with its intent; 0: this record's own seq */
	const struct journal_target *targets;
	size_t ntargets;
	const char *reason;  /* operator-typed; NULL: null */
	int64_t duration_ms; /* result only; < 0: null */
	bool armed;          /* the operator armed the action past a failing log */
	const char *detail;  /* optional free text, e.g. "signal=SIGKILL timeout=10" */
};

struct journal;

/* Open the log at path for appending, creating its missing parent
 * directories (0700) and the file (0600), and take up the hash chain where
 * the log ends (waiting up to 2 s for another process's lock). Refuses
 * (NULL, e says why, code JOURNAL_E_CHAIN) a log that is not a regular file,
 * whose last complete line is not a valid record, or that disagrees with
 * its head file PATH.head (which would mean records were cut off the end).
 * Two interruptions are repaired: a head exactly one record behind that
 * record's prev (an append interrupted before the head was replaced), and
 * a torn last line (bytes after the last newline, at most JOURNAL_LINE_MAX,
 * when the complete records agree with the head): the torn bytes are
 * copied to PATH.torn-<UTC>-<pid> (0600, fsync'd, never an existing file),
 * cut off the log, and the first record written is an "event" with action
 * "log_repair" whose detail gives the fragment's length, its sha256 and
 * the side file's name (queued, see journal_submit, if it cannot be written
 * at once; a torn line that cannot be saved is refused, JOURNAL_E_IO).
 * Reads the operator's identity once (uid, user name, $SUDO_USER, tty of
 * fd 0, host name, pid). The caller frees the handle with journal_close. */
struct journal *journal_open(const char *path, struct err *e);
/* The same, but never refuses and never waits: always a handle (NULL only
 * for a NULL path). When the log cannot be taken up now (cannot be created
 * or opened: EACCES, EROFS, ENOSPC; locked by another process; a torn line
 * that cannot be saved; damaged), records given to journal_submit are kept
 * in memory and each journal_flush tries the open again (a damaged log at
 * most once a second); journal_problem says why. A damaged log (tamper
 * evidence: records cut off the end, an edited last line, no head file) is
 * never repaired: its records stay queued and the problem reads "journal
 * damaged: ... (sandtop journal verify)" until the files are mended or
 * moved aside. */
struct journal *journal_open_lazy(const char *path);
/* Close the log (NULL: nothing). Every record written is already durable;
 * records still queued get one more try and are then printed to standard
 * error as by journal_drain (call journal_drain first to choose the wait and
 * the stream). */
void journal_close(struct journal *a);

/* Append one record and make it durable, after any records still queued
 * (waiting up to 2 s for another process's lock): the lines are written
 * with O_APPEND (partial writes and EINTR retried), the file fsync'd, then
 * the head file replaced atomically (temp file, fsync, rename, directory
 * fsync). Returns 0 only when all of that succeeded. On -1, e says which
 * step failed and why, and r is not kept. When the line itself could not
 * be written or fsync'd it is cut off again and the chain does not
 * advance; when only the head update failed the record stays in the log
 * (and the chain advances) but -1 still says the log is not in a
 * verifiable state (the next write or journal_flush replaces the head).
 * Other processes may append to the same log: writes are serialized with
 * flock and each write continues the chain from the file's real end. r's
 * strings are only read. */
int journal_write(struct journal *a, const struct journal_rec *r, struct err *e);

/* Append r without waiting, for containment that must never wait for the
 * log: written at once when the log takes it (its flock taken with
 * LOCK_NB, never waited for), else a deep copy of r is kept in memory
 * behind any records already waiting (a later submit never overtakes an
 * earlier one). What it costs: one write and one fsync of the waiting
 * records and r (in batches of about 4 MiB) and the head file's
 * replacement; when another process appended since, a read of the log's
 * last 64 KiB (2 MiB for a record longer than that); once, the repair of
 * a torn line. Returns 0 written, 1 queued (e says why: "journal locked
 * by another process", "append failed: No space left on device", "cannot
 * open journal ...", "journal damaged: ..."), -1 for a bad record or
 * a NULL a (JOURNAL_E_ARG). r's strings are only read (each is cut to
 * JOURNAL_STR_MAX as in the log). A queued record's seq, prev and hash are
 * given when it is written, continuing from the file's real end then; its
 * "ts" stays the submit time and its line adds "written" (the time it
 * reached the log). Its op is kept as given: 0 becomes its own seq when it
 * is written, so a caller pairing results with a queued intent must choose
 * a nonzero op itself. 0 also when only the head file could not be
 * replaced (the record is in the log; journal_problem says so and
 * journal_flush replaces the head). */
int journal_submit(struct journal *a, const struct journal_rec *r, struct err *e);
/* Try the queue again (the open too, for a lazy handle not open yet),
 * never waiting for a lock. Returns how many records are still queued; e
 * (may be NULL) says why when that is > 0. Nothing to do: no system call.
 * Also replaces a head file a failed update left behind. */
size_t journal_flush(struct journal *a, struct err *e);
/* Records waiting (0 for NULL). */
size_t journal_queued(const struct journal *a);
/* Why records wait or the log cannot be used (borrowed, valid until the
 * next call on a), for the screen: "JOURNAL: 3 records not written:
 * <problem>; retrying". NULL when the log is fine and nothing is queued. */
const char *journal_problem(const struct journal *a);
/* For a process about to exit: retry the queue for at most wait_ms
 * (sleeping 20 ms between tries), then print each record still not written
 * to fp (NULL: stderr) as one JSON line, unchained and marked
 * {"unwritten":true,"log":PATH,"problem":WHY,"ts":...,"op":...,...} (the
 * record's fields but seq, prev and hash; op null when 0), and drop them.
 * Returns how many were not written (and printed instead). */
size_t journal_drain(struct journal *a, int wait_ms, FILE *fp);

/* seq of the newest record in the log as this handle last saw it (0 for an
 * empty log); after a successful intent with op 0 it is that intent's op. */
uint64_t journal_last_seq(const struct journal *a);
/* The log's path (borrowed; valid until journal_close). */
const char *journal_path(const struct journal *a);

/* Check the log at path: every line a complete record with a correct hash,
 * seq counting up by one from 1, each prev equal to the line before's hash,
 * and the last record equal to the head file. Writes one line per problem
 * ("line 12: hash mismatch (edited)") and then "OK: N records, chain
 * intact" or "FAILED: ..." to out (NULL: nothing). Never prints the log's
 * content. Returns 0 intact, 1 damaged, -1 with e when the log cannot be
 * read. */
int journal_verify(const char *path, FILE *out, struct err *e);

/* The journal's default file: $XDG_STATE_HOME/sandtop/audit.log, else
 * ~/.local/state/sandtop/audit.log (base/path.h: path_state). Caller
 * frees; NULL when there is no home directory. */
char *journal_default_path(void);

#endif
