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
#include "cli/engines.h"
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

/* The targets, with fresh pids and networks, asked for (in_begin) and
 * taken (in_end, once the client was driven); those that cannot be had
 * become failures (messages in p->why), never silently dropped. by_id:
 * the kernel finds each container's cgroup by its id, so the list is
 * enough (no inspect round trip before a kill or a freeze). */
static void in_begin(struct dk_client *c, struct cli_targets *tg, struct pick *p, bool by_id)
{
	size_t ns = tg->n;
	p->ct = xcalloc(ns + 1, sizeof *p->ct);
	p->why = xcalloc(ns + 1, sizeof *p->why);
	if (tg->from_disk || by_id)
		return;
	p->waiting = ns;
	for (size_t i = 0; i < ns; i++) {
		struct insp *in = xcalloc(1, sizeof *in);
		in->p = p;
		in->i = i;
		dk_inspect(c, tg->sel[i]->id, on_inspect, in);
	}
}

static size_t in_end(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *tg, struct pick *p,
                     struct dk_container *out, bool by_id)
{
	size_t ns = tg->n;
	if (tg->from_disk || by_id) {
		/* the records or the list are all there is: the kernel proves each cgroup */
		for (size_t i = 0; i < ns; i++)
			out[i] = *tg->sel[i];
		return ns;
	}
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

static void json_result(bool *first, const char *engine, const char *id, const char *name, bool ok, const char *error,
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
	printf(",\"engine_name\":");
	if (engine)
		cli_json_str(stdout, engine);
	else
		printf("null");   /* a name no engine has */
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

/* The ENGINE column's width in text results (0: one engine, none). */
static int engine_cols;
#define ENGINE_COLS_MAX 48

/* engine: shown before the name when there are several engines (else NULL). */
static void text_result(const char *engine, const char *name, bool ok, const char *msg)
{
	char safe[256], eng[512] = "";
	sanitize_fit(name, 24, safe, sizeof safe);
	if (engine && engine_cols) {
		char e[256];
		sanitize_fit(engine, (size_t)engine_cols, e, sizeof e);
		snprintf(eng, sizeof eng, "%-*s ", engine_cols, e);
	}
	bool plain = ok && (!msg[0] || !strcmp(msg, "ok"));
	sanitize_fprintf(stdout, "%s%-24s %s%s%s\n", eng, safe, ok ? "ok" : "FAILED", plain ? "" : ": ", plain ? "" : msg);
}

/* One engine's part of an action command. */
struct act_eng {
	struct cli_engine *en;
	struct cli_act_opts o;       /* the command's, with this engine's name and data root */
	struct cli_targets tg;
	int st;                      /* CLI_OK, or why its targets could not be had (said) */
	bool listed;                 /* tg was picked (cli_targets_end ran) */
	struct pick p;
	struct dk_container *tgt;    /* the targets acted on */
	size_t nt;
	bool by_id;
	struct actions *a;
	struct act_run *r;
};

/* The names given, over every engine: a name one engine has is not
 * unknown because another does not; a name several engines have is
 * refused (said which) instead of acted on everywhere. */
struct names {
	const char **unknown;        /* on no engine that answered */
	size_t nunknown;
	char **ambiguous;            /* "'x' is on engines a, b: ..." */
	size_t nambiguous;
};

/* Drop the targets of ae picked by name j. */
static void drop_named(struct act_eng *ae, int j)
{
	size_t k = 0;
	for (size_t i = 0; i < ae->tg.n; i++)
		if (ae->tg.sel_name[i] != j) {
			ae->tg.sel[k] = ae->tg.sel[i];
			ae->tg.sel_name[k++] = ae->tg.sel_name[i];
		}
	ae->tg.n = k;
}

static bool unknown_on(const struct act_eng *ae, const char *name)
{
	for (size_t i = 0; i < ae->tg.nunknown; i++)
		if (ae->tg.unknown[i] == name)
			return true;
	return false;
}

static void names_settle(const struct cli_act_opts *o, struct act_eng *ae, size_t n, struct names *nm)
{
	nm->unknown = xcalloc(o->nids + 1, sizeof *nm->unknown);
	nm->ambiguous = xcalloc(o->nids + 1, sizeof *nm->ambiguous);
	for (size_t j = 0; j < o->nids; j++) {
		size_t found = 0, asked = 0;
		char list[512] = "";
		for (size_t e = 0; e < n; e++) {
			if (!ae[e].listed)
				continue;
			asked++;
			bool has = !unknown_on(&ae[e], o->ids[j]);
			if (!has)
				continue;
			for (size_t i = 0; i < ae[e].tg.n; i++)
				if (ae[e].tg.sel_name[i] == (int)j) {
					char safe[64];
					sanitize_fit(ae[e].en->name, 40, safe, sizeof safe);
					size_t l = strlen(list);
					snprintf(list + l, sizeof list - l, "%s%s", found ? ", " : "", safe);
					found++;
					break;
				}
		}
		if (asked && found == 0) {
			bool ambiguous_somewhere = false;
			for (size_t e = 0; e < n; e++)
				if (ae[e].listed && !unknown_on(&ae[e], o->ids[j]))
					ambiguous_somewhere = true;   /* said by that engine's own list */
			if (!ambiguous_somewhere)
				nm->unknown[nm->nunknown++] = o->ids[j];
		} else if (found > 1) {
			char safe[128];
			sanitize_fit(o->ids[j], 40, safe, sizeof safe);
			nm->ambiguous[nm->nambiguous++] = xasprintf("'%s' is a container on engines %s: say which with -H", safe,
				list);
			for (size_t e = 0; e < n; e++)
				if (ae[e].listed)
					drop_named(&ae[e], (int)j);
		}
	}
}

/* Every engine's run, in one poll loop, until each is quiet or the
 * command's time is up. */
static void drive_runs(struct act_eng *ae, size_t n)
{
	struct dk_client **cs = xcalloc(n, sizeof *cs);
	size_t *counts = xcalloc(n, sizeof *counts);
	struct pollfd *fds = NULL;
	size_t cap = 0;
	for (size_t e = 0; e < n; e++)
		cs[e] = ae[e].en->client;
	int64_t deadline = clock_mono_ms() + CLI_ACT_TIMEOUT_MS;
	for (;;) {
		bool busy = false;
		int timeout = 1000;
		int64_t now = clock_mono_ms();
		for (size_t e = 0; e < n; e++) {
			if (!ae[e].r || act_run_quiet(ae[e].r))
				continue;
			busy = true;
			int t = act_tick(ae[e].a, now);
			if (t >= 0 && t < timeout)
				timeout = t;
		}
		if (!busy || now >= deadline)
			break;
		size_t nf = dk_clients_pollfds(cs, n, &fds, &cap, 0, counts, &timeout);
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		if (poll(fds, nf, timeout) < 0) {
			if (errno != EINTR)
				break;
			for (size_t i = 0; i < nf; i++)
				fds[i].revents = 0;
		}
		dk_clients_dispatch(cs, n, fds, 0, counts);
	}
	free(fds);
	free(counts);
	free(cs);
}

/* The engines' part of the JSON report. */
static void json_engines(const struct act_eng *ae, size_t n)
{
	printf(",\"engines\":[");
	for (size_t e = 0; e < n; e++) {
		printf("%s{\"name\":", e ? "," : "");
		cli_json_str(stdout, ae[e].en->name);
		printf(",\"endpoint\":");
		cli_json_str(stdout, dk_client_endpoint(ae[e].en->client));
		printf(",\"local\":%s,\"answered\":%s,\"kernel_path\":%s,\"status\":%d}", ae[e].en->local ? "true" : "false",
			ae[e].listed && !ae[e].tg.from_disk ? "true" : "false",
			ae[e].r && act_run_kernel(ae[e].r) ? "true" : "false", ae[e].st);
	}
	printf("]");
}

/* Print every result; returns the exit status they make. */
static int report(const struct cli_act_opts *o, enum act_kind k, struct act_eng *ae, size_t n, const struct names *nm)
{
	bool first = true, kernel = false, answered = true;
	for (size_t e = 0; e < n; e++) {
		kernel |= ae[e].r && act_run_kernel(ae[e].r);
		answered &= ae[e].listed && !ae[e].tg.from_disk;
	}
	if (o->json) {
		printf("{\"action\":");
		cli_json_str(stdout, act_name(k));
		printf(",\"kernel_path\":%s,\"engine_answered\":%s", kernel ? "true" : "false", answered ? "true" : "false");
		json_engines(ae, n);
		printf(",\"results\":[");
	}
	int status = CLI_OK;
	size_t picked = 0;
	engine_cols = 0;
	for (size_t e = 0; n > 1 && e < n; e++) {
		int w = (int)strlen(ae[e].en->name);
		engine_cols = w > engine_cols ? w : engine_cols;
	}
	engine_cols = engine_cols > ENGINE_COLS_MAX ? ENGINE_COLS_MAX : engine_cols;
	for (size_t i = 0; i < nm->nunknown; i++)
		o->json ? json_result(&first, NULL, NULL, nm->unknown[i], false, "no such container", NULL)
		        : text_result(n > 1 ? "-" : NULL, nm->unknown[i], false, "no such container");
	for (size_t i = 0; i < nm->nambiguous; i++)
		o->json ? json_result(&first, NULL, NULL, "", false, nm->ambiguous[i], NULL)
		        : text_result(n > 1 ? "-" : NULL, "?", false, nm->ambiguous[i]);
	if (nm->nunknown || nm->nambiguous)
		status = CLI_FAIL;
	const char *journal_err = NULL;
	for (size_t e = 0; e < n; e++) {
		struct act_eng *a = &ae[e];
		const char *en = n > 1 ? a->en->name : NULL;
		if (a->st != CLI_OK)
			status = a->st > status ? a->st : status;
		if (!a->listed)
			continue;
		for (size_t i = 0; i < a->tg.nambiguous; i++)
			o->json ? json_result(&first, a->en->name, NULL, "", false, a->tg.ambiguous[i], NULL)
			        : text_result(en, "?", false, a->tg.ambiguous[i]);
		for (size_t i = 0; i < a->tg.n; i++)
			if (a->p.why[i][0])
				o->json ? json_result(&first, a->en->name, a->tg.sel[i]->id, a->tg.sel[i]->name, false, a->p.why[i], NULL)
				        : text_result(en, a->tg.sel[i]->name, false, a->p.why[i]);
		size_t nres = 0;
		const struct act_result *res = a->r ? act_run_results(a->r, &nres) : NULL;
		for (size_t i = 0; i < nres; i++) {
			bool ok = res[i].state == ACT_OK;
			const char *msg = res[i].state == ACT_PENDING ? "no answer in time" : res[i].msg;
			o->json ? json_result(&first, a->en->name, res[i].id, res[i].name, ok, msg, &res[i])
			        : text_result(en, res[i].name, ok, msg);
		}
		size_t ok = 0, failed = 0, pending = 0;
		if (a->r)
			act_run_counts(a->r, &ok, &failed, &pending);
		if (a->tg.nambiguous || a->tg.n - a->nt || failed || pending)
			status = status > CLI_FAIL ? status : CLI_FAIL;
		picked += a->tg.n + a->tg.nambiguous;
		if (!journal_err && a->r && act_run_journal_error(a->r)[0])
			journal_err = act_run_journal_error(a->r);
	}
	if (o->json) {
		printf("]");
		cli_json_journal_error(stdout, journal_err);
		printf("}\n");
	}
	if (!picked && !nm->nunknown && !nm->nambiguous) {
		sanitize_fprintf(stderr, "sandtop: %s: no sandbox matches\n", o->action);
		status = status > CLI_FAIL ? status : CLI_FAIL;
	}
	return status;
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
	struct cli_engines *en = xcalloc(1, sizeof *en);
	if (cli_engines_open(o->common, en, &e) < 0) {
		free(en);
		return sanitize_fprintf(stderr, "sandtop: %s\n", e.msg), CLI_USAGE;
	}
	size_t n = en->n;
	struct act_eng *ae = xcalloc(n, sizeof *ae);
	struct dk_client **cs = cli_engines_clients(en);
	int64_t *dl = xcalloc(n, sizeof *dl);
	bool *late = xcalloc(n, sizeof *late);
	/* every engine's list at once, each with its own wait */
	for (size_t i = 0; i < n; i++) {
		ae[i].en = &en->e[i];
		ae[i].o = *o;
		ae[i].o.engine = n > 1 ? en->e[i].name : NULL;
		if (n > 1)
			ae[i].o.data_root = NULL;   /* each engine's own, found from its dockerd */
		cli_targets_begin(cs[i], &ae[i].tg);
		dl[i] = clock_mono_ms() + cli_targets_wait(o);
	}
	dk_clients_run(cs, n, dl, late);
	for (size_t i = 0; i < n; i++) {
		ae[i].st = cli_targets_end(cs[i], &ae[i].o, &ae[i].tg, late[i]);
		ae[i].listed = ae[i].st == CLI_OK;
	}
	if (n == 1 && ae[0].st != CLI_OK) {
		int st = ae[0].st;   /* one engine: said, nothing to report (as always) */
		cli_targets_free(&ae[0].tg);
		free(late), free(dl), free(cs), free(ae);
		cli_engines_close(en);
		free(en);
		return st;
	}
	struct names nm = {0};
	if (n > 1)
		names_settle(o, ae, n, &nm);
	else {
		nm.unknown = xcalloc(ae[0].tg.nunknown + 1, sizeof *nm.unknown);
		for (size_t i = 0; i < ae[0].tg.nunknown; i++)
			nm.unknown[nm.nunknown++] = ae[0].tg.unknown[i];
	}
	enum act_kind k = (enum act_kind)kind;
	bool sigkill = !o->signal || !strcmp(sig, "SIGKILL");
	if ((o->all || o->label) && k == ACT_KILL && sigkill)
		k = ACT_KILL_ALL;   /* the kill switch (every one, or a labelled set) */
	/* the targets of every engine (inspected afresh where it is needed), at once */
	for (size_t i = 0; i < n; i++) {
		struct act_eng *a = &ae[i];
		if (!a->listed)
			continue;
		a->a = actions_new(cs[i], o->journal_path, a->en->local);
		/* a kill or a freeze through the kernel needs only the ids */
		a->by_id = act_kernel(a->a) && ((k == ACT_KILL && sigkill) || k == ACT_KILL_ALL || k == ACT_PAUSE);
		in_begin(cs[i], &a->tg, &a->p, a->by_id);
		dl[i] = clock_mono_ms() + (o->engine_wait_ms > 0 ? o->engine_wait_ms : 30000);
	}
	/* only the engines with inspects out (a late list may still be in flight elsewhere) */
	struct dk_client **ins = xcalloc(n, sizeof *ins);
	for (size_t i = 0; i < n; i++)
		ins[i] = ae[i].listed && ae[i].p.waiting ? cs[i] : NULL;
	dk_clients_run(ins, n, dl, NULL);
	free(ins);
	struct act_opts ao = {.kind = k, .signal = o->signal, .timeout_s = o->timeout_s, .reason = o->reason,
		.armed = o->armed, .engine_wait_ms = o->engine_wait_ms};
	for (size_t i = 0; i < n; i++) {
		struct act_eng *a = &ae[i];
		if (!a->listed)
			continue;
		a->tgt = xcalloc(a->tg.n + 1, sizeof *a->tgt);
		a->nt = in_end(cs[i], &a->o, &a->tg, &a->p, a->tgt, a->by_id);
		if (a->tg.from_disk && !act_kernel(a->a))
			sanitize_fprintf(stderr, "sandtop: %s%sand the kernel path is not there (%s): nothing can be done without "
				"the engine\n", a->o.engine ? a->o.engine : "", a->o.engine ? ": " : "", act_kernel_problem(a->a));
	}
	/* every engine at once: the local ones' kernel part in one pass */
	struct actions **as = xcalloc(n, sizeof *as);
	const struct dk_container **tgts = xcalloc(n, sizeof *tgts);
	size_t *nts = xcalloc(n, sizeof *nts);
	struct act_run **runs = xcalloc(n, sizeof *runs);
	for (size_t i = 0; i < n; i++) {
		as[i] = ae[i].listed ? ae[i].a : NULL;
		tgts[i] = ae[i].tgt;
		nts[i] = ae[i].listed ? ae[i].nt : 0;
	}
	act_start_many(as, n, &ao, tgts, nts, runs);
	for (size_t i = 0; i < n; i++)
		ae[i].r = runs[i];
	free(runs);
	free(nts);
	free(tgts);
	free(as);
	drive_runs(ae, n);
	int status = report(o, k, ae, n, &nm);
	for (size_t i = 0; i < n; i++) {
		struct act_eng *a = &ae[i];
		act_run_free(a->r);
		actions_free(a->a);
		for (size_t j = 0; a->p.ct && j < a->tg.n; j++)
			dk_container_clear(&a->p.ct[j]);
		free(a->p.ct);
		free(a->p.why);
		free(a->tgt);
		cli_targets_free(&a->tg);
	}
	for (size_t i = 0; i < nm.nambiguous; i++)
		free(nm.ambiguous[i]);
	free(nm.ambiguous);
	free(nm.unknown);
	free(late);
	free(dl);
	free(cs);
	free(ae);
	cli_engines_close(en);
	free(en);
	return status;
}

#define ACT_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_JOURNAL | CLI_G_WAIT | CLI_G_RECORDS)

static void usage(FILE *fp, const char *name)
{
	char safe[64];
	sanitize_fit(name, 20, safe, sizeof safe);
	fprintf(fp, "usage: sandtop %s [ID... | --all | --label K[=V]] [--signal S] [-t SECS] [--reason TEXT]\n"
	        "               [--json] [--armed] [--journal FILE] [--engine-timeout SECS] [--data-root DIR]\n"
	        "               [-H HOST]... [-c FILE | --no-config]\n", safe);
	fputs("\n"
	      "The actions: kill, stop, pause (or freeze), unpause (or thaw), restart, remove,\n"
	      "quarantine. Act on the named sandboxes, every live one (--all) or those with a\n"
	      "label; on a local engine (as root) the kernel acts first through the sandboxes'\n"
	      "cgroups: pause = freeze, kill = freeze, SIGKILL every task, thaw; then the\n"
	      "engine is told. One line (or --json) per sandbox: what the kernel did, what the\n"
	      "engine said. Every action is written to the operator journal before and after.\n"
	      "-H or --context repeats (or the config file's engine lines name several): every\n"
	      "engine is asked at once, each with its own wait, the kernel acting on the local\n"
	      "ones even when their engine does not answer; each result names its engine.\n"
	      "\n"
	      "  ID...             names, full ids, or id prefixes (4 characters or more) that\n"
	      "                    only one container has\n"
	      "  -a, --all         every running or paused sandbox (kill --all: the kill switch)\n"
	      "      --label K[=V] the sandboxes carrying this label\n"
	      "      --signal S    kill: the signal (default SIGKILL)\n"
	      "  -t, --timeout SECS stop, restart: seconds before the engine kills (default 10)\n"
	      "      --reason TEXT why, for the journal\n"
	      "      --json        one JSON object: the action, the engines, and per sandbox\n"
	      "                    its result (its engine in engine_name)\n"
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
