/* path: where sandtop's files go under the XDG base directories, and mkdir -p. */
#ifndef BASE_PATH_H
#define BASE_PATH_H

#include "base/err.h"

/* $var joined with rest when $var is an absolute path (XDG ignores a
 * relative one), else HOME's home_rel joined with rest (HOME when it is
 * absolute, else the password database's home directory). Caller frees;
 * NULL when there is no home directory. */
char *path_xdg(const char *var, const char *home_rel, const char *rest);

/* sandtop's state: $XDG_STATE_HOME/sandtop/leaf, else
 * ~/.local/state/sandtop/leaf (the logs, the journal, the snapshots).
 * Caller frees; NULL without a home directory. */
char *path_state(const char *leaf);
/* sandtop's settings: $XDG_CONFIG_HOME/sandtop/leaf, else
 * ~/.config/sandtop/leaf (the config file, the keys, the VNC passwords).
 * Caller frees; NULL without a home directory. */
char *path_config(const char *leaf);

/* mkdir -p dir: every missing directory on the way made with mode 0700
 * (one that exists is left as it is). 0, or -1 with e (ERR_SERVER, the
 * directory and strerror). */
int path_mkdirs(const char *dir, struct err *e);
/* mkdir -p the directory file is in (nothing for a bare name). 0, or -1
 * with e as path_mkdirs. */
int path_mkdir_parents(const char *file, struct err *e);

#endif
