/* container: lifetime helpers for the plain dk_container structs. */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/docker.h"

static const struct dk_label *label_of(const struct dk_container *c, const char *key)
{
	for (size_t i = 0; i < c->nlabels; i++)
		if (!strcmp(c->labels[i].key, key))
			return &c->labels[i];
	return NULL;
}

const char *dk_container_label(const struct dk_container *c, const char *key)
{
	const struct dk_label *l = label_of(c, key);
	return l && !l->from_image ? l->value : NULL;
}

const char *dk_container_label_ignored(const struct dk_container *c, const char *key)
{
	const struct dk_label *l = label_of(c, key);
	return l && l->from_image ? l->value : NULL;
}

size_t dk_container_ignored_count(const struct dk_container *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nlabels; i++)
		n += c->labels[i].from_image;
	return n;
}

const struct dk_port *dk_container_port(const struct dk_container *c, uint16_t private_port, const char *proto)
{
	for (size_t i = 0; i < c->nports; i++)
		if (c->ports[i].private_port == private_port && !strcmp(c->ports[i].proto, proto))
			return &c->ports[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Deep copies of src's ports and networks into dst (whose own are not freed). */
static void copy_net(struct dk_container *dst, const struct dk_container *src)
{
	dst->nports = src->nports;
	dst->ports = src->nports ? xmalloc(src->nports * sizeof *dst->ports) : NULL;
	if (src->nports)
		memcpy(dst->ports, src->ports, src->nports * sizeof *dst->ports);
	dst->nnetworks = src->nnetworks;
	dst->networks = src->nnetworks ? xcalloc(src->nnetworks, sizeof *dst->networks) : NULL;
	for (size_t i = 0; i < src->nnetworks; i++) {
		dst->networks[i] = src->networks[i];
		dst->networks[i].name = xstrdup(src->networks[i].name ? src->networks[i].name : "");
	}
	memcpy(dst->ip, src->ip, sizeof dst->ip);
}

static void free_net(struct dk_container *c)
{
	free(c->ports);
	c->ports = NULL;
	c->nports = 0;
	for (size_t i = 0; i < c->nnetworks; i++)
		free(c->networks[i].name);
	free(c->networks);
	c->networks = NULL;
	c->nnetworks = 0;
	c->ip[0] = '\0';
}

uint64_t dk_container_pids_limit(const struct dk_container *c, uint64_t seen)
{
	if (seen)
		return seen;
	return c->pids_limit > 0 ? (uint64_t)c->pids_limit : 0;
}

void dk_container_copy(struct dk_container *dst, const struct dk_container *src)
{
	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->image = dup_or_null(src->image);
	dst->command = dup_or_null(src->command);
	dst->state = dup_or_null(src->state);
	dst->status = dup_or_null(src->status);
	dst->health = dup_or_null(src->health);
	dst->cpuset_cpus = dup_or_null(src->cpuset_cpus);
	dst->labels = src->nlabels ? xcalloc(src->nlabels, sizeof *dst->labels) : NULL;
	for (size_t i = 0; i < src->nlabels; i++) {
		dst->labels[i].key = xstrdup(src->labels[i].key);
		dst->labels[i].value = xstrdup(src->labels[i].value);
		dst->labels[i].from_image = src->labels[i].from_image;
	}
	copy_net(dst, src);
}

void dk_container_clear(struct dk_container *c)
{
	free(c->name);
	free(c->image);
	free(c->command);
	free(c->state);
	free(c->status);
	free(c->health);
	free(c->cpuset_cpus);
	for (size_t i = 0; i < c->nlabels; i++) {
		free(c->labels[i].key);
		free(c->labels[i].value);
	}
	free(c->labels);
	free_net(c);
	memset(c, 0, sizeof *c);
}

void dk_container_list_free(struct dk_container_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		dk_container_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

void dk_container_merge_inspect(struct dk_container *dst, const struct dk_container *src)
{
	dst->started_at_ms = src->started_at_ms;
	dst->finished_at_ms = src->finished_at_ms;
	dst->pid = src->pid;
	free(dst->health);
	dst->health = xstrdup(src->health ? src->health : "");
	dst->nano_cpus = src->nano_cpus;
	dst->cpu_quota = src->cpu_quota;
	dst->cpu_period = src->cpu_period;
	free(dst->cpuset_cpus);
	dst->cpuset_cpus = xstrdup(src->cpuset_cpus ? src->cpuset_cpus : "");
	dst->mem_limit = src->mem_limit;
	dst->pids_limit = src->pids_limit;
	dst->restart_count = src->restart_count;
	dst->oom_killed = src->oom_killed;
	if (dst != src) {
		free_net(dst);
		copy_net(dst, src);
	}
	dst->inspected = true;
}
