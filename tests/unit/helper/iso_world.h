/* iso_world: what the isolation checks are run on in their tests (a sandbox's inspect, its network, the host's /info and /version, the kernel's facts, the policy), made from fixtures, and reading their report (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_ISO_WORLD_H
#define TESTS_UNIT_HELPER_ISO_WORLD_H

#include "docker/hardening.h"
#include "isolation/isolation.h"

/* One test's inputs and the report of its last run. */
struct world {
	struct dk_hardening h;
	struct iso_proc p;
	struct dk_netinfo net;
	struct dk_hostinfo host;
	struct iso_policy pol;
	struct iso_report r;
};

/* A new world of the fixtures inspect, network, info and version (names
 * under tests/fixtures), the network's id copied into the sandbox's only
 * network as the runner does (it looks the network up by name); p and pol
 * zero, for the test's setup to fill. Freed by isow_teardown. */
struct world *isow_new(const char *inspect, const char *network, const char *info, const char *version);

/* cmocka teardown: clear and free the world in *state. */
int isow_teardown(void **state);

/* The ids of r's checks with result res, in report order, joined by
 * spaces; a static buffer, overwritten by the next call. */
const char *isow_ids(const struct iso_report *r, enum iso_result res);

/* r's check id; fails the test when r has none. */
const struct iso_check *isow_check(const struct iso_report *r, const char *id);

#endif
