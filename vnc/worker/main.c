/* sandtop-vnc: one worker per open desktop view: connects to a sandbox's VNC server, locks itself down before the server's first byte, sends downscaled frames to main. */
/*
 * Invocation (built by main, vnc/session.c):
 *
 *   sandtop-vnc (--fd N | --tcp HOST:PORT | --unix PATH)
 *               [--password-fd N | --password-file FILE]
 *               [--input] [--encodings "LIST"] [--probe open|exec|connect|mmap-exec]
 *
 *   --fd N          N is an already connected stream to the VNC server (a
 *                   socketpair end carrying an exec tunnel). The worker sets
 *                   O_NONBLOCK on its open file description.
 *   --tcp HOST:PORT connect to HOST (name, IPv4, or [IPv6]) on PORT, 5 s timeout
 *   --unix PATH     connect to the unix socket PATH, 5 s timeout
 *   --password-fd N the VNC password is the first line (at most 256 bytes)
 *                   of the file open on fd N (main opens the sandbox's own
 *                   password file and checks it), read before connecting;
 *                   never the terminal
 *   --password-file FILE
 *                   the same from FILE (for tests: main never passes a path)
 *   --input         forward VP_KEY / VP_POINTER (else they are ignored)
 *   --encodings L   space-separated libvncclient encoding names; default
 *                   "raw copyrect" for --unix and --tcp to a loopback
 *                   address, "zrle copyrect raw" otherwise (--fd travels
 *                   through dockerd)
 *   --probe X       test hook: right after lockdown, before the handshake,
 *                   try X (open a file, execve, socket+connect, an
 *                   executable mmap); the lockdown should kill the worker
 *                   with SIGSYS, even when the server never sends a byte.
 *                   If it survives: VP_FAILED "probe X was allowed", exit 3.
 *
 * fd 0: main's messages (vnc/proto.h); fd 1: ours; fd 2: main's log, one
 * sanitized line per event. Nothing else is ever written anywhere. The
 * environment is emptied first thing (main passes none either).
 *
 * Sequence: VP_STATE CONNECTING; the password read and the library set up;
 * the connection (--fd: handed over; --tcp, --unix: connected now); lockdown
 * (lockdown.c: seccomp, rlimits, no_new_privs, only the pipes and the
 * socket left) before the first byte from the server is read; the RFB
 * handshake; VP_STATE LIVE with the desktop size; then the loop
 * (loop.c): VP_FRAMEs at the rate of the last VP_GRID, VP_SHOTs on request,
 * VP_STATE STALLED / LIVE as the server goes quiet and comes back, and a
 * last VP_STATE VP_FAILED before exiting on any server failure.
 *
 * Exit: 0 main closed fd 0 (or fd 1); 1 the desktop failed (VP_FAILED was
 * sent); 2 main broke the contract (argv, a bad message); 3 a probe was
 * allowed; SIGSYS: the worker tried a system call outside its allow-list.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnc/proto.h"
#include "vnc/worker/worker.h"

static _Noreturn void usage(const char *why, const char *arg)
{
	wk_log("error", "bad arguments: %s%s%s", why, arg ? ": " : "", arg ? arg : "");
	wk_state(VP_FAILED, 0, 0, "worker: bad arguments (%s)", why);
	wk_exit(WK_EXIT_MAIN);
}

static long number(const char *s, long lo, long hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage(what, s);
	return v;
}

/* HOST:PORT, [V6]:PORT */
static void parse_tcp(const char *arg, struct wk_opts *o)
{
	const char *colon = strrchr(arg, ':');
	if (!colon || colon == arg)
		usage("--tcp wants HOST:PORT", arg);
	const char *h = arg;
	size_t n = (size_t)(colon - arg);
	if (h[0] == '[' && n >= 2 && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof o->host)
		usage("--tcp host", arg);
	memcpy(o->host, h, n);
	o->host[n] = '\0';
	o->port = (int)number(colon + 1, 1, 65535, "--tcp port");
	o->target = WK_TCP;
}

static void parse_args(int argc, char **argv, struct wk_opts *o)
{
	int targets = 0;
	memset(o, 0, sizeof *o);
	o->fd = -1;
	o->password_fd = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (strcmp(a, "--input") == 0) {
			o->input = true;
			continue;
		}
		if (!has_val)
			usage("missing value or unknown option", a);
		const char *v = argv[++i];
		if (strcmp(a, "--fd") == 0) {
			o->fd = (int)number(v, 3, 1023, "--fd");
			o->target = WK_FD;
			targets++;
		} else if (strcmp(a, "--tcp") == 0) {
			parse_tcp(v, o);
			targets++;
		} else if (strcmp(a, "--unix") == 0) {
			if (!*v)
				usage("--unix wants a path", NULL);
			o->unix_path = v;
			o->target = WK_UNIX;
			targets++;
		} else if (strcmp(a, "--password-file") == 0) {
			o->password_file = v;
		} else if (strcmp(a, "--password-fd") == 0) {
			o->password_fd = (int)number(v, 3, 1023, "--password-fd");
		} else if (strcmp(a, "--encodings") == 0) {
			if (!*v || strlen(v) > 200)
				usage("--encodings", v);
			o->encodings = v;
		} else if (strcmp(a, "--probe") == 0) {
			if (strcmp(v, "open") && strcmp(v, "exec") && strcmp(v, "connect") &&
			    strcmp(v, "mmap-exec"))
				usage("--probe wants open, exec, connect or mmap-exec", v);
			o->probe = v;
		} else {
			usage("unknown option", a);
		}
	}
	if (targets != 1)
		usage("exactly one of --fd, --tcp, --unix", NULL);
	if (o->password_fd >= 0 && (o->password_file || o->password_fd == o->fd))
		usage("--password-fd goes alone and not on the server's fd", NULL);
}

int main(int argc, char **argv)
{
	/* nothing from main's environment reaches the worker's code or libraries */
	clearenv();
	/* a broken pipe is an error return (EPIPE), never a silent death */
	signal(SIGPIPE, SIG_IGN);
	struct wk_opts o;
	parse_args(argc, argv, &o);
	wk_state(VP_CONNECTING, 0, 0, "connecting");
	wk_rfb_setup(&o);
	int sock = wk_rfb_connect(&o);
	char why[160];
	wk_log("info", "connected; locking down before the server's first byte");
	if (wk_lockdown(sock, why, sizeof why) < 0)
		wk_fail(0, 0, "lockdown failed: %s", why); /* never read the server unconfined */
	if (o.probe) {
		wk_probe(o.probe);
		wk_log("error", "probe %s was allowed", o.probe);
		wk_state(VP_FAILED, 0, 0, "probe %s was allowed", o.probe);
		wk_exit(WK_EXIT_PROBE);
	}
	rfbClient *cl = wk_rfb_handshake(sock);
	int w, h;
	wk_rfb_fb(&w, &h);
	wk_state(VP_LIVE, w, h, "%s", "");
	wk_pic_announced(w, h);
	wk_loop(cl, &o);
}
