/* diags: the diagnostics a parser reports through its callback (the config, the keymaps), collected for the tests to compare (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_DIAGS_H
#define TESTS_UNIT_HELPER_DIAGS_H

/* What a parse said, in order; zero it before each parse. */
struct diags {
	int n;
	char msg[64][800];
};

/* The callback for cfg_parse, keymap_parse and the like (ud: a struct
 * diags): copies msg into the next slot; fails the test past 64. */
void diags_collect(void *ud, const char *msg);

#endif
