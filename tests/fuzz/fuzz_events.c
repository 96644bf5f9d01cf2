/* fuzz_events: the /events stream: lines cut at '\n' as docker/events.c does (an empty line skipped), each through dk_parse_event. */
#include "tests/fuzz/fuzz.h"

#include "docker/docker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	const uint8_t *p = data, *line;
	size_t n = size, len;
	while (fz_part(&p, &n, "\n", &line, &len)) {
		if (len == 0)
			continue;
		char *l = fz_exact(line, len);
		struct dk_event ev;
		struct err e;
		if (dk_parse_event(l, len, &ev, &e) < 0) {
			fz_err("dk_parse_event", e.msg);
		} else {
			if (memchr(ev.id, '\0', sizeof ev.id) == NULL || memchr(ev.action, '\0', sizeof ev.action) == NULL ||
			    memchr(ev.detail, '\0', sizeof ev.detail) == NULL || memchr(ev.type, '\0', sizeof ev.type) == NULL)
				abort();
			fz_check_sanitize(ev.detail, strlen(ev.detail));
			fz_check_sanitize(ev.action, strlen(ev.action));
		}
		free(l);
	}
	return 0;
}
