/* diag: messages about a file the user wrote ("NAME:LINE: message") and its bad tokens quoted safely. */
#include "base/diag.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/sanitize.h"

void diag_vreport(diag_fn fn, void *ud, const char *name, unsigned long line, const char *fmt, va_list ap)
{
	char msg[400];
	char full[700];

	if (!fn)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (line)
		snprintf(full, sizeof full, "%s:%lu: %s", name, line, msg);
	else
		snprintf(full, sizeof full, "%s: %s", name, msg);
	fn(ud, full);
}

const char *diag_quote(const char *tok, size_t max, char *out, size_t size)
{
	size_t len = strlen(tok);
	bool cut = len > max;
	size_t w = sanitize_text(tok, cut ? max : len, out, size - 4);

	if (cut)
		memcpy(out + w, "...", 4);
	return out;
}
