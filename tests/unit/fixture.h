/* fixture: read a file under tests/fixtures for a cmocka test (include after cmocka.h). */
#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H

#include <stdio.h>

#include "base/xalloc.h"

/* The whole of tests/fixtures/NAME, NUL-terminated; the caller frees it.
 * The tests run from the repository root. */
static inline char *fixture_read(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/%s", name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *p = xmalloc((size_t)n + 1);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	p[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return p;
}

#endif
