/* fuzz: what the libFuzzer targets share: a quiet log, NUL-terminated copies, the input cut into parts, and the oracles (sanitized text stays put). */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The product's log goes to /dev/null (its formatting and sanitizing still
 * run); fd 2 stays the sanitizers' and libFuzzer's. Call once. */
/* Reads land here, so the compiler keeps them (ASan checks each one). */
static volatile unsigned fz_sink __attribute__((unused));

static inline void fz_quiet_log(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	signal(SIGPIPE, SIG_IGN);
	int keep = dup(2);
	log_open("/dev/null");
	log_set_level(LOG_DEBUG);
	if (keep >= 0) {
		dup2(keep, 2);
		close(keep);
	}
}

/* A new NUL-terminated copy of p[0..n) (the caller frees it). */
static inline char *fz_strndup(const void *p, size_t n)
{
	char *s = xmalloc(n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* An exact-size heap copy (no NUL after it), so ASan sees a read past n. */
static inline char *fz_exact(const void *p, size_t n)
{
	char *s = xmalloc(n ? n : 1);
	if (n)
		memcpy(s, p, n);
	return s;
}

/* The input cut into parts at each occurrence of sep (the last part runs
 * to the end). Returns the next part and advances p and n past it and its
 * separator; false when nothing is left. */
static inline bool fz_part(const uint8_t **p, size_t *n, const char *sep, const uint8_t **part, size_t *plen)
{
	if (!*p)
		return false;
	size_t sl = strlen(sep);
	const uint8_t *hit = sl && *n >= sl ? memmem(*p, *n, sep, sl) : NULL;
	*part = *p;
	if (!hit) {
		*plen = *n;
		*p = NULL;
		*n = 0;
		return true;
	}
	*plen = (size_t)(hit - *p);
	*n -= *plen + sl;
	*p = hit + sl;
	return true;
}

/* Abort when s (NUL-terminated) is not what sanitize_text makes: the
 * contract of every string a parser says it sanitized. */
static inline void fz_assert_sanitized(const char *what, const char *s)
{
	size_t n = strlen(s);
	char *again = xmalloc(3 * n + 8);
	sanitize_text(s, n, again, 3 * n + 8);
	if (strcmp(again, s)) {
		fprintf(stderr, "%s is not sanitized text: \"%s\"\n", what, s);
		abort();
	}
	free(again);
}

/* An error record's message is one line of sanitized text (base/err.h). */
static inline void fz_err(const char *what, const char *msg)
{
	if (strchr(msg, '\n')) {
		fprintf(stderr, "%s: a newline in an error message: \"%s\"\n", what, msg);
		abort();
	}
	fz_assert_sanitized(what, msg);
}

/* A diag callback: every message is one line of sanitized text. */
static inline void fz_diag(void *ud, const char *msg)
{
	if (ud)
		(*(int *)ud)++;
	fz_err("diagnostic", msg);
}

/* Sanitize raw bytes and check the filter's own promises: valid UTF-8 with
 * no C0/C1 control, no ESC, and sanitizing it again changes nothing. */
static inline void fz_check_sanitize(const void *p, size_t n)
{
	size_t cap = 3 * n + 8;
	char *out = xmalloc(cap);
	size_t k = sanitize_text(p, n, out, cap);
	if (k != strlen(out))
		abort();
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == 0xc2 && i + 1 < k && (unsigned char)out[i + 1] >= 0x80 && (unsigned char)out[i + 1] <= 0x9f)
			abort(); /* a C1 control, UTF-8 encoded */
	}
	fz_assert_sanitized("sanitize_text output", out);
	free(out);
}

#endif
