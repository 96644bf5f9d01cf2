/* engine_case: the containers of the tests against the real engine (see engine_case.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/engine_case.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the inspect found: the pid of a running container, its id. */
struct running {
	int pid;
	char *id;
};

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	(void)e;
	struct running *out = ud;
	out->pid = 0;
	if (rc < 0)
		return;
	if (ct->state && !strcmp(ct->state, "running")) {
		out->pid = ct->pid;
		if (out->id)
			snprintf(out->id, 65, "%s", ct->id);
	}
	dk_container_clear(ct);
	free(ct);
}

int engine_running_pid(struct dk_client *c, const char *name, char *id)
{
	struct running out = {0, id};
	dk_inspect(c, name, on_inspect, &out);
	assert_int_equal(dk_client_run(c, 10000), 0);
	return out.pid;
}

const char *engine_sh1(const char *fmt, ...)
{
	static char out[4096];
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	out[0] = '\0';
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, sizeof out, p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return out;
}
