/* diags: the diagnostics a parser reports, collected (see diags.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/diags.h"

#include <stdio.h>

void diags_collect(void *ud, const char *msg)
{
	struct diags *d = ud;
	assert_true(d->n < (int)(sizeof d->msg / sizeof d->msg[0]));
	snprintf(d->msg[d->n++], sizeof d->msg[0], "%s", msg);
}
