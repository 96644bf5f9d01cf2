/* fixture: the files under tests/fixtures for the unit tests (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_FIXTURE_H
#define TESTS_UNIT_HELPER_FIXTURE_H

#include <stddef.h>

/* The whole of tests/fixtures/NAME, NUL-terminated, its length in *len;
 * the caller frees it. The tests run from the repository root; a missing
 * fixture fails the test. */
char *fixture_read(const char *name, size_t *len);

#endif
