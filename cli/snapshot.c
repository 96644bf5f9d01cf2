/* snapshot: `sandtop snapshot [ID... | --all | --label K=V]`, a forensic bundle per sandbox without a terminal UI: its options, per-sandbox results and exit codes. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "journal/journal.h"
#include "snapshot/snapshot.h"
#include "docker/docker.h"

/* Every step has its own timeout; this only bounds a wedged run, after
 * which the bundles are cut short (resumed, manifests written). */
#define CLI_SNAP_TIMEOUT_MS (20 * 60 * 1000)
#define CLI_SNAP_WIND_DOWN_MS 60000

/* SIGINT, SIGTERM or SIGHUP came: the snapshots are cut short (the agent
 * continued, the sandbox thawed or resumed, the manifests written) instead
 * of leaving a sandbox stopped behind. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* s (untrusted) as an ASCII-only JSON string on stdout */
static void json_str(const char *s)
{
	cli_json_str(stdout, s);
}

static void json_result(const struct snap_result *r)
{
	printf("{\"id\":\"%s\",\"name\":", r->id);
	json_str(r->name);
	printf(",\"ok\":%s,\"error\":", r->ok ? "true" : "false");
	if (r->error[0])
		json_str(r->error);
	else
		printf("null");
	printf(",\"bundle\":");
	if (r->dir[0])
		json_str(r->dir);
	else
		printf("null");
	printf(",\"manifest_sha256\":");
	printf(r->manifest_sha256[0] ? "\"%s\"" : "null", r->manifest_sha256);
	printf(",\"image_id\":");
	printf(r->image_id[0] ? "\"%s\"" : "null", r->image_id);
	printf(",\"steps\":{");
	for (int k = 0; k < SNAP_STEP_COUNT; k++) {
		printf("%s\"%s\":{\"result\":\"%s\",\"detail\":", k ? "," : "", snap_step_name(k),
		       snap_state_name(r->steps[k].state));
		json_str(r->steps[k].msg);
		printf(",\"ms\":%lld}", (long long)r->steps[k].ms);
	}
	printf("}");
	cli_json_journal_error(stdout, r->journal_error);
	printf(",\"ms\":%lld}", (long long)r->ms);
}

static void text_result(const struct snap_result *r)
{
	char name[128], dir[512], why[ERR_MSG_MAX];
	sanitize_text(r->name, strlen(r->name), name, sizeof name);
	sanitize_text(r->dir, strlen(r->dir), dir, sizeof dir);
	sanitize_text(r->error, strlen(r->error), why, sizeof why);
	if (r->ok)
		printf("%-24s ok: %s (%lld ms)\n", name, dir, (long long)r->ms);
	else
		printf("%-24s FAILED: %s%s%s\n", name, why, dir[0] ? "; bundle " : "", dir);
	for (int k = 0; k < SNAP_STEP_COUNT; k++) {
		const struct snap_step *s = &r->steps[k];
		if (s->state == SNAP_OK && !s->msg[0])
			continue;
		sanitize_fprintf(stdout, "    %-10s %-7s %s\n", snap_step_name(k), snap_state_name(s->state), s->msg);
	}
}

/* Drive the snapshots until every one is done or the deadline passes. */
static void run(struct dk_client *c, struct snap **sn, size_t n, int64_t deadline)
{
	size_t cap = 0;
	struct pollfd *fds = NULL;
	size_t *per = xcalloc(n + 1, sizeof *per);
	bool cut = false;
	for (;;) {
		size_t left = 0;
		int64_t now = clock_mono_ms();
		int timeout = 1000;
		for (size_t i = 0; i < n; i++) {
			if (!sn[i] || snap_done(sn[i]))
				continue;
			left++;
			int t = snap_tick(sn[i], now);
			if (t >= 0 && t < timeout)
				timeout = t;
		}
		if (!left || now >= deadline)
			break;
		if (interrupted && !cut) { /* cut every one short; they wind down here */
			cut = true;
			for (size_t i = 0; i < n; i++)
				if (sn[i] && !snap_done(sn[i]))
					snap_cancel(sn[i]);
			if (deadline > now + CLI_SNAP_WIND_DOWN_MS)
				deadline = now + CLI_SNAP_WIND_DOWN_MS;
			continue;
		}
		size_t want = dk_client_pollfds_max(c) + n * SNAP_POLLFDS_MAX;
		if (want > cap) {
			cap = want;
			fds = xrealloc(fds, cap * sizeof *fds);
		}
		size_t nc = dk_client_pollfds(c, fds, cap, &timeout), k = nc;
		for (size_t i = 0; i < n; i++) {
			per[i] = sn[i] && !snap_done(sn[i]) ? snap_pollfds(sn[i], fds + k, cap - k) : 0;
			k += per[i];
		}
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		if (poll(fds, k, timeout) < 0 && errno != EINTR)
			break;
		dk_client_dispatch(c, fds, nc);
		k = nc;
		for (size_t i = 0; i < n; i++) {
			if (per[i] && sn[i] && !snap_done(sn[i]))
				snap_dispatch(sn[i], fds + k, per[i]);
			k += per[i];
		}
	}
	free(per);
	free(fds);
}

int cli_snapshot(const struct cli_act_opts *o, const char *output_dir, bool keep_paused)
{
	if (!o->nids && !o->all && !o->label)
		return fprintf(stderr, "sandtop: snapshot: name the sandboxes (IDs, --all or --label K=V)\n"), CLI_USAGE;
	struct err e = {0};
	struct dk_client *c = cli_common_client(o->common, &e);
	if (!c)
		return sanitize_fprintf(stderr, "sandtop: %s\n", e.msg), CLI_USAGE;
	struct cli_targets tg;
	int st = cli_targets_pick(c, o, &tg);
	if (st != CLI_OK) {
		cli_targets_free(&tg);
		dk_client_free(c);
		return st;
	}
	const struct dk_container **sel = tg.sel;
	const char **unknown = tg.unknown;
	size_t ns = tg.n, nu = tg.nunknown;

	int status = CLI_OK;
	struct journal *journal = NULL;
	if (o->journal_path && !(journal = journal_open(o->journal_path, &e)) && !o->armed) {
		sanitize_fprintf(stderr, "sandtop: snapshot: refused: journal: %s (arm sandtop to act anyway)\n", e.msg);
		status = CLI_FAIL;
		ns = 0;
	}
	struct snap_opts so = {
		.reason = o->reason, .parent_dir = output_dir, .keep_paused = keep_paused, .armed = o->armed,
		.host_access = !strncmp(dk_client_endpoint(c), "unix://", 7),
	};
	struct snap **sn = xcalloc(ns + 1, sizeof *sn);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;  /* no SA_RESTART: poll returns at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	for (size_t i = 0; i < ns; i++)
		if (!(sn[i] = snap_start(c, journal, sel[i], &so, &e))) {
			char name[128];
			sanitize_text(sel[i]->name, strlen(sel[i]->name), name, sizeof name);
			sanitize_fprintf(stderr, "sandtop: snapshot %s: %s\n", name, e.msg);
			status = CLI_FAIL;
		}
	run(c, sn, ns, clock_mono_ms() + CLI_SNAP_TIMEOUT_MS);
	struct snap_result *res = xcalloc(ns + 1, sizeof *res);
	for (size_t i = 0; i < ns; i++) {
		if (!sn[i])
			continue;
		res[i] = *snap_result(sn[i]);
		if (!res[i].done) { /* wedged: cut short; it continues its agent, resumes and writes its
		                     * manifest as the answers come */
			res[i].ok = false;
			snprintf(res[i].error, sizeof res[i].error, "no end within %d min: cut short",
			         CLI_SNAP_TIMEOUT_MS / 60000);
			snap_free(sn[i]);
			sn[i] = NULL;
			dk_client_run(c, CLI_SNAP_WIND_DOWN_MS);
		}
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);

	if (o->json)
		printf("{\"action\":\"snapshot\",\"results\":[");
	bool first = true;
	for (size_t i = 0; i < nu; i++, first = false) {
		if (o->json) {
			printf("%s{\"id\":null,\"name\":", first ? "" : ",");
			json_str(unknown[i]);
			printf(",\"ok\":false,\"error\":\"no such container\"}");
		} else {
			char safe[256];
			sanitize_text(unknown[i], strlen(unknown[i]), safe, sizeof safe);
			printf("%-24s FAILED: no such container\n", safe);
		}
	}
	for (size_t i = 0; i < ns; i++) {
		if (!res[i].id[0])
			continue; /* refused at the start (said on stderr) */
		const struct snap_result *r = &res[i];
		if (!r->ok)
			status = CLI_FAIL;
		if (o->json) {
			printf("%s", first ? "" : ",");
			json_result(r);
			first = false;
		} else {
			text_result(r);
		}
	}
	if (o->json)
		printf("]}\n");
	if (interrupted)
		fprintf(stderr, "sandtop: snapshot: interrupted (signal %d): cut short, as said above\n", (int)interrupted);
	if (nu)
		status = CLI_FAIL;
	if (!ns && !nu && status == CLI_OK) {
		fprintf(stderr, "sandtop: snapshot: no sandbox matches\n");
		status = CLI_FAIL;
	}
	for (size_t i = 0; i < ns; i++)
		snap_free(sn[i]);
	free(sn);
	free(res);
	journal_close(journal);
	cli_targets_free(&tg);
	dk_client_free(c);
	return status;
}

#define SNAP_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_JOURNAL | CLI_G_DESK)

static void usage(FILE *fp)
{
	fputs("usage: sandtop snapshot [ID... | --all | --label K[=V]] [-o DIR] [--keep-paused]\n"
	      "                        [--reason TEXT] [--json] [--armed] [--journal FILE] [-H HOST]\n"
	      "\n"
	      "A forensic bundle of each named sandbox in a new directory: screenshot, logs,\n"
	      "inspect, committed image, what the agent wrote on tmpfs and volumes, stats, a\n"
	      "manifest of sha256s; the sandbox is paused meanwhile. Each snapshot is written\n"
	      "to the operator journal.\n"
	      "\n"
	      "  ID...             names, full ids, or id prefixes (4 characters or more)\n"
	      "  -a, --all         every running or paused sandbox\n"
	      "      --label K[=V] the sandboxes carrying this label\n"
	      "  -o, --output DIR  the directory the bundles go in (default:\n"
	      "                    $XDG_STATE_HOME/sandtop/snapshots)\n"
	      "      --keep-paused leave the sandboxes paused afterwards\n"
	      "      --reason TEXT why, for the journal\n"
	      "      --json        one JSON object: per sandbox its bundle, image and steps\n"
	      "      --armed       go ahead even when the journal cannot be written\n",
	      fp);
	cli_common_usage(fp, SNAP_GROUPS);
	fputs("\nexit status: 0 every bundle complete, 1 any failed, 2 usage, 3 the engine\n"
	      "cannot be reached\n",
	      fp);
}

int cli_snapshot_main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_LABEL, OPT_REASON, OPT_ARMED, OPT_KEEP_PAUSED };
	static const struct option own[] = {
		{"all", no_argument, NULL, 'a'},
		{"label", required_argument, NULL, OPT_LABEL},
		{"output", required_argument, NULL, 'o'},
		{"keep-paused", no_argument, NULL, OPT_KEEP_PAUSED},
		{"reason", required_argument, NULL, OPT_REASON},
		{"json", no_argument, NULL, OPT_JSON},
		{"armed", no_argument, NULL, OPT_ARMED},
		{0, 0, 0, 0},
	};
	struct cli_common cm;
	/* no engine wait: each step has its own timeout, and no records on disk */
	struct cli_act_opts o = {.common = &cm, .action = "snapshot", .timeout_s = -1};
	const char *output = NULL;
	bool keep_paused = false;
	cli_common_begin(&cm, SNAP_GROUPS, "ao:", own);
	int ch;
	while ((ch = cli_common_next(&cm, argc, argv)) != -1) {
		switch (ch) {
		case 'a': o.all = true; break;
		case OPT_LABEL: o.label = optarg; break;
		case 'o': output = optarg; break;
		case OPT_KEEP_PAUSED: keep_paused = true; break;
		case OPT_REASON: o.reason = optarg; break;
		case OPT_JSON: o.json = true; break;
		case OPT_ARMED: o.armed = true; break;
		case 'h': usage(stdout); exit(CLI_OK);
		case CLI_OPT_INVALID: return CLI_USAGE;
		default: usage(stderr); return CLI_USAGE;
		}
	}
	o.ids = (const char *const *)argv + optind;
	o.nids = (size_t)(argc - optind);
	if (cli_common_load(&cm) < 0)
		return CLI_USAGE;
	cli_common_batch();
	if (cli_common_desk_trust(&cm) < 0)
		return CLI_USAGE;
	char *journal = cli_common_journal(&cm);
	o.journal_path = journal;
	o.selector = cm.cfg.label;
	int rc = cli_snapshot(&o, output, keep_paused);
	free(journal);
	return rc;
}
