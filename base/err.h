/* err: the caller-supplied error record every fallible function fills. */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#define ERR_MSG_MAX 256

/* The codes shared by the modules that talk to the engine or the kernel
 * (a module may add its own above ERR_CODES_END). */
enum err_code {
	ERR_OK = 0,
	ERR_NOTFOUND,   /* 404; a process or cgroup gone */
	ERR_CONFLICT,   /* 409 */
	ERR_BADREQ,     /* other 4xx */
	ERR_SERVER,     /* 5xx; a system call that failed for another reason */
	ERR_TRANSPORT,  /* could not connect, reset, timeout */
	ERR_PARSE,      /* not the text we expect */
	ERR_TOOBIG,     /* over the cap */
	ERR_VERSION,    /* engine API or kernel too old */
	ERR_USAGE,      /* bad arguments, a bad endpoint string */
	ERR_REFUSED,    /* the kernel path: not provably the container's cgroup, not touched */
	ERR_CODES_END
};

struct err {
	int code;               /* enum err_code, or a module's own; 0 when no error */
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
