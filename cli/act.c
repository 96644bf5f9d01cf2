/* act: `sandtop kill|stop|pause|unpause|quarantine ...`, the controls for scripts and alert hooks: their options, the kernel first on a local engine, per-sandbox results (what the kernel did, what the engine said) and exit codes. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "control/actions.h"
#include "docker/docker.h"
#include "docker/ondisk.h"

#define CLI_ACT_TIMEOUT_MS 120000

/* One target of the command: inspected afresh (pid, networks, state), or
 * why it could not be. */
struct pick {
	struct dk_container *ct;   /* one per target, by index */
	char (*why)[ERR_MSG_MAX];  /* "" when inspected */
	size_t waiting;
};

struct insp {
	struct pick *p;
	size_t i;
};

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	struct insp *in = ud;
	struct pick *p = in->p;
	if (rc == 0) {
		p->ct[in->i] = *ct;
		free(ct);
	} else {
		snprintf(p->why[in->i], sizeof p->why[0], "%s", e->code == ERR_NOTFOUND ? "no such container (removed since the list)" : e->msg);
	}
	p->waiting--;
	free(in);
}

/* A target the engine did not describe in time: its record on disk gives
 * the pid the kernel needs (the kernel proves it again). The records are
 * read once, into disk. */
static bool from_record(const struct cli_act_opts *o, struct dk_client *c, const char *id, struct dk_container *out,
                        struct dk_container_list *disk, bool *read)
{
	struct err e;
	if (!*read) {
		*read = true;
		char *root = o->data_root ? xstrdup(o->data_root) : dk_data_root_find("/proc", dk_client_endpoint(c), &e);
		if (!root || dk_ondisk_list(root, disk, NULL, &e) < 0)
			sanitize_fprintf(stderr, "sandtop: the engine's records cannot be read either: %s\n", e.msg);
		free(root);
	}
	for (size_t i = 0; i < disk->n; i++)
		if (!strcmp(disk->items[i].id, id)) {
			*out = disk->items[i];
			memset(&disk->items[i], 0, sizeof disk->items[i]);
			return true;
		}
	return false;
}

/* The targets, with fresh pids and networks; those that cannot be had
 * become failures (messages in p->why), never silently dropped. by_id:
 * the kernel finds each container's cgroup by its id, so the list is
 * enough (no inspect round trip before a kill or a freeze). */
static size_t inspect_all(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *tg, struct pick *p,
                          struct dk_container *out, bool by_id)
{
	size_t ns = tg->n;
	p->ct = xcalloc(ns + 1, sizeof *p->ct);
	p->why = xcalloc(ns + 1, sizeof *p->why);
	if (tg->from_disk || by_id) {
		/* the records or the list are all there is: the kernel proves each cgroup */
		for (size_t i = 0; i < ns; i++)
			out[i] = *tg->sel[i];
		return ns;
	}
	p->waiting = ns;
	for (size_t i = 0; i < ns; i++) {
		struct insp *in = xcalloc(1, sizeof *in);
		in->p = p;
		in->i = i;
		dk_inspect(c, tg->sel[i]->id, on_inspect, in);
	}
	dk_client_run(c, o->engine_wait_ms > 0 ? o->engine_wait_ms : 30000);
	size_t nt = 0;
	struct dk_container_list disk = {0};
	bool read = false;
	for (size_t i = 0; i < ns; i++) {
		if (p->ct[i].id[0]) {
			out[nt++] = p->ct[i];
		} else if (!p->why[i][0] && from_record(o, c, tg->sel[i]->id, &p->ct[i], &disk, &read)) {
			out[nt++] = p->ct[i];   /* no answer in time: its record */
		} else if (!p->why[i][0]) {
			snprintf(p->why[i], sizeof p->why[0], "no answer from the engine within %d ms, and no record of it on "
				"disk", o->engine_wait_ms);
		}
	}
	dk_container_list_free(&disk);
	return nt;
}

static void json_result(bool *first, const char *id, const char *name, bool ok, const char *error,
                        const struct act_result *r)
{
	printf("%s{\"id\":", *first ? "" : ",");
	*first = false;
	if (id)
		cli_json_str(stdout, id);
	else
		printf("null");
	printf(",\"name\":");
	cli_json_str(stdout, name);
	printf(",\"ok\":%s,\"error\":", ok ? "true" : "false");
	if (ok)
		printf("null");
	else
		cli_json_str(stdout, error);
	static const char *const eng[] = {
		[ACT_ENG_NONE] = "not asked", [ACT_ENG_WAITING] = "no answer", [ACT_ENG_SILENT] = "no answer",
		[ACT_ENG_OK] = "ok", [ACT_ENG_FAILED] = "failed",
	};
	printf(",\"kernel\":");
	if (r && r->kernel[0])
		cli_json_str(stdout, r->kernel);
	else
		printf("null");
	printf(",\"engine\":");
	cli_json_str(stdout, r ? eng[r->engine] : "not asked");
	printf(",\"engine_said\":");
	if (r && r->engine_msg[0])
		cli_json_str(stdout, r->engine_msg);
	else
		printf("null");
	printf(",\"ms\":%lld}", r ? (long long)r->ms : 0LL);
}

static void text_result(const char *name, bool ok, const char *msg)
{
	char safe[256];
	sanitize_fit(name, 24, safe, sizeof safe);
	bool plain = ok && (!msg[0] || !strcmp(msg, "ok"));
	sanitize_fprintf(stdout, "%-24s %s%s%s\n", safe, ok ? "ok" : "FAILED", plain ? "" : ": ", plain ? "" : msg);
}

int cli_act(const struct cli_act_opts *o)
{
	struct err e = {0};
	int kind = act_from_name(o->action);
	if (kind < 0)
		return sanitize_fprintf(stderr, "sandtop: unknown action '%s'\n", o->action), CLI_USAGE;
	if (!o->nids && !o->all && !o->label)
		return sanitize_fprintf(stderr, "sandtop: %s: name the sandboxes (IDs, --all or --label K=V)\n", o->action), CLI_USAGE;
	char sig[24] = "";
	if (o->signal && dk_signal_canon(o->signal, sig, sizeof sig) < 0)
		return sanitize_fprintf(stderr, "sandtop: unknown signal '%s' (SIGKILL, SIGTERM, TERM, 15, ...)\n", o->signal), CLI_USAGE;
	struct dk_client *c = cli_common_client(o->common, &e);
	if (!c)
		return sanitize_fprintf(stderr, "sandtop: %s\n", e.msg), CLI_USAGE;
	struct cli_targets tg0;
	int st = cli_targets_pick(c, o, &tg0);
	if (st != CLI_OK) {
		cli_targets_free(&tg0);
		dk_client_free(c);
		return st;
	}
	enum act_kind k = (enum act_kind)kind;
	bool sigkill = !o->signal || !strcmp(sig, "SIGKILL");
	if ((o->all || o->label) && k == ACT_KILL && sigkill)
		k = ACT_KILL_ALL;   /* the kill switch (every one, or a labelled set) */
	struct actions *a = actions_new(c, o->journal_path, !strncmp(dk_client_endpoint(c), "unix://", 7));
	/* a kill or a freeze through the kernel needs only the ids */
	bool by_id = act_kernel(a) && ((k == ACT_KILL && sigkill) || k == ACT_KILL_ALL || k == ACT_PAUSE);
	struct pick p = {0};
	struct dk_container *tg = xcalloc(tg0.n + 1, sizeof *tg);
	size_t nt = inspect_all(c, o, &tg0, &p, tg, by_id);
	if (tg0.from_disk && !act_kernel(a))
		sanitize_fprintf(stderr, "sandtop: and the kernel path is not there (%s): nothing can be done without the engine\n",
			act_kernel_problem(a));
	struct act_opts ao = {.kind = k, .signal = o->signal, .timeout_s = o->timeout_s, .reason = o->reason,
		.armed = o->armed, .engine_wait_ms = o->engine_wait_ms};
	struct act_run *r = nt ? act_start(a, &ao, tg, nt, &e) : NULL;
	int status = CLI_OK;
	if (nt && !r) {
		sanitize_fprintf(stderr, "sandtop: %s: %s\n", o->action, e.msg);
		status = CLI_FAIL;
	}
	int64_t deadline = clock_mono_ms() + CLI_ACT_TIMEOUT_MS;
	size_t fcap = 0;
	struct pollfd *fds = NULL;
	while (r && !act_run_quiet(r) && clock_mono_ms() < deadline) {
		int timeout = act_tick(a, clock_mono_ms());
		size_t want = dk_client_pollfds_max(c);
		if (want > fcap) {
			fcap = want;
			fds = xrealloc(fds, fcap * sizeof *fds);
		}
		size_t n = dk_client_pollfds(c, fds, fcap, &timeout);
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		if (poll(fds, n, timeout) < 0 && errno != EINTR)
			break;
		dk_client_dispatch(c, fds, n);
	}
	free(fds);

	/* report: the names that could not be acted on first, then every target */
	size_t nres = 0;
	const struct act_result *res = r ? act_run_results(r, &nres) : NULL;
	bool first = true;
	if (o->json) {
		printf("{\"action\":");
		cli_json_str(stdout, act_name(k));
		printf(",\"kernel_path\":%s,\"engine_answered\":%s,\"results\":[", r && act_run_kernel(r) ? "true" : "false",
			tg0.from_disk ? "false" : "true");
	}
	for (size_t i = 0; i < tg0.nunknown; i++)
		o->json ? json_result(&first, NULL, tg0.unknown[i], false, "no such container", NULL)
		        : text_result(tg0.unknown[i], false, "no such container");
	for (size_t i = 0; i < tg0.nambiguous; i++)
		o->json ? json_result(&first, NULL, "", false, tg0.ambiguous[i], NULL) : text_result("?", false, tg0.ambiguous[i]);
	for (size_t i = 0; i < tg0.n; i++)
		if (p.why[i][0])
			o->json ? json_result(&first, tg0.sel[i]->id, tg0.sel[i]->name, false, p.why[i], NULL)
			        : text_result(tg0.sel[i]->name, false, p.why[i]);
	for (size_t i = 0; i < nres; i++) {
		bool ok = res[i].state == ACT_OK;
		const char *msg = res[i].state == ACT_PENDING ? "no answer in time" : res[i].msg;
		o->json ? json_result(&first, res[i].id, res[i].name, ok, msg, &res[i]) : text_result(res[i].name, ok, msg);
	}
	if (o->json) {
		printf("],\"audit_log_error\":");
		if (r && act_run_audit_error(r)[0])
			cli_json_str(stdout, act_run_audit_error(r));
		else
			printf("null");
		printf("}\n");
	}
	size_t ok = 0, failed = 0, pending = 0, dropped = tg0.n - nt;
	if (r)
		act_run_counts(r, &ok, &failed, &pending);
	if (tg0.nunknown || tg0.nambiguous || dropped || failed || pending)
		status = CLI_FAIL;
	if (!tg0.n && !tg0.nunknown && !tg0.nambiguous) {
		sanitize_fprintf(stderr, "sandtop: %s: no sandbox matches\n", o->action);
		status = CLI_FAIL;
	}
	act_run_free(r);
	actions_free(a);
	for (size_t i = 0; i < tg0.n; i++)
		dk_container_clear(&p.ct[i]);
	free(p.ct);
	free(p.why);
	free(tg);
	cli_targets_free(&tg0);
	dk_client_free(c);
	return status;
}

#define ACT_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_JOURNAL | CLI_G_WAIT | CLI_G_RECORDS)

static void usage(FILE *fp, const char *name)
{
	char safe[64];
	sanitize_fit(name, 20, safe, sizeof safe);
	fprintf(fp, "usage: sandtop %s [ID... | --all | --label K[=V]] [--signal S] [-t SECS] [--reason TEXT]\n"
	        "               [--json] [--armed] [--journal FILE] [--engine-timeout SECS] [--data-root DIR]\n"
	        "               [-H HOST] [-c FILE | --no-config]\n", safe);
	fputs("\n"
	      "The actions: kill, stop, pause (or freeze), unpause (or thaw), restart, remove,\n"
	      "quarantine. Act on the named sandboxes, every live one (--all) or those with a\n"
	      "label; on a local engine (as root) the kernel acts first through the sandboxes'\n"
	      "cgroups: pause = freeze, kill = freeze, SIGKILL every task, thaw; then the\n"
	      "engine is told. One line (or --json) per sandbox: what the kernel did, what the\n"
	      "engine said. Every action is written to the operator journal before and after.\n"
	      "\n"
	      "  ID...             names, full ids, or id prefixes (4 characters or more) that\n"
	      "                    only one container has\n"
	      "  -a, --all         every running or paused sandbox (kill --all: the kill switch)\n"
	      "      --label K[=V] the sandboxes carrying this label\n"
	      "      --signal S    kill: the signal (default SIGKILL)\n"
	      "  -t, --timeout SECS stop, restart: seconds before the engine kills (default 10)\n"
	      "      --reason TEXT why, for the journal\n"
	      "      --json        one JSON object: the action, and per sandbox its result\n"
	      "      --armed       act even when the journal cannot be written (said loudly;\n"
	      "                    containment never waits for the journal)\n",
	      fp);
	cli_common_usage(fp, ACT_GROUPS);
	fputs("\nexit status: 0 every sandbox done, 1 any failed (or unknown, or ambiguous),\n"
	      "2 usage, 3 the engine cannot be reached and its records cannot be read\n",
	      fp);
}

int cli_act_main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_SIGNAL, OPT_LABEL, OPT_REASON, OPT_ARMED };
	static const struct option own[] = {
		{"all", no_argument, NULL, 'a'},
		{"label", required_argument, NULL, OPT_LABEL},
		{"signal", required_argument, NULL, OPT_SIGNAL},
		{"timeout", required_argument, NULL, 't'},
		{"reason", required_argument, NULL, OPT_REASON},
		{"json", no_argument, NULL, OPT_JSON},
		{"armed", no_argument, NULL, OPT_ARMED},
		{0, 0, 0, 0},
	};
	struct cli_common cm;
	struct cli_act_opts o = {.common = &cm, .action = argv[0], .timeout_s = -1};
	cli_common_begin(&cm, ACT_GROUPS, "at:", own);
	int ch;
	while ((ch = cli_common_next(&cm, argc, argv)) != -1) {
		char *end;
		long t;
		switch (ch) {
		case 'a': o.all = true; break;
		case OPT_LABEL: o.label = optarg; break;
		case OPT_SIGNAL: o.signal = optarg; break;
		case OPT_REASON: o.reason = optarg; break;
		case OPT_JSON: o.json = true; break;
		case OPT_ARMED: o.armed = true; break;
		case 't':
			t = strtol(optarg, &end, 10);
			if (end == optarg || *end || t < 0 || t > 3600) {
				sanitize_fprintf(stderr, "sandtop: -t takes seconds between 0 and 3600, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			o.timeout_s = (int)t;
			break;
		case 'h': usage(stdout, argv[0]); exit(CLI_OK);
		case CLI_OPT_INVALID: return CLI_USAGE;
		default: usage(stderr, argv[0]); return CLI_USAGE;
		}
	}
	o.ids = (const char *const *)argv + optind;
	o.nids = (size_t)(argc - optind);
	if (cli_common_load(&cm) < 0)
		return CLI_USAGE;
	cli_common_batch();
	char *journal = cli_common_journal(&cm);
	o.journal_path = journal;
	o.data_root = cm.data_root;
	o.selector = cm.cfg.label;
	o.engine_wait_ms = cm.engine_wait_ms;
	int rc = cli_act(&o);
	free(journal);
	return rc;
}
