/* fuzz_keymap: keymap files (keymaps/parse.c), over an empty map and over the defaults; what keymap_dump prints parses back to the same bindings. */
#include "tests/fuzz/fuzz.h"

#include "keymaps/keymap.h"

static char *dump(const struct keymap *km, size_t *len)
{
	char *out = NULL;
	FILE *fp = open_memstream(&out, len);
	if (!fp)
		abort();
	keymap_dump(km, fp);
	fclose(fp);
	return out;
}

static void same(const struct keymap *a, const struct keymap *b)
{
	if (keymap_count(a) != keymap_count(b))
		abort();
	for (size_t i = 0; i < keymap_count(a); i++) {
		struct km_binding x, y;
		if (keymap_binding(a, i, &x) < 0 || keymap_binding(b, i, &y) < 0)
			abort();
		if (x.table != y.table || x.key != y.key || x.action != y.action)
			abort();
		if (strcmp(x.note ? x.note : "", y.note ? y.note : "")) {
			fprintf(stderr, "note \"%s\" came back as \"%s\"\n", x.note ? x.note : "", y.note ? y.note : "");
			abort();
		}
	}
}

static void say(void *ud, const char *msg)
{
	(void)ud;
	fprintf(stderr, "dump: %s\n", msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	char *text = fz_exact(data, size);
	struct keymap *km = keymap_new();
	int bad = keymap_parse(km, "fuzz.keys", text, size, fz_diag, NULL);
	if (bad < 0)
		abort();
	for (size_t i = 0; i < keymap_count(km); i++) {
		struct km_binding b;
		keymap_binding(km, i, &b);
		if (b.note)
			fz_assert_sanitized("note", b.note);
		char name[KM_KEY_NAME_MAX];
		km_key_name(b.key, name, sizeof name);
		if (km_key_parse(name) != b.key)
			abort();
		char hint[64];
		keymap_key_for(km, b.table, b.action, hint, sizeof hint);
	}
	size_t dlen;
	char *d = dump(km, &dlen);
	struct keymap *back = keymap_new();
	int bad2 = keymap_parse(back, "dump", d, dlen, say, NULL);
	if (bad2 != 0) {
		fprintf(stderr, "the dump has %d bad lines:\n%s", bad2, d);
		abort();
	}
	same(km, back);
	free(d);
	keymap_free(back);
	keymap_free(km);

	struct keymap *def = keymap_new_default();
	keymap_parse(def, "fuzz.keys", text, size, NULL, NULL);
	(void)keymap_lookup(def, KT_LIST, 'q');
	keymap_free(def);

	/* a key name as typed in a file */
	char *name = fz_strndup(data, size < 32 ? size : 32);
	int key = km_key_parse(name);
	if (key >= 0) {
		char back_name[KM_KEY_NAME_MAX];
		km_key_name(key, back_name, sizeof back_name);
		if (km_key_parse(back_name) != key)
			abort();
	}
	free(name);
	free(text);
	return 0;
}
