/* act: `sandtop kill|stop|pause|unpause|quarantine ...`, the controls for scripts and alert hooks, with per-sandbox results and exit codes. */
#include "cli/cli.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "control/actions.h"
#include "docker/docker.h"

#define CLI_ACT_TIMEOUT_MS 120000

struct pick {
	struct dk_container *inspected;  /* one per target, by index */
	size_t waiting;
	bool *missing;
};

struct insp {
	struct pick *p;
	size_t i;
};

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	struct insp *in = ud;
	struct pick *p = in->p;
	(void)e;
	if (rc == 0) {
		p->inspected[in->i] = *ct;
		free(ct);
	} else {
		p->missing[in->i] = true;  /* vanished since the list */
	}
	p->waiting--;
	free(in);
}

int cli_act(const struct cli_act_opts *o)
{
	struct err e = {0};
	int kind = act_from_name(o->action);
	if (kind < 0)
		return fprintf(stderr, "sandtop: unknown action '%s'\n", o->action), CLI_USAGE;
	if (!o->nids && !o->all && !o->label)
		return fprintf(stderr, "sandtop: %s: name the sandboxes (IDs, --all or --label K=V)\n", o->action), CLI_USAGE;
	char sig[24] = "";
	if (o->signal && dk_signal_canon(o->signal, sig, sizeof sig) < 0)
		return fprintf(stderr, "sandtop: unknown signal '%s' (SIGKILL, SIGTERM, TERM, 15, ...)\n", o->signal), CLI_USAGE;
	struct dk_client *c = dk_client_new(o->host, &e);
	if (!c)
		return fprintf(stderr, "sandtop: %s\n", e.msg), CLI_USAGE;
	struct cli_targets tg0;
	int st = cli_targets_pick(c, o, &tg0);
	if (st != CLI_OK) {
		cli_targets_free(&tg0);
		dk_client_free(c);
		return st;
	}
	const struct dk_container **sel = tg0.sel;
	const char **unknown = tg0.unknown;
	size_t ns = tg0.n, nu = tg0.nunknown;
	/* fresh pids and networks */
	struct pick p = {0};
	p.inspected = xcalloc(ns + 1, sizeof *p.inspected);
	p.missing = xcalloc(ns + 1, sizeof *p.missing);
	p.waiting = ns;
	for (size_t i = 0; i < ns; i++) {
		struct insp *in = xcalloc(1, sizeof *in);
		in->p = &p;
		in->i = i;
		dk_inspect(c, sel[i]->id, on_inspect, in);
	}
	dk_client_run(c, 30000);
	size_t nt = 0;
	struct dk_container *tg = xcalloc(ns + 1, sizeof *tg);
	for (size_t i = 0; i < ns; i++)
		if (!p.missing[i] && p.inspected[i].id[0])
			tg[nt++] = p.inspected[i];

	enum act_kind k = (enum act_kind)kind;
	if ((o->all || o->label) && k == ACT_KILL && (!o->signal || !strcmp(sig, "SIGKILL")))
		k = ACT_KILL_ALL;   /* the kill switch (every one, or a labelled set): freeze first */
	struct actions *a = actions_new(c, o->audit_path, !strncmp(dk_client_endpoint(c), "unix://", 7));
	struct act_opts ao = {.kind = k, .signal = o->signal, .timeout_s = o->timeout_s, .reason = o->reason, .armed = o->armed};
	struct act_run *r = nt ? act_start(a, &ao, tg, nt, &e) : NULL;
	int status = CLI_OK;
	if (nt && !r) {
		fprintf(stderr, "sandtop: %s: %s%s%s\n", o->action, e.code == ACT_EAUDIT ? "refused: " : "", e.msg,
			e.code == ACT_EAUDIT ? "; arm sandtop to act anyway (--armed)" : "");
		status = CLI_FAIL;
	}
	int64_t deadline = clock_mono_ms() + CLI_ACT_TIMEOUT_MS;
	size_t fcap = 0;
	struct pollfd *fds = NULL;
	while (r && !act_run_done(r) && clock_mono_ms() < deadline) {
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

	/* report: the unknown names first, then every target */
	size_t nres = 0;
	const struct act_result *res = r ? act_run_results(r, &nres) : NULL;
	if (o->json) {
		printf("{\"action\":");
		cli_json_str(stdout, act_name(k));
		printf(",\"results\":[");
		bool first = true;
		for (size_t i = 0; i < nu; i++, first = false) {
			char safe[256];
			sanitize_text(unknown[i], strlen(unknown[i]), safe, sizeof safe);
			printf("%s{\"id\":null,\"name\":", first ? "" : ",");
			cli_json_str(stdout, safe);
			printf(",\"ok\":false,\"error\":\"no such container\",\"ms\":0}");
		}
		for (size_t i = 0; i < nres; i++, first = false) {
			char safe[256];
			sanitize_text(res[i].name, strlen(res[i].name), safe, sizeof safe);
			printf("%s{\"id\":\"%s\",\"name\":", first ? "" : ",", res[i].id);
			cli_json_str(stdout, safe);
			printf(",\"ok\":%s,\"error\":", res[i].state == ACT_OK ? "true" : "false");
			if (res[i].state == ACT_OK)
				printf("null");
			else
				cli_json_str(stdout, res[i].state == ACT_PENDING ? "no answer in time" : res[i].msg);
			printf(",\"ms\":%lld}", (long long)res[i].ms);
		}
		printf("],\"audit_log_error\":");
		if (r && act_run_audit_error(r)[0])
			cli_json_str(stdout, act_run_audit_error(r));
		else
			printf(r || !nt ? "null" : "\"refused\"");
		printf("}\n");
	} else {
		for (size_t i = 0; i < nu; i++) {
			char safe[256];
			sanitize_text(unknown[i], strlen(unknown[i]), safe, sizeof safe);
			printf("%-24s FAILED: no such container\n", safe);
		}
		for (size_t i = 0; i < nres; i++) {
			char safe[256];
			sanitize_text(res[i].name, strlen(res[i].name), safe, sizeof safe);
			if (res[i].state == ACT_OK)
				printf("%-24s ok (%lld ms)\n", safe, (long long)res[i].ms);
			else
				printf("%-24s FAILED: %s\n", safe, res[i].state == ACT_PENDING ? "no answer in time" : res[i].msg);
		}
	}
	size_t ok = 0, failed = 0, pending = 0;
	if (r)
		act_run_counts(r, &ok, &failed, &pending);
	if (nu || failed || pending)
		status = CLI_FAIL;
	if (!nt && !nu) {
		fprintf(stderr, "sandtop: %s: no sandbox matches\n", o->action);
		status = CLI_FAIL;
	}
	act_run_free(r);
	actions_free(a);
	for (size_t i = 0; i < ns; i++)
		dk_container_clear(&p.inspected[i]);
	free(p.inspected);
	free(p.missing);
	free(tg);
	cli_targets_free(&tg0);
	dk_client_free(c);
	return status;
}
