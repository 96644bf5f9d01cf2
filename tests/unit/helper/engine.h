/* engine: for the unit-test binaries that also drive the real engine (they skip without one). */
#ifndef TESTS_UNIT_HELPER_ENGINE_H
#define TESTS_UNIT_HELPER_ENGINE_H

#include <stdbool.h>

#include "docker/docker.h"

/* True when something accepts connections on the default engine socket. */
bool engine_reachable(void);

/* The value of the environment variable var (what the integration run
 * names for the test) when it is set and not empty and the engine is
 * reachable; else NULL, after saying which (the test then skips). */
const char *engine_var(const char *var);

/* A client of the default engine socket (dk_client_free it); fails the
 * test when it cannot be made. */
struct dk_client *engine_client(void);

#endif
