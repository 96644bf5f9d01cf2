/* isolation: `sandtop isolation` (`sandtop audit`, its old name): the isolation checks of the named sandboxes (or all), as text or JSON, with an exit status for scripts. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "isolation/run.h"

#define ISO_TIMEOUT_MS 60000
#define ISO_GROUPS CLI_G_ENGINE

static void usage(FILE *fp)
{
	fputs("usage: sandtop isolation [ID... | --all | --label K=V] [--json] [--fail-on SEVERITY] [-v]\n"
	      "                         [--strict-seccomp] [-H HOST]\n"
	      "Check that each sandbox is really isolated: privilege and escape surface, network,\n"
	      "filesystem, credentials, resources and time, kill-switch readiness, and the host's\n"
	      "engine, runtime, seccomp and LSM (sandtop(1), \"Isolation checks\").\n"
	      "Each check is PASS, WARN, FAIL or UNVERIFIABLE (never PASS for what could not be\n"
	      "confirmed) with its severity and a reason. 'sandtop audit' is its old name, an\n"
	      "alias kept for this release.\n"
	      "  ID...              names or id prefixes (any container)\n"
	      "  -a, --all          every running or paused sandbox (the default without IDs)\n"
	      "      --label K[=V]  the sandboxes carrying this label\n"
	      "      --json         one JSON object: the host's checks and, per sandbox, id, name,\n"
	      "                     state, kernel_checked, error and checks\n"
	      "      --fail-on SEV  exit 1 when a check FAILs at SEV or above: CRITICAL, HIGH\n"
	      "                     (default), MEDIUM, LOW, INFO\n"
	      "      --strict-seccomp  the engine's default seccomp profile fails PRIV-07 (HIGH):\n"
	      "                     only sandtop's strict profile passes\n"
	      "  -v, --verbose      list the passing checks too\n",
	      fp);
	cli_common_usage(fp, ISO_GROUPS);
	fputs("exit status: 0 nothing (the host's checks included) FAILs at or above SEV, 1\n"
	      "something does, a sandbox is unknown or could not be checked, or the host's facts\n"
	      "could not be read; 2 usage, 3 the engine cannot be reached\n",
	      fp);
}

static void json_checks(FILE *fp, const struct iso_report *r)
{
	fputs("[", fp);
	for (size_t i = 0; r && i < r->n; i++) {
		const struct iso_check *c = &r->checks[i];
		fprintf(fp, "%s{\"id\":\"%s\",\"title\":", i ? "," : "", c->id);
		cli_json_str(fp, c->title);
		fprintf(fp, ",\"result\":\"%s\",\"severity\":\"%s\",\"reason\":", iso_result_name(c->result),
			iso_sev_name(c->sev));
		cli_json_str(fp, c->reason);
		fputs("}", fp);
	}
	fputs("]", fp);
}

/* The findings the worst first (as the screen lists them), then, with
 * verbose, what passes. */
static void text_checks(const struct iso_report *r, bool verbose)
{
	size_t pass = 0;
	const struct iso_check *sorted[ISO_CHECKS_MAX];
	size_t n = iso_sorted(r, sorted);
	for (size_t i = 0; i < n; i++) {
		const struct iso_check *c = sorted[i];
		if (c->result == ISO_PASS && !verbose) {
			pass++;
			continue;
		}
		printf("  %-12s %-8s %-8s %s: %s\n", iso_result_name(c->result), iso_sev_name(c->sev), c->id, c->title,
		       c->reason);
	}
	if (pass)
		printf("  %zu more checks pass (-v lists them)\n", pass);
}

/* The worst result as one word with its severity ("FAIL CRITICAL"). */
static void worst_word(const struct iso_report *r, char *out, size_t n)
{
	const struct iso_check *w = iso_worst(r);
	if (!w || w->result == ISO_PASS)
		snprintf(out, n, "PASS");
	else
		snprintf(out, n, "%s %s (%s)", iso_result_name(w->result), iso_sev_name(w->sev), w->id);
}

struct run_opts {
	struct cli_act_opts t;
	bool verbose;
	bool strict_seccomp;
	enum iso_sev fail_on;
};

/* Drive the runner until every target and the host are evaluated. */
static int evaluate(struct dk_client *c, struct iso_runner *r)
{
	int64_t deadline = clock_mono_ms() + ISO_TIMEOUT_MS;
	for (;;) {
		int t = iso_runner_tick(r, clock_wall_ms());
		if (iso_runner_pending(r) == 0 && iso_runner_host(r))
			return 0;
		int64_t left = deadline - clock_mono_ms();
		if (left <= 0)
			return -1;
		int slice = t >= 0 && t < 200 ? (t < 10 ? 10 : t) : 200;
		dk_client_run(c, (int)(slice < left ? slice : left));
	}
}

static int report(const struct run_opts *o, struct dk_client *c, struct iso_runner *r, const struct cli_targets *t)
{
	int rc = CLI_OK;
	const struct iso_report *host = iso_runner_host(r);
	const char *herr = iso_runner_host_error(r);
	/* the host's facts unread: nothing can be said to pass */
	if (!host || *herr || iso_fails_at(host, o->fail_on))
		rc = CLI_FAIL;
	if (o->t.json) {
		printf("{\"engine\":");
		cli_json_str(stdout, dk_client_endpoint(c));
		printf(",\"host\":{\"error\":");
		cli_json_str(stdout, iso_runner_host_error(r));
		printf(",\"checks\":");
		json_checks(stdout, host);
		printf("},\"sandboxes\":[");
	} else {
		char w[96];
		worst_word(host, w, sizeof w);
		printf("host %s: %s%s%s\n", dk_client_endpoint(c), host ? w : "NOT CHECKED", *herr ? ": " : "", herr);
		if (host)
			text_checks(host, o->verbose);
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct dk_container *ct = t->sel[i];
		const struct iso_report *rep = iso_runner_report(r, ct->id);
		const char *err = iso_runner_error(r, ct->id);
		if (!rep || iso_fails_at(rep, o->fail_on))
			rc = CLI_FAIL;
		if (o->t.json) {
			printf("%s{\"id\":\"%s\",\"name\":", i ? "," : "", ct->id);
			cli_json_str(stdout, ct->name);
			printf(",\"state\":");
			cli_json_str(stdout, ct->state);
			printf(",\"kernel_checked\":%s,\"error\":", rep && rep->kernel ? "true" : "false");
			cli_json_str(stdout, rep ? err : *err ? err : "not evaluated in time");
			printf(",\"checks\":");
			json_checks(stdout, rep);
			printf("}");
			continue;
		}
		char name[160], state[64], w[96];
		sanitize_fit(ct->name, 60, name, sizeof name);
		sanitize_fit(ct->state ? ct->state : "?", 20, state, sizeof state);
		worst_word(rep, w, sizeof w);
		printf("%s (%.12s) %s: %s%s\n", name, ct->id, state, rep ? w : "NOT CHECKED",
		       rep && rep->kernel ? "" : rep ? " (kernel not read)" : "");
		if (!rep)
			printf("  %s\n", *err ? err : "not evaluated in time");
		else
			text_checks(rep, o->verbose);
	}
	for (size_t i = 0; i < t->nunknown; i++) {
		rc = CLI_FAIL;
		if (o->t.json) {
			printf("%s{\"id\":null,\"name\":", t->n + i ? "," : "");
			cli_json_str(stdout, t->unknown[i]);
			printf(",\"error\":\"no such sandbox\",\"checks\":[]}");
		} else {
			char name[160];
			sanitize_fit(t->unknown[i], 60, name, sizeof name);
			printf("%s: no such sandbox\n", name);
		}
	}
	if (o->t.json)
		printf("],\"fail_on\":\"%s\",\"exit\":%d}\n", iso_sev_name(o->fail_on), rc);
	return rc;
}

static int parse(int argc, char **argv, struct cli_common *cm, struct run_opts *o)
{
	enum { OPT_LABEL = 256, OPT_JSON, OPT_FAIL_ON, OPT_STRICT_SECCOMP };
	static const struct option own[] = {
		{"all", no_argument, NULL, 'a'},       {"label", required_argument, NULL, OPT_LABEL},
		{"json", no_argument, NULL, OPT_JSON}, {"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"verbose", no_argument, NULL, 'v'},   {"strict-seccomp", no_argument, NULL, OPT_STRICT_SECCOMP},
		{NULL, 0, NULL, 0},
	};
	int ch;
	cli_common_begin(cm, ISO_GROUPS, "av", own);
	while ((ch = cli_common_next(cm, argc, argv)) != -1) {
		switch (ch) {
		case 'a': o->t.all = true; break;
		case OPT_LABEL: o->t.label = optarg; break;
		case OPT_JSON: o->t.json = true; break;
		case 'v': o->verbose = true; break;
		case OPT_STRICT_SECCOMP: o->strict_seccomp = true; break;
		case OPT_FAIL_ON:
			if (iso_sev_parse(optarg, &o->fail_on) < 0) {
				fprintf(stderr, "sandtop: --fail-on takes CRITICAL, HIGH, MEDIUM, LOW or INFO\n");
				return -1;
			}
			break;
		case 'h': usage(stdout); exit(CLI_OK);
		case CLI_OPT_INVALID: return -1;
		default: usage(stderr); return -1;
		}
	}
	o->t.common = cm;
	o->t.ids = (const char *const *)argv + optind;
	o->t.nids = (size_t)(argc - optind);
	if (!o->t.nids && !o->t.label)
		o->t.all = true;
	return 0;
}

int cli_isolation_main(int argc, char **argv)
{
	struct run_opts o = {.fail_on = ISO_HIGH};
	struct cli_common cm;
	log_set_level(LOG_WARN);
	o.t.action = "isolation";
	if (parse(argc, argv, &cm, &o) < 0 || cli_common_load(&cm) < 0)
		return CLI_USAGE;
	struct err e = {0};
	struct dk_client *c = cli_common_client(&cm, &e);
	if (!c) {
		sanitize_fprintf(stderr, "sandtop: %s\n", e.msg);
		return CLI_USAGE;
	}
	struct cli_targets t;
	int rc = cli_targets_pick(c, &o.t, &t);
	if (rc != CLI_OK) {
		cli_targets_free(&t);
		dk_client_free(c);
		return rc;
	}
	struct iso_policy pol;
	iso_policy_default(&pol, dk_client_endpoint(c));
	pol.require_pinned_seccomp = o.strict_seccomp;
	struct iso_runner *r = iso_runner_new(c, &pol);
	for (size_t i = 0; i < t.n; i++)
		iso_runner_want(r, t.sel[i]->id);
	if (evaluate(c, r) < 0)
		fprintf(stderr, "sandtop: isolation: no complete answer from the engine within %d s\n", ISO_TIMEOUT_MS / 1000);
	rc = report(&o, c, r, &t);
	dk_client_free(c);
	iso_runner_free(r);
	cli_targets_free(&t);
	return rc;
}
