/* hoststat: the host's CPU time and memory totals from /proc/stat and /proc/meminfo. */
#include "host/stats.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/statfile.h"

#define LINE_MAX_LEN 4096
#define STAT_MAX_CPUS 65536   /* cpuN lines we look at before giving up */
#define MEMINFO_MAX_LINES 1024
#define DOCKER_CPU_FIELDS 7   /* user nice system idle iowait irq softirq */

static void skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* ticks * 1e9 / hz without overflowing for any realistic uptime. */
static uint64_t ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	return ticks / hz * 1000000000u + ticks % hz * 1000000000u / hz;
}

/* The "cpu " line: dockerd's system_cpu_usage sums the first seven fields
 * (steal, guest and guest_nice are left out; guest time is already in
 * user), so we do the same for CPU% to match `docker stats`. */
static int parse_cpu_line(const char *line, uint64_t hz, struct st_host *out)
{
	const char *p = line + 3;
	uint64_t f[DOCKER_CPU_FIELDS], sum = 0;
	for (int i = 0; i < DOCKER_CPU_FIELDS; i++) {
		skip_blanks(&p);
		if (sf_take_u64(&p, &f[i]) < 0 || sum + f[i] < sum)
			return -1;
		sum += f[i];
	}
	out->system_ns = ticks_to_ns(sum, hz);
	out->idle_ns = ticks_to_ns(f[3] + f[4], hz);
	return 0;
}

static int read_stat(const char *proc_root, struct st_host *out, struct err *e)
{
	char path[4096], line[LINE_MAX_LEN];
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t hz = tck > 0 ? (uint64_t)tck : 100;
	if ((size_t)snprintf(path, sizeof path, "%s/stat", proc_root) >= sizeof path)
		return err_set(e, ERR_USAGE, "proc path too long");
	FILE *fp = fopen(path, "re");
	if (!fp)
		return err_set(e, ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	bool got = false;
	unsigned cpus = 0;
	/* every cpu line comes first (as glibc assumes): stop at the first
	 * other one, so the long intr line is never read in full */
	while (cpus < STAT_MAX_CPUS && fgets(line, sizeof line, fp)) {
		if (strncmp(line, "cpu", 3) != 0)
			break;
		if (line[3] == ' ') {
			if (got || parse_cpu_line(line, hz, out) < 0)
				break;
			got = true;
		} else if (isdigit((unsigned char)line[3])) {
			cpus++;
		} else {
			break;
		}
		if (!strchr(line, '\n'))
			break; /* a cpu line longer than any the kernel writes */
	}
	fclose(fp);
	if (!got)
		return err_set(e, ERR_PARSE, "%s: no usable \"cpu\" line", path);
	if (cpus == 0)
		return err_set(e, ERR_PARSE, "%s: no \"cpuN\" lines", path);
	out->online_cpus = cpus;
	return 0;
}

/* "Key:   12345 kB" -> bytes; -1 when malformed. */
static int meminfo_value(const char *p, uint64_t *v)
{
	skip_blanks(&p);
	uint64_t kb;
	if (sf_take_u64(&p, &kb) < 0)
		return -1;
	skip_blanks(&p);
	if (strncmp(p, "kB", 2) != 0 || kb > UINT64_MAX / 1024)
		return -1;
	*v = kb * 1024;
	return 0;
}

static int read_meminfo(const char *proc_root, struct st_host *out, struct err *e)
{
	char path[4096], line[LINE_MAX_LEN];
	if ((size_t)snprintf(path, sizeof path, "%s/meminfo", proc_root) >= sizeof path)
		return err_set(e, ERR_USAGE, "proc path too long");
	FILE *fp = fopen(path, "re");
	if (!fp)
		return err_set(e, ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	bool total = false, avail = false;
	for (int n = 0; n < MEMINFO_MAX_LINES && !(total && avail) && fgets(line, sizeof line, fp); n++) {
		if (!strncmp(line, "MemTotal:", 9))
			total = meminfo_value(line + 9, &out->mem_total) == 0;
		else if (!strncmp(line, "MemAvailable:", 13))
			avail = meminfo_value(line + 13, &out->mem_available) == 0;
	}
	fclose(fp);
	if (!total || out->mem_total == 0)
		return err_set(e, ERR_PARSE, "%s: no usable MemTotal", path);
	if (!avail)
		out->mem_available = 0; /* kernels before 3.14 */
	return 0;
}

int st_host_read(const char *proc_root, struct st_host *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (read_stat(proc_root, out, e) < 0 || read_meminfo(proc_root, out, e) < 0)
		return -1;
	return 0;
}
