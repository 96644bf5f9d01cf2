/* ps: `sandtop ps [--json]`, the sandbox list without a terminal UI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "docker/docker.h"
#include "docker/inventory.h"

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
		c->started_at_ms = ct->started_at_ms;
		c->finished_at_ms = ct->finished_at_ms;
		c->pid = ct->pid;
		c->inspected = true;
		free(c->health);
		c->health = xstrdup(ct->health);
	}
	dk_container_clear(ct);
	free(ct);
}

static int by_name(const void *a, const void *b)
{
	const struct dk_container *x = a, *y = b;
	return strcmp(x->name, y->name);
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

static void print_table(const struct dk_container *items, size_t n)
{
	cell("NAME", 24, false);
	cell("ID", 12, false);
	cell("IMAGE", 24, false);
	cell("STATE", 10, false);
	cell("UPTIME", 7, false);
	cell("OWNER", 12, false);
	cell("TASK", 30, true);
	putchar('\n');
	int64_t now = clock_wall_ms();
	for (size_t i = 0; i < n; i++) {
		const struct dk_container *c = &items[i];
		char id[13], up[16] = "-";
		snprintf(id, sizeof id, "%.12s", c->id);
		if (c->started_at_ms > 0 && (!strcmp(c->state, "running") || !strcmp(c->state, "paused")))
			clock_fmt_duration((now - c->started_at_ms) / 1000, up, sizeof up);
		cell(c->name, 24, false);
		cell(id, 12, false);
		cell(c->image, 24, false);
		cell(c->state, 10, false);
		cell(up, 7, false);
		cell(dk_container_label(c, "sandtop.owner"), 12, false);
		cell(dk_container_label(c, "sandtop.task"), 30, true);
		putchar('\n');
	}
}

int cli_ps(const char *host, bool all, bool json)
{
	struct err e;
	struct dk_client *c = dk_client_new(host, &e);
	if (!c) {
		fprintf(stderr, "sandtop: %s\n", e.msg);
		return CLI_USAGE;
	}
	struct ps_run run = {0};
	int status = CLI_OK;
	dk_list_containers(c, true, all ? NULL : INV_SANDBOX_LABEL, on_list, &run);
	if (dk_client_run(c, PS_TIMEOUT_MS) < 0) {
		fprintf(stderr, "sandtop: engine at %s did not answer within %d s\n", dk_client_endpoint(c),
		        PS_TIMEOUT_MS / 1000);
		status = CLI_UNREACHABLE;
		goto out;
	}
	if (run.failed) {
		fprintf(stderr, "sandtop: %s\n", run.err.msg);
		status = run.err.code == DK_ETRANSPORT ? CLI_UNREACHABLE : CLI_FAIL;
		goto out;
	}
	for (size_t i = 0; i < run.list.n; i++)
		dk_inspect(c, run.list.items[i].id, on_inspect, &run);
	if (dk_client_run(c, PS_TIMEOUT_MS) < 0) {
		fprintf(stderr, "sandtop: engine at %s stopped answering\n", dk_client_endpoint(c));
		status = CLI_UNREACHABLE;
		goto out;
	}
	if (run.list.n > 1)
		qsort(run.list.items, run.list.n, sizeof *run.list.items, by_name);
	if (json) {
		char *s = dk_containers_to_json(run.list.items, run.list.n);
		puts(s);
		free(s);
	} else {
		print_table(run.list.items, run.list.n);
	}
	if (fflush(stdout) != 0)
		status = CLI_FAIL;
out:
	dk_client_free(c);
	dk_container_list_free(&run.list);
	return status;
}
