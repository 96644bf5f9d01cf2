/* test_iso_runner: the isolation runner against a fake engine: a sandbox's inspect fed from the inventory is not asked again, and the host facts wait while held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "isolation/run.h"
#include "tests/unit/helper/call.h"
#include "tests/unit/helper/fake_daemon.h"
#include "tests/unit/helper/fixture.h"

/* hard_reference.json's container */
#define REF_ID "7d34069faa0fee0953316977246a288e1a943094303cdedb56b3a2d312868880"

static struct fake_daemon fake;
static char *inspect_json, *info_json, *network_json;
static size_t inspect_len;

/* The engine's side: every request recorded; the sandbox's inspect, the
 * host's /info, a network, and no image. */
static void handler(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	if (strstr(req, "GET /v1.41/containers/"))
		fake_respond(fd, 200, inspect_json);
	else if (strstr(req, "GET /v1.41/info"))
		fake_respond(fd, 200, info_json);
	else if (strstr(req, "GET /v1.41/networks/"))
		fake_respond(fd, 200, network_json);
	else
		fake_respond(fd, 404, "{\"message\":\"not here\"}");
}

static int setup(void **state)
{
	inspect_json = fixture_read("hard_reference.json", &inspect_len);
	info_json = fixture_read("info.json", NULL);
	network_json = fixture_read("network_bridge.json", NULL);
	if (fake_daemon_start(&fake, "isorun", handler, 0) < 0)
		return -1;
	*state = &fake;
	return 0;
}

static int teardown(void **state)
{
	free(inspect_json);
	free(info_json);
	free(network_json);
	return fake_daemon_teardown(state);
}

/* Every request the fake recorded so far, one "METHOD PATH" a line. */
static char *requests(void)
{
	char *all = xstrdup("");
	for (char *r; (r = fake_next_request(&fake, 200));) {
		r[strcspn(r, "\n")] = '\0';
		char *more = xasprintf("%s%s\n", all, r);
		free(all);
		free(r);
		all = more;
	}
	return all;
}

/* Turns of the client and the runner until the report of REF_ID is in, 5 s
 * at most. */
static const struct iso_report *run_until_report(struct dk_client *c, struct iso_runner *r)
{
	int64_t end = clock_mono_ms() + 5000;
	while (!iso_runner_report(r, REF_ID) && clock_mono_ms() < end) {
		iso_runner_tick(r, clock_wall_ms());
		call_turn(c, 50);
	}
	return iso_runner_report(r, REF_ID);
}

/* A runner on a client of the fake, its host facts held (a screen's). */
static struct iso_runner *held_runner(struct dk_client **c)
{
	*c = fake_client(&fake);
	struct iso_policy pol;
	iso_policy_default(&pol, dk_client_endpoint(*c));
	struct iso_runner *r = iso_runner_new(*c, &pol);
	iso_runner_hold_host(r);
	return r;
}

/* Turns for about ms; what the fake was asked meanwhile (the caller frees). */
static char *turns(struct dk_client *c, struct iso_runner *r, int ms)
{
	for (int64_t end = clock_mono_ms() + ms; clock_mono_ms() < end;) {
		iso_runner_tick(r, clock_wall_ms());
		call_turn(c, 20);
	}
	return requests();
}

static void test_fed_inspect_is_not_asked_again(void **state)
{
	(void)state;
	struct dk_client *c;
	struct iso_runner *r = held_runner(&c);
	/* held: the first ticks ask nothing, not even the host facts */
	char *asked = turns(c, r, 200);
	assert_string_equal(asked, "");
	free(asked);
	/* the inventory's inspect, handed on: the evaluation waits for the
	 * host facts, still held, and asks no inspect of its own */
	iso_runner_feed(r, REF_ID, clock_mono_ms(), inspect_json, inspect_len);
	assert_true(iso_runner_has(r, REF_ID));
	assert_int_equal(iso_runner_pending(r), 1);
	asked = turns(c, r, 200);
	assert_null(iso_runner_report(r, REF_ID));
	assert_null(strstr(asked, "/containers/"));
	assert_null(strstr(asked, "/info"));
	free(asked);
	/* released: /info, then the report */
	iso_runner_release_host(r);
	const struct iso_report *rep = run_until_report(c, r);
	assert_non_null(rep);
	assert_true(rep->n > 0);
	assert_int_equal(iso_runner_pending(r), 0);
	asked = requests();
	assert_non_null(strstr(asked, "GET /v1.41/info"));
	assert_null(strstr(asked, "/containers/"));
	free(asked);
	/* an event, then an inspect the inventory had asked for before it:
	 * stale, so the runner asks for itself */
	int64_t before_event = clock_mono_ms();
	fake_pause_ms(2);
	iso_runner_want(r, REF_ID);
	iso_runner_feed(r, REF_ID, before_event, inspect_json, inspect_len);
	asked = turns(c, r, 300);
	assert_non_null(strstr(asked, "GET /v1.41/containers/" REF_ID "/json"));
	free(asked);
	assert_non_null(run_until_report(c, r));
	/* an event, then an inspect asked for after it: taken */
	iso_runner_want(r, REF_ID);
	fake_pause_ms(2);
	iso_runner_feed(r, REF_ID, clock_mono_ms(), inspect_json, inspect_len);
	asked = turns(c, r, 300);
	assert_null(strstr(asked, "/containers/"));
	free(asked);
	assert_int_equal(iso_runner_pending(r), 0);
	dk_client_free(c);
	iso_runner_free(r);
}

/* A hold ends by itself: a screen whose inventory never settles still
 * gets its host facts. */
static void test_hold_ends_by_itself(void **state)
{
	(void)state;
	struct dk_client *c;
	struct iso_runner *r = held_runner(&c);
	int64_t t0 = clock_mono_ms(), end = t0 + 6000;
	while (!iso_runner_host(r) && !iso_runner_host_error(r)[0] && clock_mono_ms() < end) {
		iso_runner_tick(r, clock_wall_ms());
		call_turn(c, 50);
	}
	assert_non_null(iso_runner_host(r));
	assert_true(clock_mono_ms() - t0 >= 2900);
	dk_client_free(c);
	iso_runner_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fed_inspect_is_not_asked_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_ends_by_itself, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
