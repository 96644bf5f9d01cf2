/* fuzz_profile: `sandtop launch` profile files (control/profile.c lp_parse), and a profile that parses made into the hardened create spec and its JSON body. */
#include "tests/fuzz/fuzz.h"

#include "control/profile.h"
#include "docker/client_internal.h"
#include "docker/create.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	char *text = fz_exact(data, size);
	struct lp_profile p;
	lp_profile_defaults(&p);
	int bad = lp_parse(&p, "fuzz.profile", text, size, fz_diag, NULL);
	if (bad < 0)
		abort();
	if (bad == 0) {
		if (!p.owner)
			p.owner = xstrdup("fuzz");
		struct lp_launch l;
		struct err e;
		if (lp_launch_build(&l, &p, "fuzz-sandbox", &e) < 0) {
			fprintf(stderr, "a profile that parses does not build: %s\n", e.msg);
			abort();
		}
		char *body = dk_create_body(&l.spec, &e);
		if (!body) {
			fprintf(stderr, "a profile that parses makes no create body: %s\n", e.msg);
			abort();
		}
		if (dk_check_json(body, strlen(body), &e) < 0)
			abort();
		free(body);
		lp_launch_clear(&l);
	}
	lp_profile_clear(&p);
	free(text);
	return 0;
}
