/* parsed: engine answers under tests/fixtures read and parsed in one call, failing the test unless they parse (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_PARSED_H
#define TESTS_UNIT_HELPER_PARSED_H

#include "docker/hardening.h"

/* tests/fixtures/NAME (an inspect) through dk_parse_hardening into *h,
 * which the caller clears (dk_hardening_clear). */
void parsed_hardening(const char *name, struct dk_hardening *h);

/* tests/fixtures/NAME (a network's inspect) through dk_parse_netinfo into
 * *n, which the caller clears (dk_netinfo_clear). */
void parsed_netinfo(const char *name, struct dk_netinfo *n);

/* tests/fixtures/NAME (an /info) through dk_parse_info into *host, which
 * the caller clears (dk_hostinfo_clear). */
void parsed_info(const char *name, struct dk_hostinfo *host);

/* tests/fixtures/NAME (a /version) through dk_parse_version_components
 * into *host (its other fields kept). */
void parsed_version(const char *name, struct dk_hostinfo *host);

#endif
