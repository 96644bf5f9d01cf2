/* clock: monotonic and wall-clock time in milliseconds. */
#ifndef BASE_CLOCK_H
#define BASE_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (for timers and ages). */
int64_t clock_mono_ms(void);
/* Milliseconds since the Unix epoch (for display and logs). */
int64_t clock_wall_ms(void);
/* Parse an RFC 3339 timestamp ("2026-11-27T09:03:50.123456789Z", with an
 * optional +hh:mm offset) into epoch milliseconds (fraction truncated to ms);
 * 0 for Docker's zero time "0001-01-01T00:00:00Z" and any other time before
 * the epoch; -1 when malformed (including impossible dates like Feb 30). */
int64_t clock_parse_rfc3339(const char *s);
/* Format a duration in seconds the way ps-like tools do: "45s", "12m",
 * "3h07m", "2d04h". Writes at most n bytes (NUL included). */
void clock_fmt_duration(int64_t seconds, char *out, unsigned n);

#endif
