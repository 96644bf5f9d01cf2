/* internal: the pieces of a snapshot bundle: the confined tree archiver, bundle files and their hashes, the manifest (internal to snapshot/ and the tests). */
#ifndef SNAPSHOT_INTERNAL_H
#define SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"
#include "snapshot/snapshot.h"
#include "host/agent_stop.h"

/* ---- the tree archiver (snapshot/tree.c) ---- */

struct snap_tree_caps {
	uint64_t max_bytes;      /* file content summed over the archive */
	uint64_t max_entries;    /* entries written (directories included) */
	int max_depth;           /* directory levels below the start */
};

#define SNAP_TREE_NOTES 1536

/* What one archive holds and what it left out. Plain data (it crosses a
 * pipe from the archiving child as it is). */
struct snap_tree_stats {
	uint64_t files, dirs, symlinks;  /* entries archived */
	uint64_t bytes;          /* file content archived */
	uint64_t specials;       /* fifos, sockets, devices: noted, not archived */
	uint64_t mounts;         /* other mounts met inside: not entered */
	uint64_t unreadable;     /* could not be opened or read */
	uint64_t over_cap;       /* left out by a cap */
	bool truncated;          /* a cap left evidence out */
	char notes[SNAP_TREE_NOTES]; /* one line per skipped entry ("fifo: tmp/p"),
	                              * sanitized, cut ("..." last) when full */
};

/* Archive the tree at path into a tar (POSIX pax) written to out_fd.
 * path is absolute, without "." or ".." components, and is resolved inside
 * root_fd as if root_fd were "/" (RESOLVE_IN_ROOT: a symlink on the way,
 * absolute or "../..", cannot lead out of it); its last component is not
 * followed. Below it, every entry is opened one name at a time relative to
 * its parent directory's fd with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV and O_NOFOLLOW: symlinks are
 * stored as symlinks (never followed), other mounts are not entered,
 * fifos, sockets and devices are noted and never opened. Entry names are
 * path without its leading '/' then the names below ("tmp/a.txt").
 * Regular files that do not fit in caps->max_bytes are left out (the walk
 * goes on); max_entries and max_depth stop the walk there. A file that
 * shrinks while read is padded with zeros, one that grows is cut (noted).
 * On return st says what was archived, sha256 (65 bytes) and *size are
 * those of the bytes written to out_fd. Returns 0 (problems with single
 * entries are in st), or -1 with e set when the start cannot be opened or
 * the archive cannot be written (out_fd then holds a partial tar). */
int snap_tree_archive(int root_fd, const char *path, int out_fd, const struct snap_tree_caps *caps,
                      struct snap_tree_stats *st, char sha256[65], uint64_t *size, struct err *e);

/* The same, in a child process (forked; it dies with the parent), so that
 * the poll loop never waits on a filesystem. */
struct snap_tree_job;
struct snap_tree_result {
	int rc;                  /* as snap_tree_archive */
	char err[ERR_MSG_MAX];
	struct snap_tree_stats st;
	char sha256[65];
	uint64_t size;
};
/* Start it; out_fd and root_fd stay the caller's (the child has copies).
 * NULL with e set when fork or pipe fails. */
struct snap_tree_job *snap_tree_spawn(int root_fd, const char *path, int out_fd, const struct snap_tree_caps *caps,
                                      struct err *e);
/* The fd to poll for POLLIN (the child's result, or its end). */
int snap_tree_job_fd(const struct snap_tree_job *j);
/* Read what is ready; returns 1 when the job is over (r filled: a child
 * that died without a result gives rc -1 and why), 0 while it runs. */
int snap_tree_job_poll(struct snap_tree_job *j, struct snap_tree_result *r);
/* Kill (SIGKILL) the child if it still runs, reap it and free j. NULL: no-op. */
void snap_tree_job_free(struct snap_tree_job *j);

/* ---- bundle files (snapshot/bundle.c) ---- */

#define SNAP_HOW_MAX 320

struct snap_file {
	char name[40];           /* within the bundle directory */
	uint64_t size;
	char sha256[65];
	char how[SNAP_HOW_MAX];  /* how it was obtained ("" unknown): the manifest's "how" */
};

/* name reduced to [A-Za-z0-9_.-] (others become '_'), at most 64 bytes,
 * starting with a letter or digit; "sandbox" when nothing is left. */
void snap_safe_name(const char *name, char *out, size_t n);
/* "20260127T093055Z" (n >= 17) and "2026-01-27T09:30:55.123Z" (n >= 25). */
void snap_stamp(int64_t wall_ms, char *out, size_t n);
void snap_rfc3339(int64_t wall_ms, char *out, size_t n);
/* $XDG_STATE_HOME/sandtop/snapshots, else ~/.local/state/sandtop/snapshots;
 * caller frees; NULL without a home directory. */
char *snap_default_parent(void);
/* Create parent (and its missing parents, 0700), then a new directory
 * parent/base (0700), or base-2, base-3, ... when that exists: an existing
 * bundle is never reused. Returns an O_DIRECTORY fd of it and sets *path
 * (caller frees), or -1 with e set. */
int snap_bundle_create(const char *parent, const char *base, char **path, struct err *e);
/* Create name in dirfd (O_EXCL, O_NOFOLLOW, 0600) holding data[0..len),
 * fsync it and fill f. Returns 0 or -1 with e set (no file is left). */
int snap_file_put(int dirfd, const char *name, const void *data, size_t len, struct snap_file *f, struct err *e);
/* Create name (as above) for the caller to write; returns the fd or -1. */
int snap_file_create(int dirfd, const char *name, struct err *e);
/* Size and sha256 of the file name in dirfd as it is on disk. */
int snap_file_hash(int dirfd, const char *name, struct snap_file *f, struct err *e);
/* Who runs this: "user (uid N) on HOST" (+ " via sudo from U"), for labels. */
void snap_operator(char *out, size_t n);
/* The same as a JSON object: {"uid":N,"user":..,"sudo_user":..,"host":..}. */
void snap_operator_json(struct buf *b);

/* ---- made on this host (snapshot/local.c) ---- */

/* rgb (w x h, 3 bytes a pixel) as the PNG name in dirfd, then f from the
 * file as written. */
int snap_png_put(int dirfd, const char *name, const uint8_t *rgb, int w, int h, struct snap_file *f, struct err *e);
/* stats.csv: the header and one line of r's counters (empty fields for
 * what r lacks); or the collector's rings, oldest first, one line a point
 * (step_ms apart). Caller frees. */
char *snap_stats_csv_sample(const struct st_raw *r, int64_t wall_ms);
char *snap_stats_csv_history(const struct st_view *v, int step_ms);
/* An O_PATH fd of proc/PID/root ("/proc" normally) once proc/PID/cgroup,
 * read through the same /proc/PID fd, names the container's full id (64
 * hex): a recycled pid is refused. -1 with e set. */
int snap_proc_root(const char *proc, int pid, const char *id, struct err *e);

/* ---- the manifest (snapshot/manifest.c) ---- */

/* One place the agent wrote to, and what became of it. */
struct snap_scratch {
	char *dest;              /* inside the container (untrusted) */
	char type[16];           /* dk_mount_point.type */
	bool rw;
	char file[40];           /* "scratch-N.tar", "" when none */
	enum snap_state state;
	char method[24];         /* "host", "exec", "" */
	char msg[ERR_MSG_MAX];
	struct snap_tree_stats st; /* method "host" */
};

/* The agent's stop, as the manifest tells it. */
struct snap_agent {
	const struct ag_stop *st; /* NULL: no stop was tried (then only why) */
	const char *method;      /* "kernel" or "exec" */
	const char *why;         /* why it was not stopped, or a note; NULL */
	int64_t stopped_ms;      /* from the first SIGSTOP (exec: the exec's start)
	                          * to the freeze or pause; -1 when neither came */
	const char *held_by;     /* "freeze" or "pause" */
	const char *todo;        /* what the operator must still do, or NULL */
};

struct snap_manifest {
	const char *id, *name, *image;       /* the container (untrusted text) */
	const char *state_before;            /* its engine state when we began */
	int pid;
	const char *reason;                  /* NULL: none */
	bool keep_paused;
	int64_t started_ms, finished_ms;     /* wall clock */
	const char *image_id, *repo, *tag;   /* the commit; image_id "" when it failed */
	const char *image_how;               /* how the commit was made, or NULL */
	const struct snap_agent *agent;      /* NULL: not reported */
	const struct snap_step *steps;       /* SNAP_STEP_COUNT of them */
	const struct snap_scratch *scratch;
	size_t nscratch;
	const struct snap_file *files;
	size_t nfiles;
};
#define SNAP_FORMAT_VERSION 2   /* 2: the stop and continue steps, steps[].at, files[].how, agent_stop */

/* The manifest as ASCII-only JSON text ending in "\n"; caller frees. */
char *snap_manifest_json(const struct snap_manifest *m);

#endif
