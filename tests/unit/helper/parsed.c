/* parsed: engine answers under tests/fixtures read and parsed (see parsed.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/parsed.h"

#include <stdlib.h>

#include "tests/unit/helper/fixture.h"

/* One function a parser: read NAME, parse it into out, fail unless 0. */
#define PARSED(fn, type, parser)                                                         \
	void fn(const char *name, type *out)                                             \
	{                                                                                \
		size_t len;                                                              \
		char *body = fixture_read(name, &len);                                   \
		struct err e = {0};                                                      \
		if (parser(body, len, out, &e) != 0)                                     \
			fail_msg("%s: %s does not parse: %s", name, #parser, e.msg);    \
		free(body);                                                              \
	}

PARSED(parsed_hardening, struct dk_hardening, dk_parse_hardening)
PARSED(parsed_netinfo, struct dk_netinfo, dk_parse_netinfo)
PARSED(parsed_info, struct dk_hostinfo, dk_parse_info)
PARSED(parsed_version, struct dk_hostinfo, dk_parse_version_components)
