/* ondisk: the engine's own record of its containers under its data root, read (never written) when the engine does not answer, so that the kill switch can still find its targets. */
#ifndef DOCKER_ONDISK_H
#define DOCKER_ONDISK_H

#include "base/err.h"
#include "docker/docker.h"

/* The data root of the dockerd serving endpoint ("unix:///PATH"): the
 * process holding PATH's listening socket (found through
 * <proc_root>/net/unix and the processes' descriptors) must be a dockerd;
 * its --data-root (or -g, or "data-root" in its --config-file, default
 * /etc/docker/daemon.json), else /var/lib/docker. When no process serves
 * the socket (the engine was killed) only the default socket
 * /var/run/docker.sock maps to /var/lib/docker. Returns a new string (the
 * caller frees), or NULL with e set (ERR_NOTFOUND: no dockerd found, say
 * --data-root; ERR_USAGE: not a unix endpoint, or the server is not a
 * dockerd, e.g. Podman). */
char *dk_data_root_find(const char *proc_root, const char *endpoint, struct err *e);

/* The containers recorded under root: each root/containers/ID/config.v2.json
 * (at most DK_ONDISK_MAX, each file at most 4 MiB) as a dk_container with
 * id, name, image, image_id, labels (the sandtop.* ones that equal the
 * image's own, from root/image/DRIVER/imagedb/content/sha256/IMAGE, marked
 * from_image), pid and state ("running", "paused", "restarting",
 * "exited", "dead", "created": the record's flags; the engine may not have
 * written its newest state yet: the kernel path proves each pid again).
 * Unreadable or malformed records are skipped and counted in *skipped (may
 * be NULL). Returns 0 with out filled (free with dk_container_list_free),
 * or -1 with e set when root/containers cannot be read. */
#define DK_ONDISK_MAX 10000
int dk_ondisk_list(const char *root, struct dk_container_list *out, size_t *skipped, struct err *e);

#endif
