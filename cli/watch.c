/* watch: `sandtop watch`, the headless time-budget enforcer: one poll loop over the engine, one timestamped line per event. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "control/actions.h"
#include "journal/journal.h"
#include "control/ttl.h"
#include "docker/docker.h"
#include "docker/inventory.h"

/* After SIGINT/SIGTERM, how long actions in flight may take to finish. */
#define WATCH_DRAIN_MS 5000
#define WATCH_GROUPS (CLI_G_ENGINE | CLI_G_JOURNAL)

struct watch_opts {
	struct cli_common cm;   /* the engine, the journal */
	const char *label, *log;
	bool all;
	enum ttl_policy policy;
};

struct watch {
	struct dk_client *c;
	struct inventory *inv;
	struct actions *act;
	struct ttl_enf *enf;
	bool was_online, offline_told;
	bool out_failed;
	bool stopping;
	int64_t drain_until;
	int status;
};

static int sig_wfd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	if (write(sig_wfd, &b, 1) < 0) {
		/* the pipe is full: a signal is already waiting */
	}
	errno = saved;
}

static void usage(FILE *fp)
{
	fputs("usage: sandtop watch [--ttl-policy flag|pause|stop|kill] [--label K[=V]] [-a] [-H HOST]\n"
	      "                     [--journal FILE] [--log FILE]\n"
	      "\n"
	      "Enforce each sandbox's sandtop.ttl budget (seconds of wall-clock time from its\n"
	      "start), without a terminal: one timestamped line per event on stdout.\n"
	      "\n"
	      "  --ttl-policy P    what to do once a running sandbox's budget is spent, once per\n"
	      "                    start: flag (only report; the default), pause, stop, kill;\n"
	      "                    each action is written to the journal before and after (an\n"
	      "                    action that cannot be written to it first is refused, and\n"
	      "                    reported)\n"
	      "  --label K[=V]     only the sandboxes carrying this label\n"
	      "  -a, --all         every container, not only sandboxes\n"
	      "  --log FILE        diagnostic log (default: errors on stderr)\n",
	      fp);
	cli_common_usage(fp, WATCH_GROUPS);
	fputs("\n"
	      "Runs until SIGINT, SIGTERM or SIGHUP (exit 0, after letting actions in flight finish for\n"
	      "up to 5 s); an unreachable engine is reported once and retried.\n",
	      fp);
}

static int parse(int argc, char **argv, struct watch_opts *o)
{
	enum { OPT_POLICY = 256, OPT_LABEL, OPT_LOG };
	static const struct option own[] = {
		{"ttl-policy", required_argument, NULL, OPT_POLICY},
		{"label", required_argument, NULL, OPT_LABEL},
		{"all", no_argument, NULL, 'a'},
		{"log", required_argument, NULL, OPT_LOG},
		{0, 0, 0, 0},
	};
	cli_common_begin(&o->cm, WATCH_GROUPS, "a", own);
	int ch, p;
	while ((ch = cli_common_next(&o->cm, argc, argv)) != -1) {
		switch (ch) {
		case 'a': o->all = true; break;
		case OPT_LABEL:
			if (!optarg[0] || optarg[0] == '=') {
				sanitize_fprintf(stderr, "sandtop: watch: --label takes K or K=V\n");
				return -1;
			}
			o->label = optarg;
			break;
		case OPT_LOG: o->log = optarg; break;
		case OPT_POLICY:
			if ((p = ttl_policy_parse(optarg)) < 0) {
				sanitize_fprintf(stderr, "sandtop: watch: --ttl-policy is flag, pause, stop or kill, not '%s'\n", optarg);
				return -1;
			}
			o->policy = (enum ttl_policy)p;
			break;
		case 'h': usage(stdout); exit(0);
		case CLI_OPT_INVALID: return -1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		sanitize_fprintf(stderr, "sandtop: watch: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* One line on stdout: local time to the ms, then the text (sanitized). */
static void emit(struct watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct watch *w, const char *fmt, ...)
{
	char raw[1024], safe[1536], stamp[48], zone[8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize_text(raw, strlen(raw), safe, sizeof safe);
	int64_t now = clock_wall_ms();
	time_t s = (time_t)(now / 1000);
	struct tm tm;
	localtime_r(&s, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	printf("%s.%03d%s %s\n", stamp, (int)(now % 1000), zone, safe);
	if (fflush(stdout) != 0 || ferror(stdout))
		w->out_failed = true;
}

static void on_ttl_event(void *ud, const struct ttl_event *ev)
{
	emit(ud, "%s", ev->text);
}

/* The engine's comings and goings, each outage once. */
static void conn_report(struct watch *w)
{
	enum inv_conn st = inv_state(w->inv);
	if (st == INV_ONLINE && !w->was_online) {
		size_t n = 0, budgets = 0;
		for (size_t i = 0; i < inv_count(w->inv); i++) {
			const struct dk_container *ct = inv_get(w->inv, i);
			if (!ttl_enf_wants(w->enf, ct))
				continue;
			n++;
			budgets += dk_container_label(ct, TTL_LABEL) != NULL;
		}
		const char *ev = dk_client_engine_version(w->c), *av = dk_client_api_version(w->c);
		emit(w, "engine %s %s (Docker %s, API %s): %zu %s, %zu with %s", dk_client_endpoint(w->c),
			w->offline_told ? "back online" : "online", ev ? ev : "?", av ? av : "?", n,
			inv_all(w->inv) ? (n == 1 ? "container" : "containers") : (n == 1 ? "sandbox" : "sandboxes"),
			budgets, TTL_LABEL);
		w->was_online = true;
		w->offline_told = false;
	} else if (st == INV_OFFLINE && !w->offline_told) {
		emit(w, "engine %s unreachable: %s; retrying", dk_client_endpoint(w->c),
			inv_error(w->inv)[0] ? inv_error(w->inv) : "no answer");
		w->offline_told = true;
		w->was_online = false;
	} else if (st != INV_ONLINE) {
		w->was_online = false;
	}
}

static const char *sig_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

static void on_signals(struct watch *w, int fd, int64_t mono)
{
	unsigned char b[32];
	ssize_t n;
	while ((n = read(fd, b, sizeof b)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (w->stopping) {
				emit(w, "%s again: quitting now", sig_name(b[i]));
				w->drain_until = mono;   /* do not wait any longer */
				continue;
			}
			w->stopping = true;
			w->drain_until = mono + WATCH_DRAIN_MS;
			ttl_enf_drain(w->enf);
			size_t busy = ttl_enf_busy(w->enf);
			if (busy)
				emit(w, "%s: stopping after %zu action%s in flight (at most %d s)", sig_name(b[i]), busy,
					busy == 1 ? "" : "s", WATCH_DRAIN_MS / 1000);
			else
				emit(w, "%s: stopping", sig_name(b[i]));
		}
	}
}

static int min_timeout(int a, int b)
{
	return b < 0 ? a : a < 0 || b < a ? b : a;
}

static void loop(struct watch *w, int sigfd)
{
	struct pollfd *fds = NULL;
	size_t cap = 0;
	for (;;) {
		int64_t mono = clock_mono_ms();
		int timeout = 1000;
		timeout = min_timeout(timeout, inv_tick(w->inv, mono));
		if (w->act)
			timeout = min_timeout(timeout, act_tick(w->act, mono));
		conn_report(w);
		timeout = min_timeout(timeout, ttl_enf_tick(w->enf, w->inv, clock_wall_ms()));
		if (w->out_failed) {
			log_msg(LOG_ERROR, "watch: stdout: %s", strerror(errno));
			w->status = CLI_FAIL;
			break;
		}
		if (w->stopping) {
			size_t busy = ttl_enf_busy(w->enf);
			if (!busy) {
				emit(w, "stopped");
				break;
			}
			if (mono >= w->drain_until) {
				emit(w, "stopped with %zu action%s unfinished: %s result is not in the journal", busy,
					busy == 1 ? "" : "s", busy == 1 ? "its" : "their");
				break;
			}
			timeout = min_timeout(timeout, (int)(w->drain_until - mono));
		}
		size_t want = 1 + dk_client_pollfds_max(w->c);
		if (want > cap) {
			cap = want * 2;
			fds = xrealloc(fds, cap * sizeof *fds);
		}
		fds[0] = (struct pollfd){.fd = sigfd, .events = POLLIN};
		size_t n = dk_client_pollfds(w->c, fds + 1, cap - 1, &timeout);
		if (timeout < 0)
			timeout = 0;
		if (poll(fds, 1 + n, timeout) < 0) {
			if (errno != EINTR) {
				log_msg(LOG_ERROR, "watch: poll: %s", strerror(errno));
				w->status = CLI_FAIL;
				break;
			}
			for (size_t i = 0; i < 1 + n; i++)
				fds[i].revents = 0;
		}
		if (fds[0].revents & POLLIN)
			on_signals(w, sigfd, clock_mono_ms());
		dk_client_dispatch(w->c, fds + 1, n);
	}
	free(fds);
}

/* The self-pipe the handlers write to; returns its read end, or -1. */
static int signals_setup(int p[2])
{
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	sig_wfd = p[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return p[0];
}

static void signals_restore(int p[2])
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sig_wfd = -1;
	close(p[0]);
	close(p[1]);
}

int cli_watch_main(int argc, char **argv)
{
	struct watch_opts o = {.policy = TTL_FLAG};
	if (parse(argc, argv, &o) < 0 || cli_common_load(&o.cm) < 0)
		return CLI_USAGE;
	struct err e = {0};
	struct dk_client *c = cli_common_client(&o.cm, &e);
	if (!c)
		return sanitize_fprintf(stderr, "sandtop: watch: %s\n", e.msg), CLI_USAGE;
	char *journal = o.policy == TTL_FLAG ? NULL : cli_common_journal(&o.cm);
	if (o.policy != TTL_FLAG && !journal) {
		sanitize_fprintf(stderr, "sandtop: watch: no home directory for the default journal; give --journal FILE\n");
		dk_client_free(c);
		return CLI_USAGE;
	}
	if (o.log) {
		if (log_open(o.log) < 0) {
			sanitize_fprintf(stderr, "sandtop: watch: cannot open log %s: %s\n", o.log, strerror(errno));
			free(journal);
			dk_client_free(c);
			return CLI_USAGE;
		}
		log_set_level(LOG_INFO);
	} else {
		log_set_level(LOG_ERROR);
	}
	int p[2];
	int sigfd = signals_setup(p);
	if (sigfd < 0) {
		sanitize_fprintf(stderr, "sandtop: watch: pipe: %s\n", strerror(errno));
		free(journal);
		dk_client_free(c);
		return CLI_FAIL;
	}
	struct watch w = {.c = c, .status = CLI_OK};
	w.inv = inv_new(c, o.all);
	w.act = o.policy == TTL_FLAG ? NULL : actions_new(c, journal, !strncmp(dk_client_endpoint(c), "unix://", 7));
	struct ttl_enf_opts eo = {.policy = o.policy, .label = o.label, .stop_timeout_s = -1, .cb = on_ttl_event,
		.ud = &w};
	w.enf = ttl_enf_new(w.act, &eo);
	emit(&w, "watching %s%s%s on %s: ttl policy %s%s%s", o.all ? "every container" : "sandboxes",
		o.label ? " labelled " : "", o.label ? o.label : "", dk_client_endpoint(c), ttl_policy_name(o.policy),
		journal ? ", journal " : "", journal ? journal : "");
	if (w.act && act_problem(w.act))
		emit(&w, "%s (actions go ahead; the records are kept and retried)", act_problem(w.act));
	if (w.act && act_kernel_problem(w.act))
		emit(&w, "no kernel path (%s): pause, stop and kill go through the engine only", act_kernel_problem(w.act));
	log_msg(LOG_INFO, "watch: policy %s, engine %s", ttl_policy_name(o.policy), dk_client_endpoint(c));
	inv_start(w.inv);
	loop(&w, sigfd);
	/* the client first: it cancels requests without calling back */
	dk_client_free(c);
	ttl_enf_free(w.enf);
	actions_free(w.act);
	inv_free(w.inv);
	signals_restore(p);
	free(journal);
	log_close();
	return w.status;
}
