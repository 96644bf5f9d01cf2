/* profile: the `sandtop launch` profile file (key = value lines), its defaults, and the hardened create spec made from it. */
#ifndef CONTROL_PROFILE_H
#define CONTROL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/create.h"
#include "sandbox/seccomp.h"

/* The fixed parts: the sandbox user and the writable places. */
#define LP_USER "10001:10001"
#define LP_HOME "/home/agent"
#define LP_RUN_SIZE (16LL << 20)  /* /run: x11vnc's and the entrypoint's small files */
#define LP_LIST_MAX 64            /* labels, env entries */

/* A parsed profile. Strings are owned by it (lp_profile_clear frees them). */
struct lp_profile {
	char *image;            /* default "sandtop/sandbox:latest" */
	int64_t memory;         /* bytes, default 1g (MemorySwap is the same) */
	int64_t nano_cpus;      /* default 1e9 (1.0 CPU) */
	int64_t pids;           /* default 512 */
	int64_t shm;            /* bytes, default 64m */
	int64_t tmp_size;       /* /tmp tmpfs, default 256m */
	int64_t home_size;      /* /home/agent tmpfs, default 256m */
	char *network;          /* NULL: NetworkMode "none" (the default) */
	int64_t ttl;            /* seconds, default 3600 */
	char *owner;            /* NULL: the user running sandtop (lp_default_owner) */
	char *task;             /* default "" */
	char **labels;          /* "K=V", in file order */
	size_t nlabels;
	char **env;             /* "K=V", in file order */
	size_t nenv;
};

/* Fill p with the defaults (the values of sandbox/image/compose.yaml). */
void lp_profile_defaults(struct lp_profile *p);
/* Free what p holds and zero it (a zeroed profile is fine too). */
void lp_profile_clear(struct lp_profile *p);

/* Receives one message "FILE:LINE: what" (sanitized, one line). */
typedef void (*lp_diag_fn)(void *ud, const char *msg);

/* Parse profile text (len bytes, from file fname, for the messages) over
 * the values already in p (normally the defaults). Keys: image, memory,
 * cpus, pids, shm, tmp_size, home_size, network, ttl, owner, task, label
 * (K=V, repeatable), env (K=V, repeatable); `#` starts a comment line.
 * An env or label key iso_secret_key calls a secret is refused.
 * Every bad line is reported through diag (may be NULL); returns the
 * number of errors (0: p holds the profile). Nothing can switch a
 * hardening off: there are no such keys, and limits are bounded. */
int lp_parse(struct lp_profile *p, const char *fname, const char *text, size_t len, lp_diag_fn diag, void *ud);
/* Read the file at path (at most 1 MiB) and lp_parse it. An unreadable
 * file is one error "PATH: cannot read: reason". */
int lp_load(struct lp_profile *p, const char *path, lp_diag_fn diag, void *ud);

/* True for a container name the engine accepts: [A-Za-z0-9][A-Za-z0-9_.-]+,
 * at most 128 bytes. */
bool lp_name_ok(const char *name);

/* The user running this: $SUDO_USER under sudo, else the passwd name of
 * the real uid, else $USER, else the uid in digits. A new string. */
char *lp_default_owner(void);

/* A create spec and the storage it points into. */
struct lp_launch {
	struct dk_create_spec spec;
	struct dk_tmpfs_mount tmpfs[3];
	char *tmpfs_opts[3];
	struct dk_label *labels;     /* sandtop.* first, then the profile's */
	size_t nlabels;
};

/* Fill l from p for a container called name (lp_name_ok; else -1 with e,
 * ERR_USAGE): user 10001:10001, tmpfs /tmp, /home/agent (uid/gid 10001,
 * mode 0700) and /run, each rw,nosuid,nodev,noexec,size=N, the embedded
 * seccomp profile, the limits, labels sandtop.sandbox=1, sandtop.vnc=
 * exec:5900, sandtop.ttl, sandtop.owner (p->owner or lp_default_owner),
 * sandtop.task, then p's labels. l->spec also points into p and name:
 * keep both, unchanged, until lp_launch_clear. */
int lp_launch_build(struct lp_launch *l, const struct lp_profile *p, const char *name, struct err *e);
/* Free what l holds and zero it; fine after a failed lp_launch_build and
 * on a zeroed struct. The profile and name l->spec pointed into are not
 * touched. */
void lp_launch_clear(struct lp_launch *l);

#endif
