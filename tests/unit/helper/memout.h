/* memout: a FILE that writes to memory, for the tests of what a function prints (a dump, a usage, a report) (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_MEMOUT_H
#define TESTS_UNIT_HELPER_MEMOUT_H

#include <stddef.h>
#include <stdio.h>

/* One capture: memout_open, print to what it returns, memout_text. */
struct memout {
	char *text;
	size_t len;
	FILE *fp;
};

/* Start a capture in m; the FILE to print to (memout_text closes it).
 * Fails the test when it cannot be opened. */
FILE *memout_open(struct memout *m);

/* Close m's FILE; what was printed, NUL-terminated, which the caller
 * frees (its length in m->len). */
char *memout_text(struct memout *m);

#endif
