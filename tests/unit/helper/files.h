/* files: scratch directories and files under /tmp for the unit tests: make, fill, read back, remove (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_FILES_H
#define TESTS_UNIT_HELPER_FILES_H

#include <stddef.h>

/* Make a new directory /tmp/sandtop-TAG.XXXXXX and write its path into
 * dir[0..cap). 0, or -1 (for a cmocka setup to return) when it cannot. */
int files_tmpdir(char *dir, size_t cap, const char *tag);

/* Remove dir and everything below it, not following links nor crossing
 * into other mounts (a test unmounts its own first). 0, or -1 when
 * something could not be removed. */
int files_rmtree(const char *dir);

/* Write text to dir/rel, making the directories of rel that are missing;
 * fails the test when it cannot. */
void files_put(const char *dir, const char *rel, const char *text);

/* A new file /tmp/sandtop-TAG.XXXXXX holding text[0..len); its path, which
 * the caller frees (and unlinks). Fails the test when it cannot. */
char *files_tmpfile(const char *tag, const char *text, size_t len);

/* The whole of path, NUL-terminated, its length in *len (len may be NULL);
 * the caller frees it. Fails the test when path cannot be read. */
char *files_read(const char *path, size_t *len);

#endif
