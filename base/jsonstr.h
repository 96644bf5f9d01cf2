/* jsonstr: JSON string literals in ASCII only, the one encoder behind every JSON sandtop writes. */
#ifndef BASE_JSONSTR_H
#define BASE_JSONSTR_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* No cap on the input: take the whole string. */
#define JSONSTR_ALL SIZE_MAX

/* Append s as a JSON string literal, quotes included, to b; NULL gives
 * null. The output is printable ASCII only, so raw output is safe on a
 * terminal: " and \ get a backslash; every other code point outside
 * 0x20-0x7E (controls, DEL, all of non-ASCII) becomes \uXXXX, lowercase
 * hex, a surrogate pair above U+FFFF; ill-formed UTF-8 becomes \ufffd, one
 * per maximal subpart (base/utf8.h). At most cap input bytes are taken,
 * cut on a character boundary, and a cut string ends with \u2026 (cap
 * JSONSTR_ALL: the whole string). Overflow of b shows in b->overflow. */
void jsonstr_put(struct buf *b, const char *s, size_t cap);

#endif
