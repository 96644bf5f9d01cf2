/* budget: the sandtop.ttl label parsed (untrusted text) and the seconds a sandbox has left. */
#include "sandbox/budget.h"

#include <string.h>

/* A label value longer than this is not a number of seconds we accept. */
#define TTL_DIGITS_MAX 12

int ttl_parse(const char *v, int64_t *secs)
{
	if (!v)
		return 0;
	size_t len = strlen(v);
	if (len == 0 || len > TTL_DIGITS_MAX)
		return -1;
	int64_t s = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		s = s * 10 + (v[i] - '0');   /* at most 12 digits: no overflow */
	}
	*secs = s;
	return 1;
}

int64_t ttl_left_at(int64_t ttl_s, int64_t started_ms, int64_t wall_ms)
{
	int64_t ran = wall_ms - started_ms;
	if (ran < 0)
		ran = 0;   /* clocks disagree a little: not over */
	return ttl_s - ran / 1000;
}

int ttl_left(const struct dk_container *c, int64_t wall_ms, int64_t *left)
{
	int64_t ttl;
	int r = ttl_parse(dk_container_label(c, TTL_LABEL), &ttl);
	if (r <= 0)
		return r;
	if (!c->inspected || c->started_at_ms <= 0)
		return -2;
	*left = ttl_left_at(ttl, c->started_at_ms, wall_ms);
	return 1;
}
