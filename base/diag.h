/* diag: messages about a file the user wrote ("NAME:LINE: message") and its bad tokens quoted safely. */
#ifndef BASE_DIAG_H
#define BASE_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Where messages go: msg is valid only during the call. */
typedef void (*diag_fn)(void *ud, const char *msg);

/* Formats fmt/ap and sends "name:line: message" ("name: message" when line
 * is 0) to fn; nothing when fn is NULL. name should be sanitized already. */
void diag_vreport(diag_fn fn, void *ud, const char *name, unsigned long line, const char *fmt, va_list ap);

/* tok made safe to print into out (size bytes, at least 8): sanitized and cut
 * to max input bytes, "..." marking a cut. Returns out. */
const char *diag_quote(const char *tok, size_t max, char *out, size_t size);

#endif
