/* common: the options every command shares, as one table of groups (the engine, the config file, the journal, the engine's wait and records, the desktops' trust): their parsing, their help, and what they set up. */
#include "cli/common.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/engines.h"
#include "desktop/desk.h"
#include "journal/journal.h"

/* The shared options' values, above any command's own. */
enum {
	OPT_HOST = 0x1000, OPT_CONFIG, OPT_NO_CONFIG, OPT_JOURNAL, OPT_ENGINE_TIMEOUT, OPT_DATA_ROOT,
	OPT_VNC_SOCKET_DIR, OPT_VNC_PASSWORD_DIR, OPT_DELAY, OPT_STATS_SOURCE,
	OPT_CONTEXT, OPT_TLS, OPT_TLSVERIFY, OPT_TLSCACERT, OPT_TLSCERT, OPT_TLSKEY, OPT_LAST = OPT_TLSKEY
};

struct shared {
	unsigned group;
	struct option opt;   /* its val is one of OPT_* */
	char short_name;     /* 0: long only */
};

/* Every shared option, by group: the one place a new one is added. */
static const struct shared shared[] = {
	{CLI_G_ENGINE, {"host", required_argument, NULL, OPT_HOST}, 'H'},
	{CLI_G_ENGINE, {"context", required_argument, NULL, OPT_CONTEXT}, 0},   /* -c is --config */
	{CLI_G_ENGINE, {"tls", no_argument, NULL, OPT_TLS}, 0},
	{CLI_G_ENGINE, {"tlsverify", no_argument, NULL, OPT_TLSVERIFY}, 0},
	{CLI_G_ENGINE, {"tlscacert", required_argument, NULL, OPT_TLSCACERT}, 0},
	{CLI_G_ENGINE, {"tlscert", required_argument, NULL, OPT_TLSCERT}, 0},
	{CLI_G_ENGINE, {"tlskey", required_argument, NULL, OPT_TLSKEY}, 0},
	{CLI_G_CONFIG, {"config", required_argument, NULL, OPT_CONFIG}, 'c'},
	{CLI_G_CONFIG, {"no-config", no_argument, NULL, OPT_NO_CONFIG}, 0},
	{CLI_G_JOURNAL, {"journal", required_argument, NULL, OPT_JOURNAL}, 0},
	{CLI_G_JOURNAL, {"audit-log", required_argument, NULL, OPT_JOURNAL}, 0},   /* its old name, for a release */
	{CLI_G_WAIT, {"engine-timeout", required_argument, NULL, OPT_ENGINE_TIMEOUT}, 0},
	{CLI_G_RECORDS, {"data-root", required_argument, NULL, OPT_DATA_ROOT}, 0},
	{CLI_G_DESK, {"vnc-socket-dir", required_argument, NULL, OPT_VNC_SOCKET_DIR}, 0},
	{CLI_G_DESK, {"vnc-password-dir", required_argument, NULL, OPT_VNC_PASSWORD_DIR}, 0},
	{CLI_G_STATS, {"delay", required_argument, NULL, OPT_DELAY}, 'd'},
	{CLI_G_STATS, {"stats-source", required_argument, NULL, OPT_STATS_SOURCE}, 0},
};
#define N_SHARED (sizeof shared / sizeof shared[0])

void cli_common_begin(struct cli_common *cm, unsigned groups, const char *shorts, const struct option *own)
{
	memset(cm, 0, sizeof *cm);
	cm->groups = groups;
	size_t n = 0;
	for (; own && own[n].name && n < CLI_OWN_OPTS_MAX; n++)
		cm->longs[n] = own[n];
	for (size_t i = 0; i < N_SHARED; i++)
		if (groups & shared[i].group)
			cm->longs[n++] = shared[i].opt;
	cm->longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
	cm->longs[n] = (struct option){0, 0, 0, 0};
	size_t k = (size_t)snprintf(cm->shorts, sizeof cm->shorts, "%sh", shorts ? shorts : "");
	for (size_t i = 0; i < N_SHARED && k + 3 < sizeof cm->shorts; i++)
		if ((groups & shared[i].group) && shared[i].short_name) {
			cm->shorts[k++] = shared[i].short_name;
			cm->shorts[k++] = ':';
			cm->shorts[k] = '\0';
		}
	optind = 0;   /* glibc: a full reset (a test may parse more than once) */
	opterr = 1;
}

/* The short option's shared value (H: OPT_HOST), or ch itself. */
static int shared_of_short(const struct cli_common *cm, int ch)
{
	for (size_t i = 0; i < N_SHARED; i++)
		if ((cm->groups & shared[i].group) && shared[i].short_name && shared[i].short_name == ch)
			return shared[i].opt.val;
	return ch;
}

static const struct {
	const char *name;
	enum st_source source;
} sources[] = {{"cgroup", ST_SRC_CGROUP}, {"api", ST_SRC_API}, {"auto", ST_SRC_NONE}};

/* One shared option's value into cm: 0, or -1 after saying why. */
static int take(struct cli_common *cm, int opt, const char *arg)
{
	char *end;
	double d;
	switch (opt) {
	case OPT_HOST:
		if (cm->nhosts >= CFG_ENGINES_MAX) {
			fprintf(stderr, "sandtop: -H: more than %d engines\n", CFG_ENGINES_MAX);
			return -1;
		}
		cm->hosts[cm->nhosts++] = arg;
		if (!cm->host)
			cm->host = arg;
		return 0;
	case OPT_CONFIG: cm->config = arg; return 0;
	case OPT_CONTEXT:
		if (cm->ncontexts >= CFG_ENGINES_MAX) {
			fprintf(stderr, "sandtop: --context: more than %d engines\n", CFG_ENGINES_MAX);
			return -1;
		}
		cm->contexts[cm->ncontexts++] = arg;
		if (!cm->context)
			cm->context = arg;
		return 0;
	case OPT_TLS: cm->tls.tls = true; return 0;
	case OPT_TLSVERIFY: cm->tls.tlsverify = true; return 0;
	case OPT_TLSCACERT: cm->tls.cacert = arg; return 0;
	case OPT_TLSCERT: cm->tls.cert = arg; return 0;
	case OPT_TLSKEY: cm->tls.key = arg; return 0;
	case OPT_NO_CONFIG: cm->no_config = true; return 0;
	case OPT_JOURNAL: cm->journal = arg; return 0;
	case OPT_DATA_ROOT: cm->data_root = arg; return 0;
	case OPT_VNC_SOCKET_DIR: cm->vnc_socket_dir = arg; return 0;
	case OPT_VNC_PASSWORD_DIR: cm->vnc_password_dir = arg; return 0;
	case OPT_ENGINE_TIMEOUT:
		d = strtod(arg, &end);
		if (end == arg || *end || !(d >= 0.1 && d <= 600)) {
			sanitize_fprintf(stderr, "sandtop: --engine-timeout takes seconds between 0.1 and 600, not '%s'\n", arg);
			return -1;
		}
		cm->engine_wait_ms = (int)(d * 1000 + 0.5);
		cm->engine_wait_set = true;
		return 0;
	case OPT_DELAY:
		d = strtod(arg, &end);
		if (end == arg || *end || !(d >= 0.1 && d <= 3600)) {
			sanitize_fprintf(stderr, "sandtop: -d takes seconds between 0.1 and 3600, not '%s'\n", arg);
			return -1;
		}
		cm->interval_ms = (int)(d * 1000 + 0.5);
		return 0;
	case OPT_STATS_SOURCE:
		for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
			if (!strcmp(arg, sources[i].name)) {
				cm->source = sources[i].source;
				cm->source_set = true;
				return 0;
			}
		sanitize_fprintf(stderr, "sandtop: --stats-source is cgroup, api or auto, not '%s'\n", arg);
		return -1;
	}
	return -1;
}

int cli_common_next(struct cli_common *cm, int argc, char **argv)
{
	int ch;
	while ((ch = getopt_long(argc, argv, cm->shorts, cm->longs, NULL)) != -1) {
		int opt = shared_of_short(cm, ch);
		if (opt < OPT_HOST || opt > OPT_LAST)
			return ch;   /* the command's own, 'h' or '?' */
		if (take(cm, opt, optarg) < 0)
			return CLI_OPT_INVALID;
	}
	return -1;
}

static void on_cfg_diag(void *ud, const char *msg)
{
	(void)ud;
	fprintf(stderr, "sandtop: %s\n", msg);   /* formatted and sanitized by config/ */
}

void cli_common_set_path(char *dst, size_t n, const char *path)
{
	char cwd[4096];
	int w = -1;
	if (path[0] != '/' && getcwd(cwd, sizeof cwd))
		w = snprintf(dst, n, "%s/%s", cwd, path);
	if (w < 0 || (size_t)w >= n)
		snprintf(dst, n, "%s", path);   /* too long to say whole: as given */
}

int cli_common_load(struct cli_common *cm)
{
	cfg_init(&cm->cfg);
	if (cm->config && cm->no_config) {
		fprintf(stderr, "sandtop: -c and --no-config say opposite things\n");
		return -1;
	}
	if ((cm->groups & CLI_G_CONFIG) && !cm->no_config) {
		char *def = cm->config ? NULL : cfg_default_path();
		const char *path = cm->config ? cm->config : def;
		int rc = path ? cfg_load_file(&cm->cfg, path, cm->config == NULL, on_cfg_diag, NULL) : 0;
		free(def);
		if (rc != 0) {
			fprintf(stderr, "sandtop: the config file is not used while it has errors (sandtop-config(5)); "
				"--no-config ignores it\n");
			return -1;
		}
	}
	if (cm->context && cm->host) {
		fprintf(stderr, "sandtop: -H and --context both name the engine: give one of them\n");
		return -1;
	}
	/* --context and the TLS options reach every client made from here on */
	cm->tls.context = cm->context;
	dk_endpoint_set_defaults(&cm->tls);
	if (cm->engine_wait_ms)
		cm->cfg.engine_timeout_ms = cm->engine_wait_ms;
	else
		cm->engine_wait_ms = cm->cfg.engine_timeout_ms;
	if (cm->journal)
		cli_common_set_path(cm->cfg.journal, sizeof cm->cfg.journal, cm->journal);
	if (cm->interval_ms)
		cm->cfg.refresh_ms = cm->interval_ms;
	else
		cm->interval_ms = cm->cfg.refresh_ms;
	if (cm->source_set)
		cm->cfg.stats_source = cm->source;
	else
		cm->source = cm->cfg.stats_source;
	return 0;
}

struct dk_client *cli_common_client(const struct cli_common *cm, struct err *e)
{
	return cli_engines_client(cm, e);   /* cli/engines.c: the one engine, else why not */
}

char *cli_common_journal(const struct cli_common *cm)
{
	if (cm->journal)
		return xstrdup(cm->journal);
	if (cm->cfg.journal[0])
		return xstrdup(cm->cfg.journal);
	return journal_default_path();
}

int cli_common_desk_trust(const struct cli_common *cm)
{
	const char *sd = cm->vnc_socket_dir ? cm->vnc_socket_dir : getenv("SANDTOP_VNC_SOCKET_DIR");
	const char *pd = cm->vnc_password_dir ? cm->vnc_password_dir : getenv("SANDTOP_VNC_PASSWORD_DIR");
	char *def = pd && *pd ? NULL : path_config("vnc");
	struct desk_trust t = {.socket_dir = sd, .password_dir = pd && *pd ? pd : def};
	struct err e;
	int rc = desk_set_trust(&t, &e);
	free(def);
	if (rc < 0)
		fprintf(stderr, "sandtop: %s\n", e.msg);
	return rc;
}

void cli_common_batch(void)
{
	log_set_level(LOG_ERROR);
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The help of each group, in the order of the table above. */
static const struct {
	unsigned group;
	const char *text;
} help[] = {
	{CLI_G_ENGINE,
	 "  -H, --host HOST   engine address: unix:///PATH, tcp://HOST:PORT or\n"
	 "                    ssh://[USER@]HOST[:PORT] (the system's ssh, your config\n"
	 "                    and agent), or the NAME of a config file's engine line\n"
	 "                    (default: the docker CLI's: --context, else $DOCKER_HOST,\n"
	 "                    else $DOCKER_CONTEXT, else its current context, else\n"
	 "                    unix:///var/run/docker.sock)\n"
	 "      --context NAME  a docker CLI context ($DOCKER_CONFIG/contexts, default\n"
	 "                    ~/.docker): its address and TLS files; not with -H\n"
	 "      --tls         speak TLS to a tcp:// engine without verifying it\n"
	 "      --tlsverify   speak TLS and verify the engine against the CA (also with\n"
	 "                    $DOCKER_TLS_VERIFY set)\n"
	 "      --tlscacert FILE  the CA (default: ca.pem in $DOCKER_CERT_PATH, else in\n"
	 "                    $DOCKER_CONFIG, else in ~/.docker)\n"
	 "      --tlscert FILE, --tlskey FILE  the client certificate and key (default:\n"
	 "                    cert.pem and key.pem there, when they exist)\n"},
	{CLI_G_CONFIG,
	 "  -c, --config FILE the config file (default: $XDG_CONFIG_HOME/sandtop/config,\n"
	 "                    when it exists); options override it; a bad line is an\n"
	 "                    error (exit 2): see sandtop-config(5)\n"
	 "      --no-config   read no config file\n"},
	{CLI_G_JOURNAL,
	 "      --journal FILE  the operator journal, the hash-chained log of every action\n"
	 "                    (default: the config file's journal, else\n"
	 "                    $XDG_STATE_HOME/sandtop/audit.log); --audit-log FILE is its\n"
	 "                    old name, kept as an alias for this release\n"},
	{CLI_G_WAIT,
	 "      --engine-timeout SECS\n"
	 "                    how long to wait for the engine's answers (default: the\n"
	 "                    config's, else 2); past it the kernel's word stands, and\n"
	 "                    an action command whose list did not come reads the\n"
	 "                    sandboxes from the engine's own records on disk\n"},
	{CLI_G_RECORDS,
	 "      --data-root DIR  the engine's data root for that (default: found from the\n"
	 "                    dockerd serving the socket, else /var/lib/docker)\n"},
	{CLI_G_DESK,
	 "      --vnc-socket-dir DIR\n"
	 "                    a sandtop.vnc=unix:PATH label is used only when PATH is a\n"
	 "                    socket inside DIR (never the engine's); without it unix:\n"
	 "                    labels are refused (default: $SANDTOP_VNC_SOCKET_DIR)\n"
	 "      --vnc-password-dir DIR\n"
	 "                    VNC passwords: DIR/<full id>.passwd or DIR/<name>.passwd,\n"
	 "                    yours, mode 600 (default: $SANDTOP_VNC_PASSWORD_DIR, else\n"
	 "                    $XDG_CONFIG_HOME/sandtop/vnc)\n"},
	{CLI_G_STATS,
	 "  -d, --delay SECS  refresh interval of the resource numbers (default: the\n"
	 "                    config's refresh, else 1; ps --stats samples over one)\n"
	 "      --stats-source cgroup|api|auto\n"
	 "                    where the numbers come from (default auto: cgroup files\n"
	 "                    on a local engine, else the engine's stats API)\n"},
};

void cli_common_usage(FILE *fp, unsigned groups)
{
	for (size_t i = 0; i < sizeof help / sizeof help[0]; i++) {
		if (!(groups & help[i].group))
			continue;
		if (help[i].group == CLI_G_JOURNAL && !(groups & CLI_G_CONFIG))
			fputs("      --journal FILE  the operator journal, the hash-chained log of every action\n"
			      "                    (default: $XDG_STATE_HOME/sandtop/audit.log); --audit-log\n"
			      "                    FILE is its old name, kept as an alias for this release\n",
			      fp);
		else
			fputs(help[i].text, fp);
	}
	fputs("  -h, --help        this help\n", fp);
}
