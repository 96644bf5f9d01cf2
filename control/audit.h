/* audit: the operator audit log: hash-chained JSON lines, made durable before and after every action. */
#ifndef CONTROL_AUDIT_H
#define CONTROL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* Caps: each string of a record (names, reasons, messages, the operator's
 * identity) is cut to AUDIT_STR_MAX input bytes; at most AUDIT_TARGETS_MAX
 * targets are listed, and fewer when the line would pass AUDIT_LINE_MAX
 * (the rest are counted in "targets_omitted"). A line, newline included,
 * is never longer than AUDIT_LINE_MAX; the verifier rejects longer ones. */
#define AUDIT_STR_MAX 256
#define AUDIT_TARGETS_MAX 10000
#define AUDIT_LINE_MAX (1024 * 1024)

/* err codes set by this module */
enum audit_errc {
	AUDIT_E_IO = 1,      /* a system call failed: the message names it and strerror */
	AUDIT_E_CHAIN,       /* the log's end or its head file is damaged or inconsistent */
	AUDIT_E_LOCKED,      /* another process kept the log locked */
	AUDIT_E_ARG,         /* a bad record (no action or phase) */
};

struct audit_target {
	const char *id;      /* container id (NULL: null) */
	const char *name;    /* NULL: null */
	const char *result;  /* NULL in an intent; "ok" or an error message in a result */
};

struct audit_rec {
	const char *action;  /* "kill", "pause", "panic_kill_all", ... (required) */
	const char *phase;   /* "intent" or "result" (or "event" for a lone record) */
	uint64_t op;         /* pairs a result with its intent; 0: this record's own seq */
	const struct audit_target *targets;
	size_t ntargets;
	const char *reason;  /* operator-typed; NULL: null */
	int64_t duration_ms; /* result only; < 0: null */
	bool armed;          /* the operator armed the action past a failing log */
	const char *detail;  /* optional free text, e.g. "signal=SIGKILL timeout=10" */
};

struct audit;

/* Open the log at path for appending, creating its missing parent
 * directories (0700) and the file (0600), and take up the hash chain where
 * the log ends. Refuses (NULL, e says why, code AUDIT_E_CHAIN) a log that is
 * not a regular file, whose last line is not a complete valid record, or
 * that disagrees with its head file PATH.head (which would mean records
 * were cut off the end); the one exception, a head exactly one record
 * behind that record's prev (an append interrupted before the head was
 * replaced), is repaired. Reads the operator's identity once (uid, user
 * name, $SUDO_USER, tty of fd 0, host name, pid). The caller frees the
 * handle with audit_close. */
struct audit *audit_open(const char *path, struct err *e);
/* Close the log (NULL: nothing). Every record written is already durable. */
void audit_close(struct audit *a);

/* Append one record and make it durable: the whole line is written with
 * O_APPEND (partial writes and EINTR retried), the file fsync'd, then the
 * head file replaced atomically (temp file, fsync, rename, directory fsync).
 * Returns 0 only when all of that succeeded. On -1, e says which step failed
 * and why. When the line itself could not be written or fsync'd it is cut
 * off again and the chain does not advance; when only the head update
 * failed the record stays in the log (and the chain advances) but -1 still
 * says the log is not in a verifiable state. Other processes may append to
 * the same log: writes are serialized with flock and each write continues
 * the chain from the file's real end. r's strings are only read. */
int audit_write(struct audit *a, const struct audit_rec *r, struct err *e);
/* seq of the newest record in the log as this handle last saw it (0 for an
 * empty log); after a successful intent with op 0 it is that intent's op. */
uint64_t audit_last_seq(const struct audit *a);
/* The log's path (borrowed; valid until audit_close). */
const char *audit_path(const struct audit *a);

/* Check the log at path: every line a complete record with a correct hash,
 * seq counting up by one from 1, each prev equal to the line before's hash,
 * and the last record equal to the head file. Writes one line per problem
 * ("line 12: hash mismatch (edited)") and then "OK: N records, chain
 * intact" or "FAILED: ..." to out (NULL: nothing). Never prints the log's
 * content. Returns 0 intact, 1 damaged, -1 with e when the log cannot be
 * read. */
int audit_verify(const char *path, FILE *out, struct err *e);

/* $XDG_STATE_HOME/sandtop/audit.log, else ~/.local/state/sandtop/audit.log
 * (HOME, then the password database). Caller frees; NULL when there is no
 * home directory. */
char *audit_default_path(void);
/* The same directory with leaf in place of audit.log (other state, such
 * as the snapshot bundles). Caller frees; NULL when there is no home. */
char *audit_state_path(const char *leaf);
/* mkdir -p path, new directories 0700. */
int audit_mkdirs(const char *path, struct err *e);

#endif
