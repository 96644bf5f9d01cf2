/* line: the journal record's line format, shared by the writer and the verifier (internal to journal/). */
#ifndef JOURNAL_LINE_H
#define JOURNAL_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* The position rules the writer follows and the verifier checks:
 *   {"seq":N,  ...  ,"prev":"<64 hex>","hash":"<64 hex>"}\n
 * A line starts with JOURNAL_LINE_HEAD and N (decimal, no leading zero), then
 * a comma; it ends with exactly JOURNAL_LINE_TAIL_LEN bytes: ,"prev":"H1",
 * ,"hash":"H2" and "}, lowercase hex. H2 is the SHA-256 of every byte before
 * ,"hash": (so it covers seq, prev and all the rest). */
#define JOURNAL_LINE_HEAD "{\"seq\":"
#define JOURNAL_HEX_LEN 64
#define JOURNAL_LINE_TAIL_LEN (9 + JOURNAL_HEX_LEN + 1 + 9 + JOURNAL_HEX_LEN + 2)
/* bytes not covered by the hash: ,"hash":"H2"} */
#define JOURNAL_LINE_UNHASHED (9 + JOURNAL_HEX_LEN + 2)
#define JOURNAL_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct journal_line {
	uint64_t seq;
	char prev[JOURNAL_HEX_LEN + 1];
	char hash[JOURNAL_HEX_LEN + 1];   /* as stored in the line */
	bool hash_ok;                   /* stored hash == SHA-256 recomputed */
};

/* SHA-256 of p[0..n) as 64 lowercase hex digits and a NUL. Returns 0, or -1
 * when libcrypto fails (out is then all zeros). */
int journal_sha256_hex(const void *p, size_t n, char out[JOURNAL_HEX_LEN + 1]);

/* Check the frame of one line s[0..n) (without its newline) by the rules
 * above, fill m and recompute the hash. Returns 0, or -1 with *why set to a
 * short static phrase ("not a sandtop record", ...). */
int journal_line_parse(const char *s, size_t n, struct journal_line *m, const char **why);

/* Parse a head file's content "SEQ HASH\n". Returns 0 or -1. */
int journal_head_parse(const char *s, size_t n, uint64_t *seq, char hash[JOURNAL_HEX_LEN + 1]);

/* Read the head file at path. Returns 1 and fills seq and hash, 0 when it
 * does not exist, -1 with e when unreadable or malformed (e->code
 * JOURNAL_E_IO or JOURNAL_E_CHAIN). */
int journal_head_read(const char *path, uint64_t *seq, char hash[JOURNAL_HEX_LEN + 1], struct err *e);

#endif
