/* launch: `sandtop launch [--profile FILE] [-H HOST] [--json] NAME`: its arguments, profile and output; the workflow is control/launch.c. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "journal/journal.h"
#include "control/launch.h"
#include "control/profile.h"
#include "docker/docker.h"

/* A bound on the whole launch: at most 7 engine calls (inspect, create the
 * network, twice; create, start, remove) that each time out by themselves
 * well before a minute. */
#define LAUNCH_RUN_MS (7 * 60000)
#define LAUNCH_GROUPS (CLI_G_ENGINE | CLI_G_JOURNAL)

static void usage(FILE *fp)
{
	fputs("usage: sandtop launch [--profile FILE] [-H HOST] [--json] [--journal FILE] [--log FILE] NAME\n"
	      "\n"
	      "Create and start one hardened sandbox called NAME: user 10001, read-only root,\n"
	      "bounded tmpfs, every capability dropped, no-new-privileges, the reference\n"
	      "seccomp profile, memory/CPU/PID limits, no restart, bounded logs, no published\n"
	      "ports, no network (or the profile's internal network, created when missing).\n"
	      "Prints the new container's id. Exit: 0 started, 1 refused (by the engine, or\n"
	      "a network that is not internal), 2 usage or profile errors, 3 engine unreachable.\n"
	      "\n"
	      "  -p, --profile FILE  key = value lines: image, memory, cpus, pids, shm,\n"
	      "                      tmp_size, home_size, network, ttl, owner, task,\n"
	      "                      label K=V, env K=V (see sandtop(1), Profile files)\n"
	      "      --json          print {\"id\":...,\"name\":...}\n"
	      "      --log FILE      diagnostic log of what was sent and how long it took\n"
	      "The launch and its outcome are written to the operator journal; one that\n"
	      "cannot be written is reported, and the launch stands.\n",
	      fp);
	cli_common_usage(fp, LAUNCH_GROUPS);
}

/* Where the one-line reasons go: stderr, kept even when --log takes fd 2. */
static FILE *out_err;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sanitize_fprintf(out_err, "sandtop: launch: %s\n", msg); /* engine messages, profile text */
	fflush(out_err);
}

static void on_diag(void *ud, const char *msg)
{
	(void)ud;
	sanitize_fprintf(out_err, "%s\n", msg);
}

/* How the launch ended (launch_done_fn). */
struct outcome {
	bool ended;
	int rc;
	struct err e;
	char id[65];
};

static void on_note(void *ud, const char *msg)
{
	(void)ud;
	say("%s", msg);
}

static void on_end(void *ud, int rc, const struct err *e, const char *id)
{
	struct outcome *o = ud;
	o->ended = true;
	o->rc = rc;
	o->e = *e;
	if (rc == 0)
		snprintf(o->id, sizeof o->id, "%s", id);
}

static int exit_for(const struct err *e)
{
	return e->code == ERR_TRANSPORT ? CLI_UNREACHABLE : e->code == ERR_USAGE ? CLI_USAGE : CLI_FAIL;
}

struct launch_opts {
	struct cli_common cm;   /* the engine, the journal */
	const char *profile, *log, *name;
	bool json;
};

static int parse_opts(int argc, char **argv, struct launch_opts *o)
{
	enum { OPT_JSON = 256, OPT_LOG };
	static const struct option own[] = {
		{"profile", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, OPT_JSON},
		{"log", required_argument, NULL, OPT_LOG},
		{0, 0, 0, 0},
	};
	int ch;
	cli_common_begin(&o->cm, LAUNCH_GROUPS, "p:", own);   /* resets getopt: the tests call this more than once */
	while ((ch = cli_common_next(&o->cm, argc, argv)) != -1) {
		switch (ch) {
		case 'p': o->profile = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_LOG: o->log = optarg; break;
		case 'h': usage(stdout); exit(CLI_OK);
		case CLI_OPT_INVALID: return -1;
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, optind >= argc ? "sandtop: launch: name the sandbox (sandtop launch NAME)\n"
		                               : "sandtop: launch: one NAME only\n");
		return -1;
	}
	o->name = argv[optind];
	if (!lp_name_ok(o->name)) {
		char *safe = sanitize_dup(o->name, strlen(o->name));
		fprintf(stderr, "sandtop: launch: '%s' is not a container name (2-128 of A-Z a-z 0-9 _ . -, starting "
		        "with a letter or digit)\n", safe);
		free(safe);
		return -1;
	}
	return 0;
}

/* --log FILE: the log gets fd 2, so keep the user's stderr for reasons. */
static int open_log(const char *path)
{
	int fd = dup(STDERR_FILENO);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!fp) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "sandtop: launch: %s\n", strerror(errno));
		return -1;
	}
	if (log_open(path) < 0) {
		fprintf(fp, "sandtop: launch: cannot open log %s: %s\n", path, strerror(errno));
		fclose(fp);
		return -1;
	}
	out_err = fp;
	log_set_level(LOG_INFO);
	return 0;
}

/* The launch in the operator journal: one event record with who, the
 * sandbox, its image and the outcome. A launch destroys nothing, so a log
 * that cannot be written is reported and the launch stands. */
static void record(const struct launch_opts *o, const struct lp_launch *l, const struct outcome *out, int64_t ms)
{
	struct err e = {0};
	char *path = cli_common_journal(&o->cm);
	struct journal *a = path ? journal_open(path, &e) : NULL;
	if (!path)
		err_set(&e, JOURNAL_E_IO, "no journal path ($HOME is not set)");
	char *detail = xasprintf("image=%s%s%s", l->spec.image, o->profile ? " profile=" : "", o->profile ? o->profile : "");
	struct journal_target t = {.id = out->rc == 0 ? out->id : NULL, .name = o->name,
	                         .result = out->rc == 0 ? "ok" : out->e.msg};
	struct journal_rec r = {.action = "launch", .phase = "event", .targets = &t, .ntargets = 1, .duration_ms = ms,
	                      .detail = detail};
	if (!a || journal_write(a, &r, &e) < 0)
		say("the launch is not in the journal: %s", e.msg);
	journal_close(a);
	free(detail);
	free(path);
}

/* Network, create, start (control/launch.c), print: an exit status. */
static int launch(const struct launch_opts *o, const struct lp_launch *l)
{
	struct err e;
	struct dk_client *c = cli_common_client(&o->cm, &e);
	if (!c) {
		say("%s", e.msg);
		return CLI_USAGE;
	}
	struct outcome out = {0};
	int64_t t0 = clock_mono_ms();
	struct launch_run *run = launch_start(c, &l->spec, on_note, on_end, &out);
	dk_client_run(c, LAUNCH_RUN_MS);
	if (!out.ended) {  /* still in flight: dk_client_free cancels it */
		out.rc = -1;
		err_set(&out.e, ERR_TRANSPORT, "no answer from engine at %s", dk_client_endpoint(c));
		say("%s", out.e.msg);
	}
	dk_client_free(c);
	launch_free(run);
	record(o, l, &out, clock_mono_ms() - t0);
	if (out.rc < 0)
		return exit_for(&out.e);
	if (o->json) {
		printf("{\"id\":");
		cli_json_str(stdout, out.id);
		printf(",\"name\":");
		cli_json_str(stdout, o->name);
		printf("}\n");
	} else {
		printf("%s\n", out.id);
	}
	return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

int cli_launch_main(int argc, char **argv)
{
	out_err = stderr;
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	struct launch_opts o = {0};
	if (parse_opts(argc, argv, &o) < 0 || cli_common_load(&o.cm) < 0)
		return CLI_USAGE;
	struct lp_profile p;
	lp_profile_defaults(&p);
	if (o.profile && lp_load(&p, o.profile, on_diag, NULL) > 0) {
		lp_profile_clear(&p);
		return CLI_USAGE;
	}
	struct lp_launch l;
	struct err e;
	int rc = CLI_USAGE;
	if (lp_launch_build(&l, &p, o.name, &e) < 0)
		say("%s", e.msg);
	else if (!o.log || open_log(o.log) == 0)
		rc = launch(&o, &l);
	lp_launch_clear(&l);
	lp_profile_clear(&p);
	if (out_err != stderr) {
		log_close();
		fclose(out_err);
		out_err = stderr;
	}
	return rc;
}
