/* main: argv, configuration paths, logging, and wiring of the modules. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "config/config.h"
#include "control/actions.h"
#include "journal/journal.h"
#include "desktop/desk.h"
#include "isolation/run.h"
#include "control/ttl.h"
#include "docker/docker.h"
#include "docker/collector.h"
#include "docker/inventory.h"
#include "keymaps/keymap.h"
#include "tui/tui.h"

#define SANDTOP_VERSION "0.1.0"

struct opts {
	const char *cmd;      /* NULL (interactive) or "ps" */
	const char *host;
	const char *keys;     /* -k NAME|FILE, else the config's keymap */
	const char *config;   /* -c FILE */
	bool no_config, dump_config;
	bool source_set;      /* --stats-source given */
	const char *log;
	const char *target;   /* screenshot: the container */
	const char *output;   /* screenshot: -o FILE */
	const char *audit_log, *label, *signal, *reason;
	const char *vnc_socket_dir, *vnc_password_dir; /* desk_trust: option, else environment */
	int timeout_s;
	int engine_wait_ms;   /* actions: --engine-timeout */
	const char *data_root; /* actions: --data-root */
	const char **ids;     /* action commands: the sandboxes named */
	size_t nids;
	bool read_only, armed;
	bool keep_paused;     /* snapshot */
	int ttl_policy;       /* enum ttl_policy: what the screen does with a spent budget */
	bool all, json, stats, dump_keys, no_color;
	bool no_mouse;        /* --no-mouse: the screen leaves the mouse to the terminal */
	int interval_ms;      /* -d (0: the config's refresh) */
	enum st_source source;
};

static void usage(FILE *fp)
{
	fputs("usage: sandtop [-a] [-d SECS] [-H HOST] [-k NAME|FILE] [-c FILE | --no-config]\n"
	      "               [--no-color] [--no-mouse] [--log FILE]\n"
	      "       sandtop ps [--json] [--stats] [-d SECS] [-a] [-H HOST]\n"
	      "       sandtop screenshot ID -o FILE.png [-H HOST] [--vnc-socket-dir DIR] [--vnc-password-dir DIR]\n"
	      "       sandtop kill|stop|pause|unpause|freeze|thaw|restart|remove|quarantine\n"
	      "               [ID... | --all | --label K=V] [--signal S] [-t SECS] [--reason TEXT] [--json]\n"
	      "               [--armed] [--audit-log FILE] [--engine-timeout SECS] [--data-root DIR]\n"
	      "       sandtop snapshot [ID... | --all | --label K=V] [--output DIR] [--keep-paused]\n"
	      "               [--reason TEXT] [--json] [--armed] [--audit-log FILE]\n"
	      "       sandtop audit-log verify [FILE]\n"
	      "       sandtop audit [ID... | --all | --label K=V] [--json] [--fail-on SEV] [-v]\n"
	      "               [--strict-seccomp] [-H HOST]\n"
	      "       sandtop launch [--profile FILE] [--json] [-H HOST] [--audit-log FILE] [--log FILE] NAME\n"
	      "       sandtop watch [--ttl-policy flag|pause|stop|kill] [--label K=V] [-a]\n"
	      "               [-H HOST] [--audit-log FILE] [--log FILE]\n"
	      "       sandtop logs ID [-f] [--since T] [-n N] [-t] [-H HOST]\n"
	      "       sandtop --dump-keys [-k NAME|FILE]\n"
	      "       sandtop --dump-config [-c FILE] [options]\n"
	      "\n"
	      "Supervise computer-use agent sandboxes (containers labelled sandtop.sandbox).\n"
	      "\n"
	      "commands:\n"
	      "  (none)            the interactive screen\n"
	      "  ps                list the sandboxes once and exit (0 ok, 1 engine error, 3 unreachable)\n"
	      "  screenshot ID     save a full-resolution PNG of a sandbox's desktop (0 ok,\n"
	      "                    1 no reachable desktop, 3 engine unreachable)\n"
	      "  kill, stop, pause, unpause, freeze, thaw, restart, remove, quarantine\n"
	      "                    act on the named sandboxes, every live one (--all) or those\n"
	      "                    with a label; on a local engine (as root) the kernel acts\n"
	      "                    first through the sandboxes' cgroups: pause = freeze, kill =\n"
	      "                    freeze, SIGKILL every task, thaw; then the engine is told.\n"
	      "                    One line (or --json) per sandbox: what the kernel did, what\n"
	      "                    the engine said; 0 all ok, 1 any failed, 3 unreachable\n"
	      "  snapshot          a forensic bundle of each named sandbox in a new directory:\n"
	      "                    screenshot, logs, inspect, committed image, what the agent\n"
	      "                    wrote on tmpfs and volumes, stats, a manifest of sha256s;\n"
	      "                    paused meanwhile; 0 all complete, 1 any failed, 3 unreachable\n"
	      "  audit-log verify  check the operator audit log's hash chain (0 intact, 1 not)\n"
	      "  audit             check each sandbox's isolation (privileges, network,\n"
	      "                    filesystem, credentials, limits, kill-switch readiness) and\n"
	      "                    the host's; 0 nothing FAILs at --fail-on (default HIGH) or\n"
	      "                    above, 1 something does, 3 unreachable (audit --help)\n"
	      "  launch NAME       create and start a hardened sandbox that passes the audit\n"
	      "                    (launch --help)\n"
	      "  watch             headless: enforce the sandtop.ttl budgets, one line per\n"
	      "                    event on stdout (watch --help)\n"
	      "  logs ID           the container's stdout (on stdout) and stderr (on stderr),\n"
	      "                    sanitized; -f follows it (logs --help)\n"
	      "\n"
	      "options:\n"
	      "  -a, --all         every container, not only sandboxes (the actions and\n"
	      "                    snapshot: every running or paused sandbox)\n"
	      "  -d, --delay SECS  refresh interval of the resource numbers (default: the\n"
	      "                    config's refresh, else 1; ps --stats samples over one)\n"
	      "  -H, --host HOST   engine address: unix:///PATH or tcp://HOST:PORT\n"
	      "                    (default: $DOCKER_HOST, else unix:///var/run/docker.sock)\n"
	      "      --json        ps, the actions, snapshot, audit, launch: print JSON\n"
	      "      --stats       ps: add CPU, memory, network, block I/O and PIDs\n"
	      "      --stats-source cgroup|api|auto\n"
	      "                    where the numbers come from (default auto: cgroup files\n"
	      "                    on a local engine, else the engine's stats API)\n"
	      "  -o, --output FILE screenshot: the PNG file to write; snapshot: the directory\n"
	      "                    the bundles go in (default $XDG_STATE_HOME/sandtop/snapshots)\n"
	      "      --keep-paused snapshot: leave the sandboxes paused afterwards\n"
	      "      --signal S    kill: the signal (default SIGKILL)\n"
	      "  -t, --timeout SECS stop, restart: seconds before the engine kills (default 10)\n"
	      "      --label K[=V] actions, snapshot, audit, watch: the sandboxes carrying it\n"
	      "      --reason TEXT actions, snapshot: why, for the audit log\n"
	      "      --armed       act without questions, and even when the audit log cannot\n"
	      "                    be written (shown loudly on the screen; containment never\n"
	      "                    waits for the log)\n"
	      "      --engine-timeout SECS\n"
	      "                    actions: how long to wait for the engine's answers (default:\n"
	      "                    the config's, else 2); past it the kernel's word stands\n"
	      "                    and, when the list does not come, the sandboxes are read\n"
	      "                    from the engine's own records on disk\n"
	      "      --data-root DIR  the engine's data root for that (default: found from the\n"
	      "                    dockerd serving the socket, else /var/lib/docker)\n"
	      "      --read-only   the screen offers no action at all\n"
	      "      --ttl-policy flag|pause|stop|kill\n"
	      "                    what the screen does once a running sandbox's sandtop.ttl\n"
	      "                    budget is spent (default flag: only show it); audit-logged\n"
	      "      --audit-log FILE  the operator audit log (default: the config's,\n"
	      "                    else $XDG_STATE_HOME/sandtop/audit.log)\n"
	      "  -k, --keys NAME|FILE\n"
	      "                    a shipped keymap (vi, htop, default) or a keymap file,\n"
	      "                    laid over the built-in map (default: the config's keymap,\n"
	      "                    else $XDG_CONFIG_HOME/sandtop/keys when it exists)\n"
	      "      --dump-keys   print the effective keymap and exit\n"
	      "  -c, --config FILE the config file (default: $XDG_CONFIG_HOME/sandtop/config,\n"
	      "                    when it exists); options override it; a bad line is an\n"
	      "                    error (exit 2): see sandtop-config(5)\n"
	      "      --no-config   read no config file\n"
	      "      --dump-config print the effective configuration (file and options) in\n"
	      "                    the file's syntax and exit\n"
	      "      --no-color    no colours (also when NO_COLOR is set)\n"
	      "      --no-mouse    leave the mouse to the terminal (no clicks or wheel in the\n"
	      "                    list and the wall)\n"
	      "      --log FILE    diagnostic log (default: $XDG_STATE_HOME/sandtop/sandtop.log)\n"
	      "      --vnc-socket-dir DIR\n"
	      "                    the screen, screenshot, snapshot: a sandtop.vnc=unix:PATH label\n"
	      "                    is used only when PATH is a socket inside DIR (never the\n"
	      "                    engine's); without it unix: labels are refused\n"
	      "                    (default: $SANDTOP_VNC_SOCKET_DIR)\n"
	      "      --vnc-password-dir DIR\n"
	      "                    VNC passwords: DIR/<full id>.passwd or DIR/<name>.passwd,\n"
	      "                    yours, mode 600 (default: $SANDTOP_VNC_PASSWORD_DIR, else\n"
	      "                    $XDG_CONFIG_HOME/sandtop/vnc)\n"
	      "  -h, --help        this help\n"
	      "  -V, --version     print the version\n",
	      fp);
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

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_VNC_SOCKET_DIR = 200, OPT_VNC_PASSWORD_DIR };
	enum { OPT_JSON = 256, OPT_DUMP_KEYS, OPT_NO_COLOR, OPT_LOG, OPT_STATS, OPT_SOURCE, OPT_SIGNAL, OPT_LABEL,
		OPT_REASON, OPT_ARMED, OPT_READ_ONLY, OPT_AUDIT_LOG, OPT_KEEP_PAUSED, OPT_TTL_POLICY, OPT_ENGINE_TIMEOUT,
		OPT_DATA_ROOT };
	enum { OPT_NO_CONFIG = 300, OPT_DUMP_CONFIG };
	enum { OPT_NO_MOUSE = 320 };
	static const struct option longopts[] = {
		{"all", no_argument, NULL, 'a'},
		{"config", required_argument, NULL, 'c'},
		{"no-config", no_argument, NULL, OPT_NO_CONFIG},
		{"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
		{"host", required_argument, NULL, 'H'},
		{"keys", required_argument, NULL, 'k'},
		{"json", no_argument, NULL, OPT_JSON},
		{"stats", no_argument, NULL, OPT_STATS},
		{"stats-source", required_argument, NULL, OPT_SOURCE},
		{"delay", required_argument, NULL, 'd'},
		{"dump-keys", no_argument, NULL, OPT_DUMP_KEYS},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
		{"log", required_argument, NULL, OPT_LOG},
		{"output", required_argument, NULL, 'o'},
		{"signal", required_argument, NULL, OPT_SIGNAL},
		{"timeout", required_argument, NULL, 't'},
		{"label", required_argument, NULL, OPT_LABEL},
		{"reason", required_argument, NULL, OPT_REASON},
		{"armed", no_argument, NULL, OPT_ARMED},
		{"read-only", no_argument, NULL, OPT_READ_ONLY},
		{"audit-log", required_argument, NULL, OPT_AUDIT_LOG},
		{"keep-paused", no_argument, NULL, OPT_KEEP_PAUSED},
		{"ttl-policy", required_argument, NULL, OPT_TTL_POLICY},
		{"vnc-socket-dir", required_argument, NULL, OPT_VNC_SOCKET_DIR},
		{"vnc-password-dir", required_argument, NULL, OPT_VNC_PASSWORD_DIR},
		{"engine-timeout", required_argument, NULL, OPT_ENGINE_TIMEOUT},
		{"data-root", required_argument, NULL, OPT_DATA_ROOT},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0, 0, 0, 0},
	};
	if (argc > 1 && argv[1][0] != '-') {
		o->cmd = argv[1];
		argv++;
		argc--;
	}
	int ch;
	while ((ch = getopt_long(argc, argv, "ac:d:H:k:o:t:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': o->all = true; break;
		case 'c': o->config = optarg; break;
		case OPT_NO_CONFIG: o->no_config = true; break;
		case OPT_DUMP_CONFIG: o->dump_config = true; break;
		case 'H': o->host = optarg; break;
		case 'k': o->keys = optarg; break;
		case 'o': o->output = optarg; break;
		case OPT_SIGNAL: o->signal = optarg; break;
		case OPT_LABEL: o->label = optarg; break;
		case OPT_REASON: o->reason = optarg; break;
		case OPT_ARMED: o->armed = true; break;
		case OPT_READ_ONLY: o->read_only = true; break;
		case OPT_AUDIT_LOG: o->audit_log = optarg; break;
		case OPT_KEEP_PAUSED: o->keep_paused = true; break;
		case OPT_VNC_SOCKET_DIR: o->vnc_socket_dir = optarg; break;
		case OPT_VNC_PASSWORD_DIR: o->vnc_password_dir = optarg; break;
		case OPT_DATA_ROOT: o->data_root = optarg; break;
		case OPT_ENGINE_TIMEOUT: {
			char *end;
			double d = strtod(optarg, &end);
			if (end == optarg || *end || !(d >= 0.1 && d <= 600)) {
				fprintf(stderr, "sandtop: --engine-timeout takes seconds between 0.1 and 600, not '%s'\n", optarg);
				return -1;
			}
			o->engine_wait_ms = (int)(d * 1000 + 0.5);
			break;
		}
		case OPT_TTL_POLICY:
			o->ttl_policy = ttl_policy_parse(optarg);
			if (o->ttl_policy < 0) {
				fprintf(stderr, "sandtop: --ttl-policy is flag, pause, stop or kill, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 't': {
			char *end;
			long t = strtol(optarg, &end, 10);
			if (end == optarg || *end || t < 0 || t > 3600) {
				fprintf(stderr, "sandtop: -t takes seconds between 0 and 3600, not '%s'\n", optarg);
				return -1;
			}
			o->timeout_s = (int)t;
			break;
		}
		case OPT_JSON: o->json = true; break;
		case OPT_STATS: o->stats = true; break;
		case 'd': {
			char *end;
			double d = strtod(optarg, &end);
			if (end == optarg || *end || !(d >= 0.1 && d <= 3600)) {
				fprintf(stderr, "sandtop: -d takes seconds between 0.1 and 3600, not '%s'\n", optarg);
				return -1;
			}
			o->interval_ms = (int)(d * 1000 + 0.5);
			break;
		}
		case OPT_SOURCE:
			if (!strcmp(optarg, "cgroup")) {
				o->source = ST_SRC_CGROUP;
			} else if (!strcmp(optarg, "api")) {
				o->source = ST_SRC_API;
			} else if (!strcmp(optarg, "auto")) {
				o->source = ST_SRC_NONE;
			} else {
				fprintf(stderr, "sandtop: --stats-source is cgroup, api or auto, not '%s'\n", optarg);
				return -1;
			}
			o->source_set = true;
			break;
		case OPT_DUMP_KEYS: o->dump_keys = true; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_NO_MOUSE: o->no_mouse = true; break;
		case OPT_LOG: o->log = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts("sandtop " SANDTOP_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	bool snapshot = o->cmd && !strcmp(o->cmd, "snapshot");
	bool action = snapshot || (o->cmd && act_from_name(o->cmd) >= 0 && act_from_name(o->cmd) < ACT_FREEZE_ALL);
	if (o->cmd && !strcmp(o->cmd, "screenshot") && optind < argc)
		o->target = argv[optind++];
	if (o->cmd && !strcmp(o->cmd, "audit-log")) {
		if (optind >= argc || strcmp(argv[optind], "verify") != 0) {
			fprintf(stderr, "sandtop: usage: sandtop audit-log verify [FILE]\n");
			return -1;
		}
		optind++;
		if (optind < argc)
			o->audit_log = argv[optind++];
	}
	if (action) {
		o->ids = (const char **)argv + optind;
		o->nids = (size_t)(argc - optind);
		optind = argc;
	}
	if (optind < argc) {
		fprintf(stderr, "sandtop: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->cmd && strcmp(o->cmd, "ps") != 0 && strcmp(o->cmd, "screenshot") != 0 && !action &&
	    strcmp(o->cmd, "audit-log") != 0) {
		fprintf(stderr, "sandtop: unknown command '%s' (try --help)\n", o->cmd);
		return -1;
	}
	if (o->cmd && !strcmp(o->cmd, "screenshot") && (!o->target || !o->output)) {
		fprintf(stderr, "sandtop: usage: sandtop screenshot ID -o FILE.png\n");
		return -1;
	}
	if (o->output && (!o->cmd || (strcmp(o->cmd, "screenshot") != 0 && !snapshot))) {
		fprintf(stderr, "sandtop: -o goes with 'sandtop screenshot' and 'sandtop snapshot'\n");
		return -1;
	}
	if ((o->json || o->stats) && !o->cmd) {
		fprintf(stderr, "sandtop: --json and --stats go with a command, e.g. 'sandtop ps --json'\n");
		return -1;
	}
	if (o->config && o->no_config) {
		fprintf(stderr, "sandtop: -c and --no-config say opposite things\n");
		return -1;
	}
	if (o->ttl_policy != TTL_FLAG && (o->cmd || o->read_only)) {
		fprintf(stderr, "sandtop: --ttl-policy goes with the screen (not --read-only) and 'sandtop watch'\n");
		return -1;
	}
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		o->no_color = true;
	return 0;
}

static void on_cfg_diag(void *ud, const char *msg)
{
	(void)ud;
	fprintf(stderr, "sandtop: %s\n", msg);   /* formatted and sanitized by config/ */
}

/* path (an option) into dst, made absolute against the working directory:
 * the effective configuration resolves relative paths against the file's
 * directory instead. */
static void cfg_set_path(char *dst, size_t n, const char *path)
{
	char cwd[4096];
	int w = -1;
	if (path[0] != '/' && getcwd(cwd, sizeof cwd))
		w = snprintf(dst, n, "%s/%s", cwd, path);
	if (w < 0 || (size_t)w >= n)
		snprintf(dst, n, "%s", path);   /* too long to say whole: as given */
}

_Static_assert(ACT_ENGINE_WAIT_MS == CFG_DEF_ENGINE_TIMEOUT_MS, "one default for --engine-timeout");

/* The config file (-c FILE, else the default one when it exists; none with
 * --no-config), then the options over it: the effective settings in *cfg,
 * and what the options left unset in o. 0, or -1 after the errors went to
 * stderr: nothing is done with a file that is not understood whole. */
static int load_config(struct opts *o, struct cfg *cfg)
{
	cfg_init(cfg);
	if (!o->no_config) {
		char *def = o->config ? NULL : cfg_default_path();
		const char *path = o->config ? o->config : def;
		int rc = path ? cfg_load_file(cfg, path, o->config == NULL, on_cfg_diag, NULL) : 0;
		free(def);
		if (rc != 0) {
			fprintf(stderr, "sandtop: the config file is not used while it has errors (sandtop-config(5)); "
				"--no-config ignores it\n");
			return -1;
		}
	}
	if (o->interval_ms)
		cfg->refresh_ms = o->interval_ms;
	else
		o->interval_ms = cfg->refresh_ms;
	if (o->source_set)
		cfg->stats_source = o->source;
	else
		o->source = cfg->stats_source;
	if (o->no_mouse)
		cfg->mouse = false;
	if (o->engine_wait_ms)
		cfg->engine_timeout_ms = o->engine_wait_ms;
	else
		o->engine_wait_ms = cfg->engine_timeout_ms;
	if (o->keys && keymap_is_shipped(o->keys))
		snprintf(cfg->keymap, sizeof cfg->keymap, "%s", o->keys);
	else if (o->keys)
		cfg_set_path(cfg->keymap, sizeof cfg->keymap, o->keys);
	else if (cfg->keymap[0])
		o->keys = cfg->keymap;
	if (o->audit_log)
		cfg_set_path(cfg->journal, sizeof cfg->journal, o->audit_log);
	else if (cfg->journal[0])
		o->audit_log = cfg->journal;
	return 0;
}

/* What desktop labels may reach: the options, else the environment; the
 * password directory defaults to $XDG_CONFIG_HOME/sandtop/vnc. 0, or -1
 * after saying why on stderr. */
static int set_desk_trust(const struct opts *o)
{
	const char *sd = o->vnc_socket_dir ? o->vnc_socket_dir : getenv("SANDTOP_VNC_SOCKET_DIR");
	const char *pd = o->vnc_password_dir ? o->vnc_password_dir : getenv("SANDTOP_VNC_PASSWORD_DIR");
	char *def = pd && *pd ? NULL : path_config("vnc");
	struct desk_trust t = {.socket_dir = sd, .password_dir = pd && *pd ? pd : def};
	struct err e;
	int rc = desk_set_trust(&t, &e);
	free(def);
	if (rc < 0)
		fprintf(stderr, "sandtop: %s\n", e.msg);
	return rc;
}

/* Every event the inventory sees goes to the isolation audit too. */
static void iso_event(void *ud, const struct dk_event *ev)
{
	iso_runner_event(ud, ev);
}

static int run_tui(const struct opts *o, const struct cfg *cfg)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sandtop: the interactive screen needs a terminal (try 'sandtop ps')\n");
		return CLI_USAGE;
	}
	struct err e;
	struct dk_client *c = dk_client_new(o->host, &e);
	if (!c) {
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
			dk_client_free(c);
			return CLI_USAGE;
		}
	}
	free(logpath);
	log_set_level(LOG_INFO);
	log_msg(LOG_INFO, "sandtop %s starting; engine %s", SANDTOP_VERSION, dk_client_endpoint(c));
	struct inventory *inv = inv_new(c, o->all);
	inv_set_selector(inv, cfg->label);   /* checked by config/ */
	struct iso_policy pol;
	iso_policy_default(&pol, dk_client_endpoint(c));
	struct iso_runner *iso = iso_runner_new(c, &pol);
	inv_set_event_hook(inv, iso_event, iso);
	inv_start(inv);
	struct collector *coll = coll_new(c, inv, o->interval_ms, o->source);
	char *audit = o->audit_log ? xstrdup(o->audit_log) : journal_default_path();
	struct actions *act = o->read_only ? NULL
		: actions_new(c, audit, !strncmp(dk_client_endpoint(c), "unix://", 7));
	if (act && act_problem(act))
		log_msg(LOG_WARN, "actions: %s", act_problem(act));
	free(audit);
	struct tui_opts to = {
		.client = c,
		.inv = inv,
		.km = km,
		.coll = coll,
		.no_color = o->no_color,
		.keymap_errors = d.count,
		.keymap_first_error = d.count ? d.first : NULL,
		.act = act,
		.read_only = o->read_only,
		.armed = o->armed,
		.iso = iso,
		.ttl_policy = o->ttl_policy,
		.engine_wait_ms = o->engine_wait_ms,
		.colours = cfg->colour,
		.columns = cfg->columns,
		.ncolumns = cfg->ncolumns,
		.sort_col = cfg->sort_col,
		.sort_dir = cfg->sort_dir,
		.mouse = cfg->mouse,
		.wall_tile_cols = cfg->wall_cols,
		.wall_tile_rows = cfg->wall_rows,
		.logs_ring = cfg->logs_ring,
		.activity_window_s = cfg->activity_window,
	};
	int rc = tui_run(&to);
	/* the terminal is back: what the audit log never took is printed there */
	if (act && act_audit(act) && journal_queued(act_audit(act))) {
		printf("sandtop: the audit log could not take every record (%s); they follow:\n",
			journal_problem(act_audit(act)) ? journal_problem(act_audit(act)) : "?");
		journal_drain(act_audit(act), 2000, stdout);
	}
	actions_free(act);
	dk_client_free(c);
	iso_runner_free(iso);
	coll_free(coll);
	inv_free(inv);
	keymap_free(km);
	log_msg(LOG_INFO, "sandtop exiting (%d)", rc);
	log_close();
	return rc;
}

/* The stats reader keeps each sandbox's counter files open (8 per
 * sandbox); lift the soft descriptor limit towards the hard one. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* audit, launch, watch and logs parse their own options */
	if (argc > 1 && !strcmp(argv[1], "audit"))
		return cli_isolation_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "launch"))
		return cli_launch_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "watch"))
		return cli_watch_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "logs"))
		return cli_logs_main(argc - 1, argv + 1);
	/* interval_ms and engine_wait_ms 0: the config's (load_config) */
	struct opts o = {.timeout_s = -1};
	static struct cfg cfg;
	if (parse_args(argc, argv, &o) < 0)
		return CLI_USAGE;
	if (load_config(&o, &cfg) < 0)
		return CLI_USAGE;
	if (o.dump_config) {
		cfg_dump(&cfg, stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? CLI_OK : CLI_FAIL;
	}
	if (o.dump_keys) {
		struct diags d = {.to_stderr = true};
		struct keymap *km = load_keys(o.keys, &d);
		keymap_dump(km, stdout);
		keymap_free(km);
		return d.count ? CLI_FAIL : CLI_OK;
	}
	/* without a screen, stderr carries only the one-line reasons */
	log_set_level(LOG_ERROR);
	raise_fd_limit();
	/* a desktop worker that died must not take us with it */
	signal(SIGPIPE, SIG_IGN);
	if (set_desk_trust(&o) < 0)
		return CLI_USAGE;
	if (o.cmd && !strcmp(o.cmd, "ps"))
		return cli_ps(o.host, cfg.label, o.all, o.json, o.stats, o.interval_ms);
	if (o.cmd && !strcmp(o.cmd, "screenshot"))
		return cli_screenshot(o.host, o.target, o.output, 20000);
	if (o.cmd && !strcmp(o.cmd, "audit-log"))
		return cli_audit_verify(o.audit_log);
	if (o.cmd) {
		char *audit = o.audit_log ? xstrdup(o.audit_log) : journal_default_path();
		struct cli_act_opts ao = {
			.host = o.host, .action = o.cmd, .ids = o.ids, .nids = o.nids, .all = o.all, .label = o.label,
			.signal = o.signal, .timeout_s = o.timeout_s, .reason = o.reason, .json = o.json, .armed = o.armed,
			.journal_path = audit, .data_root = o.data_root, .selector = cfg.label,
			.engine_wait_ms = !strcmp(o.cmd, "snapshot") ? 0 : o.engine_wait_ms,
		};
		int rc = !strcmp(o.cmd, "snapshot") ? cli_snapshot(&ao, o.output, o.keep_paused) : cli_act(&ao);
		free(audit);
		return rc;
	}
	return run_tui(&o, &cfg);
}
