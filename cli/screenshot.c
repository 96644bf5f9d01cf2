/* screenshot: `sandtop screenshot ID -o FILE.png`, a full-resolution PNG of one sandbox's desktop, without a terminal: its options and its run. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "desktop/desk.h"
#include "docker/docker.h"
#include "vnc/render.h"

/* How long the engine and the desktop have, together. */
#define SHOT_TIMEOUT_MS 20000
#define SHOT_GROUPS (CLI_G_ENGINE | CLI_G_CONFIG | CLI_G_DESK)

struct shot {
	int rc;                      /* -1 while waiting for inspect */
	struct err e;
	struct dk_container *ct;
};

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	struct shot *s = ud;
	s->rc = rc;
	if (rc < 0)
		s->e = *e;
	else
		s->ct = ct;
}

/* The one line on stderr; what it quotes (the desk's status: the label,
 * the worker's reason, the engine's message) passes the sanitizer. */
static int fail(int status, const char *fmt, const char *arg)
{
	char msg[1024];
	snprintf(msg, sizeof msg, fmt, arg);
	sanitize_fprintf(stderr, "sandtop: screenshot: %s\n", msg);
	return status;
}

/* Write the picture; 0 or -1 with a message on stderr. */
static int save(const char *out, const uint8_t *px, int w, int h)
{
	struct err e = {0};
	FILE *fp = fopen(out, "wb");
	if (!fp) {
		sanitize_fprintf(stderr, "sandtop: screenshot: %s: %s\n", out, strerror(errno));
		return -1;
	}
	int rc = vr_png_write(fp, px, w, h, &e);
	if (fclose(fp) != 0 && rc == 0)
		rc = err_set(&e, 1, "%s", strerror(errno));
	if (rc < 0) {
		sanitize_fprintf(stderr, "sandtop: screenshot: %s: %s\n", out, e.msg);
		unlink(out);
	}
	return rc;
}

int cli_screenshot(const struct cli_common *cm, const char *id, const char *out, int timeout_ms)
{
	struct err e = {0};
	struct dk_client *c = cli_common_client(cm, &e);
	if (!c)
		return fail(CLI_USAGE, "%s", e.msg);
	struct shot s = {.rc = 1};
	dk_inspect(c, id, on_inspect, &s);
	if (dk_client_run(c, timeout_ms) < 0 || s.rc > 0) {
		dk_client_free(c);
		return fail(CLI_UNREACHABLE, "%s", "the engine did not answer in time");
	}
	if (s.rc < 0) {
		dk_client_free(c);
		int st = s.e.code == ERR_TRANSPORT || s.e.code == ERR_VERSION ? CLI_UNREACHABLE : CLI_FAIL;
		return fail(st, "%s", s.e.msg);
	}
	struct desk *d = desk_open(c, s.ct, false);
	dk_container_clear(s.ct);
	free(s.ct);

	int status = CLI_FAIL;
	bool asked = false;
	int64_t deadline = clock_mono_ms() + timeout_ms;
	char st[512] = "";
	size_t cap = 0;
	struct pollfd *fds = NULL;
	for (;;) {
		int64_t now = clock_mono_ms();
		enum desk_status ds = desk_status(d, now, st, sizeof st);
		if (ds == DESK_S_OFF || ds == DESK_S_DOWN) {
			fail(CLI_FAIL, "%s", st);
			break;
		}
		if (now >= deadline) {
			fail(CLI_FAIL, "timed out (%s)", st);
			break;
		}
		int timeout = (int)(deadline - now);
		int t = desk_tick(d, now);
		if (t >= 0 && t < timeout)
			timeout = t;
		if (!asked && desk_request_shot(d) == 0)
			asked = true;
		size_t want = dk_client_pollfds_max(c) + 1;
		if (want > cap) {
			cap = want;
			fds = xrealloc(fds, cap * sizeof *fds);
		}
		size_t n = dk_client_pollfds(c, fds, cap, &timeout);
		size_t nd = desk_pollfds(d, fds + n, cap - n);
		if (timeout < 0)
			timeout = 0;
		if (poll(fds, n + nd, timeout) < 0 && errno != EINTR) {
			fail(CLI_FAIL, "poll: %s", strerror(errno));
			break;
		}
		dk_client_dispatch(c, fds, n);
		if (desk_dispatch(d, fds + n, nd) & VS_EV_SHOT) {
			int w, h;
			uint8_t *px = desk_take_shot(d, &w, &h);
			if (px && save(out, px, w, h) == 0)
				status = CLI_OK;
			free(px);
			break;
		}
	}
	free(fds);
	desk_close(d);
	dk_client_free(c);
	return status;
}

static void usage(FILE *fp)
{
	fputs("usage: sandtop screenshot ID -o FILE.png [-H HOST] [--vnc-socket-dir DIR]\n"
	      "                          [--vnc-password-dir DIR]\n"
	      "\n"
	      "Save a full-resolution PNG of a sandbox's desktop (its sandtop.vnc label says\n"
	      "where it is), without a terminal.\n"
	      "\n"
	      "  ID                a name or an id\n"
	      "  -o, --output FILE the PNG file to write\n",
	      fp);
	cli_common_usage(fp, SHOT_GROUPS);
	fputs("\nexit status: 0 ok, 1 no reachable desktop (the reason on stderr), 2 usage,\n"
	      "3 the engine cannot be reached\n",
	      fp);
}

int cli_screenshot_main(int argc, char **argv)
{
	static const struct option own[] = {
		{"output", required_argument, NULL, 'o'},
		{0, 0, 0, 0},
	};
	struct cli_common cm;
	const char *out = NULL;
	cli_common_begin(&cm, SHOT_GROUPS, "o:", own);
	int ch;
	while ((ch = cli_common_next(&cm, argc, argv)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'h': usage(stdout); exit(CLI_OK);
		case CLI_OPT_INVALID: return CLI_USAGE;
		default: usage(stderr); return CLI_USAGE;
		}
	}
	const char *id = optind < argc ? argv[optind++] : NULL;
	if (optind < argc) {
		sanitize_fprintf(stderr, "sandtop: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	if (!id || !out) {
		fprintf(stderr, "sandtop: usage: sandtop screenshot ID -o FILE.png\n");
		return CLI_USAGE;
	}
	if (cli_common_load(&cm) < 0)
		return CLI_USAGE;
	cli_common_batch();
	if (cli_common_desk_trust(&cm) < 0)
		return CLI_USAGE;
	return cli_screenshot(&cm, id, out, SHOT_TIMEOUT_MS);
}
