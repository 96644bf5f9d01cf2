/* tree: a scratch directory standing in for the host's root (its proc/ and sys/fs/cgroup/) in the tests of the kernel readers, made and removed around each test (include after cmocka.h). */
#ifndef TESTS_UNIT_HELPER_TREE_H
#define TESTS_UNIT_HELPER_TREE_H

#include <stddef.h>

/* The scratch root of the running test: /tmp/sandtop-tree.XXXXXX. */
extern char tree_root[64];

/* cmocka setup: make a new tree_root. 0, or -1 when it cannot be made. */
int tree_setup(void **state);

/* cmocka teardown: remove tree_root and everything below it. */
int tree_teardown(void **state);

/* tree_root/rel, which the caller frees. */
char *tree_path(const char *rel);

/* Write text to tree_root/rel, making its directories. */
void tree_put(const char *rel, const char *text);

/* What tree_root/rel holds, in buf[0..cap) ("" when it is missing). */
const char *tree_get(const char *rel, char *buf, size_t cap);

/* Copy tests/fixtures/cgroup/TREE (a captured proc and cgroup tree) over
 * tree_root, modes kept. */
void tree_copy(const char *tree);

#endif
