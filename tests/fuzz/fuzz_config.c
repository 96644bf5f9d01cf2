/* fuzz_config: the settings file (config/: cfg_parse and every setting), with the promise of cfg_dump: what it prints parses back, without an error, to the same settings. */
#include "tests/fuzz/fuzz.h"

#include "config/config.h"

static char *dump(const struct cfg *c, size_t *len)
{
	char *out = NULL;
	FILE *fp = open_memstream(&out, len);
	if (!fp)
		abort();
	cfg_dump(c, fp);
	fclose(fp);
	return out;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("HOME", "/home/fuzz", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	char *text = fz_exact(data, size);
	struct cfg *c = xmalloc(sizeof *c);
	cfg_init(c);
	int msgs = 0;
	int bad = cfg_parse(c, "/etc/sandtop/config", text, size, fz_diag, &msgs);
	if (bad < 0)
		abort();
	size_t n1, n2;
	char *d1 = dump(c, &n1);
	struct cfg *c2 = xmalloc(sizeof *c2);
	cfg_init(c2);
	int bad2 = cfg_parse(c2, "/etc/sandtop/config", d1, n1, fz_diag, NULL);
	char *d2 = dump(c2, &n2);
	if (bad2 != 0 || n1 != n2 || memcmp(d1, d2, n1)) {
		fprintf(stderr, "the dump does not parse back (%d bad lines):\n%s\n---- parsed back:\n%s", bad2, d1, d2);
		abort();
	}
	free(d1);
	free(d2);
	free(c2);
	free(c);
	free(text);
	return 0;
}
