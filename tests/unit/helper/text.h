/* text: what the terminal may be shown, for the tests of untrusted text: no control byte, no C1 control in UTF-8 (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_TEXT_H
#define TESTS_UNIT_HELPER_TEXT_H

#include <stdbool.h>

/* True when s holds no C0 control (below 0x20, so no ESC, CR, LF, tab),
 * no DEL and no C1 control (U+0080..U+009F, "\xc2\x80".."\xc2\x9f"). */
bool text_printable(const char *s);

/* Fail the test, showing s escaped, unless text_printable(s). */
void text_assert_printable(const char *s);

#endif
