/* kopen: the kernel readers (the cgroup freezer, the cgroup stats reader) opened on a scratch tree or on the host, for the tests that use them (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_KOPEN_H
#define TESTS_UNIT_HELPER_KOPEN_H

#include "host/freezer.h"
#include "host/stats.h"

/* The root of the host's own /proc and /sys. */
#define KOPEN_HOST ""

/* cg_freezer_open of the tree at root: its ROOT/proc, and ROOT as the
 * root of /sys (KOPEN_HOST: the host's own). Fails the test, with
 * the reason, when it cannot be opened; the caller frees it. */
struct cg_freezer *kopen_freezer(const char *root);

/* st_cgroups_open of the tree at root, as kopen_freezer. */
struct st_cgroups *kopen_cgroups(const char *root);

#endif
