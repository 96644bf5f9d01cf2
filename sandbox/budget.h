/* budget: the sandtop.ttl label: a sandbox's wall-clock budget in seconds, and the time it has left. */
#ifndef SANDBOX_BUDGET_H
#define SANDBOX_BUDGET_H

#include <stdint.h>

#include "docker/docker.h"

#define TTL_LABEL "sandtop.ttl"

/* A label value as seconds: plain ASCII digits, 1 to 12 of them (untrusted
 * text; no sign, no space, no unit). Returns 1 with *secs set, 0 when
 * label_value is NULL (no label), -1 when it is not such a number. */
int ttl_parse(const char *label_value, int64_t *secs);

/* Seconds left of c's budget at wall_ms (epoch ms) into *left: the budget
 * minus the whole seconds since State.StartedAt (negative once over; a
 * start in our future counts as just started). Returns 1 (computed), 0 (no
 * label), -1 (label not a number of seconds), -2 (not inspected yet or
 * never started). It does not look at the state: a stopped container's
 * "left" is meaningless. */
int ttl_left(const struct dk_container *c, int64_t wall_ms, int64_t *left);
/* The same arithmetic on its parts: ttl_s minus the whole seconds from
 * started_ms (epoch ms) to wall_ms; a start in the future counts as now. */
int64_t ttl_left_at(int64_t ttl_s, int64_t started_ms, int64_t wall_ms);

#endif
