/* kopen: the kernel readers opened on a tree or the host (see kopen.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/kopen.h"

#include <stdio.h>

/* ROOT/proc, in a buffer the next call reuses. */
static const char *proc_of(const char *root)
{
	static char proc[4096];
	snprintf(proc, sizeof proc, "%s/proc", root);
	return proc;
}

/* p, what the opener of what on root returned (e: why, when NULL); fails
 * the test when it is NULL. */
static void *opened(void *p, const char *what, const char *root, const struct err *e)
{
	if (!p)
		fail_msg("%s of '%s': %s", what, root, e->msg);
	return p;
}

struct cg_freezer *kopen_freezer(const char *root)
{
	struct err e;
	return opened(cg_freezer_open(proc_of(root), root, &e), "freezer", root, &e);
}

struct st_cgroups *kopen_cgroups(const char *root)
{
	struct err e;
	return opened(st_cgroups_open(proc_of(root), root, &e), "cgroups", root, &e);
}
