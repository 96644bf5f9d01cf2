/* engine: the real engine, for the tests that drive it (see engine.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/engine.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ENGINE_SOCK "/var/run/docker.sock"

bool engine_reachable(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = ENGINE_SOCK};
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

const char *engine_var(const char *var)
{
	const char *v = getenv(var);
	if (!v || !*v || !engine_reachable()) {
		print_message("no engine or %s unset: skipped\n", var);
		return NULL;
	}
	return v;
}

struct dk_client *engine_client(void)
{
	struct err e;
	struct dk_client *c = dk_client_new("unix://" ENGINE_SOCK, &e);
	if (!c)
		fail_msg("engine client: %s", e.msg);
	return c;
}
