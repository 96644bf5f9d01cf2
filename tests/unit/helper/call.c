/* call: one engine call's result and the callbacks that record it (see call.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/call.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

void call_init(struct call *r, size_t n, size_t cap)
{
	for (size_t i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof r[i]);
		buf_init(&r[i].data, cap);
	}
}

void call_free(struct call *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_free(&r[i].data);
		dk_container_list_free(&r[i].list);
	}
}

void call_on_done(void *ud, int rc, const struct err *e)
{
	struct call *r = ud;
	r->calls++;
	r->rc = rc;
	assert_non_null(e);
	r->e = *e;
	if (r->verbose)
		print_message("    -> rc %d code %d \"%s\"\n", rc, e->code, e->msg);
	if (rc == 0)
		assert_int_equal(e->code, ERR_OK);
	else
		assert_int_not_equal(e->code, ERR_OK);
}

void call_on_text(void *ud, int rc, const struct err *e, const char *s)
{
	struct call *r = ud;
	call_on_done(ud, rc, e);
	if (rc == 0)
		snprintf(r->text, sizeof r->text, "%s", s);
	else
		assert_null(s);
}

void call_on_data(void *ud, int rc, const struct err *e, const char *data, size_t len, bool truncated)
{
	struct call *r = ud;
	call_on_done(ud, rc, e);
	if (rc == 0)
		buf_append(&r->data, data, len);
	r->truncated = truncated;
}

void call_on_raw(void *ud, int rc, const struct err *e, const char *json, size_t len)
{
	call_on_data(ud, rc, e, json, len, false);
}

void call_on_tar(void *ud, int rc, const struct err *e, const uint8_t *tar, size_t len, bool truncated)
{
	call_on_data(ud, rc, e, (const char *)tar, len, truncated);
}

void call_on_list(void *ud, int rc, const struct err *e, struct dk_container_list *list)
{
	struct call *r = ud;
	if (rc < 0) { /* a list's success comes without an err */
		call_on_done(ud, rc, e);
		return;
	}
	r->calls++;
	r->rc = rc;
	r->list = *list;
	list->items = NULL;
	list->n = 0;
}

void call_turn(struct dk_client *c, int ms)
{
	struct pollfd fds[128];
	int t = ms;
	size_t n = dk_client_pollfds(c, fds, 128, &t);
	if (t < 0 || t > ms)
		t = ms;
	poll(fds, n, t);
	dk_client_dispatch(c, fds, n);
}
