/* stats_api: one Engine /containers/ID/stats body -> struct st_raw. */
#include <string.h>

#include "docker/docker.h"
#include "docker/json/util.h"
#include "host/stats.h"

/* The kernel's PID_MAX_LIMIT: pids.max cannot be set above it, so a larger
 * limit is an engine's way of writing "max". */
#define ST_PIDS_LIMIT_MAX 4194304u
/* cgroup v1 writes "no memory limit" as PAGE_COUNTER_MAX pages
 * (0x7FFFFFFFFFFFF000 bytes); some engines send 2^63-1 or 2^64-1. Real
 * limits are far below 2^62. */
#define ST_MEM_LIMIT_HUGE (UINT64_C(1) << 62)
/* online_cpus above this is nonsense: treat as unknown (0). */
#define ST_CPUS_MAX 65536u

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* o[key] as an unsigned integer (dkj_u64); false when absent or not one. */
static bool get_u64(const cJSON *o, const char *key, uint64_t *out)
{
	return dkj_u64(member(o, key), out);
}

/* cpu_stats: the container's and the host's CPU time, and the CPU count
 * (online_cpus, else the length of percpu_usage, which cgroup v2 lacks;
 * 0 when neither is there). Both times are needed for ST_HAVE_CPU. */
static void take_cpu(const cJSON *cpu, struct st_raw *out)
{
	const cJSON *usage = member(cpu, "cpu_usage");
	uint64_t total, system, ncpu = 0;
	if (!get_u64(usage, "total_usage", &total) || !get_u64(cpu, "system_cpu_usage", &system))
		return;
	if (!get_u64(cpu, "online_cpus", &ncpu) || ncpu == 0) {
		const cJSON *per = member(usage, "percpu_usage");
		ncpu = cJSON_IsArray(per) ? (uint64_t)cJSON_GetArraySize(per) : 0;
	}
	out->cpu_ns = total;
	out->system_ns = system;
	out->online_cpus = ncpu <= ST_CPUS_MAX ? (unsigned)ncpu : 0;
	out->have |= ST_HAVE_CPU;
}

/* memory_stats: usage, the inactive page cache (total_inactive_file on
 * cgroup v1, which also carries a non-hierarchical inactive_file;
 * inactive_file on v2), and the limit (huge = unlimited = 0). */
static void take_mem(const cJSON *mem, struct st_raw *out)
{
	uint64_t v;
	if (get_u64(mem, "usage", &v)) {
		out->mem_usage = v;
		out->have |= ST_HAVE_MEM;
	}
	const cJSON *st = member(mem, "stats");
	if (get_u64(st, "total_inactive_file", &v) || get_u64(st, "inactive_file", &v)) {
		out->mem_inactive_file = v;
		out->have |= ST_HAVE_INACTIVE;
	}
	if (get_u64(mem, "limit", &v)) {
		out->mem_limit = v >= ST_MEM_LIMIT_HUGE ? 0 : v;
		out->have |= ST_HAVE_MEMLIMIT;
	}
}

/* networks{ifname: {rx_bytes, tx_bytes}}: summed over every interface but
 * "lo" (Docker never lists lo; skipping it keeps the cgroup source's
 * meaning). Docker omits the object without a network (stopped, --network
 * none): then ST_HAVE_NET stays clear. */
static void take_net(const cJSON *nets, struct st_raw *out)
{
	if (!cJSON_IsObject(nets))
		return;
	const cJSON *it;
	cJSON_ArrayForEach(it, nets)
	{
		if (!cJSON_IsObject(it) || (it->string && !strcmp(it->string, "lo")))
			continue;
		uint64_t v;
		if (get_u64(it, "rx_bytes", &v))
			out->net_rx += v;
		if (get_u64(it, "tx_bytes", &v))
			out->net_tx += v;
	}
	out->have |= ST_HAVE_NET;
}

/* blkio_stats.io_service_bytes_recursive[{op, value}]: ops starting with
 * r/R are reads, w/W writes ("Read"/"Write" on v1, "read"/"write" on v2;
 * "Sync", "Async", "Discard", "Total" are skipped), as docker stats does.
 * An empty list is zero I/O. A null list is zero I/O in a live sample
 * (moby's cgroup v2 code leaves the slice nil until the first I/O) but
 * nothing at all in a stopped container's body (no system_cpu_usage). */
static void take_blk(const cJSON *blk, struct st_raw *out)
{
	const cJSON *list = member(blk, "io_service_bytes_recursive");
	if (!cJSON_IsArray(list) && !(cJSON_IsNull(list) && (out->have & ST_HAVE_CPU)))
		return;
	const cJSON *it;
	cJSON_ArrayForEach(it, list)
	{
		const char *op = dkj_str(it, "op");
		uint64_t v;
		if (!op || !get_u64(it, "value", &v))
			continue;
		if (op[0] == 'r' || op[0] == 'R')
			out->blk_read += v;
		else if (op[0] == 'w' || op[0] == 'W')
			out->blk_write += v;
	}
	out->have |= ST_HAVE_BLK;
}

/* pids_stats: current, and limit (0, absent or above PID_MAX_LIMIT = 0,
 * unlimited). */
static void take_pids(const cJSON *pids, struct st_raw *out)
{
	uint64_t v;
	if (get_u64(pids, "current", &v)) {
		out->pids = v;
		out->have |= ST_HAVE_PIDS;
	}
	if (get_u64(pids, "limit", &v) && v <= ST_PIDS_LIMIT_MAX)
		out->pids_limit = v;
}

int dk_stats_parse(const char *body, size_t len, struct st_raw *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	cJSON *j = dkj_parse(body, len, e);
	if (!j)
		return -1;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_PARSE, "stats body is not a JSON object");
	}
	take_cpu(member(j, "cpu_stats"), out); /* first: take_blk looks at ST_HAVE_CPU */
	take_mem(member(j, "memory_stats"), out);
	take_net(member(j, "networks"), out);
	take_blk(member(j, "blkio_stats"), out);
	take_pids(member(j, "pids_stats"), out);
	cJSON_Delete(j);
	return 0;
}
