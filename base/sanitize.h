/* sanitize: the one filter every untrusted string passes before display. */
#ifndef BASE_SANITIZE_H
#define BASE_SANITIZE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* At most this many input bytes after an ESC or C1 introducer are swallowed
 * as the body of one escape sequence (terminator included). A sequence that
 * is not terminated within this budget ends there, and the bytes after it are
 * shown as ordinary (sanitized) text; one at the end of the input swallows the
 * rest (at most this many bytes). Each sequence costs the attacker one
 * visible U+241B, so nothing can be hidden without a visible mark. */
#define SANITIZE_SEQ_MAX 256

/* Make untrusted bytes safe to show on a terminal or write to a log.
 * - strict UTF-8 decoding: invalid, overlong, surrogate (U+D800-DFFF), out of
 *   range (> U+10FFFF) and truncated sequences become one U+FFFD per maximal
 *   subpart (Unicode's recommended practice); a stray raw byte 0x80-0x9F is
 *   taken as the C1 control of that value (as an 8-bit terminal would);
 * - ESC and whole escape sequences are removed and replaced by one visible
 *   U+241B (␛): CSI (ESC [ params final), OSC (ESC ] ... BEL or ST), DCS,
 *   SOS, PM, APC (ESC P / X / ^ / _ ... ST), nF/Fe/Fp/Fs (ESC, intermediates
 *   0x20-0x2F, then one final 0x30-0x7E), and the 8-bit introducers U+009B
 *   CSI, U+009D OSC, U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC, whether
 *   UTF-8-encoded or raw bytes; ST is ESC \ or U+009C. A string body ends
 *   (unconsumed) at ESC-not-followed-by-\, CAN or SUB; a CSI body ends
 *   (unconsumed) at any code point outside 0x20-0x7E. See SANITIZE_SEQ_MAX;
 * - other C0 controls (including \0 \r \n \t \b) become control pictures
 *   U+2400 + c (␀ ␍ ␊ ␉ ␈ ...), DEL becomes U+2421 (␡), other C1 (U+0080-
 *   009F) become U+FFFD;
 * - bidi controls (U+061C, U+200E, U+200F, U+202A-202E, U+2066-2069),
 *   zero-width / invisible characters (U+00AD, U+034F, U+115F, U+1160,
 *   U+180E, U+200B-200D, U+2028, U+2029, U+2060-2064, U+206A-206F, U+3164,
 *   U+FEFF, U+FFA0, U+FFF9-FFFB, tags U+E0000-E007F) and noncharacters
 *   (U+FDD0-FDEF, U+xxFFFE/xxFFFF) become U+FFFD.
 * The result is NUL-terminated valid UTF-8 of at most outcap-1 bytes, cut on a
 * character boundary (a character that does not fit ends the output). Returns
 * the number of bytes written (excluding NUL). in may contain NUL bytes (len
 * says how many); in may be NULL when len is 0. outcap must be >= 1 (0 writes
 * nothing and returns 0). Sanitizing sanitized text changes nothing. */
size_t sanitize_text(const char *in, size_t len, char *out, size_t outcap);

/* As sanitize_text over all len bytes, into a new string the caller frees
 * (never truncated: the result is at most 3 * len bytes). Never returns NULL;
 * in may be NULL when len is 0. */
char *sanitize_dup(const char *in, size_t len);

/* Display width in terminal columns of s as sanitize_text would show it
 * (s is a NUL-terminated string; NULL counts 0). Widths come from a built-in
 * table (derived from glibc's wcwidth, Unicode 14), independent of the
 * locale: East Asian wide / fullwidth and emoji count 2, combining and other
 * zero-width marks 0, everything else 1 (U+FFFD, the control pictures and
 * "…" included). */
size_t sanitize_width(const char *s);

/* Sanitize the NUL-terminated string s (NULL is empty) into out and cut it to
 * at most cols display columns (widths as sanitize_width) and outcap-1 bytes.
 * When anything had to be cut, the kept part ends with "…" (U+2026, one
 * column, counted within cols) if cols >= 1 and outcap >= 4. out is always
 * NUL-terminated valid UTF-8 (outcap 0 writes nothing). Returns the display
 * width of out, which is <= cols; the caller pads the rest of the cell. */
size_t sanitize_fit(const char *s, size_t cols, char *out, size_t outcap);

/* fprintf(fp, fmt, ...) with the whole formatted text (its first
 * SANITIZE_PRINTF_MAX - 1 bytes) passed through sanitize_text: for a line
 * that quotes untrusted text (the engine's, a label's, a worker's reason).
 * When fmt ends with '\n' that one line end is kept as such. Returns what
 * fprintf returns. */
#define SANITIZE_PRINTF_MAX 4096
int sanitize_fprintf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sanitize_vfprintf(FILE *fp, const char *fmt, va_list ap);

#endif
