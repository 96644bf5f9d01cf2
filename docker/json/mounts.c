/* mounts: the places of an inspect body where a container writes outside its image layer (tmpfs, volumes, binds, its own /dev/shm). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/json/util.h"

#define DEST_MAX 4096

/* Add dest unless it is malformed, already listed or the list is full. */
static void add(struct dk_mount_point **v, size_t *n, const char *dest, const char *type, bool rw)
{
	if (!dest || dest[0] != '/' || strlen(dest) > DEST_MAX || *n >= DK_MOUNTS_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].dest, dest))
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	struct dk_mount_point *m = &(*v)[(*n)++];
	memset(m, 0, sizeof *m);
	m->dest = xstrdup(dest);
	snprintf(m->type, sizeof m->type, "%s", type && *type ? type : "?");
	m->rw = rw;
}

/* "ro" among the comma-separated options of a tmpfs */
static bool opts_ro(const char *opts)
{
	for (const char *p = opts; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == 2 && !strncmp(p, "ro", 2))
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

int dk_parse_mount_points(const char *body, size_t len, struct dk_mount_point **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "inspect body is not an object");
	}
	const cJSON *hc = cJSON_GetObjectItemCaseSensitive(j, "HostConfig");
	const cJSON *tmpfs = cJSON_GetObjectItemCaseSensitive(hc, "Tmpfs");
	const cJSON *it;
	if (cJSON_IsObject(tmpfs))
		cJSON_ArrayForEach(it, tmpfs)
			add(out, n, it->string, "tmpfs", !opts_ro(cJSON_IsString(it) ? it->valuestring : NULL));
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "Mounts"))
	{
		const cJSON *rw = cJSON_GetObjectItemCaseSensitive(it, "RW");
		add(out, n, dkj_str(it, "Destination"), dkj_str(it, "Type"), !cJSON_IsBool(rw) || cJSON_IsTrue(rw));
	}
	/* a private IPC namespace has a /dev/shm of its own the agent can write */
	const char *ipc = dkj_str(hc, "IpcMode");
	if (ipc && (!strcmp(ipc, "private") || !strcmp(ipc, "shareable")))
		add(out, n, "/dev/shm", "shm", true);
	cJSON_Delete(j);
	return 0;
}

void dk_mount_points_free(struct dk_mount_point *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		free(m[i].dest);
	free(m);
}
