/* engines: which engines a command talks to (each -H, else the config file's engine lines, else the default one), their names, and their clients. */
#include "cli/engines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "docker/endpoint.h"

/* The config file's engine called name, or NULL. */
static const struct cfg_engine *by_name(const struct cfg *cfg, const char *name)
{
	for (int i = 0; i < cfg->nengines; i++)
		if (!strcmp(cfg->engine[i].name, name))
			return &cfg->engine[i];
	return NULL;
}

static const struct cfg_engine *by_endpoint(const struct cfg *cfg, const char *endpoint)
{
	for (int i = 0; i < cfg->nengines; i++)
		if (!strcmp(cfg->engine[i].endpoint, endpoint))
			return &cfg->engine[i];
	return NULL;
}

static void put(struct cli_engines *out, const char *name, const char *endpoint)
{
	struct cli_engine *en = &out->e[out->n++];
	memset(en, 0, sizeof *en);
	snprintf(en->name, sizeof en->name, "%s", name);
	snprintf(en->endpoint, sizeof en->endpoint, "%s", endpoint);
}

int cli_engines_resolve(const struct cli_common *cm, struct cli_engines *out, struct err *e)
{
	const struct cfg *cfg = &cm->cfg;
	out->n = 0;
	for (int i = 0; i < cm->nhosts; i++) {
		const char *h = cm->hosts[i];
		const struct cfg_engine *ce = strstr(h, "://") ? by_endpoint(cfg, h) : by_name(cfg, h);
		if (!strstr(h, "://") && !ce) {
			char safe[128];
			sanitize_fit(h, 60, safe, sizeof safe);
			return err_set(e, ERR_USAGE, "-H %s: not an endpoint (unix:///PATH, tcp://HOST:PORT) nor the name of "
				"an engine line of the config file", safe);
		}
		const char *ep = ce ? ce->endpoint : h;
		for (size_t j = 0; j < out->n; j++)
			if (!strcmp(out->e[j].endpoint, ep)) {
				char safe[128];
				sanitize_fit(ep, 80, safe, sizeof safe);
				return err_set(e, ERR_USAGE, "-H %s: that engine is named twice", safe);
			}
		put(out, ce ? ce->name : h, ep);
	}
	if (out->n == 0 && cm->ncontexts) {
		/* each --context: an engine named by it, its address and TLS its own */
		for (int i = 0; i < cm->ncontexts; i++) {
			for (int j = 0; j < i; j++)
				if (!strcmp(cm->contexts[j], cm->contexts[i])) {
					char safe[128];
					sanitize_fit(cm->contexts[i], 60, safe, sizeof safe);
					out->n = 0;
					return err_set(e, ERR_USAGE, "--context %s: that engine is named twice", safe);
				}
			put(out, cm->contexts[i], "");
			snprintf(out->e[out->n - 1].context, sizeof out->e[0].context, "%s", cm->contexts[i]);
		}
		return 0;
	}
	if (out->n == 0)
		for (int i = 0; i < cfg->nengines; i++)
			put(out, cfg->engine[i].name, cfg->engine[i].endpoint);
	if (out->n == 0)
		put(out, "", "");   /* the default: named after its endpoint once open */
	return 0;
}

/* The client of one engine: the one place an engine becomes a client,
 * resolved the docker CLI's way (docker/endpoint.h: -H's address with the
 * TLS options, a context's own address and TLS files, else the default
 * order). An engine not named yet takes the endpoint's name (a context's,
 * else its address). */
static struct dk_client *engine_client(const struct cli_common *cm, struct cli_engine *en, struct err *e)
{
	struct dk_endpoint ep;
	int rc = en->context[0] ? dk_endpoint_from_context(&ep, en->context, &cm->tls, "--context", e)
	                        : dk_endpoint_default(&ep, en->endpoint[0] ? en->endpoint : NULL, e);
	if (rc < 0)
		return NULL;
	if (!en->name[0])
		snprintf(en->name, sizeof en->name, "%s", ep.name);
	return dk_client_new_endpoint(&ep, e);
}

static void opened(struct cli_engine *en)
{
	const char *ep = dk_client_endpoint(en->client);
	if (!en->name[0])
		snprintf(en->name, sizeof en->name, "%s", ep);
	en->local = !strncmp(ep, "unix://", 7);
}

int cli_engines_open(const struct cli_common *cm, struct cli_engines *out, struct err *e)
{
	if (cli_engines_resolve(cm, out, e) < 0)
		return -1;
	for (size_t i = 0; i < out->n; i++) {
		struct err ce;
		out->e[i].client = engine_client(cm, &out->e[i], &ce);
		if (!out->e[i].client) {
			char safe[128];
			sanitize_fit(out->e[i].name[0] ? out->e[i].name : "the engine", 60, safe, sizeof safe);
			err_set(e, ce.code, "%s%s%s", out->n > 1 ? safe : "", out->n > 1 ? ": " : "", ce.msg);
			cli_engines_close(out);
			return -1;
		}
		opened(&out->e[i]);
	}
	return 0;
}

void cli_engines_close(struct cli_engines *en)
{
	for (size_t i = 0; i < en->n; i++) {
		dk_client_free(en->e[i].client);
		en->e[i].client = NULL;
	}
}

struct dk_client *cli_engines_client(const struct cli_common *cm, struct err *e)
{
	struct cli_engines *en = xcalloc(1, sizeof *en);
	struct dk_client *c = NULL;
	if (cli_engines_resolve(cm, en, e) == 0) {
		if (en->n > 1 && (cm->nhosts > 1 || cm->ncontexts > 1))
			err_set(e, ERR_USAGE, "this command talks to one engine: -H or --context once");
		else if (en->n > 1)
			err_set(e, ERR_USAGE, "the config file names %zu engines: say which with -H NAME", en->n);
		else
			c = engine_client(cm, &en->e[0], e);
	}
	free(en);
	return c;
}

struct dk_client **cli_engines_clients(const struct cli_engines *en)
{
	struct dk_client **cs = xcalloc(en->n ? en->n : 1, sizeof *cs);
	for (size_t i = 0; i < en->n; i++)
		cs[i] = en->e[i].client;
	return cs;
}
