/* path: where sandtop's files go under the XDG base directories ($XDG_STATE_HOME, $XDG_CONFIG_HOME, else under the home directory), and mkdir -p. */
#include "base/path.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

char *path_xdg(const char *var, const char *home_rel, const char *rest)
{
	const char *x = getenv(var);
	if (x && x[0] == '/')
		return xasprintf("%s/%s", x, rest);
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return NULL;
	return xasprintf("%s/%s/%s", home, home_rel, rest);
}

char *path_state(const char *leaf)
{
	char *rest = xasprintf("sandtop/%s", leaf);
	char *p = path_xdg("XDG_STATE_HOME", ".local/state", rest);
	free(rest);
	return p;
}

char *path_config(const char *leaf)
{
	char *rest = xasprintf("sandtop/%s", leaf);
	char *p = path_xdg("XDG_CONFIG_HOME", ".config", rest);
	free(rest);
	return p;
}

int path_mkdirs(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + (p[0] != '\0');; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		/* "a//b": nothing to make between the slashes */
		if (s > p && s[-1] != '/' && mkdir(p, 0700) < 0 && errno != EEXIST) {
			rc = err_set(e, ERR_SERVER, "cannot create directory %s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

int path_mkdir_parents(const char *file, struct err *e)
{
	const char *slash = strrchr(file, '/');
	if (!slash || slash == file)
		return 0;   /* the working directory, or / */
	char *dir = xstrndup(file, (size_t)(slash - file));
	int rc = path_mkdirs(dir, e);
	free(dir);
	return rc;
}
