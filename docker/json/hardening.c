/* hardening: a GET /containers/ID/json body -> struct dk_hardening, the facts the isolation checks read. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "docker/client_internal.h"
#include "docker/hardening.h"
#include "docker/hardening_internal.h"
#include "docker/json/util.h"

/* Append the first n bytes of s (cut at DK_HSTR_MAX) to v, unless v already
 * holds DK_HLIST_MAX strings. Sets *cut (when cut is not NULL) when s was
 * cut or not appended. */
static void dkh_strv_pushn(struct dk_strv *v, const char *s, size_t n, bool *cut)
{
	if (cut && (v->n >= DK_HLIST_MAX || n > DK_HSTR_MAX))
		*cut = true;
	if (v->n >= DK_HLIST_MAX)
		return;
	if (v->n % 8 == 0)
		v->v = xrealloc(v->v, (v->n + 8) * sizeof *v->v);
	v->v[v->n++] = xstrndup(s, n > DK_HSTR_MAX ? DK_HSTR_MAX : n);
}

/* Free v's strings and array and zero it. */
static void dkh_strv_free(struct dk_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static int64_t jint(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? dkj_int(o, key) : 0;
}

static bool jtrue(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(get(o, key));
}

/* the number of members of an array or object, 0 for anything else */
static size_t count(const cJSON *a)
{
	if (!cJSON_IsArray(a) && !cJSON_IsObject(a))
		return 0;
	size_t n = 0;
	for (const cJSON *c = a->child; c; c = c->next)
		n++;
	return n;
}

/* -1 for null/absent (or a wrong type: read as the worse case), else the count */
static int path_count(const cJSON *a)
{
	if (!cJSON_IsArray(a))
		return -1;
	size_t n = count(a);
	return n > 1000000 ? 1000000 : (int)n;
}

/* The string members of array a (other members skipped); *cut set when
 * some did not fit. */
static void take_strv(struct dk_strv *v, const cJSON *a, bool *cut)
{
	const cJSON *it;
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(it, a)
	{
		if (cJSON_IsString(it))
			dkh_strv_pushn(v, it->valuestring, strlen(it->valuestring), cut);
	}
}

/* CapAdd/CapDrop: upper case, without "CAP_" */
static void take_caps(struct dk_strv *v, const cJSON *a, bool *cut)
{
	take_strv(v, a, cut);
	for (size_t i = 0; i < v->n; i++) {
		char *s = v->v[i];
		for (char *p = s; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (!strncmp(s, "CAP_", 4))
			memmove(s, s + 4, strlen(s + 4) + 1);
	}
}

/* Config.Env: the keys only (up to the first '='); the values are never kept */
static void take_env_keys(struct dk_strv *v, const cJSON *a, bool *cut)
{
	const cJSON *it;
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(it, a)
	{
		if (cJSON_IsString(it))
			dkh_strv_pushn(v, it->valuestring, strcspn(it->valuestring, "="), cut);
	}
}

/* An object of strings into key/value pairs (non-string values as "", the
 * strings whole), at most DK_HLIST_MAX of them: *cut set when more. */
static void take_pairs(struct dk_label **out, size_t *n, const cJSON *o, bool *cut)
{
	if (!cJSON_IsObject(o))
		return;
	size_t cap = count(o);
	if (cap > DK_HLIST_MAX)
		cap = DK_HLIST_MAX;
	*out = cap ? xcalloc(cap, sizeof **out) : NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, o)
	{
		if (*n == cap) {
			*cut = true;  /* cap < count(o): this member does not fit */
			break;
		}
		if (!it->string)
			continue;
		(*out)[*n].key = xstrdup(it->string);
		(*out)[*n].value = xstrdup(cJSON_IsString(it) ? it->valuestring : "");
		(*n)++;
	}
}

static void take_mounts(struct dk_hardening *h, const cJSON *a)
{
	const cJSON *it;
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(it, a)
	{
		if (!cJSON_IsObject(it))
			continue;
		if (h->nmounts == DK_MOUNTS_MAX) {
			h->cut = true;
			break;
		}
		if (h->nmounts % 8 == 0)
			h->mounts = xrealloc(h->mounts, (h->nmounts + 8) * sizeof *h->mounts);
		struct dk_hmount *m = &h->mounts[h->nmounts++];
		memset(m, 0, sizeof *m);
		const char *t = dkj_str(it, "Type"), *prop = dkj_str(it, "Propagation");
		snprintf(m->type, sizeof m->type, "%s", t && *t ? t : "?");
		snprintf(m->propagation, sizeof m->propagation, "%s", prop ? prop : "");
		m->source = dkj_dup(it, "Source");
		m->dest = dkj_dup(it, "Destination");
		m->name = dkj_dup(it, "Name");
		m->rw = jtrue(it, "RW");
	}
}

/* Does an entry already listed cover p? "" host_ip covers every-interface
 * addresses, "" host_port any port (both only when p comes from PortBindings). */
static bool port_covered(const struct dk_hardening *h, const struct dk_hport *p, bool binding)
{
	for (size_t i = 0; i < h->nports; i++) {
		const struct dk_hport *q = &h->ports[i];
		if (strcmp(q->container_port, p->container_port) != 0)
			continue;
		bool ip = !strcmp(q->host_ip, p->host_ip) ||
		          (binding && !p->host_ip[0] && (!strcmp(q->host_ip, "0.0.0.0") || !strcmp(q->host_ip, "::")));
		bool port = !strcmp(q->host_port, p->host_port) || (binding && !p->host_port[0]);
		if (ip && port)
			return true;
	}
	return false;
}

/* {"80/tcp":[{"HostIp":..,"HostPort":..}], ...}; null values (exposed, not published) skipped */
static void take_port_map(struct dk_hardening *h, const cJSON *o, bool binding)
{
	const cJSON *it, *b;
	if (!cJSON_IsObject(o))
		return;
	cJSON_ArrayForEach(it, o)
	{
		if (!it->string || !it->string[0] || !cJSON_IsArray(it))
			continue;
		cJSON_ArrayForEach(b, it)
		{
			if (!cJSON_IsObject(b))
				continue;
			struct dk_hport p;
			const char *ip = dkj_str(b, "HostIp"), *hp = dkj_str(b, "HostPort");
			snprintf(p.container_port, sizeof p.container_port, "%s", it->string);
			snprintf(p.host_ip, sizeof p.host_ip, "%s", ip ? ip : "");
			snprintf(p.host_port, sizeof p.host_port, "%s", hp && strcmp(hp, "0") ? hp : "");
			if (port_covered(h, &p, binding))
				continue;
			if (h->nports == DK_PORTS_MAX) {
				h->cut = true;
				return;
			}
			if (h->nports % 8 == 0)
				h->ports = xrealloc(h->ports, (h->nports + 8) * sizeof *h->ports);
			h->ports[h->nports++] = p;
		}
	}
}

static void take_nets(struct dk_hardening *h, const cJSON *o)
{
	const cJSON *it;
	if (!cJSON_IsObject(o))
		return;
	cJSON_ArrayForEach(it, o)
	{
		if (!it->string || !cJSON_IsObject(it))
			continue;
		if (h->nnets == DK_NETWORKS_MAX) {
			h->cut = true;
			break;
		}
		if (h->nnets % 4 == 0)
			h->nets = xrealloc(h->nets, (h->nnets + 4) * sizeof *h->nets);
		struct dk_hnet *n = &h->nets[h->nnets++];
		if (strlen(it->string) > DK_HSTR_MAX)
			h->cut = true;
		n->name = xstrndup(it->string, DK_HSTR_MAX);
		if (dkj_copy_id(n->id, dkj_str(it, "NetworkID")) < 0)
			n->id[0] = '\0';
	}
}

static void take_ulimits(struct dk_hardening *h, const cJSON *a)
{
	const cJSON *it;
	h->ulimit_core_hard = -2;
	if (!cJSON_IsArray(a))
		return;
	cJSON_ArrayForEach(it, a)
	{
		const char *name = cJSON_IsObject(it) ? dkj_str(it, "Name") : NULL;
		if (!name)
			continue;
		/* Podman names them as the kernel does: RLIMIT_CORE is core */
		if (!strncmp(name, "RLIMIT_", 7) && name[7])
			name += 7;
		char low[32];
		size_t n = strlen(name) < sizeof low - 1 ? strlen(name) : sizeof low - 1;
		for (size_t i = 0; i < n; i++)
			low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
		low[n] = '\0';
		if (strlen(name) < sizeof low)
			name = low;
		dkh_strv_pushn(&h->ulimits, name, strlen(name), &h->cut);
		if (!strcmp(name, "core") && cJSON_IsNumber(get(it, "Hard")))
			h->ulimit_core_hard = dkj_int(it, "Hard");
	}
}

static void take_state(struct dk_hardening *h, const cJSON *st)
{
	h->running = jtrue(st, "Running");
	h->paused = jtrue(st, "Paused");
	int64_t pid = jint(st, "Pid");
	h->pid = pid > 0 && pid < (1 << 30) ? (int)pid : 0;
	int64_t t = clock_parse_rfc3339(cJSON_IsObject(st) ? dkj_str(st, "StartedAt") : NULL);
	h->started_at_ms = t > 0 ? t : 0;
	h->has_health = cJSON_IsObject(get(st, "Health"));
}

/* A health check's command as the engine's exec_create event shows it:
 * ["CMD-SHELL", c] runs "/bin/sh -c c", ["CMD", a, b...] "a b ..." ("" for
 * none or NONE); *cut set when it is longer than DK_HSTR_MAX. */
static char *health_cmd(const cJSON *test, bool *cut)
{
	const cJSON *first = cJSON_IsArray(test) ? test->child : NULL;
	if (!cJSON_IsString(first))
		return xstrdup("");
	struct buf b;
	buf_init(&b, DK_HSTR_MAX);
	bool shell = !strcmp(first->valuestring, "CMD-SHELL");
	if (shell)
		buf_puts(&b, "/bin/sh -c");
	else if (strcmp(first->valuestring, "CMD") != 0)
		return xstrdup("");
	for (const cJSON *a = first->next; a; a = a->next) {
		if (!cJSON_IsString(a))
			continue;
		if (b.len)
			buf_puts(&b, " ");
		buf_puts(&b, a->valuestring);
	}
	if (b.overflow)
		*cut = true;
	char *s = xstrndup(b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

static void take_config(struct dk_hardening *h, const cJSON *cfg)
{
	h->user = dkj_dup(cfg, "User");
	take_env_keys(&h->env_keys, get(cfg, "Env"), &h->cut);
	take_pairs(&h->labels, &h->nlabels, get(cfg, "Labels"), &h->cut);
	h->health_cmd = health_cmd(get(get(cfg, "Healthcheck"), "Test"), &h->cut);
}

static void take_hostconfig(struct dk_hardening *h, const cJSON *hc)
{
	h->privileged = jtrue(hc, "Privileged");
	take_caps(&h->cap_add, get(hc, "CapAdd"), &h->cut);
	take_caps(&h->cap_drop, get(hc, "CapDrop"), &h->cut);
	dkh_take_secopt(h, get(hc, "SecurityOpt"));
	h->network_mode = dkj_dup(hc, "NetworkMode");
	h->pid_mode = dkj_dup(hc, "PidMode");
	h->ipc_mode = dkj_dup(hc, "IpcMode");
	h->uts_mode = dkj_dup(hc, "UTSMode");
	h->userns_mode = dkj_dup(hc, "UsernsMode");
	h->cgroupns_mode = dkj_dup(hc, "CgroupnsMode");
	h->ndevices = count(get(hc, "Devices"));
	h->ndevice_cgroup_rules = count(get(hc, "DeviceCgroupRules"));
	h->ndevice_requests = count(get(hc, "DeviceRequests"));
	h->nmasked_paths = path_count(get(hc, "MaskedPaths"));
	h->nreadonly_paths = path_count(get(hc, "ReadonlyPaths"));
	h->nsysctls = cJSON_IsObject(get(hc, "Sysctls")) ? count(get(hc, "Sysctls")) : 0;
	h->runtime = dkj_dup(hc, "Runtime");
	h->publish_all = jtrue(hc, "PublishAllPorts");
	take_strv(&h->extra_hosts, get(hc, "ExtraHosts"), &h->cut);
	h->readonly_rootfs = jtrue(hc, "ReadonlyRootfs");
	take_pairs(&h->tmpfs, &h->ntmpfs, get(hc, "Tmpfs"), &h->cut);
	h->shm_size = jint(hc, "ShmSize");
	h->storage_size = dkj_dup(get(hc, "StorageOpt"), "size");
	h->memory = jint(hc, "Memory");
	h->memory_swap = jint(hc, "MemorySwap");
	h->oom_kill_disable = jtrue(hc, "OomKillDisable");
	h->nano_cpus = jint(hc, "NanoCpus");
	h->cpu_quota = jint(hc, "CpuQuota");
	h->cpu_period = jint(hc, "CpuPeriod");
	h->cpu_shares = jint(hc, "CpuShares");
	h->pids_limit = jint(hc, "PidsLimit");
	take_ulimits(h, get(hc, "Ulimits"));
	const cJSON *rp = get(hc, "RestartPolicy");
	h->restart_policy = dkj_dup(rp, "Name");
	h->restart_max_retry = jint(rp, "MaximumRetryCount");
	h->auto_remove = jtrue(hc, "AutoRemove");
	const cJSON *init = get(hc, "Init");
	h->init = cJSON_IsBool(init) ? cJSON_IsTrue(init) : -1;
	const cJSON *lc = get(hc, "LogConfig");
	h->log_type = dkj_dup(lc, "Type");
	h->log_max_size = dkj_dup(get(lc, "Config"), "max-size");
}

bool dk_user_is_root(const char *user)
{
	const char *u = user ? user : "";
	size_t n = strcspn(u, ":");
	if (n == 0)
		return true;  /* "" or ":group": the image's default user */
	if (n == 4 && !strncasecmp(u, "root", 4))
		return true;
	return strspn(u, "0") >= n;
}

int dk_parse_hardening(const char *body, size_t len, struct dk_hardening *h, struct err *e)
{
	memset(h, 0, sizeof *h);
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (dkj_copy_id(h->id, cJSON_IsObject(j) ? dkj_str(j, "Id") : NULL) < 0) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "inspect body without a valid Id");
	}
	const char *name = dkj_str(j, "Name");
	name = name ? name : "";
	h->name = xstrdup(name[0] == '/' ? name + 1 : name);
	if (dk_image_id_norm(h->image_id, dkj_str(j, "Image")) < 0)
		h->image_id[0] = '\0';
	h->entry_path = dkj_dup(j, "Path");
	h->apparmor_profile = dkj_dup(j, "AppArmorProfile");
	h->process_label = dkj_dup(j, "ProcessLabel");
	h->nexec_ids = count(get(j, "ExecIDs"));
	take_strv(&h->exec_ids, get(j, "ExecIDs"), &h->cut);
	take_state(h, get(j, "State"));
	take_config(h, get(j, "Config"));
	take_hostconfig(h, get(j, "HostConfig"));
	take_mounts(h, get(j, "Mounts"));
	/* the bound ports first, then the configured bindings they do not cover */
	take_port_map(h, get(get(j, "NetworkSettings"), "Ports"), false);
	take_port_map(h, get(get(j, "HostConfig"), "PortBindings"), true);
	take_nets(h, get(get(j, "NetworkSettings"), "Networks"));
	cJSON_Delete(j);
	return 0;
}

static void free_pairs(struct dk_label *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
}

void dk_hardening_clear(struct dk_hardening *h)
{
	if (!h)
		return;
	char **strs[] = {
		&h->name, &h->entry_path, &h->user, &h->seccomp_default_action,
		&h->apparmor_opt, &h->apparmor_profile, &h->process_label, &h->network_mode, &h->pid_mode,
		&h->ipc_mode, &h->uts_mode, &h->userns_mode, &h->cgroupns_mode, &h->runtime, &h->storage_size,
		&h->restart_policy, &h->log_type, &h->log_max_size, &h->health_cmd,
	};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		free(*strs[i]);
	struct dk_strv *lists[] = {
		&h->env_keys, &h->cap_add, &h->cap_drop, &h->extra_hosts, &h->ulimits, &h->exec_ids,
	};
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		dkh_strv_free(lists[i]);
	free_pairs(h->labels, h->nlabels);
	free_pairs(h->tmpfs, h->ntmpfs);
	for (size_t i = 0; h->mounts && i < h->nmounts; i++) {
		free(h->mounts[i].source);
		free(h->mounts[i].dest);
		free(h->mounts[i].name);
	}
	free(h->mounts);
	free(h->ports);
	for (size_t i = 0; h->nets && i < h->nnets; i++)
		free(h->nets[i].name);
	free(h->nets);
	memset(h, 0, sizeof *h);
}
