/* err: the caller-supplied error record every fallible function fills. */
#include "base/err.h"
#include "base/sanitize.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *fmt, ...)
{
	if (!e)
		return -1;
	/* format into a scratch buffer first: the arguments may point into
	 * e->msg (err_set(e, c, "ctx: %s", e->msg)) */
	char tmp[ERR_MSG_MAX * 4];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
	/* keep it one line, then make it safe to display */
	for (size_t i = 0; i < len; i++)
		if (tmp[i] == '\n' || tmp[i] == '\r' || tmp[i] == '\t')
			tmp[i] = ' ';
	sanitize_text(tmp, len, e->msg, sizeof e->msg);
	e->code = code;
	return -1;
}

void err_clear(struct err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}
