/* text: what the terminal may be shown (see text.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/text.h"

#include <stdio.h>

bool text_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return false;
	return true;
}

void text_assert_printable(const char *s)
{
	if (text_printable(s))
		return;
	char b[512];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < sizeof b; p++)
		n += (size_t)(*p >= 0x20 && *p < 0x7f ? snprintf(b + n, sizeof b - n, "%c", *p)
		                                      : snprintf(b + n, sizeof b - n, "\\x%02x", *p));
	fail_msg("not printable: %s", b);
}
