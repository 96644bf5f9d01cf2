/* tunnel_echo: a tunnel whose process gives back what it is sent (an echo, cat), checked end to end, for the tunnel tests on the fake and the real engine (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_TUNNEL_ECHO_H
#define TESTS_UNIT_HELPER_TUNNEL_ECHO_H

#include <stddef.h>

#include "docker/docker.h"
#include "tests/unit/helper/tunnel_side.h"

/* Run c's loop and s's I/O until s reads EOF (or its tunnel fails), for
 * ms at most; fail unless the tunnel opened, s wrote all of p[0..n) (what
 * side_send gave it) and read back exactly p[0..n) and then tail. Closes
 * s's tunnel and frees s. */
void tunnel_echoed(struct dk_client *c, struct side *s, const char *p, size_t n, int ms, const char *tail);

/* A tunnel on c to argv in the container name, sent p[0..n) and then EOF,
 * checked as tunnel_echoed. */
void tunnel_echo(struct dk_client *c, const char *name, const char *const *argv, const char *p, size_t n, int ms,
                 const char *tail);

#endif
