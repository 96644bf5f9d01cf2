/* engines: the engines one command talks to (-H repeated, the config file's engine lines), the names the operator sees, and one client each. */
#ifndef CLI_ENGINES_H
#define CLI_ENGINES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "config/config.h"
#include "docker/docker.h"

struct cli_common;

/* One engine: its name, its endpoint and (once open) its client. */
struct cli_engine {
	char name[CFG_ENDPOINT_MAX + 1];     /* shown to the operator: the config file's name, else
	                                      * the -H value, else the endpoint the client took */
	char endpoint[CFG_ENDPOINT_MAX + 1]; /* "": the default (the docker CLI's: $DOCKER_HOST, a
	                                      * context, else the local socket) */
	char context[CFG_ENDPOINT_MAX + 1];  /* a --context's name ("" none): the endpoint is its */
	struct dk_client *client;            /* cli_engines_open's; NULL before */
	bool local;                          /* unix://: its containers' cgroups are on this host */
};

/* Every engine of a run, in the order named. */
struct cli_engines {
	struct cli_engine e[CFG_ENGINES_MAX];
	size_t n;
};

/* The engines cm names, without clients: each -H (a NAME without "://" is
 * the config file's engine of that name; an endpoint the config file names
 * takes its name), else each --context (named by it), else the config
 * file's engine lines, else the default engine (named once open: its
 * context's name, else its address). An engine named twice is refused. 0,
 * or -1 with e (ERR_USAGE). Call after cli_common_load. */
int cli_engines_resolve(const struct cli_common *cm, struct cli_engines *out, struct err *e);
/* cli_engines_resolve, then one client per engine (the one place a client
 * is made from an engine's endpoint): 0, or -1 with e (nothing left open).
 * Free with cli_engines_close. */
int cli_engines_open(const struct cli_common *cm, struct cli_engines *out, struct err *e);
/* Free the clients. */
void cli_engines_close(struct cli_engines *en);
/* The engine's client for a command that talks to one engine: -H once (or
 * a config file with one engine line); several are refused, saying which
 * with e. Caller frees with dk_client_free; NULL with e. */
struct dk_client *cli_engines_client(const struct cli_common *cm, struct err *e);
/* The clients of en as an array for dk_clients_run (n = en->n, caller
 * frees). */
struct dk_client **cli_engines_clients(const struct cli_engines *en);

#endif
