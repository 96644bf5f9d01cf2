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
#include "cli/engines.h"
#include "docker/docker.h"
#include "host/freezer.h"
#include "docker/inventory.h"
#include "docker/sampler.h"
#include "host/stats.h"

#define PS_TIMEOUT_MS 15000   /* an engine's wait without --engine-timeout */
#define PS_ENGINE_COLS 48      /* the ENGINE column at its widest */

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

/* One engine's part of the run. */
struct ps_eng {
	struct cli_engine *en;
	struct ps_run run;
	struct st_snapshot *snaps;   /* run.list.n, with --stats */
	bool down;                   /* did not answer, or answered with an error: said, its rows left out */
};

/* The engine's wait: --engine-timeout when given, else PS_TIMEOUT_MS. */
static int64_t deadline(const struct cli_common *cm)
{
	return clock_mono_ms() + (cm->engine_wait_set ? cm->engine_wait_ms : PS_TIMEOUT_MS);
}

/* Drive every engine still up until it is idle or its wait is over; an
 * engine late is said (what: "did not answer", "stopped answering") and
 * dropped. Returns the worst status (CLI_UNREACHABLE when any was late). */
static int drive(const struct cli_common *cm, struct ps_eng *pe, size_t n, const char *what)
{
	struct dk_client **cs = xcalloc(n, sizeof *cs);
	int64_t *dl = xcalloc(n, sizeof *dl);
	bool *late = xcalloc(n, sizeof *late);
	for (size_t i = 0; i < n; i++) {
		cs[i] = pe[i].down ? NULL : pe[i].en->client;
		dl[i] = deadline(cm);
	}
	int status = CLI_OK;
	dk_clients_run(cs, n, dl, late);
	for (size_t i = 0; i < n; i++)
		if (late[i]) {
			sanitize_fprintf(stderr, "sandtop: engine %s %s within %.1f s\n", pe[i].en->name, what,
				(double)(cm->engine_wait_set ? cm->engine_wait_ms : PS_TIMEOUT_MS) / 1000);
			pe[i].down = true;
			status = CLI_UNREACHABLE;
		}
	free(late);
	free(dl);
	free(cs);
	return status;
}

/* Fills each engine's snaps: two samples interval_ms apart, every engine
 * at once. An engine that stops answering is said and keeps no numbers.
 * Returns the worst status. */
static int sample_all(const struct cli_common *cm, struct ps_eng *pe, size_t n)
{
	struct ps_stats *ps = xcalloc(n, sizeof *ps);
	struct sampler **smp = xcalloc(n, sizeof *smp);
	for (size_t e = 0; e < n; e++) {
		size_t k = pe[e].run.list.n;
		pe[e].snaps = xcalloc(k ? k : 1, sizeof *pe[e].snaps);
		ps[e] = (struct ps_stats){
			.run = &pe[e].run,
			.first = xcalloc(k ? k : 1, sizeof *ps[e].first),
			.have_first = xcalloc(k ? k : 1, sizeof *ps[e].have_first),
			.out = pe[e].snaps,
		};
		if (!pe[e].down)
			smp[e] = smp_new(pe[e].en->client, cm->source);
	}
	int status = CLI_OK;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			struct timespec ts = {cm->interval_ms / 1000, (long)(cm->interval_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
		for (size_t e = 0; e < n; e++) {
			if (pe[e].down)
				continue;
			ps[e].pass = pass;
			struct st_host host;
			if (smp_host_read(smp[e], &host) < 0)
				memset(&host, 0, sizeof host);
			struct ps_run *run = &pe[e].run;
			for (size_t i = 0; i < run->list.n; i++)
				if (sampled(&run->list.items[i]))
					smp_sample(smp[e], run->list.items[i].id, run->list.items[i].pid, &host, on_sample, &ps[e]);
		}
		int st = drive(cm, pe, n, "stopped answering");
		if (st != CLI_OK)
			status = st;
	}
	for (size_t e = 0; e < n; e++) {
		if (pe[e].down)
			memset(pe[e].snaps, 0, (pe[e].run.list.n ? pe[e].run.list.n : 1) * sizeof *pe[e].snaps);
		smp_free(smp[e]);
		free(ps[e].first);
		free(ps[e].have_first);
	}
	free(smp);
	free(ps);
	return status;
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

/* One row of the merged list: a container of one engine. */
struct ps_row {
	const struct dk_container *c;
	const char *engine;
	const struct st_snapshot *snap;   /* NULL without --stats */
};

static int by_name(const void *a, const void *b)
{
	const struct ps_row *x = a, *y = b;
	int d = natcmp(x->c->name ? x->c->name : "", y->c->name ? y->c->name : "");   /* ux-2 before ux-10, as on the screen */
	return d ? d : strcmp(x->engine, y->engine);
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

/* engine_cols: the ENGINE column's width, 0 for none (one engine). */
static void print_table(const struct ps_row *rows, size_t n, bool stats, size_t engine_cols)
{
	cell("NAME", 24, false);
	if (engine_cols)
		cell("ENGINE", engine_cols, false);
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
		const struct dk_container *c = rows[i].c;
		char id[13], up[16] = "-";
		snprintf(id, sizeof id, "%.12s", c->id);
		if (c->started_at_ms > 0 && c->pid > 0)
			clock_fmt_duration((now - c->started_at_ms) / 1000, up, sizeof up);
		cell(c->name, 24, false);
		if (engine_cols)
			cell(rows[i].engine, engine_cols, false);
		cell(id, 12, false);
		cell(c->image, 24, false);
		cell(c->state, 10, false);
		if (stats) {
			const struct st_snapshot *st = rows[i].snap;
			char cpu[16] = "-", mem[16] = "-", pids[24] = "-";
			if (st && st->valid) {
				if (st->rates.cpu_percent >= 0)   /* -1: not known (no CPU counters) */
					snprintf(cpu, sizeof cpu, "%.1f", st->rates.cpu_percent);
				units_bytes((double)st->rates.mem_bytes, mem, sizeof mem);
				snprintf(pids, sizeof pids, "%llu", (unsigned long long)st->rates.pids);
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

/* The ps --json array: every row with its engine's name. */
static void print_json(const struct ps_row *rows, size_t n, bool stats)
{
	struct dk_container *items = xcalloc(n ? n : 1, sizeof *items);
	struct st_snapshot *snaps = stats ? xcalloc(n ? n : 1, sizeof *snaps) : NULL;
	const char **engines = xcalloc(n ? n : 1, sizeof *engines);
	for (size_t i = 0; i < n; i++) {
		items[i] = *rows[i].c;   /* shallow: the lists keep owning them */
		engines[i] = rows[i].engine;
		if (snaps && rows[i].snap)
			snaps[i] = *rows[i].snap;
	}
	char *s = dk_containers_to_json_engines(items, n, snaps, engines);
	puts(s);
	free(s);
	free(engines);
	free(snaps);
	free(items);
}

/* Why an engine's list failed, said; its status. */
static int list_failed(const struct ps_eng *pe, size_t n)
{
	const struct err *e = &pe->run.err;
	if (n > 1)
		sanitize_fprintf(stderr, "sandtop: engine %s: %s\n", pe->en->name, e->msg);
	else
		sanitize_fprintf(stderr, "sandtop: %s\n", e->msg);
	return e->code == ERR_TRANSPORT ? CLI_UNREACHABLE : CLI_FAIL;
}

/* The worse of two exit statuses: unreachable over failed over ok. */
static int worse(int a, int b)
{
	return b > a ? b : a;
}

int cli_ps(const struct cli_common *cm, bool all, bool json, bool stats)
{
	struct err e;
	const char *selector = cm->cfg.label;
	struct cli_engines *en = xcalloc(1, sizeof *en);
	if (cli_engines_open(cm, en, &e) < 0) {
		sanitize_fprintf(stderr, "sandtop: %s\n", e.msg);
		free(en);
		return CLI_USAGE;
	}
	size_t n = en->n;
	struct ps_eng *pe = xcalloc(n, sizeof *pe);
	int status = CLI_OK;
	/* every engine at once: the list, then the inspects, then the numbers */
	for (size_t i = 0; i < n; i++) {
		pe[i].en = &en->e[i];
		dk_list_containers(pe[i].en->client, true, all ? NULL : selector ? selector : INV_SANDBOX_LABEL, on_list,
			&pe[i].run);
	}
	status = worse(status, drive(cm, pe, n, "did not answer"));
	for (size_t i = 0; i < n; i++) {
		if (pe[i].down)
			continue;
		if (pe[i].run.failed) {
			status = worse(status, list_failed(&pe[i], n));
			pe[i].down = true;
			continue;
		}
		for (size_t k = 0; k < pe[i].run.list.n; k++)
			dk_inspect(pe[i].en->client, pe[i].run.list.items[k].id, on_inspect, &pe[i].run);
	}
	status = worse(status, drive(cm, pe, n, "stopped answering"));
	if (stats)
		status = worse(status, sample_all(cm, pe, n));
	size_t nrows = 0, wide = 6;
	for (size_t i = 0; i < n; i++) {
		if (pe[i].down)
			continue;
		if (pe[i].en->local)
			kernel_states(pe[i].en->client, &pe[i].run);
		nrows += pe[i].run.list.n;
		size_t w = strlen(pe[i].en->name);
		wide = w > wide ? w : wide;
	}
	struct ps_row *rows = xcalloc(nrows ? nrows : 1, sizeof *rows);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; !pe[i].down && j < pe[i].run.list.n; j++)
			rows[k++] = (struct ps_row){.c = &pe[i].run.list.items[j], .engine = pe[i].en->name,
				.snap = stats ? &pe[i].snaps[j] : NULL};
	if (nrows > 1)
		qsort(rows, nrows, sizeof *rows, by_name);
	/* one engine that did not answer: nothing to show (as always); of
	 * several, the others' sandboxes are shown */
	if (n > 1 || status == CLI_OK) {
		if (json)
			print_json(rows, nrows, stats);
		else
			print_table(rows, nrows, stats, n > 1 ? (wide > PS_ENGINE_COLS ? PS_ENGINE_COLS : wide) : 0);
		if (fflush(stdout) != 0)
			status = worse(status, CLI_FAIL);
	}
	free(rows);
	for (size_t i = 0; i < n; i++) {
		free(pe[i].snaps);
		dk_container_list_free(&pe[i].run.list);
	}
	free(pe);
	cli_engines_close(en);
	free(en);
	return status;
}

#define PS_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_STATS | CLI_G_WAIT)

static void usage(FILE *fp)
{
	fputs("usage: sandtop ps [-a] [--json] [--stats] [-d SECS] [-H HOST]... [--engine-timeout SECS]\n"
	      "                  [-c FILE | --no-config]\n"
	      "\n"
	      "List the sandboxes (the containers carrying the config file's label,\n"
	      "sandtop.sandbox by default) once, as a table or as JSON, and exit. -H (or\n"
	      "--context) repeats: the sandboxes of every engine named (or of the config\n"
	      "file's engine lines), asked at once, with an ENGINE column when there are several;\n"
	      "an engine that does not answer is named on stderr and the others listed.\n"
	      "\n"
	      "  -a, --all         every container, not only sandboxes\n"
	      "      --json        a JSON array on stdout (each with its \"engine\")\n"
	      "      --stats       add CPU, memory, network, block I/O and PIDs, sampled over\n"
	      "                    one interval (-d)\n",
	      fp);
	cli_common_usage(fp, PS_GROUPS);
	fputs("\nps waits --engine-timeout for each engine (default 15 s here).\n"
	      "exit status: 0 ok, 1 an engine answered with an error, 2 usage, 3 an engine\n"
	      "cannot be reached (the others' sandboxes are still listed)\n",
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
