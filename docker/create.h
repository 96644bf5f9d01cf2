/* create: create and start a hardened sandbox container, and create the internal network it joins (Engine API). */
#ifndef DOCKER_CREATE_H
#define DOCKER_CREATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"

/* One tmpfs mount: HostConfig.Tmpfs[path] = options ("rw,nosuid,...,size=256m"). */
struct dk_tmpfs_mount {
	const char *path;
	const char *options;
};

/* What varies from one sandbox to the next. The caller owns every pointer;
 * the spec is only read (and only during the call that takes it).
 * What never varies is not here and cannot be turned off: the body always
 * has ReadonlyRootfs, CapDrop ["ALL"], no CapAdd, Privileged false,
 * CgroupnsMode "private" (API 1.41; older engines ignore it),
 * SecurityOpt no-new-privileges:true and seccomp=<seccomp_json compacted>,
 * MemorySwap == Memory, Ulimits core 0:0 and nofile 4096:4096,
 * RestartPolicy "no", LogConfig json-file max-size 10m max-file 3, no
 * published ports, AutoRemove false. */
struct dk_create_spec {
	const char *name;                   /* container name */
	const char *hostname;               /* NULL: the engine's default */
	const char *image;
	const char *user;                   /* "UID:GID"; empty or root (dk_user_is_root) is refused */
	const char *const *env;             /* "K=V", nenv of them */
	size_t nenv;
	const struct dk_label *labels;
	size_t nlabels;
	const struct dk_tmpfs_mount *tmpfs;
	size_t ntmpfs;
	int64_t shm_size;                   /* bytes, > 0 */
	int64_t memory;                     /* bytes, > 0; MemorySwap is the same */
	int64_t nano_cpus;                  /* > 0 */
	int64_t pids_limit;                 /* > 0 */
	const char *seccomp_json;           /* the profile (a JSON object, any layout) */
	size_t seccomp_len;
	const char *network;                /* NULL or "": NetworkMode "none" */
};

/* The POST /containers/create body for s: compact JSON, a new string the
 * caller frees. NULL with e (ERR_USAGE) when s is refused: no name, image
 * or user, a root user, a limit <= 0, a seccomp profile that is not a JSON
 * object, an env entry or label without a key. */
char *dk_create_body(const struct dk_create_spec *s, struct err *e);

/* The POST /networks/create body: a bridge network with Internal true and
 * com.docker.network.bridge.enable_icc "false", CheckDuplicate, and the
 * given labels. A new string the caller frees. */
char *dk_network_create_body(const char *name, const struct dk_label *labels, size_t nlabels);

/* Callbacks as for the actions in docker.h: called exactly once, from
 * dispatch or run, never from the call itself (arguments refused too),
 * unless the client is freed first. e is never NULL: on success e->code
 * is ERR_OK, id the new object's id (64 lowercase hex; lives for the
 * callback only) and e->msg "" or the engine's warnings, sanitized and
 * joined with "; "; on failure id is NULL, e->code an err_code (ERR_USAGE
 * for a spec refused before sending, ERR_CONFLICT 409 a name in use,
 * ERR_NOTFOUND 404 no such image, ...) and e->msg the engine's message,
 * sanitized. */
typedef void (*dk_create_cb)(void *ud, int rc, const struct err *e, const char *id);

/* POST /containers/create?name=NAME with dk_create_body(s). The spec is
 * read during the call only. Times out after DK_ACTION_TIMEOUT_MS. */
void dk_create_container(struct dk_client *c, const struct dk_create_spec *s, dk_create_cb cb, void *ud);

/* POST /containers/ID/start (id or name). 304 (already running) counts as
 * success with the note "already started". cb as dk_done_cb in docker.h. */
void dk_start_container(struct dk_client *c, const char *id, dk_done_cb cb, void *ud);

/* POST /networks/create with dk_network_create_body. 409: a network of
 * that name exists. name: 1-64 characters of [A-Za-z0-9_.-], else ERR_USAGE. */
void dk_network_create(struct dk_client *c, const char *name, const struct dk_label *labels, size_t nlabels,
                       dk_create_cb cb, void *ud);

#endif
