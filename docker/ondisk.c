/* ondisk: the engine's own record of its containers under its data root, read (never written) when the engine does not answer, so that the kill switch can still find its targets. */
#include "docker/ondisk.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/json/util.h"
#include "host/statfile.h"

#define RECORD_CAP (4u << 20)     /* one config.v2.json or image config */
#define CMDLINE_CAP (64u << 10)
#define NET_UNIX_CAP (16u << 20)
#define DEFAULT_SOCK "/var/run/docker.sock"
#define DEFAULT_ROOT "/var/lib/docker"
#define DEFAULT_CONFIG "/etc/docker/daemon.json"

/* ---- which process serves the socket ---- */

/* The inode of the listening socket bound at a path that is the same file
 * as sb (dev and inode), from <proc>/net/unix; 0 when none. */
static unsigned long listening_inode(const char *proc_root, const struct stat *sb)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/net/unix", proc_root);
	unsigned long found = 0;
	char *buf = xmalloc(NET_UNIX_CAP + 1);
	if (sf_slurp(path, buf, NET_UNIX_CAP) >= 0)
		for (char *l, *cur = buf; !found && (l = sf_next_line(&cur)); ) {
			unsigned long flags, ino;
			int off = 0;
			if (sscanf(l, "%*s %*s %*s %lx %*s %*s %lu %n", &flags, &ino, &off) < 2 || !off || l[off] != '/')
				continue;
			struct stat ls;
			if ((flags & 0x10000) && stat(l + off, &ls) == 0 && ls.st_dev == sb->st_dev && ls.st_ino == sb->st_ino)
				found = ino;
		}
	free(buf);
	return found;
}

/* The pid of a process holding socket inode ino, or 0. */
static int holder_of(const char *proc_root, unsigned long ino)
{
	char want[64], path[4096], link[128];
	snprintf(want, sizeof want, "socket:[%lu]", ino);
	DIR *pd = opendir(proc_root);
	if (!pd)
		return 0;
	int found = 0;
	for (struct dirent *de; !found && (de = readdir(pd)); ) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof path, "%s/%ld/fd", proc_root, pid);
		DIR *fd = opendir(path);
		if (!fd)
			continue;
		for (struct dirent *fe; (fe = readdir(fd)); ) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%ld/fd/%s", proc_root, pid, fe->d_name);
			ssize_t n = readlink(path, link, sizeof link - 1);
			if (n > 0 && (link[n] = '\0', !strcmp(link, want))) {
				found = (int)pid;
				break;
			}
		}
		closedir(fd);
	}
	closedir(pd);
	return found;
}

/* "data-root" of a daemon.json, or NULL. */
static char *config_root(const char *file)
{
	char *buf = xmalloc(RECORD_CAP + 1);
	long n = sf_slurp(file, buf, RECORD_CAP);
	char *root = NULL;
	struct err e;
	cJSON *j = n >= 0 ? dkj_parse(buf, (size_t)n, &e) : NULL;
	const char *v = j ? dkj_str(j, "data-root") : NULL;
	if (!v && j)
		v = dkj_str(j, "graph");
	if (v && v[0] == '/')
		root = xstrdup(v);
	cJSON_Delete(j);
	free(buf);
	return root;
}

/* The data root from a dockerd's NUL-separated argv (n bytes). */
static char *argv_root(const char *argv, size_t n)
{
	const char *config = DEFAULT_CONFIG;
	char *root = NULL;
	for (size_t i = 0; i < n; i += strlen(argv + i) + 1) {
		const char *a = argv + i, *next = i + strlen(a) + 1 < n ? argv + i + strlen(a) + 1 : NULL;
		const char *val = NULL;
		if (!strncmp(a, "--data-root=", 12))
			val = a + 12;
		else if (!strncmp(a, "--graph=", 8))
			val = a + 8;
		else if ((!strcmp(a, "--data-root") || !strcmp(a, "-g") || !strcmp(a, "--graph")) && next)
			val = next;
		else if (!strncmp(a, "--config-file=", 14))
			config = a + 14;
		else if (!strcmp(a, "--config-file") && next)
			config = next;
		if (val && val[0] == '/') {
			free(root);
			root = xstrdup(val);
		}
	}
	return root ? root : config_root(config);
}

char *dk_data_root_find(const char *proc_root, const char *endpoint, struct err *e)
{
	if (!endpoint || strncmp(endpoint, "unix://", 7) != 0) {
		err_set(e, ERR_USAGE, "the engine's records are read only for a local engine (unix://)");
		return NULL;
	}
	const char *sock = endpoint + 7;
	struct stat sb;
	unsigned long ino = stat(sock, &sb) == 0 ? listening_inode(proc_root, &sb) : 0;
	int pid = ino ? holder_of(proc_root, ino) : 0;
	if (!pid) {
		struct stat db;
		if (stat(DEFAULT_SOCK, &db) == 0 && ino == 0 && stat(sock, &sb) == 0 && sb.st_dev == db.st_dev &&
		    sb.st_ino == db.st_ino)
			return xstrdup(DEFAULT_ROOT);
		err_set(e, ERR_NOTFOUND, "no process serves %s (the engine is down?): give its data root with --data-root",
			sock);
		return NULL;
	}
	char path[4096], comm[64] = "";
	snprintf(path, sizeof path, "%s/%d/comm", proc_root, pid);
	if (sf_slurp(path, comm, sizeof comm - 1) >= 0)
		comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "dockerd") != 0) {
		err_set(e, ERR_USAGE, "%s is served by \"%s\" (pid %d), not dockerd: its container records are not read", sock,
			comm, pid);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/%d/cmdline", proc_root, pid);
	char *argv = xmalloc(CMDLINE_CAP + 1);
	long n = sf_slurp(path, argv, CMDLINE_CAP);
	char *root = n > 0 ? argv_root(argv, (size_t)n) : NULL;
	free(argv);
	return root ? root : xstrdup(DEFAULT_ROOT);
}

/* ---- the records ---- */

static cJSON *read_json(const char *path, char *buf)
{
	long n = sf_slurp(path, buf, RECORD_CAP);
	struct err e;
	return n < 0 ? NULL : dkj_parse(buf, (size_t)n, &e);
}

static bool flag(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Mark the sandtop.* labels the image set, from its config in the image
 * store (unknown image: every such label counts as the image's). */
static void mark_image_labels(const char *root, const char *driver, struct dk_container *c, char *buf)
{
	char path[4096];
	cJSON *j = NULL;
	if (c->image_id[0] && driver && strchr(driver, '/') == NULL && strcmp(driver, "..") != 0 &&
	    (size_t)snprintf(path, sizeof path, "%s/image/%s/imagedb/content/sha256/%s", root, driver, c->image_id) <
		    sizeof path)
		j = read_json(path, buf);
	const cJSON *cfg = j ? cJSON_GetObjectItemCaseSensitive(j, "config") : NULL;
	struct dk_container img = {0};
	if (cfg)
		dkj_take_labels(&img, cJSON_GetObjectItemCaseSensitive(cfg, "Labels"));
	dk_labels_mark_from_image(c->labels, c->nlabels, cfg != NULL, img.labels, img.nlabels);
	dk_container_clear(&img);
	cJSON_Delete(j);
}

static int one_record(const char *root, const char *id, struct dk_container *c, char *buf)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/containers/%s/config.v2.json", root, id);
	cJSON *j = read_json(path, buf);
	if (!j)
		return -1;
	memset(c, 0, sizeof *c);
	int rc = -1;
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "State");
	if (dkj_copy_id(c->id, dkj_str(j, "ID")) == 0 && strlen(c->id) == 64 && !strcmp(c->id, id) && cJSON_IsObject(st)) {
		const char *name = dkj_str(j, "Name");
		c->name = xstrdup(name && name[0] == '/' ? name + 1 : name ? name : "");
		const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(j, "Config");
		c->image = dkj_dup(cfg, "Image");
		dk_image_id_norm(c->image_id, dkj_str(j, "Image"));
		c->command = xstrdup("");
		const char *started = dkj_str(st, "StartedAt");
		bool ever = started && strncmp(started, "0001-", 5) != 0;
		c->state = xstrdup(flag(st, "Dead") ? "dead" : flag(st, "Restarting") ? "restarting" :
			flag(st, "Paused") ? "paused" : flag(st, "Running") ? "running" : ever ? "exited" : "created");
		c->status = xstrdup("from the engine's record on disk");
		c->health = xstrdup("");
		int64_t pid = dkj_int(st, "Pid");
		c->pid = pid > 0 && pid <= 0x3fffffff ? (int)pid : 0;
		if (cfg)
			dkj_take_labels(c, cJSON_GetObjectItemCaseSensitive(cfg, "Labels"));
		mark_image_labels(root, dkj_str(j, "Driver"), c, buf);
		rc = 0;
	}
	cJSON_Delete(j);
	if (rc < 0)
		dk_container_clear(c);
	return rc;
}

int dk_ondisk_list(const char *root, struct dk_container_list *out, size_t *skipped, struct err *e)
{
	out->items = NULL;
	out->n = 0;
	if (skipped)
		*skipped = 0;
	char path[4096];
	snprintf(path, sizeof path, "%s/containers", root);
	DIR *d = opendir(path);
	if (!d)
		return err_set(e, ERR_NOTFOUND, "cannot read the engine's records in %s: %s", path, strerror(errno));
	char *buf = xmalloc(RECORD_CAP + 1);
	size_t cap = 0;
	for (struct dirent *de; (de = readdir(d)) && out->n < DK_ONDISK_MAX; ) {
		char id[65];
		if (de->d_name[0] == '.' || dkj_copy_id(id, de->d_name) < 0 || strlen(id) != 64)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xrealloc(out->items, cap * sizeof *out->items);
		}
		if (one_record(root, id, &out->items[out->n], buf) == 0)
			out->n++;
		else if (skipped)
			(*skipped)++;
	}
	closedir(d);
	free(buf);
	return 0;
}
