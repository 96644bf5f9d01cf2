/* engine_case: the containers a test against the real engine works on, as the engine and the docker CLI see them (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_ENGINE_CASE_H
#define TESTS_UNIT_HELPER_ENGINE_CASE_H

#include "docker/docker.h"

/* The init pid of the container name on c when the engine says it is
 * running (dk_inspect, c's loop run until it answers), its full id into
 * id[0..65) when id is not NULL; 0 when it is not running or not there.
 * Fails the test when c's loop does not end within 10 s. */
int engine_running_pid(struct dk_client *c, const char *name, char *id);

/* The first line of what the shell command (printf's fmt and the rest)
 * prints, its newline cut ("" when it prints nothing), in a buffer that
 * the next call reuses. The caller checks that what it puts in the
 * command (a container's name) is safe there. Fails the test when the
 * command cannot be started. */
const char *engine_sh1(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
