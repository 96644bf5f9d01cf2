/* cli: the commands that run without the screen: the table of them, and what their files share. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "docker/docker.h"

struct cli_common;   /* cli/common.h: the options every command shares */

/* Exit statuses shared by every subcommand. */
enum cli_exit {
	CLI_OK = 0,
	CLI_FAIL = 1,        /* the engine answered with an error */
	CLI_USAGE = 2,
	CLI_UNREACHABLE = 3, /* the engine cannot be reached */
};

/* One command of the command line (the table is cli/commands.c). Its
 * handler parses its own options (argv[0] is the name as typed, the
 * shared ones through cli/common.h) and returns an enum cli_exit; --help
 * prints its usage on stdout and exits 0. */
struct cli_command {
	const char *name;
	const char *alias;          /* another name it answers to, or NULL */
	bool alias_old;             /* the alias is an old name, kept for this release */
	const char *args;           /* its operands, for sandtop --help ("ID...") */
	const char *summary;        /* one line for sandtop --help */
	int (*run)(int argc, char **argv);
};
extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;
/* The command called name (or answering to it), or NULL. */
const struct cli_command *cli_command_find(const char *name);
/* The list of commands for sandtop --help: a line each, with its alias. */
void cli_commands_usage(FILE *fp);

/* The handlers (each parses its own options and operands). */
int cli_ps_main(int argc, char **argv);          /* ps.c */
int cli_screenshot_main(int argc, char **argv);  /* screenshot.c */
int cli_act_main(int argc, char **argv);         /* act.c: argv[0] names the action */
int cli_snapshot_main(int argc, char **argv);    /* snapshot.c */
int cli_journal_main(int argc, char **argv);     /* journal.c */

/* `sandtop ps`: list sandboxes (every container with all) once, as a table
 * or as a JSON array on stdout; reasons go to stderr as one line. cm: the
 * engine, and which containers are sandboxes (cm->cfg.label, KEY or
 * KEY=VALUE, checked by config/). With stats, every running sandbox is
 * sampled twice cm->interval_ms apart and its resource use added. Returns
 * an enum cli_exit. */
int cli_ps(const struct cli_common *cm, bool all, bool json, bool stats);

/* `sandtop screenshot ID -o FILE`: connect to the desktop of container id
 * (name or id) as its sandtop.vnc label says and write a full-resolution
 * PNG to out. Gives up after timeout_ms. Returns an enum cli_exit (1 when
 * the sandbox has no reachable desktop, with the reason on stderr). */
int cli_screenshot(const struct cli_common *cm, const char *id, const char *out, int timeout_ms);

/* `sandtop ACTION [ID...] [--all] [--label K=V] [--signal S] [-t SECS]
 * [--reason TEXT] [--json] [--armed]`. */
struct cli_act_opts {
	const struct cli_common *common;   /* the engine (cli_common_client) */
	const char *action;        /* kill stop pause unpause quarantine restart remove */
	const char *const *ids;    /* names or id prefixes (>= 4 characters) */
	size_t nids;
	bool all;                  /* every live sandbox */
	const char *label;         /* K or K=V: sandboxes carrying it */
	const char *signal;        /* kill */
	int timeout_s;             /* stop, restart */
	const char *reason;
	bool json, armed;
	const char *journal_path;    /* NULL: no log (then only armed acts) */
	int engine_wait_ms;        /* > 0: the engine's answers are waited for this long; a list
	                            * that does not come in time is taken from the engine's
	                            * records on disk (the actions); 0: 30 s, no fallback */
	const char *data_root;     /* the engine's data root for that (NULL: found by itself) */
	const char *selector;      /* which containers are sandboxes (--all, --label): KEY or
	                            * KEY=VALUE; NULL: sandtop.sandbox */
	const char *engine;        /* the engine's name in messages, when there are several; NULL */
};
/* Run it, print one line (or JSON object) per target: what the kernel did
 * and what the engine said. Returns 0 when every target succeeded (the
 * kernel's word is enough), 1 when any failed, was unknown or ambiguous (or
 * the journal refused a release), 2 usage, 3 engine unreachable and its
 * records not readable. */
int cli_act(const struct cli_act_opts *o);

/* What an action command acts on (targets.c). */
struct cli_targets {
	struct dk_container_list list;          /* every container, as listed */
	const struct dk_container **sel;        /* into list: the targets, in order, each once */
	int *sel_name;                          /* per target: the index in o->ids of the name that
	                                         * picked it, -1 for --all or --label */
	size_t n;
	const char **unknown;                   /* names given that match nothing */
	size_t nunknown;
	char **ambiguous;                       /* "'ab12' matches 2 containers: ...", refused */
	size_t nambiguous;
	bool from_disk;                         /* the engine did not answer: its records */
	char data_root[4096];                   /* ... under this data root */
	bool listed;
	int rc;
	struct err e;
};
/* List the containers and pick o's targets: the names given (an exact name
 * or id, else an id prefix of at least 4 characters matching exactly one
 * container: several are refused with the candidates), then every sandbox
 * that is live (--all: running, paused or restarting) or carries the label.
 * With o->engine_wait_ms, a list that does not come within it (or an engine
 * that cannot be reached) is taken from the engine's own records on disk
 * (docker/ondisk.h), said on stderr. Returns CLI_OK, or an exit status with
 * the reason on stderr. Free with cli_targets_free either way. */
int cli_targets_pick(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *t);
/* The same in two halves, for several engines in one poll loop: begin
 * asks for the list (t zeroed); drive the client (dk_clients_run) for at
 * most cli_targets_wait(o) ms; end picks, late when the wait ran out
 * first. Messages name o->engine when set. */
void cli_targets_begin(struct dk_client *c, struct cli_targets *t);
int cli_targets_wait(const struct cli_act_opts *o);
int cli_targets_end(struct dk_client *c, const struct cli_act_opts *o, struct cli_targets *t, bool late);
void cli_targets_free(struct cli_targets *t);
/* s (untrusted) sanitized, as an ASCII-only JSON string. */
void cli_json_str(FILE *fp, const char *s);
/* `,"journal_error":...,"audit_log_error":...` (the old name, for a
 * release): err (untrusted) as a JSON string, null when NULL or "". */
void cli_json_journal_error(FILE *fp, const char *err);

/* `sandtop snapshot [ID...] [--all] [--label K=V] [--reason TEXT] [--json]
 * [--armed] [--output DIR] [--keep-paused]`: a forensic bundle of each
 * target (snapshot/snapshot.h) in a new directory NAME-UTCTIME under
 * output_dir (NULL: $XDG_STATE_HOME/sandtop/snapshots), journalled.
 * o->action, signal and timeout_s are not used. keep_paused: leave each
 * sandbox paused afterwards. Prints one result (or JSON object) per target
 * with its bundle, image and each step. Returns 0 when every bundle is
 * complete, 1 when any target failed, was unknown, or had a step fail (the
 * bundle then holds what could be taken), 2 usage, 3 engine unreachable. */
int cli_snapshot(const struct cli_act_opts *o, const char *output_dir, bool keep_paused);

/* `sandtop journal verify [FILE]` (`audit-log verify`, its old name):
 * check the operator journal at path (NULL: journal_default_path()) and
 * print one line per problem and a verdict on stdout (reasons it cannot be
 * read go to stderr). Returns CLI_OK when the chain is intact, CLI_FAIL
 * when it was tampered with or truncated, CLI_USAGE when the journal
 * cannot be read. */
int cli_journal_verify(const char *path);

/* `sandtop isolation [ID... | --all | --label K=V] [--json] [--fail-on SEV]
 * [-v] [-H HOST]` (`audit`, its old name; argv[0] is the name; it parses
 * the rest itself): the isolation checks (isolation/isolation.h) of the named sandboxes,
 * or of every live one, and of the host. Returns CLI_OK when nothing FAILs
 * at or above SEV (default HIGH), CLI_FAIL when something does or a target
 * is unknown or could not be evaluated, CLI_USAGE, CLI_UNREACHABLE. */
int cli_isolation_main(int argc, char **argv);

/* `sandtop launch [--profile FILE] [-H HOST] [--json] [--journal FILE] [--log FILE] NAME`
 * (argv[0] is "launch"; it parses the rest itself): create and start one
 * hardened sandbox (control/profile.h) and print its id, or {"id","name"}
 * with --json. Returns CLI_OK started, CLI_FAIL refused (the engine's
 * message, sanitized, on stderr; or a network that is not internal),
 * CLI_USAGE usage or profile errors (FILE:LINE: message), CLI_UNREACHABLE. */
int cli_launch_main(int argc, char **argv);

/* `sandtop watch [--ttl-policy flag|pause|stop|kill] [--label K=V] [-a]
 * [-H HOST] [--journal FILE] [--log FILE]` (argv[0] is "watch"): the
 * headless enforcer of the sandtop.ttl budgets (control/ttl.h), one
 * timestamped, sanitized line per event on stdout, until SIGINT or SIGTERM.
 * Sets its own signal handlers and log. Returns CLI_OK after a signal,
 * CLI_USAGE for bad arguments, CLI_FAIL when stdout or poll fails. */
int cli_watch_main(int argc, char **argv);

/* `sandtop logs ID [-f] [--since T] [-n N] [-t] [-H HOST]` (argv[0] is
 * "logs"; it parses the rest itself): the container's stdout lines on
 * stdout and its stderr lines on stderr, each sanitized, until the end of
 * the log (with -f: until the container stops, or SIGINT/SIGTERM).
 * Returns CLI_OK, CLI_FAIL (no such container, an ambiguous id prefix, an
 * engine error), CLI_USAGE, CLI_UNREACHABLE (also when the engine went away
 * mid-stream). */
int cli_logs_main(int argc, char **argv);

#endif
