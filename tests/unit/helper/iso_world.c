/* iso_world: the isolation checks' inputs from fixtures, and their report read (see iso_world.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/iso_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "tests/unit/helper/parsed.h"

struct world *isow_new(const char *inspect, const char *network, const char *info, const char *version)
{
	struct world *w = xcalloc(1, sizeof *w);
	parsed_hardening(inspect, &w->h);
	parsed_netinfo(network, &w->net);
	assert_int_equal(w->h.nnets, 1);
	memcpy(w->h.nets[0].id, w->net.id, sizeof w->net.id);
	parsed_info(info, &w->host);
	parsed_version(version, &w->host);
	return w;
}

int isow_teardown(void **state)
{
	struct world *w = *state;
	dk_hardening_clear(&w->h);
	dk_netinfo_clear(&w->net);
	dk_hostinfo_clear(&w->host);
	free(w);
	return 0;
}

const char *isow_ids(const struct iso_report *r, enum iso_result res)
{
	static char out[512];
	out[0] = '\0';
	for (size_t i = 0; i < r->n; i++)
		if (r->checks[i].result == res) {
			size_t n = strlen(out);
			snprintf(out + n, sizeof out - n, "%s%s", n ? " " : "", r->checks[i].id);
		}
	return out;
}

const struct iso_check *isow_check(const struct iso_report *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->checks[i].id, id))
			return &r->checks[i];
	fail_msg("no check %s", id);
	return NULL;
}
