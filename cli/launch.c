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
#include "journal/journal.h"
#include "control/launch.h"
#include "control/profile.h"
#include "docker/docker.h"

/* A bound on the whole launch: at most 7 engine calls (inspect, create the
 * network, twice; create, start, remove) that each time out by themselves
 * well before a minute. */
#define LAUNCH_RUN_MS (7 * 60000)

static void usage(FILE *fp)
{
	fputs("usage: sandtop launch [--profile FILE] [-H HOST] [--json] [--audit-log FILE] [--log FILE] NAME\n"
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
	      "  -H, --host HOST     engine address: unix:///PATH or tcp://HOST:PORT\n"
	      "      --json          print {\"id\":...,\"name\":...}\n"
	      "      --audit-log FILE  the operator audit log the launch and its outcome are\n"
	      "                      written to (default $XDG_STATE_HOME/sandtop/audit.log); one\n"
	      "                      that cannot be written is reported, and the launch stands\n"
	      "      --log FILE      diagnostic log of what was sent and how long it took\n"
	      "  -h, --help          this help\n",
	      fp);
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
	const char *profile, *host, *log, *name, *audit_log;
	bool json;
};

static int parse_opts(int argc, char **argv, struct launch_opts *o)
{
	enum { OPT_JSON = 256, OPT_LOG, OPT_AUDIT_LOG };
	static const struct option longopts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"host", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, OPT_JSON},
		{"log", required_argument, NULL, OPT_LOG},
		{"audit-log", required_argument, NULL, OPT_AUDIT_LOG},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	optind = 0;  /* glibc: a full reset (the tests call this more than once) */
	opterr = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "p:H:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o->profile = optarg; break;
		case 'H': o->host = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_LOG: o->log = optarg; break;
		case OPT_AUDIT_LOG: o->audit_log = optarg; break;
		case 'h': usage(stdout); exit(CLI_OK);
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

/* The launch in the operator audit log: one event record with who, the
 * sandbox, its image and the outcome. A launch destroys nothing, so a log
 * that cannot be written is reported and the launch stands. */
static void record(const struct launch_opts *o, const struct lp_launch *l, const struct outcome *out, int64_t ms)
{
	struct err e = {0};
	char *path = o->audit_log ? xstrdup(o->audit_log) : journal_default_path();
	struct audit *a = path ? journal_open(path, &e) : NULL;
	if (!path)
		err_set(&e, JOURNAL_E_IO, "no audit log path ($HOME is not set)");
	char *detail = xasprintf("image=%s%s%s", l->spec.image, o->profile ? " profile=" : "", o->profile ? o->profile : "");
	struct journal_target t = {.id = out->rc == 0 ? out->id : NULL, .name = o->name,
	                         .result = out->rc == 0 ? "ok" : out->e.msg};
	struct journal_rec r = {.action = "launch", .phase = "event", .targets = &t, .ntargets = 1, .duration_ms = ms,
	                      .detail = detail};
	if (!a || journal_write(a, &r, &e) < 0)
		say("the launch is not in the audit log: %s", e.msg);
	journal_close(a);
	free(detail);
	free(path);
}

/* Network, create, start (control/launch.c), print: an exit status. */
static int launch(const struct launch_opts *o, const struct lp_launch *l)
{
	struct err e;
	struct dk_client *c = dk_client_new(o->host, &e);
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
	if (parse_opts(argc, argv, &o) < 0)
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
