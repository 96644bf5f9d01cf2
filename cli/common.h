/* common: the options every command shares (the engine, the config file, the journal, the engine's wait and records, the desktops' trust), parsed in one place. */
#ifndef CLI_COMMON_H
#define CLI_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"
#include "config/config.h"
#include "docker/docker.h"
#include "docker/endpoint.h"

/* The groups of shared options a command takes (a bit set). A new
 * connection option (a second -H, --context, --tls...) goes into the
 * CLI_G_ENGINE group in common.c and reaches every command that talks to
 * an engine. */
enum cli_group {
	CLI_G_ENGINE = 1u << 0,   /* -H/--host: the engine's address, --context, --tls... */
	CLI_G_CONFIG = 1u << 1,   /* -c/--config FILE, --no-config: the config file is read */
	CLI_G_JOURNAL = 1u << 2,  /* --journal FILE (--audit-log, its old name) */
	CLI_G_WAIT = 1u << 3,     /* --engine-timeout SECS */
	CLI_G_RECORDS = 1u << 4,  /* --data-root DIR: the engine's records on disk */
	CLI_G_DESK = 1u << 5,     /* --vnc-socket-dir DIR, --vnc-password-dir DIR */
	CLI_G_STATS = 1u << 6,    /* -d/--delay SECS, --stats-source cgroup|api|auto */
};

/* What cli_common_next returns besides a command's own options: the
 * option was given with a value it does not take (already said why). */
#define CLI_OPT_INVALID 0x7ffe

#define CLI_OWN_OPTS_MAX 32

/* The shared options of one run, and (after cli_common_load) the
 * effective settings. Plain data: nothing to free. */
struct cli_common {
	const char *host;              /* the first -H; NULL: $DOCKER_HOST, else the local socket */
	const char *hosts[CFG_ENGINES_MAX]; /* every -H, in order (several: several engines, cli/engines.h) */
	int nhosts;
	const char *context;           /* the first --context NAME (a docker CLI context) */
	const char *contexts[CFG_ENGINES_MAX]; /* every --context, in order (several: several engines) */
	int ncontexts;
	struct dk_endpoint_opts tls;   /* --tls, --tlsverify, --tlscacert, --tlscert, --tlskey
	                                * (and, after load, --context) */
	const char *config;            /* -c FILE */
	bool no_config;                /* --no-config */
	const char *journal;           /* --journal FILE, as given */
	int engine_wait_ms;            /* --engine-timeout; 0: the config's (after load) */
	bool engine_wait_set;          /* --engine-timeout was given */
	const char *data_root;         /* --data-root */
	const char *vnc_socket_dir;    /* --vnc-socket-dir; NULL: $SANDTOP_VNC_SOCKET_DIR */
	const char *vnc_password_dir;  /* --vnc-password-dir; NULL: $SANDTOP_VNC_PASSWORD_DIR */
	int interval_ms;               /* -d; 0: the config's refresh (after load) */
	enum st_source source;         /* --stats-source (after load: the config's when not given) */
	bool source_set;
	struct cfg cfg;                /* the config file's settings (defaults without CLI_G_CONFIG),
	                                * with the shared options over them */
	/* the parser's own */
	unsigned groups;
	struct option longs[CLI_OWN_OPTS_MAX + 16];
	char shorts[96];
};

/* Start parsing a command's arguments (argv[0] is the command's name):
 * cm zeroed, its own options (own: a getopt_long table ending with a zero
 * entry, at most CLI_OWN_OPTS_MAX; shorts: getopt's short options) merged
 * with the shared ones of groups, -h/--help included, getopt reset. */
void cli_common_begin(struct cli_common *cm, unsigned groups, const char *shorts, const struct option *own);
/* The next option that is the command's own (getopt_long's value, optarg
 * set), taking the shared ones into cm on the way: 'h' for -h/--help, '?'
 * for an option getopt refused (it said why), CLI_OPT_INVALID for a
 * shared option's bad value (said on stderr), -1 at the end (the operands
 * from optind on). */
int cli_common_next(struct cli_common *cm, int argc, char **argv);
/* Read the config file (with CLI_G_CONFIG: -c FILE, else the default one
 * when it exists; none with --no-config) into cm->cfg and lay the shared
 * options over it; without CLI_G_CONFIG cm->cfg holds the defaults. 0, or
 * -1 after the errors went to stderr (a file not understood whole is not
 * used). */
int cli_common_load(struct cli_common *cm);
/* path (an option) into dst, made absolute against the working directory,
 * as the config file's paths are against its own directory. */
void cli_common_set_path(char *dst, size_t n, const char *path);

/* The engine client the shared options name (docker/docker.h) for a
 * command that talks to one engine; NULL with e (also when they name
 * several: cli/engines.h has those). Free with dk_client_free. */
struct dk_client *cli_common_client(const struct cli_common *cm, struct err *e);
/* The journal's file: --journal as given, else the config's journal, else
 * $XDG_STATE_HOME/sandtop/audit.log. Caller frees; NULL without a home
 * directory. */
char *cli_common_journal(const struct cli_common *cm);
/* What desktop labels may reach (desktop/desk.h): the options, else the
 * environment; the password directory defaults to
 * $XDG_CONFIG_HOME/sandtop/vnc. 0, or -1 after saying why on stderr. */
int cli_common_desk_trust(const struct cli_common *cm);
/* A command without a screen: stderr carries only the one-line reasons
 * (log level error), a desktop worker or a reader that went away is an
 * error and not death (SIGPIPE ignored), and the descriptor limit is
 * lifted towards the hard one (the stats reader keeps 8 files open per
 * sandbox). */
void cli_common_batch(void);
/* The help lines of the shared options in groups, for a command's usage. */
void cli_common_usage(FILE *fp, unsigned groups);

#endif
