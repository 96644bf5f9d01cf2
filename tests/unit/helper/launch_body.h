/* launch_body: assertions on a container-create body for the launch tests (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_LAUNCH_BODY_H
#define TESTS_UNIT_HELPER_LAUNCH_BODY_H

#include <cjson/cJSON.h>

/* Fail unless the create body b carries every hardening of
 * sandbox/image/compose.yaml (user, labels, read-only root, no
 * capabilities, no-new-privileges, the embedded seccomp profile unchanged,
 * limits, no ports, binds or devices), with network net (NULL: none). */
void launch_body_assert_hardened(const cJSON *b, const char *net);

#endif
