/* run: one parse run's services to the settings: messages as file:line, bad values quoted, paths from the file's directory. */
#include "config/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"

void cfg_report(struct cfg_ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->diag || x->sent >= CFG_ERRORS_MAX)
		return;
	x->sent++;
	va_start(ap, fmt);
	diag_vreport(x->diag, x->ud, x->name, x->line, fmt, ap);
	va_end(ap);
}

const char *cfg_quote(struct cfg_ctx *x, int slot, const char *tok)
{
	return diag_quote(tok, CFG_QUOTE_MAX, x->quoted[slot ? 1 : 0], sizeof x->quoted[0]);
}

int cfg_path(struct cfg_ctx *x, const char *what, const char *in, char *out, size_t n)
{
	int w;
	if (!*in) {
		cfg_report(x, "%s: empty path", what);
		return -1;
	}
	if (in[0] == '~' && (in[1] == '/' || !in[1])) {
		const char *home = getenv("HOME");
		if (!home || home[0] != '/') {
			cfg_report(x, "%s: '%s' starts with ~ but HOME is not an absolute path", what, cfg_quote(x, 0, in));
			return -1;
		}
		w = snprintf(out, n, "%s%s", home, in + 1);
	} else if (in[0] == '/') {
		w = snprintf(out, n, "%s", in);
	} else {
		while (in[0] == '.' && in[1] == '/')
			in += 2;   /* "./keys": the file's directory, said once */
		w = snprintf(out, n, "%s/%s", x->dir, in);
	}
	if (w < 0 || (size_t)w >= n) {
		cfg_report(x, "%s: path too long (over %zu bytes)", what, n - 1);
		return -1;
	}
	return 0;
}
