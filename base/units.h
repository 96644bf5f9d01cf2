/* units: compact human-readable sizes and rates for narrow table cells. */
#ifndef BASE_UNITS_H
#define BASE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Binary units, at most 6 characters: "512", "1.5K", "123.4M", "12G",
 * "1.2T". Writes at most n bytes (NUL included). */
void units_bytes(double bytes, char *out, size_t n);

#endif
