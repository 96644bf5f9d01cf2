/* logs: `sandtop logs ID [-f] [--since T] [--tail N] [--timestamps]`, a container's stdout and stderr for scripts, every line sanitized. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "docker/logs_stream.h"

/* A line over this is cut there (and marked). */
#define CLI_LOGS_LINE_MAX (64u << 10)
#define LOGS_GROUPS CLI_G_ENGINE

struct logs_run {
	bool timestamps;
	FILE *last;            /* where the previous line went */
	bool out_failed;       /* stdout or stderr refused a write */
	bool done;
	enum dk_logs_end why;
	struct err e;
	struct dk_logs_stream *st;
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void usage(FILE *fp)
{
	fputs("usage: sandtop logs ID [-f] [--since T] [-n N] [-t] [-H HOST]\n"
	      "\n"
	      "A container's stdout and stderr as the engine keeps them: its stdout lines on\n"
	      "stdout, its stderr lines on stderr (a tty container has one stream, on\n"
	      "stdout). Every line is sanitized: a control character, an escape sequence or\n"
	      "invalid UTF-8 is shown as a visible mark, never obeyed. A line over 64 KiB is\n"
	      "cut there and ends with \"… [cut]\".\n"
	      "\n"
	      "  ID                a name, a full id, or an id prefix (4 characters or more)\n"
	      "                    that only one container has\n"
	      "  -f, --follow      go on as the container writes, until it stops or SIGINT\n"
	      "      --since T     from T on: a duration back from now (10m, 1h30m), a unix\n"
	      "                    time (1700000000) or an RFC 3339 time (2026-01-02T15:04:05Z;\n"
	      "                    without a zone: local time)\n"
	      "  -n, --tail N      only the last N lines of the past (default: all of it)\n"
	      "  -t, --timestamps  each line starts with the engine's timestamp\n",
	      fp);
	cli_common_usage(fp, LOGS_GROUPS);
	fputs("\n"
	      "exit: 0 the end of the log (with -f: the container stopped, SIGINT or SIGTERM,\n"
	      "or the reader of the output went away), 1 no such container, an ambiguous id\n"
	      "prefix or an engine error, 2 usage, 3 the engine cannot be reached or went away\n",
	      fp);
}

static int put(struct logs_run *r, FILE *fp, const char *s)
{
	if (r->last && r->last != fp && fflush(r->last) != 0)
		return -1;   /* the other stream first, so a terminal shows them in order */
	r->last = fp;
	return fputs(s, fp) < 0 ? -1 : 0;
}

static void on_line(void *ud, const struct dk_log_line *l)
{
	struct logs_run *r = ud;
	if (r->out_failed)
		return;
	FILE *fp = l->stream == DK_LOG_STDOUT ? stdout : stderr;
	char *text = sanitize_dup(l->text, l->len);
	char ts[64] = "";
	if (r->timestamps && l->ts_len)
		snprintf(ts, sizeof ts, "%.*s ", (int)l->ts_len, l->ts);   /* checked characters only */
	int rc = put(r, fp, ts);
	if (rc == 0 && l->stream == DK_LOG_ENGINE)
		rc = put(r, fp, "engine: ");
	if (rc == 0)
		rc = put(r, fp, text);
	if (rc == 0)
		rc = put(r, fp, l->cut ? "… [cut]\n" : "\n");
	free(text);
	if (rc < 0) {
		r->out_failed = true;
		dk_logs_stream_cancel(r->st);
	}
}

static void on_end(void *ud, enum dk_logs_end why, const struct err *e)
{
	struct logs_run *r = ud;
	r->done = true;
	r->why = why;
	if (e)
		r->e = *e;
}

struct logs_args {
	struct cli_common cm;   /* the engine */
	const char *id, *since;
	bool follow, timestamps;
	long tail;
};

static int parse(int argc, char **argv, struct logs_args *a)
{
	enum { OPT_SINCE = 256 };
	static const struct option own[] = {
		{"follow", no_argument, NULL, 'f'},
		{"since", required_argument, NULL, OPT_SINCE},
		{"tail", required_argument, NULL, 'n'},
		{"timestamps", no_argument, NULL, 't'},
		{0, 0, 0, 0},
	};
	int ch;
	cli_common_begin(&a->cm, LOGS_GROUPS, "fn:t", own);
	while ((ch = cli_common_next(&a->cm, argc, argv)) != -1) {
		switch (ch) {
		case 'f': a->follow = true; break;
		case OPT_SINCE: a->since = optarg; break;
		case 't': a->timestamps = true; break;
		case 'n': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (!strcmp(optarg, "all")) {
				a->tail = -1;
			} else if (end == optarg || *end || n < 0 || n > 100000000) {
				sanitize_fprintf(stderr, "sandtop: logs: --tail takes a number of lines or 'all', not '%s'\n", optarg);
				return -1;
			} else {
				a->tail = n;
			}
			break;
		}
		case 'h': usage(stdout); exit(0);
		case CLI_OPT_INVALID: return -1;
		default: usage(stderr); return -1;
		}
	}
	if (optind >= argc) {
		fputs("sandtop: logs: which container? (sandtop logs ID; --help)\n", stderr);
		return -1;
	}
	a->id = argv[optind++];
	if (optind < argc) {
		sanitize_fprintf(stderr, "sandtop: logs: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* The one container id names (as the action commands pick: an exact name
 * or id, else an id prefix only one container has); its id into out. */
static int pick(struct dk_client *c, const struct logs_args *a, char out[65])
{
	const char *ids[] = {a->id};
	struct cli_act_opts ao = {.common = &a->cm, .action = "logs", .ids = ids, .nids = 1};
	struct cli_targets t;
	int st = cli_targets_pick(c, &ao, &t);
	if (st == CLI_OK) {
		if (t.n == 1) {
			snprintf(out, 65, "%s", t.sel[0]->id);
		} else if (t.nambiguous) {
			sanitize_fprintf(stderr, "sandtop: logs: %s\n", t.ambiguous[0]);
			st = CLI_FAIL;
		} else {
			sanitize_fprintf(stderr, "sandtop: logs: no such container: %s\n", a->id);
			st = CLI_FAIL;
		}
	}
	cli_targets_free(&t);
	return st;
}

/* Run the client until the stream ends; SIGINT and SIGTERM cancel it (they
 * are let through only inside ppoll, so none is missed). */
static void run(struct dk_client *c, struct logs_run *r)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct pollfd *fds = NULL;
	size_t cap = 0;
	while (!r->done) {
		size_t max = dk_client_pollfds_max(c);
		if (max > cap) {
			cap = max;
			fds = xrealloc(fds, cap * sizeof *fds);
		}
		int t = -1;
		size_t n = dk_client_pollfds(c, fds, cap, &t);
		struct timespec ts = {.tv_sec = t / 1000, .tv_nsec = (long)(t % 1000) * 1000000L};
		if (ppoll(fds, n, t < 0 ? NULL : &ts, &old) < 0)
			for (size_t i = 0; i < n; i++)
				fds[i].revents = 0;
		if (got_signal) {
			dk_logs_stream_cancel(r->st);
			break;
		}
		dk_client_dispatch(c, fds, n);
		if (!r->out_failed && (fflush(stdout) != 0 || fflush(stderr) != 0)) {
			r->out_failed = true;
			if (!r->done)
				dk_logs_stream_cancel(r->st);
		}
	}
	free(fds);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int cli_logs_main(int argc, char **argv)
{
	struct logs_args a = {.tail = -1};
	signal(SIGPIPE, SIG_IGN);   /* a reader that went away is a write error, not death */
	log_set_level(LOG_ERROR);   /* stderr carries the container's stderr: no chatter */
	if (parse(argc, argv, &a) < 0 || cli_common_load(&a.cm) < 0)
		return CLI_USAGE;
	char since[64];
	struct err e;
	if (a.since && dk_logs_since(a.since, clock_wall_ms(), since, sizeof since, &e) < 0) {
		sanitize_fprintf(stderr, "sandtop: logs: %s\n", e.msg);
		return CLI_USAGE;
	}
	struct dk_client *c = cli_common_client(&a.cm, &e);
	if (!c) {
		sanitize_fprintf(stderr, "sandtop: logs: %s\n", e.msg);
		return CLI_USAGE;
	}
	char id[65];
	int st = pick(c, &a, id);
	if (st != CLI_OK) {
		dk_client_free(c);
		return st;
	}
	struct logs_run r = {.timestamps = a.timestamps};
	struct dk_logs_opts o = {.follow = a.follow, .timestamps = a.timestamps, .since = a.since ? since : NULL,
	                         .tail = a.tail, .line_max = CLI_LOGS_LINE_MAX};
	struct dk_logs_cbs cbs = {.line = on_line, .end = on_end};
	r.st = dk_logs_stream_open(c, id, &o, &cbs, &r);
	run(c, &r);
	dk_client_free(c);
	if (r.out_failed || got_signal || r.why == DK_LOGS_EOF || r.why == DK_LOGS_CANCELLED)
		return CLI_OK;
	const char *what = r.why == DK_LOGS_LOST ? "the engine went away: " : "";
	sanitize_fprintf(stderr, "sandtop: logs: %s%s\n", what, r.e.msg);
	return r.why == DK_LOGS_LOST || r.e.code == ERR_TRANSPORT ? CLI_UNREACHABLE : CLI_FAIL;
}
