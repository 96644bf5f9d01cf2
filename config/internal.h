/* internal: what the parser (config.c), the settings table (settings.c) and the parse run (run.c) share; private to config/. */
#ifndef CONFIG_INTERNAL_H
#define CONFIG_INTERNAL_H

#include "config/config.h"

#define CFG_ARGS_MAX 24    /* fields kept per line: columns needs 17 */
#define CFG_QUOTE_MAX 40   /* bytes of a bad value shown in a message */

/* One parse run. */
struct cfg_ctx {
	struct cfg *c;
	char name[256];            /* the file's name, sanitized, for messages */
	char dir[CFG_PATH_MAX];    /* its directory, for relative paths */
	unsigned long line;
	cfg_diag_fn diag;
	void *ud;
	int bad;                   /* bad lines so far */
	int sent;                  /* messages sent to diag */
	char quoted[2][CFG_QUOTE_MAX * 3 + 8];
};

/* One parse run's services (run.c), below the parser and the settings. */

/* Report "file:line: message" ("file: message" at line 0) to diag, while
 * fewer than CFG_ERRORS_MAX were sent; the caller counts the bad line. */
void cfg_report(struct cfg_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* tok made safe to print (sanitized, cut to CFG_QUOTE_MAX bytes with
 * "..."), in slot 0 or 1: valid until the next call with that slot. */
const char *cfg_quote(struct cfg_ctx *x, int slot, const char *tok);
/* in as a path: "~/..." under $HOME, "/..." as it is, anything else under
 * the file's directory. 0, or -1 (reported, with what as the setting's
 * name) when it is empty, too long, or ~ with no HOME. */
int cfg_path(struct cfg_ctx *x, const char *what, const char *in, char *out, size_t n);

/* The settings table (settings.c): apply one line's fields (argv[0] is the
 * setting's name; argc >= 1).
 * Returns 0, or -1 after reporting; a bad line changes nothing. */
int cfg_setting_apply(struct cfg_ctx *x, int argc, char **argv);

#endif
