/* sampler: raw counters of one container from the right source (cgroup files or stats API), with bounded concurrency. */
#ifndef DOCKER_SAMPLER_H
#define DOCKER_SAMPLER_H

#include "docker/collector.h"
#include "docker/docker.h"
#include "host/stats.h"

struct sampler;

/* want: ST_SRC_NONE decides at the first sample (cgroup files when the
 * engine is on a unix socket and the container's cgroup can be read, else
 * the stats API); ST_SRC_CGROUP / ST_SRC_API force one. The client stays
 * owned by the caller and must outlive the sampler... or be freed first
 * (then pending API samples are dropped without a callback). */
struct sampler *smp_new(struct dk_client *c, enum st_source want);
void smp_free(struct sampler *s);

/* Called once per smp_sample: rc 0 with raw, or -1 (gone, unreadable). */
typedef void (*smp_cb)(void *ud, const char *id, int rc, const struct st_raw *raw);

/* Sample container id (init pid, for the cgroup source). With the cgroup
 * source cb runs before this returns; with the API it runs from the
 * client's dispatch, at most SMP_API_CONCURRENCY requests at a time.
 * host: this round's host totals (system time, CPUs, memory), read by
 * smp_host_read. */
void smp_sample(struct sampler *s, const char *id, int pid, const struct st_host *host, smp_cb cb, void *ud);
/* Samples queued or in flight. */
size_t smp_pending(const struct sampler *s);
/* Read the host's totals (always local /proc: meaningful for a local
 * engine; for a remote one they describe this machine and the screen says
 * so through the source name). */
int smp_host_read(struct sampler *s, struct st_host *out);
/* "cgroup v1", "cgroup v2", "stats API", or "-" before the decision. */
const char *smp_source_name(const struct sampler *s);

#define SMP_API_CONCURRENCY 4

#endif
