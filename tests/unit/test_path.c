/* test_path: base/path: the XDG directories (an absolute $XDG_* wins, a relative one is ignored, then HOME), and mkdir -p. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/path.h"
#include "base/xalloc.h"

/* The environment as it was, put back after each test. */
struct env {
	char *state, *config, *home;
};

static char *saved(const char *name)
{
	const char *v = getenv(name);
	return v ? xstrdup(v) : NULL;
}

static void put_back(const char *name, char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
	free(v);
}

static int env_save(void **state)
{
	struct env *e = xcalloc(1, sizeof *e);
	e->state = saved("XDG_STATE_HOME");
	e->config = saved("XDG_CONFIG_HOME");
	e->home = saved("HOME");
	*state = e;
	return 0;
}

static int env_restore(void **state)
{
	struct env *e = *state;
	put_back("XDG_STATE_HOME", e->state);
	put_back("XDG_CONFIG_HOME", e->config);
	put_back("HOME", e->home);
	free(e);
	return 0;
}

static void assert_path(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_xdg(void **state)
{
	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("XDG_CONFIG_HOME", "/x/config", 1);
	setenv("HOME", "/home/h", 1);
	assert_path(path_state("audit.log"), "/x/state/sandtop/audit.log");
	assert_path(path_config("keys"), "/x/config/sandtop/keys");
	assert_path(path_xdg("XDG_STATE_HOME", ".local/state", "a/b"), "/x/state/a/b");
	/* a relative $XDG_* is ignored, as the specification says: HOME's */
	setenv("XDG_STATE_HOME", "relative", 1);
	unsetenv("XDG_CONFIG_HOME");
	assert_path(path_state("sandtop.log"), "/home/h/.local/state/sandtop/sandtop.log");
	assert_path(path_config("vnc"), "/home/h/.config/sandtop/vnc");
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_path(path_config("config"), "/home/h/.config/sandtop/config");
	/* a HOME that is not absolute: the password database's home, never a relative path */
	setenv("HOME", "not/absolute", 1);
	char *p = path_state("x");
	if (p) {
		assert_true(p[0] == '/');
		assert_null(strstr(p, "not/absolute"));
	}
	free(p);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_mkdirs(void **state)
{
	(void)state;
	char root[] = "/tmp/sandtop-path-XXXXXX";
	assert_non_null(mkdtemp(root));
	struct err e = {0};
	char *deep = xasprintf("%s/a//b/c/", root);
	assert_int_equal(path_mkdirs(deep, &e), 0);
	char *c = xasprintf("%s/a/b/c", root);
	assert_true(is_dir(c));
	struct stat st;
	assert_int_equal(stat(c, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0);   /* 0700: nobody else's */
	assert_int_equal(path_mkdirs(deep, &e), 0);        /* there already: fine */
	/* the directory a file goes in, not the file */
	char *file = xasprintf("%s/d/e/log", root);
	assert_int_equal(path_mkdir_parents(file, &e), 0);
	char *d = xasprintf("%s/d/e", root);
	assert_true(is_dir(d));
	assert_false(is_dir(file));
	assert_int_equal(path_mkdir_parents("bare-name", &e), 0);   /* the working directory: nothing */
	/* a file in the way: the error names the directory */
	char *blocked = xasprintf("%s/d/e/log/x", root);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(path_mkdirs(blocked, &e), -1);
	assert_non_null(strstr(e.msg, "cannot create directory"));
	assert_non_null(strstr(e.msg, "/d/e/log/x"));
	char *cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(blocked);
	free(d);
	free(file);
	free(c);
	free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_xdg, env_save, env_restore),
		cmocka_unit_test(test_mkdirs),
	};
	return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
