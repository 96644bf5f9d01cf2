/* memout: a FILE that writes to memory (see memout.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/memout.h"

FILE *memout_open(struct memout *m)
{
	m->text = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->text, &m->len);
	assert_non_null(m->fp);
	return m->fp;
}

char *memout_text(struct memout *m)
{
	assert_int_equal(fclose(m->fp), 0);
	m->fp = NULL;
	return m->text;
}
