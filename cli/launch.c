/* launch: `sandtop launch [--profile FILE] [-H HOST] [--json] NAME`, create and start one hardened sandbox through the Engine API. */
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
#include "control/profile.h"
#include "docker/create.h"
#include "docker/docker.h"
#include "docker/hardening.h"

#define LAUNCH_STEP_MS 60000   /* each engine call times out by itself well before this */

static void usage(FILE *fp)
{
	fputs("usage: sandtop launch [--profile FILE] [-H HOST] [--json] [--log FILE] NAME\n"
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
	      "      --log FILE      diagnostic log of what was sent and how long it took\n"
	      "  -h, --help          this help\n",
	      fp);
}

/* Where the one-line reasons go: stderr, kept even when --log takes fd 2. */
static FILE *out_err;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("sandtop: launch: ", out_err);
	vfprintf(out_err, fmt, ap);
	fputc('\n', out_err);
	fflush(out_err);
	va_end(ap);
}

static void on_diag(void *ud, const char *msg)
{
	(void)ud;
	fprintf(out_err, "%s\n", msg);
}

/* One engine call's outcome. */
struct step {
	int calls;
	int rc;
	struct err e;
	char id[65];
	bool internal, icc_disabled;
	char driver[32];
	char *name;      /* the network's own name (network inspect) */
};

static void on_id(void *ud, int rc, const struct err *e, const char *id)
{
	struct step *s = ud;
	s->calls++;
	s->rc = rc;
	s->e = *e;
	if (rc == 0)
		snprintf(s->id, sizeof s->id, "%s", id);
}

static void on_done(void *ud, int rc, const struct err *e)
{
	on_id(ud, rc, e, "");
}

static void on_net(void *ud, int rc, const struct err *e, const struct dk_netinfo *n)
{
	struct step *s = ud;
	s->calls++;
	s->rc = rc;
	if (e)
		s->e = *e;
	else
		err_clear(&s->e);
	if (rc == 0 && n) {
		s->internal = n->internal;
		s->icc_disabled = n->icc_disabled;
		snprintf(s->driver, sizeof s->driver, "%s", n->driver ? n->driver : "");
		s->name = xstrdup(n->name ? n->name : "");
		snprintf(s->id, sizeof s->id, "%s", n->id);
	}
}

/* Run the client until the step's callback came. */
static void run_step(struct dk_client *c, struct step *s)
{
	dk_client_run(c, LAUNCH_STEP_MS);
	if (s->calls == 0) {  /* still in flight: dk_client_free cancels it */
		s->rc = -1;
		err_set(&s->e, DK_ETRANSPORT, "no answer from engine at %s", dk_client_endpoint(c));
	}
}

static int exit_for(const struct err *e)
{
	return e->code == DK_ETRANSPORT ? CLI_UNREACHABLE : e->code == DK_EUSAGE ? CLI_USAGE : CLI_FAIL;
}

/* The profile's network: an existing internal one, or a new internal one
 * with inter-container traffic off. Returns CLI_OK or an exit status. */
static int ensure_network(struct dk_client *c, const char *net)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		struct step s = {0};
		dk_network_inspect(c, net, on_net, &s);
		run_step(c, &s);
		bool other = s.rc == 0 && strcmp(s.name ? s.name : "", net) != 0;
		char *found = s.name ? sanitize_dup(s.name, strlen(s.name)) : NULL;
		free(s.name);
		if (other) {
			/* the engine also matches id prefixes: "ab" may be network "web" */
			say("'%s' matched network %s (by id prefix), not a network of that name: name the network "
			    "exactly", net, found);
			free(found);
			return CLI_FAIL;
		}
		free(found);
		if (s.rc == 0) {
			if (!s.internal) {
				say("network %s is not internal (it has a route out of the host): refusing to attach a "
				    "sandbox to it; name an internal network, or one that does not exist yet", net);
				return CLI_FAIL;
			}
			if (!s.icc_disabled)
				say("note: network %s lets its containers reach each other (enable_icc is not false)", net);
			log_msg(LOG_INFO, "launch: network %s exists, internal (%s)", net, s.driver);
			return CLI_OK;
		}
		if (s.e.code != DK_ENOTFOUND) {
			say("cannot inspect network %s: %s", net, s.e.msg);
			return exit_for(&s.e);
		}
		static const struct dk_label mine[] = {{.key = "sandtop.created-by", .value = "sandtop launch"}};
		struct step cr = {0};
		dk_network_create(c, net, mine, 1, on_id, &cr);
		run_step(c, &cr);
		if (cr.rc == 0) {
			say("created internal network %s (no route out, no traffic between sandboxes)", net);
			log_msg(LOG_INFO, "launch: created network %s (%.12s)", net, cr.id);
			return CLI_OK;
		}
		if (cr.e.code != DK_ECONFLICT) {
			say("cannot create network %s: %s", net, cr.e.msg);
			return exit_for(&cr.e);
		}
		/* someone created it meanwhile: look at it again */
	}
	say("network %s: created and removed under our feet; try again", net);
	return CLI_FAIL;
}

/* Create, then start; a container that will not start is removed (its
 * name would block the next try). Returns CLI_OK with id filled. */
static int create_start(struct dk_client *c, const struct dk_create_spec *spec, char id[65])
{
	struct step s = {0};
	dk_create_container(c, spec, on_id, &s);
	run_step(c, &s);
	if (s.rc < 0) {
		say("cannot create %s: %s", spec->name, s.e.msg);
		return exit_for(&s.e);
	}
	if (s.e.msg[0])
		say("engine warning: %s", s.e.msg);
	snprintf(id, 65, "%s", s.id);
	log_msg(LOG_INFO, "launch: created %s (%.12s)", spec->name, id);
	struct step st = {0};
	dk_start_container(c, id, on_done, &st);
	run_step(c, &st);
	if (st.rc == 0)
		return CLI_OK;
	say("cannot start %s: %s", spec->name, st.e.msg);
	struct step rm = {0};
	dk_remove(c, id, true, on_done, &rm);
	run_step(c, &rm);
	if (rm.rc == 0)
		say("removed the container that did not start");
	else
		say("could not remove the container that did not start (%.12s): %s", id, rm.e.msg);
	return exit_for(&st.e);
}

struct launch_opts {
	const char *profile, *host, *log, *name;
	bool json;
};

static int parse_opts(int argc, char **argv, struct launch_opts *o)
{
	enum { OPT_JSON = 256, OPT_LOG };
	static const struct option longopts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"host", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, OPT_JSON},
		{"log", required_argument, NULL, OPT_LOG},
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

/* Network, create, start, print: an exit status. */
static int launch(const struct launch_opts *o, const struct lp_profile *p, const struct lp_launch *l)
{
	struct err e;
	struct dk_client *c = dk_client_new(o->host, &e);
	if (!c) {
		say("%s", e.msg);
		return CLI_USAGE;
	}
	int64_t t0 = clock_mono_ms();
	log_msg(LOG_INFO, "launch: %s from %s on %s", o->name, p->image, dk_client_endpoint(c));
	int rc = p->network ? ensure_network(c, p->network) : CLI_OK;
	char id[65] = "";
	if (rc == CLI_OK)
		rc = create_start(c, &l->spec, id);
	dk_client_free(c);
	if (rc != CLI_OK)
		return rc;
	log_msg(LOG_INFO, "launch: started %s (%.12s) in %lld ms", o->name, id, (long long)(clock_mono_ms() - t0));
	if (o->json) {
		printf("{\"id\":");
		cli_json_str(stdout, id);
		printf(",\"name\":");
		cli_json_str(stdout, o->name);
		printf("}\n");
	} else {
		printf("%s\n", id);
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
		rc = launch(&o, &p, &l);
	lp_launch_clear(&l);
	lp_profile_clear(&p);
	if (out_err != stderr) {
		log_close();
		fclose(out_err);
		out_err = stderr;
	}
	return rc;
}
