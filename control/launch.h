/* launch: the `sandtop launch` workflow, asynchronous: make sure of the sandbox's internal network (creating it when missing), create, start, and remove again a container that will not start. */
#ifndef CONTROL_LAUNCH_H
#define CONTROL_LAUNCH_H

#include "base/err.h"
#include "docker/create.h"
#include "docker/docker.h"

/* The e->code of a launch refused by its own rules, not by the engine: the
 * network has a route out (not Internal), the name matched another
 * network by id prefix, or the network was created and removed under our
 * feet twice. */
#define LAUNCH_EREFUSED 1100

/* One line for the operator, in the order things happen: notes ("created
 * internal network ...", "engine warning: ...") and the reason of a
 * failure. No prefix, no newline; engine text in it is sanitized. */
typedef void (*launch_note_fn)(void *ud, const char *msg);

/* The end of a launch. rc 0: e->code ERR_OK and id the started container's
 * id (64 lowercase hex; lives for the callback only). rc -1: id NULL and
 * e->code the failed engine call's err_code (ERR_TRANSPORT: the engine
 * did not answer; ERR_USAGE: refused before sending) or LAUNCH_EREFUSED;
 * e->msg the reason, already given to note (maybe cut to ERR_MSG_MAX). */
typedef void (*launch_done_fn)(void *ud, int rc, const struct err *e, const char *id);

struct launch_run;

/* Launch spec through c. When spec->network is set: inspect it; an
 * internal network of exactly that name is used (a note when its
 * containers can reach each other), one with a route out or one matched
 * only by id prefix is refused, a missing one is created (internal,
 * enable_icc false, label sandtop.created-by=sandtop launch; a 409 means
 * someone created it meanwhile: inspect again, once). Then create the
 * container and start it; a container that will not start is removed
 * again (its name would block the next try) and the start's error ends
 * the launch. note and done are called from dispatch or run only, never
 * from this call; done exactly once, unless c is freed first. spec and
 * everything it points into must stay unchanged until done (or
 * launch_free). Never returns NULL. */
struct launch_run *launch_start(struct dk_client *c, const struct dk_create_spec *spec, launch_note_fn note,
                                launch_done_fn done, void *ud);
/* Free r: after done was called, or after dk_client_free of its client
 * (which cancels the engine call in flight; done then never comes). NULL
 * is fine. Freeing a run whose client still has its call in flight is a
 * bug. */
void launch_free(struct launch_run *r);

#endif
