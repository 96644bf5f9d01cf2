/* fixture: read a file under tests/fixtures (see fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "tests/unit/helper/files.h"

char *fixture_read(const char *name, size_t *len)
{
	char *path = xasprintf("tests/fixtures/%s", name);
	char *p = files_read(path, len);
	free(path);
	return p;
}
