/* freezer_internal: what freezer.c and contain.c share: the handle, the files of each cgroup version, and bounded reads and writes of one cgroup file. */
#ifndef HOST_FREEZER_INTERNAL_H
#define HOST_FREEZER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "host/freezer.h"
#include "host/stats.h"

#define FRZ_TEXT_CAP 512  /* freezer.state, cgroup.events, cgroup.freeze: a few words */

/* The files and words of each version: [0] v1, [1] v2. */
struct frz_ver {
	const char *ctl;      /* controller for st_cgroup_dir; NULL = unified */
	const char *state;    /* read for the state */
	const char *freeze;   /* written to freeze or thaw */
	const char *on, *off; /* the words written */
};
extern const struct frz_ver frz_ver[2];

struct cg_freezer {
	struct st_cgroups *cg;
	char *proc_root;
	int v;         /* index into frz_ver: 0 for v1, 1 for v2 */
	bool unified;  /* a v2 (unified) hierarchy is mounted, maybe beside v1 (cgroup.kill) */
	char *own;     /* this process's cgroup directory in the freezer's hierarchy, NULL when unknown */
};

/* Whether directory d is own or one of its ancestors. */
bool frz_holds(const char *d, const char *own);
/* Write word into dir/file (truncating, never creating). 0, or -1 with e
 * set as cg_freeze documents (pid only names the process in messages). */
int frz_put(const char *dir, const char *file, const char *word, int pid, struct err *e);
/* dir/file into buf (FRZ_TEXT_CAP + 1 bytes), NUL-terminated. 0 or -1. */
int frz_get(const char *dir, const char *file, char *buf, int pid, struct err *e);
/* The freezer state of the cgroup at dir (enum cg_frz_state), or -1. */
int frz_read_state(const struct cg_freezer *f, const char *dir, int pid, struct err *e);

/* Call fn for each pid in dir's cgroup.procs and those of its sub-cgroups
 * (bounded: 8 levels, 4096 directories). Returns the number of pids seen,
 * or -1 when dir is gone. (contain.c) */
typedef void (*frz_task_fn)(void *ud, int pid);
long frz_each_task(const char *dir, frz_task_fn fn, void *ud);

/* Every directory named after a container in the freezer's hierarchy,
 * from one walk within cg_find's bounds: a kill of many containers by id
 * walked the hierarchy once per container (400 walks of 800 directories
 * for a fleet's kill --all). Free with cg_index_free (NULL is fine).
 * (freezer.c) */
struct cg_index;
struct cg_index *cg_index_new(struct cg_freezer *f);
void cg_index_free(struct cg_index *x);
/* cg_find through x; with x NULL (cg_find) a walk of its own. A
 * container x lacks (made since its walk) is not found. */
int cg_find_in(struct cg_freezer *f, const struct cg_index *x, const char *id, struct cg_loc *out, struct err *e);

/* Whether path component c (len n) names some container: it ends in 64
 * hex digits (before an optional ".scope"), at its start or after a '-'.
 * (freezer.c) */
bool cg_names_some_id(const char *c, size_t n);

/* cpuboost.c: raise the CPU weight (v1 cpu.shares, v2 cpu.weight) of each
 * container's cgroup in locs (the first 64 of them), of the cgroups
 * between it and the top one naming the container (cg_path_names), and of
 * the ancestors above that, below the hierarchy's root, that hold
 * containers only; each where it has a weight file;
 * cg_boost_off puts every value back and frees (NULL is fine). For the
 * moment killed tasks need to die: never leave it on. */
struct cg_boost;
struct cg_boost *cg_boost_on(struct cg_freezer *f, const struct cg_loc *const *locs, size_t n);
void cg_boost_off(struct cg_boost *b);

#endif
