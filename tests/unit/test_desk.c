/* test_desk: one sandbox's desk against a fake daemon: the engine's 409 said in words, a held (paused or frozen) desk that retries nothing and starts again once it runs.
 * The fake answers an exec create with the 409 the real engine gives for a
 * paused container; sandtop asks for an exec only while it believes the
 * sandbox runs, so the real engine gives that answer only in a race (paused
 * between the list and the exec): the fake makes the race happen on demand.
 * The views of real paused and frozen sandboxes are tests/integration/t_view.sh's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "desktop/desk.h"
#include "docker/docker.h"
#include "tests/unit/helper/fake_daemon.h"

#define ID "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

static struct fake_daemon fake;

static void serve(int fd, const char *req, int rec)
{
	(void)rec;
	if (strstr(req, "POST /v1.41/containers/") && strstr(req, "/exec "))
		fake_respond(fd, 409, "{\"message\":\"Container " ID " is paused, unpause the container before exec\"}");
	else
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
}

static int setup(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "desk", serve, 0);
}

static void container(struct dk_container *ct, const char *state)
{
	memset(ct, 0, sizeof *ct);
	snprintf(ct->id, sizeof ct->id, "%s", ID);
	ct->name = xstrdup("sb-1");
	ct->image = xstrdup("sandtop/sandbox:latest");
	ct->state = xstrdup(state);
	ct->labels = xcalloc(1, sizeof *ct->labels);
	ct->labels[0].key = xstrdup(DESK_LABEL);
	ct->labels[0].value = xstrdup("exec:5900");
	ct->nlabels = 1;
}

/* Drive the desk and the client until want says so or ms pass; the last
 * status is in st. */
static enum desk_status run(struct dk_client *c, struct desk *d, int ms, bool (*want)(enum desk_status, const char *),
                            char *st, size_t n)
{
	int64_t end = clock_mono_ms() + ms;
	enum desk_status ds;
	for (;;) {
		int64_t now = clock_mono_ms();
		ds = desk_status(d, now, st, n);
		if (want(ds, st) || now >= end)
			return ds;
		int timeout = (int)(end - now), t = desk_tick(d, now);
		if (t >= 0 && t < timeout)
			timeout = t;
		struct pollfd fds[16];
		size_t k = dk_client_pollfds(c, fds, 16, &timeout);
		if (timeout < 0 || timeout > 50)
			timeout = 50;
		poll(fds, k, timeout);
		dk_client_dispatch(c, fds, k);
	}
}

static bool is_down(enum desk_status ds, const char *st)
{
	(void)st;
	return ds == DESK_S_DOWN;
}

static bool never(enum desk_status ds, const char *st)
{
	(void)ds;
	(void)st;
	return false;
}

static void test_409_in_words_and_no_retry_while_held(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	assert_non_null(c);
	struct dk_container ct;
	container(&ct, "running");   /* as the list said a moment ago */
	struct desk *d = desk_open(c, &ct, false);
	char st[512];
	assert_int_equal(run(c, d, 5000, is_down, st, sizeof st), DESK_S_DOWN);
	/* the engine's answer in words: no raw 409 text, no 64-hex id */
	assert_non_null(strstr(st, "the engine refused the exec: the sandbox is paused"));
	assert_null(strstr(st, ID));
	assert_null(strstr(st, "unpause the container"));

	/* the list catches up: paused; nothing is tried while it is */
	dk_container_clear(&ct);
	container(&ct, "paused");
	desk_update(d, &ct);
	assert_string_equal(desk_held(d), "paused");
	assert_int_equal(desk_tick(d, clock_mono_ms()), -1);
	assert_int_equal(run(c, d, 1500, never, st, sizeof st), DESK_S_OFF);
	assert_string_equal(st, "paused: no picture until it runs again");

	/* the kernel's freeze holds it the same way, said as frozen */
	dk_container_clear(&ct);
	container(&ct, "running");
	desk_set_frozen(d, true);
	desk_update(d, &ct);
	assert_string_equal(desk_held(d), "frozen");
	assert_int_equal(desk_tick(d, clock_mono_ms()), -1);
	desk_status(d, clock_mono_ms(), st, sizeof st);
	assert_string_equal(st, "frozen: no picture until it runs again");

	/* thawed: tried again at once (and refused again by this fake) */
	desk_set_frozen(d, false);
	assert_null(desk_held(d));
	assert_int_equal(run(c, d, 5000, is_down, st, sizeof st), DESK_S_DOWN);
	assert_non_null(strstr(st, "the engine refused the exec"));

	desk_close(d);
	dk_container_clear(&ct);
	dk_client_free(c);
}

/* Idle (off screen a while): no worker, nothing started until busy again. */
static void test_idle_starts_nothing(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct dk_container ct;
	container(&ct, "running");
	struct desk *d = desk_open(c, &ct, false);
	desk_set_idle(d, true);
	assert_int_equal(desk_tick(d, clock_mono_ms()), -1);
	char st[512];
	assert_int_equal(desk_status(d, clock_mono_ms(), st, sizeof st), DESK_S_OFF);
	assert_null(desk_frame(d));
	desk_set_idle(d, false);
	assert_int_equal(run(c, d, 5000, is_down, st, sizeof st), DESK_S_DOWN);
	desk_close(d);
	dk_container_clear(&ct);
	dk_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_409_in_words_and_no_retry_while_held),
		cmocka_unit_test(test_idle_starts_nothing),
	};
	return cmocka_run_group_tests(tests, setup, fake_daemon_teardown);
}
