/* stats_calc: the docker-stats formulas (CPU%, quota share, working set, byte rates) over two raw samples. */
#include "host/stats.h"

#include <ctype.h>
#include <string.h>

#define NS_PER_S 1e9
#define CPU_RACE_SLACK 1.05       /* CPU% above online_cpus*100 by more is a counter race */
#define CFS_PERIOD_DEFAULT_US 100000 /* the kernel's cfs_period_us when docker leaves CpuPeriod 0 */
#define CPUSET_MAX 16384          /* CPU ids we accept in a cpuset list */

uint64_t st_mem_working_set(const struct st_raw *r)
{
	if (!(r->have & ST_HAVE_MEM))
		return 0;
	if ((r->have & ST_HAVE_INACTIVE) && r->mem_inactive_file < r->mem_usage)
		return r->mem_usage - r->mem_inactive_file;
	return r->mem_usage;
}

/* Levels (memory, pids) come from cur alone; every rate starts unknown. */
static void levels(const struct st_raw *cur, struct st_rates *out)
{
	memset(out, 0, sizeof *out);
	out->cpu_percent = -1;
	out->cpu_quota_percent = -1;
	out->mem_percent = -1;
	out->net_rx_bps = out->net_tx_bps = -1;
	out->blk_read_bps = out->blk_write_bps = -1;
	out->mem_bytes = st_mem_working_set(cur);
	if (cur->have & ST_HAVE_MEMLIMIT)
		out->mem_limit = cur->mem_limit;
	if ((cur->have & ST_HAVE_MEM) && out->mem_limit > 0)
		out->mem_percent = (double)out->mem_bytes / (double)out->mem_limit * 100.0;
	if (cur->have & ST_HAVE_PIDS) {
		out->pids = cur->pids;
		out->pids_limit = cur->pids_limit;
	}
}

/* Byte rate of one counter pair; 1 when it went backwards. */
static int rate(uint64_t a, uint64_t b, double dt, double *out)
{
	if (b < a)
		return 1;
	*out = (double)(b - a) / dt;
	return 0;
}

int st_rates_compute(const struct st_raw *prev, const struct st_raw *cur, double quota_cpus, struct st_rates *out)
{
	levels(cur, out);
	unsigned both = prev->have & cur->have;
	bool cpu_ok = (both & ST_HAVE_CPU) && cur->online_cpus > 0;
	uint64_t dsys = 0;

	if (cpu_ok) {
		/* a restarted container's counter starts again from 0 */
		if (cur->cpu_ns < prev->cpu_ns || cur->system_ns <= prev->system_ns)
			return -1;
		uint64_t dcpu = cur->cpu_ns - prev->cpu_ns;
		dsys = cur->system_ns - prev->system_ns;
		double pct = 0;
		if (dcpu > 0)
			pct = (double)dcpu / (double)dsys * cur->online_cpus * 100.0;
		/* container and host counters read at different instants can
		 * give an impossible share (docker/for-linux #151) */
		if (pct > cur->online_cpus * 100.0 * CPU_RACE_SLACK)
			return -1;
		out->cpu_percent = pct;
		if (quota_cpus > 0)
			out->cpu_quota_percent = pct / quota_cpus;
	}

	/* seconds between the samples: our own clock, else (API samples
	 * carry no time) host CPU time spread over the CPUs */
	double dt = -1;
	if (prev->mono_ns != 0 && cur->mono_ns != 0) {
		if (cur->mono_ns <= prev->mono_ns)
			return -1;
		dt = (double)(cur->mono_ns - prev->mono_ns) / NS_PER_S;
	} else if (cpu_ok) {
		dt = (double)dsys / cur->online_cpus / NS_PER_S;
	}
	if (dt <= 0)
		return 0; /* no time base: byte rates stay unknown */

	if (both & ST_HAVE_NET) {
		if (rate(prev->net_rx, cur->net_rx, dt, &out->net_rx_bps) ||
		    rate(prev->net_tx, cur->net_tx, dt, &out->net_tx_bps))
			goto back;
	}
	if (both & ST_HAVE_BLK) {
		if (rate(prev->blk_read, cur->blk_read, dt, &out->blk_read_bps) ||
		    rate(prev->blk_write, cur->blk_write, dt, &out->blk_write_bps))
			goto back;
	}
	return 0;
back:
	levels(cur, out);
	return -1;
}

/* CPUs named by a cpuset list ("0-2,4\n"); 0 when malformed or empty. */
static unsigned cpuset_count(const char *s)
{
	unsigned char bits[CPUSET_MAX / 8];
	memset(bits, 0, sizeof bits);
	unsigned n = 0;
	const char *p = s;
	while (*p == ' ')
		p++;
	if (!*p || *p == '\n')
		return 0;
	for (;;) {
		unsigned long a = 0, b;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p)) {
			a = a * 10 + (unsigned long)(*p++ - '0');
			if (a >= CPUSET_MAX)
				return 0;
		}
		b = a;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return 0;
			b = 0;
			while (isdigit((unsigned char)*p)) {
				b = b * 10 + (unsigned long)(*p++ - '0');
				if (b >= CPUSET_MAX)
					return 0;
			}
			if (b < a)
				return 0;
		}
		for (unsigned long i = a; i <= b; i++) {
			if (!(bits[i / 8] & (1u << (i % 8))))
				n++;
			bits[i / 8] |= (unsigned char)(1u << (i % 8));
		}
		if (*p == ',') {
			p++;
			continue;
		}
		while (*p == ' ' || *p == '\n')
			p++;
		return *p ? 0 : n;
	}
}

double st_quota_cpus(int64_t nano_cpus, int64_t cpu_quota, int64_t cpu_period, const char *cpuset)
{
	double q = 0;
	if (nano_cpus > 0)
		q = (double)nano_cpus / 1e9;
	else if (cpu_quota > 0)
		q = (double)cpu_quota / (double)(cpu_period > 0 ? cpu_period : CFS_PERIOD_DEFAULT_US);
	unsigned n = cpuset ? cpuset_count(cpuset) : 0;
	/* --cpus 4 --cpuset-cpus 0,1 can use two cores at most */
	if (n > 0 && (q <= 0 || (double)n < q))
		q = n;
	return q;
}
