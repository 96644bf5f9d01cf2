/* sampler: raw counters of one container from the right source (cgroup files or stats API), with bounded concurrency. */
#include "docker/sampler.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "host/freezer.h"

/* failed cgroup reads (before any success) that make us give up on them */
#define SMP_CG_TRIES 3
/* pids whose cgroup was checked to be their container's own: a pid's
 * entry is one of SMP_OWN_PROBE slots from pid % SMP_OWN_SLOTS (two pids
 * on one slot re-read /proc/PID/cgroup every round: 100 sandboxes in 512
 * direct slots did 19 times a second) */
#define SMP_OWN_SLOTS 2048
#define SMP_OWN_PROBE 16

struct smp_own {
	int pid;
	char id[65];
	bool own;
	uint64_t used;    /* the sampler's tick when last asked: the oldest goes first */
};

struct smp_job {
	struct sampler *s;
	char id[65];
	smp_cb cb;
	void *ud;
	struct smp_job *next;
};

struct sampler {
	struct dk_client *c;
	enum st_source want, src;
	struct st_cgroups *cg;
	bool cg_tried;
	int cg_failures;  /* reads that failed before any succeeded */
	struct smp_job *queue, *queue_tail;  /* waiting for a slot */
	struct smp_job *inflight;            /* sent, linked for smp_free */
	size_t ninflight, nqueued;
	char name[24];
	struct smp_own *own;      /* SMP_OWN_SLOTS, by pid; allocated on first use */
	uint64_t own_tick;
	bool said_not_own;
};

struct sampler *smp_new(struct dk_client *c, enum st_source want)
{
	struct sampler *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->want = want;
	s->src = want == ST_SRC_API ? ST_SRC_API : ST_SRC_NONE;
	return s;
}

static void free_jobs(struct smp_job *j)
{
	while (j) {
		struct smp_job *next = j->next;
		free(j);
		j = next;
	}
}

void smp_free(struct sampler *s)
{
	if (!s)
		return;
	st_cgroups_free(s->cg);
	free_jobs(s->queue);
	free_jobs(s->inflight);
	free(s->own);
	free(s);
}

size_t smp_pending(const struct sampler *s)
{
	return s->ninflight + s->nqueued;
}

const char *smp_source_name(const struct sampler *s)
{
	switch (s->src) {
	case ST_SRC_CGROUP:
		return st_cgroups_version(s->cg) == 2 ? "cgroup v2" : "cgroup v1";
	case ST_SRC_API:
		return "stats API";
	default:
		return "-";
	}
}

int smp_host_read(struct sampler *s, struct st_host *out)
{
	(void)s;
	struct err e;
	if (st_host_read("/proc", out, &e) < 0) {
		log_msg(LOG_WARN, "host totals: %s", e.msg);
		return -1;
	}
	return 0;
}

/* ---- stats API ---- */

static void api_start(struct sampler *s);

static void unlink_inflight(struct sampler *s, struct smp_job *j)
{
	for (struct smp_job **pp = &s->inflight; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	}
	s->ninflight--;
}

static void api_done(void *ud, int rc, const struct err *e, const struct st_raw *raw)
{
	struct smp_job *j = ud;
	struct sampler *s = j->s;
	unlink_inflight(s, j);
	if (rc < 0)
		log_msg(LOG_DEBUG, "stats %.12s: %s", j->id, e->msg);
	j->cb(j->ud, j->id, rc, raw);
	free(j);
	api_start(s);
}

static void api_start(struct sampler *s)
{
	while (s->queue && s->ninflight < SMP_API_CONCURRENCY) {
		struct smp_job *j = s->queue;
		s->queue = j->next;
		if (!s->queue)
			s->queue_tail = NULL;
		s->nqueued--;
		j->next = s->inflight;
		s->inflight = j;
		s->ninflight++;
		dk_stats(s->c, j->id, api_done, j);
	}
}

static void api_enqueue(struct sampler *s, const char *id, smp_cb cb, void *ud)
{
	struct smp_job *j = xcalloc(1, sizeof *j);
	j->s = s;
	snprintf(j->id, sizeof j->id, "%s", id);
	j->cb = cb;
	j->ud = ud;
	if (s->queue_tail)
		s->queue_tail->next = j;
	else
		s->queue = j;
	s->queue_tail = j;
	s->nqueued++;
	api_start(s);
}

/* ---- choosing the source ---- */

static bool engine_is_local(const struct sampler *s)
{
	return !strncmp(dk_client_endpoint(s->c), "unix://", 7);
}

/* Is pid's cgroup its container's own (a path component names id)? 1 yes,
 * 0 no (rootless Podman on cgroup v1 leaves its containers in the user's
 * cgroup, or the root: their files count other processes too), -1 unknown
 * (gone). Checked once per pid and id. */
static int cgroup_is_own(struct sampler *s, const char *id, int pid)
{
	if (strlen(id) != 64)
		return -1;
	if (!s->own)
		s->own = xcalloc(SMP_OWN_SLOTS, sizeof *s->own);
	struct smp_own *o = NULL;
	s->own_tick++;
	for (unsigned k = 0; k < SMP_OWN_PROBE; k++) {
		struct smp_own *x = &s->own[((unsigned)pid + k) % SMP_OWN_SLOTS];
		if (x->pid == pid && !strcmp(x->id, id)) {
			x->used = s->own_tick;
			return x->own;
		}
		if (!o || x->used < o->used)
			o = x;   /* a free slot (used 0), else the one asked for longest ago */
	}
	struct err e;
	char *dir = st_cgroup_dir(s->cg, pid, st_cgroups_version(s->cg) == 2 ? NULL : "cpuacct", &e);
	if (!dir)
		return -1;
	o->pid = pid;
	memcpy(o->id, id, sizeof o->id);
	o->own = cg_path_names(dir, id);
	o->used = s->own_tick;
	free(dir);
	return o->own;
}

void smp_sample(struct sampler *s, const char *id, int pid, const struct st_host *host, smp_cb cb, void *ud)
{
	struct err e;
	err_clear(&e);
	if (s->src == ST_SRC_NONE || s->src == ST_SRC_CGROUP) {
		if (!s->cg_tried) {
			s->cg_tried = true;
			if (s->want == ST_SRC_CGROUP || engine_is_local(s))
				s->cg = st_cgroups_open("/proc", "", &e);
			if (!s->cg && s->want == ST_SRC_CGROUP)
				log_msg(LOG_WARN, "cgroup stats unavailable: %s", e.msg);
		}
		if (s->cg && pid > 0 && cgroup_is_own(s, id, pid) == 0) {
			/* its cgroup holds other processes too (rootless Podman on cgroup
			 * v1: the user's, or the root): its files, and the engine's stats
			 * read from the same cgroup, would give their numbers as its own */
			if (!s->said_not_own)
				log_msg(LOG_INFO, "stats: container %.12s is not in a cgroup of its own: no numbers for it", id);
			s->said_not_own = true;
			cb(ud, id, -1, NULL);
			return;
		}
		struct st_raw raw;
		if (s->cg && pid > 0 && st_cgroup_read(s->cg, pid, host, &raw, &e) == 0) {
			if (s->src == ST_SRC_NONE)
				log_msg(LOG_INFO, "stats source: %s", st_cgroups_version(s->cg) == 2 ? "cgroup v2" : "cgroup v1");
			s->src = ST_SRC_CGROUP;
			cb(ud, id, 0, &raw);
			return;
		}
		if (s->src == ST_SRC_CGROUP) {
			/* the source works; this container is gone or not readable */
			cb(ud, id, -1, NULL);
			return;
		}
		if (s->want == ST_SRC_CGROUP || (s->cg && ++s->cg_failures < SMP_CG_TRIES)) {
			/* forced, or maybe just a container that exited under us */
			cb(ud, id, -1, NULL);
			return;
		}
		/* cgroup files cannot be read here: a remote engine, another pid
		 * namespace, or no access. Use the API from now on. */
		log_msg(LOG_INFO, "stats source: stats API (%s)", s->cg ? e.msg : engine_is_local(s) ? "no cgroup hierarchy found" : "engine not local");
		s->src = ST_SRC_API;
	}
	api_enqueue(s, id, cb, ud);
}
