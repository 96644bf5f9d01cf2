/* main: the dispatcher (a command from cli/'s table, else the screen) and the screen's own options and wiring of the modules. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/engines.h"
#include "config/config.h"
#include "control/actions.h"
#include "control/ttl.h"
#include "docker/collector.h"
#include "docker/docker.h"
#include "docker/inventory.h"
#include "isolation/run.h"
#include "journal/journal.h"
#include "keymaps/keymap.h"
#include "tui/tui.h"

#define SANDTOP_VERSION "0.1.0"

/* The screen's shared options: everything but the engine's records. */
#define SCREEN_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_JOURNAL | CLI_G_WAIT | CLI_G_DESK | CLI_G_STATS)

/* The screen's own options (the shared ones are in cm). */
struct opts {
	struct cli_common cm;
	const char *keys;     /* -k NAME|FILE, else the config's keymap */
	const char *log;
	bool dump_config, dump_keys;
	bool read_only, armed;
	int ttl_policy;       /* enum ttl_policy: what the screen does with a spent budget */
	bool all, no_color;
	bool no_mouse;        /* --no-mouse: the screen leaves the mouse to the terminal */
	int pixels;           /* --pixels: enum cfg_pixels, or -1 (the config's) */
};

static void usage(FILE *fp)
{
	fputs("usage: sandtop [-a] [-d SECS] [-H HOST]... [-k NAME|FILE] [-c FILE | --no-config]\n"
	      "               [--no-color] [--no-mouse] [--pixels WHEN] [--read-only]\n"
	      "               [--log FILE] ...\n"
	      "       sandtop COMMAND [ARGS...] [options]   (sandtop COMMAND --help)\n"
	      "       sandtop --dump-keys [-k NAME|FILE]\n"
	      "       sandtop --dump-config [-c FILE] [options]\n"
	      "\n"
	      "Supervise computer-use agent sandboxes (containers labelled sandtop.sandbox).\n"
	      "Without a command: the interactive screen. -H repeats (or the config file's\n"
	      "engine lines name several engines): one list of every engine's sandboxes,\n"
	      "with an ENGINE column, a line per engine, engine:NAME in the filter.\n"
	      "\n"
	      "commands:\n",
	      fp);
	cli_commands_usage(fp);
	fputs("\n"
	      "options of the screen:\n"
	      "  -a, --all         every container, not only sandboxes\n"
	      "  -k, --keys NAME|FILE\n"
	      "                    a shipped keymap (vi, htop, default) or a keymap file,\n"
	      "                    laid over the built-in map (default: the config's keymap,\n"
	      "                    else $XDG_CONFIG_HOME/sandtop/keys when it exists)\n"
	      "      --read-only   the screen offers no action at all\n"
	      "      --armed       act without questions, and even when the journal cannot\n"
	      "                    be written (shown loudly on the screen; containment never\n"
	      "                    waits for the journal)\n"
	      "      --ttl-policy flag|pause|stop|kill\n"
	      "                    what the screen does once a running sandbox's sandtop.ttl\n"
	      "                    budget is spent (default flag: only show it); journaled\n"
	      "      --no-color    no colours (also when NO_COLOR is set)\n"
	      "      --no-mouse    leave the mouse to the terminal (no clicks or wheel in the\n"
	      "                    list and the wall)\n"
	      "      --pixels auto|kitty|sixel|off\n"
	      "                    the large view in real pixels (kitty graphics or sixel\n"
	      "                    images): what the terminal says it shows (auto, the\n"
	      "                    default; kitty's when it has both), always one of them,\n"
	      "                    or never\n"
	      "      --log FILE    diagnostic log (default: $XDG_STATE_HOME/sandtop/sandtop.log)\n"
	      "      --dump-keys   print the effective keymap and exit\n"
	      "      --dump-config print the effective configuration (file and options) in\n"
	      "                    the file's syntax and exit\n",
	      fp);
	cli_common_usage(fp, SCREEN_GROUPS);
	fputs("  -V, --version     print the version\n", fp);
}

struct diags {
	int count;
	char first[512];
	bool to_stderr;
};

static void on_diag(void *ud, const char *msg)
{
	struct diags *d = ud;
	if (d->count++ == 0)
		snprintf(d->first, sizeof d->first, "%s", msg);
	log_msg(LOG_WARN, "keymap: %s", msg);
	if (d->to_stderr)
		fprintf(stderr, "sandtop: %s\n", msg);
}

/* The compiled-in map, then the one chosen (-k or the config's keymap): a
 * shipped map by name or a file; without a choice, the user's keys file
 * when it exists. */
static struct keymap *load_keys(const char *path, struct diags *d)
{
	struct keymap *km = keymap_new_default();
	if (path && keymap_is_shipped(path)) {
		keymap_load_shipped(km, path, on_diag, d);
		return km;
	}
	char *user = NULL;
	if (!path) {
		user = path_config("keys");
		if (user && access(user, F_OK) == 0)
			path = user;
	}
	if (path)
		keymap_load_file(km, path, on_diag, d);
	free(user);
	return km;
}

/* The screen's options and the shared ones: 0, or -1 after saying why. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_JSON = 256, OPT_STATS, OPT_DUMP_KEYS, OPT_DUMP_CONFIG, OPT_NO_COLOR, OPT_NO_MOUSE, OPT_LOG,
		OPT_ARMED, OPT_READ_ONLY, OPT_TTL_POLICY, OPT_PIXELS };
	static const struct option own[] = {
		{"all", no_argument, NULL, 'a'},
		{"keys", required_argument, NULL, 'k'},
		{"dump-keys", no_argument, NULL, OPT_DUMP_KEYS},
		{"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
		{"pixels", required_argument, NULL, OPT_PIXELS},
		{"log", required_argument, NULL, OPT_LOG},
		{"armed", no_argument, NULL, OPT_ARMED},
		{"read-only", no_argument, NULL, OPT_READ_ONLY},
		{"ttl-policy", required_argument, NULL, OPT_TTL_POLICY},
		{"version", no_argument, NULL, 'V'},
		/* a command's, given to the screen: said so */
		{"json", no_argument, NULL, OPT_JSON},
		{"stats", no_argument, NULL, OPT_STATS},
		{0, 0, 0, 0},
	};
	cli_common_begin(&o->cm, SCREEN_GROUPS, "ak:V", own);
	int ch;
	while ((ch = cli_common_next(&o->cm, argc, argv)) != -1) {
		switch (ch) {
		case 'a': o->all = true; break;
		case 'k': o->keys = optarg; break;
		case OPT_DUMP_KEYS: o->dump_keys = true; break;
		case OPT_DUMP_CONFIG: o->dump_config = true; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_NO_MOUSE: o->no_mouse = true; break;
		case OPT_PIXELS:
			o->pixels = cfg_pixels_parse(optarg);
			if (o->pixels < 0) {
				sanitize_fprintf(stderr, "sandtop: --pixels is auto, kitty, sixel or off, not '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_LOG: o->log = optarg; break;
		case OPT_ARMED: o->armed = true; break;
		case OPT_READ_ONLY: o->read_only = true; break;
		case OPT_TTL_POLICY:
			o->ttl_policy = ttl_policy_parse(optarg);
			if (o->ttl_policy < 0) {
				sanitize_fprintf(stderr, "sandtop: --ttl-policy is flag, pause, stop or kill, not '%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_JSON:
		case OPT_STATS:
			fprintf(stderr, "sandtop: --json and --stats go with a command, e.g. 'sandtop ps --json'\n");
			return -1;
		case 'h': usage(stdout); exit(CLI_OK);
		case 'V': puts("sandtop " SANDTOP_VERSION); exit(CLI_OK);
		case CLI_OPT_INVALID: return -1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		sanitize_fprintf(stderr, "sandtop: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->ttl_policy != TTL_FLAG && o->read_only) {
		fprintf(stderr, "sandtop: --ttl-policy goes with the screen (not --read-only) and 'sandtop watch'\n");
		return -1;
	}
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		o->no_color = true;
	return 0;
}

_Static_assert(ACT_ENGINE_WAIT_MS == CFG_DEF_ENGINE_TIMEOUT_MS, "one default for --engine-timeout");

/* The config file and the shared options (cli_common_load), then the
 * screen's own over it: the effective settings in o->cm.cfg, and what the
 * options left unset taken from there. 0, or -1 after the errors went to
 * stderr. */
static int load_config(struct opts *o)
{
	if (cli_common_load(&o->cm) < 0)
		return -1;
	struct cfg *cfg = &o->cm.cfg;
	if (o->no_mouse)
		cfg->mouse = false;
	if (o->pixels >= 0)
		cfg->pixels = (enum cfg_pixels)o->pixels;
	if (o->keys && keymap_is_shipped(o->keys))
		snprintf(cfg->keymap, sizeof cfg->keymap, "%s", o->keys);
	else if (o->keys)
		cli_common_set_path(cfg->keymap, sizeof cfg->keymap, o->keys);
	else if (cfg->keymap[0])
		o->keys = cfg->keymap;
	return 0;
}

/* Every event the inventory sees goes to the isolation checks too. */
static void iso_event(void *ud, const struct dk_event *ev)
{
	iso_runner_event(ud, ev);
}

/* Every sandbox the inventory inspects: the isolation checks take the
 * answer instead of asking the engine again. */
static void iso_inspect(void *ud, const char *id, int64_t asked_ms, const char *json, size_t len)
{
	iso_runner_feed(ud, id, asked_ms, json, len);
}

/* What the screen watches and acts on for one engine; freed by engine_free. */
static void engine_wire(const struct opts *o, struct cli_engine *ce, const char *journal, struct tui_engine *te)
{
	const struct cfg *cfg = &o->cm.cfg;
	struct dk_client *c = ce->client;
	log_msg(LOG_INFO, "engine %s: %s", ce->name, dk_client_endpoint(c));
	te->name = ce->name;
	te->client = c;
	te->local = ce->local;
	te->inv = inv_new(c, o->all);
	inv_set_selector(te->inv, cfg->label);   /* checked by config/ */
	struct iso_policy pol;
	iso_policy_default(&pol, dk_client_endpoint(c));   /* the host's files only where it is local */
	te->iso = iso_runner_new(c, &pol);
	iso_runner_hold_host(te->iso);   /* tui/app.c releases it once the first list is in */
	inv_set_event_hook(te->inv, iso_event, te->iso);
	inv_set_inspect_hook(te->inv, iso_inspect, te->iso);
	inv_start(te->inv);
	te->coll = coll_new(c, te->inv, o->cm.interval_ms, o->cm.source);
	te->act = o->read_only ? NULL : actions_new(c, journal, ce->local);
	if (te->act && act_problem(te->act))
		log_msg(LOG_WARN, "actions (%s): %s", ce->name, act_problem(te->act));
}

static void engine_free(struct tui_engine *te)
{
	actions_free(te->act);
	iso_runner_free(te->iso);
	coll_free(te->coll);
	inv_free(te->inv);
}

static int run_tui(const struct opts *o)
{
	const struct cfg *cfg = &o->cm.cfg;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sandtop: the interactive screen needs a terminal (try 'sandtop ps')\n");
		return CLI_USAGE;
	}
	struct err e;
	static struct cli_engines en;   /* large; the screen's engines (-H repeated, the config's) */
	if (cli_engines_open(&o->cm, &en, &e) < 0) {
		fprintf(stderr, "sandtop: %s\n", e.msg);
		return CLI_USAGE;
	}
	struct diags d = {0};
	struct keymap *km = load_keys(o->keys, &d);
	/* from here on stderr is the log file: nothing may reach the terminal
	 * but curses */
	char *logpath = o->log ? xstrdup(o->log) : path_state("sandtop.log");
	if (logpath) {
		struct err pe;
		path_mkdir_parents(logpath, &pe);   /* log_open says what went wrong */
		if (log_open(logpath) < 0) {
			fprintf(stderr, "sandtop: cannot open log %s: %s\n", logpath, strerror(errno));
			free(logpath);
			keymap_free(km);
			cli_engines_close(&en);
			return CLI_USAGE;
		}
	}
	free(logpath);
	log_set_level(LOG_INFO);
	log_msg(LOG_INFO, "sandtop %s starting; %zu engine%s", SANDTOP_VERSION, en.n, en.n == 1 ? "" : "s");
	char *journal = cli_common_journal(&o->cm);
	struct tui_engine *te = xcalloc(en.n, sizeof *te);
	for (size_t i = 0; i < en.n; i++)
		engine_wire(o, &en.e[i], journal, &te[i]);
	free(journal);
	struct tui_opts to = {
		.engines = te,
		.nengines = en.n,
		.km = km,
		.no_color = o->no_color,
		.keymap_errors = d.count,
		.keymap_first_error = d.count ? d.first : NULL,
		.read_only = o->read_only,
		.armed = o->armed,
		.ttl_policy = o->ttl_policy,
		.engine_wait_ms = o->cm.engine_wait_ms,
		.colours = cfg->colour,
		.columns = cfg->columns,
		.ncolumns = cfg->ncolumns,
		.sort_col = cfg->sort_col,
		.sort_dir = cfg->sort_dir,
		.mouse = cfg->mouse,
		.pixels = cfg->pixels,
		.wall_tile_cols = cfg->wall_cols,
		.wall_tile_rows = cfg->wall_rows,
		.logs_ring = cfg->logs_ring,
		.activity_window_s = cfg->activity_window,
	};
	int rc = tui_run(&to);
	/* the terminal is back: what the journal never took is printed there */
	for (size_t i = 0; i < en.n; i++) {
		struct actions *act = te[i].act;
		if (act && act_journal(act) && journal_queued(act_journal(act))) {
			printf("sandtop: the journal could not take every record (%s); they follow:\n",
				journal_problem(act_journal(act)) ? journal_problem(act_journal(act)) : "?");
			journal_drain(act_journal(act), 2000, stdout);
		}
	}
	for (size_t i = 0; i < en.n; i++)
		actions_free(te[i].act), te[i].act = NULL;
	cli_engines_close(&en);   /* the clients, before what watched them */
	for (size_t i = 0; i < en.n; i++)
		engine_free(&te[i]);
	free(te);
	keymap_free(km);
	log_msg(LOG_INFO, "sandtop exiting (%d)", rc);
	log_close();
	return rc;
}

/* The screen: its options, the config, then the dumps or the screen. */
static int screen_main(int argc, char **argv)
{
	static struct opts o;   /* large (the settings); interval and engine wait 0: the config's */
	o.pixels = -1;
	if (parse_args(argc, argv, &o) < 0)
		return CLI_USAGE;
	if (load_config(&o) < 0)
		return CLI_USAGE;
	if (o.dump_config) {
		cfg_dump(&o.cm.cfg, stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? CLI_OK : CLI_FAIL;
	}
	if (o.dump_keys) {
		struct diags d = {.to_stderr = true};
		struct keymap *km = load_keys(o.keys, &d);
		keymap_dump(km, stdout);
		keymap_free(km);
		return d.count ? CLI_FAIL : CLI_OK;
	}
	cli_common_batch();
	if (cli_common_desk_trust(&o.cm) < 0)
		return CLI_USAGE;
	return run_tui(&o);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* a word first: a command from cli/'s table (each parses its own options) */
	if (argc > 1 && argv[1][0] != '-') {
		const struct cli_command *cmd = cli_command_find(argv[1]);
		if (!cmd) {
			sanitize_fprintf(stderr, "sandtop: unknown command '%s' (try --help)\n", argv[1]);
			return CLI_USAGE;
		}
		return cmd->run(argc - 1, argv + 1);
	}
	return screen_main(argc, argv);
}
