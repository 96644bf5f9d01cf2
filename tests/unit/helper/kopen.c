/* kopen: the kernel readers opened on a tree or the host (see kopen.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/kopen.h"

#include <stdio.h>

/* p, what an opener of what returned (e: its reason when NULL); fails
 * the test when it is NULL. */
static void *opened(void *p, const char *what, const char *root, const struct err *e)
{
	if (!p)
		fail_msg("%s of '%s': %s", what, root, e->msg);
	return p;
}

struct cg_freezer *kopen_freezer(const char *root)
{
	char proc[4096];
	struct err e;
	snprintf(proc, sizeof proc, "%s/proc", root);
	return opened(cg_freezer_open(proc, root, &e), "freezer", root, &e);
}

struct st_cgroups *kopen_cgroups(const char *root)
{
	char proc[4096];
	struct err e;
	snprintf(proc, sizeof proc, "%s/proc", root);
	return opened(st_cgroups_open(proc, root, &e), "cgroups", root, &e);
}
