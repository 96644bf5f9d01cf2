/* err: the caller-supplied error record every fallible function fills. */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#define ERR_MSG_MAX 256

struct err {
	int code;               /* module-defined; 0 when no error */
	char msg[ERR_MSG_MAX];  /* human-readable, one line, already sanitized */
};

/* Set code and a printf-formatted message; err may be NULL. Newlines and
 * tabs become spaces and the text goes through sanitize_text (so msg is safe
 * to display); the arguments may point into e->msg ("ctx: %s", e->msg).
 * Returns -1 so that `return err_set(e, ...)` reads naturally. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Clear to "no error". */
void err_clear(struct err *e);

#endif
