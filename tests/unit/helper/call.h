/* call: what one asynchronous engine call reported to its callback, the callbacks that record it, and one turn of a client's loop, for the tests of the engine client (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_CALL_H
#define TESTS_UNIT_HELPER_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "docker/docker.h"

/* One call's result, as the callbacks below record it (ud: a struct call). */
struct call {
	int calls;        /* how many times the callback ran (once, always) */
	int rc;
	struct err e;
	char text[80];    /* call_on_text's string (a commit's image, a created id) */
	struct buf data;  /* call_on_data, _raw, _tar: what came, up to call_init's cap */
	bool truncated;
	struct dk_container_list list; /* call_on_list's, taken over; call_free frees it */
	bool verbose;     /* print each result (the tests against the real engine) */
};

/* Clear n calls, each keeping up to cap bytes of data. */
void call_init(struct call *r, size_t n, size_t cap);

/* Free what n calls hold. */
void call_free(struct call *r, size_t n);

/* dk_done_cb: count the call, keep rc and *e. Fails unless e is given and
 * its code says what rc says (ERR_OK exactly when rc is 0). */
void call_on_done(void *ud, int rc, const struct err *e);

/* dk_commit_cb and the like (a commit's image, a created id): as
 * call_on_done, the string kept in text on success, NULL on failure. */
void call_on_text(void *ud, int rc, const struct err *e, const char *s);

/* dk_logs_cb: as call_on_done, the data appended on success. */
void call_on_data(void *ud, int rc, const struct err *e, const char *data, size_t len, bool truncated);

/* dk_raw_cb (an inspect's JSON): as call_on_data. */
void call_on_raw(void *ud, int rc, const struct err *e, const char *json, size_t len);

/* dk_archive_cb: as call_on_data. */
void call_on_tar(void *ud, int rc, const struct err *e, const uint8_t *tar, size_t len, bool truncated);

/* dk_list_cb: a failure as call_on_done; a success (which comes without
 * an err) counted, rc kept and the list taken over. */
void call_on_list(void *ud, int rc, const struct err *e, struct dk_container_list *list);

/* One turn of c's loop: its fds polled for at most ms (less when the
 * client's own timeout is nearer), what is ready dispatched. */
void call_turn(struct dk_client *c, int ms);

#endif
