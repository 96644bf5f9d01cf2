/* utf8: strict UTF-8 decoding and encoding, and the code points no display may show. */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID UINT32_MAX

/* Decode one code point from p[0..n), n >= 1. Returns the bytes consumed
 * (>= 1). Ill-formed input (overlong, surrogate, > U+10FFFF, truncated, a
 * stray continuation byte) gives *cp = UTF8_INVALID and consumes one
 * maximal subpart. */
size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Encode a scalar value (< U+110000, not a surrogate) into o; returns 1..4. */
size_t utf8_encode(uint32_t cp, char o[4]);
/* Bidi controls, zero-width and other invisible format characters, and
 * noncharacters: text that can hide or reorder what a reader sees. */
bool utf8_is_invisible(uint32_t cp);

#endif
