/* launch: the `sandtop launch` workflow as a chain of engine calls: network inspect (and create), container create, start, and remove after a failed start. */
#include "control/launch.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "docker/hardening.h"

#define NET_ATTEMPTS 2   /* inspect, create, 409 (someone else created it): inspect once more */

struct launch_run {
	struct dk_client *c;
	const struct dk_create_spec *spec;
	launch_note_fn note;
	launch_done_fn done;
	void *ud;
	int attempts;        /* network inspects so far */
	char id[65];         /* the created container */
	struct err start_e;  /* the failed start, reported once the removal ended */
	int64_t t0;
};

/* One line for the operator. */
static void say(struct launch_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct launch_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	r->note(r->ud, msg);
	free(msg);
}

static void succeed(struct launch_run *r)
{
	log_msg(LOG_INFO, "launch: started %s (%.12s) in %lld ms", r->spec->name, r->id,
	        (long long)(clock_mono_ms() - r->t0));
	struct err ok;
	err_clear(&ok);
	r->done(r->ud, 0, &ok, r->id);
}

/* Say why (printf), and end the launch with code. */
static void fail(struct launch_run *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct launch_run *r, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	r->note(r->ud, msg);
	struct err e;
	err_set(&e, code, "%s", msg);
	free(msg);
	r->done(r->ud, -1, &e, NULL);
}

/* ---- the container ---- */

static void on_removed(void *ud, int rc, const struct err *e)
{
	struct launch_run *r = ud;
	if (rc == 0)
		say(r, "removed the container that did not start");
	else
		say(r, "could not remove the container that did not start (%.12s): %s", r->id, e->msg);
	r->done(r->ud, -1, &r->start_e, NULL);
}

static void on_started(void *ud, int rc, const struct err *e)
{
	struct launch_run *r = ud;
	if (rc == 0) {
		succeed(r);
		return;
	}
	say(r, "cannot start %s: %s", r->spec->name, e->msg);
	err_set(&r->start_e, e->code, "cannot start %s: %s", r->spec->name, e->msg);
	dk_remove(r->c, r->id, true, on_removed, r);
}

static void on_created(void *ud, int rc, const struct err *e, const char *id)
{
	struct launch_run *r = ud;
	if (rc < 0) {
		fail(r, e->code, "cannot create %s: %s", r->spec->name, e->msg);
		return;
	}
	if (e->msg[0])
		say(r, "engine warning: %s", e->msg);
	snprintf(r->id, sizeof r->id, "%s", id);
	log_msg(LOG_INFO, "launch: created %s (%.12s)", r->spec->name, r->id);
	dk_start_container(r->c, r->id, on_started, r);
}

static void create(struct launch_run *r)
{
	dk_create_container(r->c, r->spec, on_created, r);
}

/* ---- the network ---- */

static void inspect_net(struct launch_run *r);

static void on_net_created(void *ud, int rc, const struct err *e, const char *id)
{
	struct launch_run *r = ud;
	const char *net = r->spec->network;
	if (rc == 0) {
		say(r, "created internal network %s (no route out, no traffic between sandboxes)", net);
		log_msg(LOG_INFO, "launch: created network %s (%.12s)", net, id);
		create(r);
	} else if (e->code != ERR_CONFLICT) {
		fail(r, e->code, "cannot create network %s: %s", net, e->msg);
	} else {
		inspect_net(r);  /* someone created it meanwhile: look at it again */
	}
}

static void on_net(void *ud, int rc, const struct err *e, const struct dk_netinfo *n)
{
	struct launch_run *r = ud;
	const char *net = r->spec->network;
	if (rc == 0) {
		const char *name = n->name ? n->name : "";
		if (strcmp(name, net) != 0) {
			/* the engine also matches id prefixes: "ab" may be network "web" */
			char *found = sanitize_dup(name, strlen(name));
			fail(r, LAUNCH_EREFUSED, "'%s' matched network %s (by id prefix), not a network of that name: "
			     "name the network exactly", net, found);
			free(found);
			return;
		}
		if (!n->internal) {
			fail(r, LAUNCH_EREFUSED, "network %s is not internal (it has a route out of the host): refusing "
			     "to attach a sandbox to it; name an internal network, or one that does not exist yet", net);
			return;
		}
		if (!n->icc_disabled)
			say(r, "note: network %s lets its containers reach each other (enable_icc is not false)", net);
		log_msg(LOG_INFO, "launch: network %s exists, internal (%.31s)", net, n->driver ? n->driver : "");
		create(r);
		return;
	}
	if (e->code != ERR_NOTFOUND) {
		fail(r, e->code, "cannot inspect network %s: %s", net, e->msg);
		return;
	}
	static const struct dk_label mine[] = {{.key = "sandtop.created-by", .value = "sandtop launch"}};
	dk_network_create(r->c, net, mine, 1, on_net_created, r);
}

static void inspect_net(struct launch_run *r)
{
	if (r->attempts == NET_ATTEMPTS) {
		fail(r, LAUNCH_EREFUSED, "network %s: created and removed under our feet; try again", r->spec->network);
		return;
	}
	r->attempts++;
	dk_network_inspect(r->c, r->spec->network, on_net, r);
}

/* ---- the run ---- */

struct launch_run *launch_start(struct dk_client *c, const struct dk_create_spec *spec, launch_note_fn note,
                                launch_done_fn done, void *ud)
{
	struct launch_run *r = xcalloc(1, sizeof *r);
	r->c = c;
	r->spec = spec;
	r->note = note;
	r->done = done;
	r->ud = ud;
	r->t0 = clock_mono_ms();
	log_msg(LOG_INFO, "launch: %s from %s on %s", spec->name ? spec->name : "", spec->image ? spec->image : "",
	        dk_client_endpoint(c));
	/* both calls answer from dispatch or run only, never from here */
	if (spec->network && *spec->network)
		inspect_net(r);
	else
		create(r);
	return r;
}

void launch_free(struct launch_run *r)
{
	free(r);
}
