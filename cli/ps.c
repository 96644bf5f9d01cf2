/* ps: `sandtop ps [--json] [--stats]`, the sandbox list without a terminal UI: its options and its run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/natcmp.h"
#include "base/sanitize.h"
#include "base/units.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "docker/docker.h"
#include "host/freezer.h"
#include "docker/inventory.h"
#include "docker/sampler.h"
#include "host/stats.h"

#define PS_TIMEOUT_MS 15000

struct ps_run {
	struct dk_container_list list;
	struct err err;
	bool failed;
};

static void on_list(void *ud, int rc, const struct err *e, struct dk_container_list *list)
{
	struct ps_run *run = ud;
	if (rc < 0) {
		run->failed = true;
		run->err = *e;
		return;
	}
	run->list = *list;
	list->items = NULL;
	list->n = 0;
}

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	struct ps_run *run = ud;
	(void)e;
	if (rc < 0)
		return; /* removed between list and inspect: keep the list's row */
	for (size_t i = 0; i < run->list.n; i++) {
		struct dk_container *c = &run->list.items[i];
		if (strcmp(c->id, ct->id) != 0)
			continue;
		/* list and inspect agree on everything but these */
		dk_container_merge_inspect(c, ct);
	}
	dk_container_clear(ct);
	free(ct);
}

/* ---- --stats: two samples interval_ms apart ---- */

struct ps_stats {
	struct ps_run *run;
	struct st_raw *first;     /* per container */
	bool *have_first;
	struct st_snapshot *out;
	int pass;                 /* 0: first sample, 1: second */
};

static ssize_t index_of(const struct ps_run *run, const char *id)
{
	for (size_t i = 0; i < run->list.n; i++)
		if (!strcmp(run->list.items[i].id, id))
			return (ssize_t)i;
	return -1;
}

static void on_sample(void *ud, const char *id, int rc, const struct st_raw *raw)
{
	struct ps_stats *ps = ud;
	ssize_t i = index_of(ps->run, id);
	if (i < 0 || rc < 0)
		return;
	if (ps->pass == 0) {
		ps->first[i] = *raw;
		ps->have_first[i] = true;
		return;
	}
	if (!ps->have_first[i])
		return;
	const struct dk_container *c = &ps->run->list.items[i];
	double quota = st_quota_cpus(c->nano_cpus, c->cpu_quota, c->cpu_period, c->cpuset_cpus);
	if (st_rates_compute(&ps->first[i], raw, quota, &ps->out[i].rates) == 0) {
		ps->out[i].raw = *raw;
		ps->out[i].valid = true;
	}
}

static bool sampled(const struct dk_container *c)
{
	return c->inspected && c->pid > 0 && (!strcmp(c->state, "running") || !strcmp(c->state, "paused"));
}

/* Fills out (n entries). Returns 0, or -1 when the engine stopped answering. */
static int sample_all(struct dk_client *cl, struct ps_run *run, int interval_ms, struct st_snapshot *out)
{
	size_t n = run->list.n;
	struct ps_stats ps = {
		.run = run,
		.first = xcalloc(n ? n : 1, sizeof *ps.first),
		.have_first = xcalloc(n ? n : 1, sizeof *ps.have_first),
		.out = out,
	};
	struct sampler *smp = smp_new(cl, ST_SRC_NONE);
	int rc = 0;
	for (ps.pass = 0; ps.pass < 2 && rc == 0; ps.pass++) {
		if (ps.pass == 1) {
			struct timespec ts = {interval_ms / 1000, (long)(interval_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
		struct st_host host;
		if (smp_host_read(smp, &host) < 0)
			memset(&host, 0, sizeof host);
		for (size_t i = 0; i < n; i++)
			if (sampled(&run->list.items[i]))
				smp_sample(smp, run->list.items[i].id, run->list.items[i].pid, &host, on_sample, &ps);
		if (dk_client_run(cl, PS_TIMEOUT_MS) < 0)
			rc = -1;
	}
	smp_free(smp);
	free(ps.first);
	free(ps.have_first);
	return rc;
}

/* Frozen is the kernel's fact: a sandbox the engine calls running whose
 * cgroup is frozen (by any sandtop, or by hand) is shown "frozen" (or
 * "freezing"). Local engines only, and as root (the cgroup files). */
static void kernel_states(struct dk_client *cl, struct ps_run *run)
{
	struct err e;
	if (strncmp(dk_client_endpoint(cl), "unix://", 7) != 0)
		return;
	struct cg_freezer *f = cg_freezer_open("/proc", "", &e);
	for (size_t i = 0; f && i < run->list.n; i++) {
		struct dk_container *c = &run->list.items[i];
		if (!c->state || strcmp(c->state, "running") != 0)
			continue;
		int st = cg_state_of(f, c->id, c->pid);
		if (st == CG_FRZ_FROZEN || st == CG_FRZ_FREEZING) {
			free(c->state);
			c->state = xstrdup(st == CG_FRZ_FROZEN ? "frozen" : "freezing");
		}
	}
	cg_freezer_free(f);
}

static int by_name(const void *a, const void *b)
{
	const struct dk_container *x = a, *y = b;
	return natcmp(x->name, y->name);   /* ux-2 before ux-10, as on the screen */
}

static void cell(const char *s, size_t cols, bool last)
{
	char out[512];
	size_t w = sanitize_fit(s ? s : "", cols, out, sizeof out);
	fputs(out, stdout);
	if (!last)
		for (size_t i = w; i < cols + 2; i++)
			putchar(' ');
}

static void print_table(const struct dk_container *items, size_t n, const struct st_snapshot *stats)
{
	cell("NAME", 24, false);
	cell("ID", 12, false);
	cell("IMAGE", 24, false);
	cell("STATE", 10, false);
	if (stats) {
		cell("CPU%", 6, false);
		cell("MEM", 7, false);
		cell("PIDS", 5, false);
	}
	cell("UPTIME", 7, false);
	cell("OWNER", 12, false);
	cell("TASK", 30, true);
	putchar('\n');
	int64_t now = clock_wall_ms();
	for (size_t i = 0; i < n; i++) {
		const struct dk_container *c = &items[i];
		char id[13], up[16] = "-";
		snprintf(id, sizeof id, "%.12s", c->id);
		if (c->started_at_ms > 0 && c->pid > 0)
			clock_fmt_duration((now - c->started_at_ms) / 1000, up, sizeof up);
		cell(c->name, 24, false);
		cell(id, 12, false);
		cell(c->image, 24, false);
		cell(c->state, 10, false);
		if (stats) {
			char cpu[16] = "-", mem[16] = "-", pids[24] = "-";
			if (stats[i].valid) {
				snprintf(cpu, sizeof cpu, "%.1f", stats[i].rates.cpu_percent);
				units_bytes((double)stats[i].rates.mem_bytes, mem, sizeof mem);
				snprintf(pids, sizeof pids, "%llu", (unsigned long long)stats[i].rates.pids);
			}
			cell(cpu, 6, false);
			cell(mem, 7, false);
			cell(pids, 5, false);
		}
		cell(up, 7, false);
		cell(dk_container_label(c, "sandtop.owner"), 12, false);
		cell(dk_container_label(c, "sandtop.task"), 30, true);
		putchar('\n');
	}
}

int cli_ps(const struct cli_common *cm, bool all, bool json, bool stats)
{
	struct err e;
	const char *selector = cm->cfg.label;
	struct dk_client *c = cli_common_client(cm, &e);
	if (!c) {
		sanitize_fprintf(stderr, "sandtop: %s\n", e.msg);
		return CLI_USAGE;
	}
	struct ps_run run = {0};
	struct st_snapshot *snaps = NULL;
	int status = CLI_OK;
	dk_list_containers(c, true, all ? NULL : selector ? selector : INV_SANDBOX_LABEL, on_list, &run);
	if (dk_client_run(c, PS_TIMEOUT_MS) < 0) {
		sanitize_fprintf(stderr, "sandtop: engine at %s did not answer within %d s\n", dk_client_endpoint(c),
		        PS_TIMEOUT_MS / 1000);
		status = CLI_UNREACHABLE;
		goto out;
	}
	if (run.failed) {
		sanitize_fprintf(stderr, "sandtop: %s\n", run.err.msg);
		status = run.err.code == ERR_TRANSPORT ? CLI_UNREACHABLE : CLI_FAIL;
		goto out;
	}
	for (size_t i = 0; i < run.list.n; i++)
		dk_inspect(c, run.list.items[i].id, on_inspect, &run);
	if (dk_client_run(c, PS_TIMEOUT_MS) < 0) {
		sanitize_fprintf(stderr, "sandtop: engine at %s stopped answering\n", dk_client_endpoint(c));
		status = CLI_UNREACHABLE;
		goto out;
	}
	if (run.list.n > 1)
		qsort(run.list.items, run.list.n, sizeof *run.list.items, by_name);
	if (stats) {
		snaps = xcalloc(run.list.n ? run.list.n : 1, sizeof *snaps);
		if (sample_all(c, &run, cm->interval_ms, snaps) < 0) {
			sanitize_fprintf(stderr, "sandtop: engine at %s stopped answering\n", dk_client_endpoint(c));
			status = CLI_UNREACHABLE;
			goto out;
		}
	}
	kernel_states(c, &run);
	if (json) {
		char *s = dk_containers_to_json(run.list.items, run.list.n, snaps);
		puts(s);
		free(s);
	} else {
		print_table(run.list.items, run.list.n, snaps);
	}
	if (fflush(stdout) != 0)
		status = CLI_FAIL;
out:
	dk_client_free(c);
	free(snaps);
	dk_container_list_free(&run.list);
	return status;
}

#define PS_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_STATS)

static void usage(FILE *fp)
{
	fputs("usage: sandtop ps [-a] [--json] [--stats] [-d SECS] [-H HOST] [-c FILE | --no-config]\n"
	      "\n"
	      "List the sandboxes (the containers carrying the config file's label,\n"
	      "sandtop.sandbox by default) once, as a table or as JSON, and exit.\n"
	      "\n"
	      "  -a, --all         every container, not only sandboxes\n"
	      "      --json        a JSON array on stdout\n"
	      "      --stats       add CPU, memory, network, block I/O and PIDs, sampled over\n"
	      "                    one interval (-d)\n",
	      fp);
	cli_common_usage(fp, PS_GROUPS);
	fputs("\nexit status: 0 ok, 1 the engine answered with an error, 2 usage, 3 the engine\n"
	      "cannot be reached\n",
	      fp);
}

int cli_ps_main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_STATS };
	static const struct option own[] = {
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, OPT_JSON},
		{"stats", no_argument, NULL, OPT_STATS},
		{0, 0, 0, 0},
	};
	struct cli_common cm;
	bool all = false, json = false, stats = false;
	cli_common_begin(&cm, PS_GROUPS, "a", own);
	int ch;
	while ((ch = cli_common_next(&cm, argc, argv)) != -1) {
		switch (ch) {
		case 'a': all = true; break;
		case OPT_JSON: json = true; break;
		case OPT_STATS: stats = true; break;
		case 'h': usage(stdout); exit(CLI_OK);
		case CLI_OPT_INVALID: return CLI_USAGE;
		default: usage(stderr); return CLI_USAGE;
		}
	}
	if (optind < argc) {
		sanitize_fprintf(stderr, "sandtop: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	if (cli_common_load(&cm) < 0)
		return CLI_USAGE;
	cli_common_batch();
	return cli_ps(&cm, all, json, stats);
}
