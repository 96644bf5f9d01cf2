/* session: main's side of one sandtop-vnc worker: spawn, the message reader with every size checked, the latest frame, reaping. */
#include "vnc/session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"
#include "vnc/proto.h"

#ifndef SANDTOP_LIBEXECDIR
#define SANDTOP_LIBEXECDIR "/usr/local/libexec/sandtop"
#endif

#define VS_OUT_MAX 4096               /* queued control bytes before the worker counts as hung */
#define VS_READ_BUDGET (8u << 20)     /* bytes read per vs_handle, so one view cannot starve the loop */
#define VS_FRAME_MAX (sizeof(struct vp_frame) + (size_t)VP_MAX_COLS * VP_MAX_ROWS * 6)
#define VS_SHOT_MAX (sizeof(struct vp_shot) + (size_t)VP_MAX_FB_W * VP_MAX_FB_H * 3)

struct vnc_session {
	pid_t pid;              /* 0 once reaped */
	int rfd, wfd;           /* the worker's fd 1 and fd 0, our ends, non-blocking */
	enum vs_state state;
	char reason[VP_REASON_MAX + 64];
	int fb_w, fb_h;
	/* the message being read */
	struct vp_hdr hdr;
	size_t hdr_got;
	uint8_t *body;
	size_t body_got, body_cap;
	/* results */
	struct vs_frame frame;
	bool have_frame;
	uint8_t *px;            /* the last VP_FRAME message, struct vp_frame first */
	size_t px_cap;
	uint8_t *shot;
	int shot_w, shot_h;
	/* what we asked for */
	int g_cols, g_rows;
	uint32_t g_fps;
	bool grid_sent;
	uint8_t out[VS_OUT_MAX];
	size_t out_len;
};

const char *vs_worker_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("SANDTOP_VNC");
	if (env && *env)
		return env;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			struct stat sb;
			int len = snprintf(path, sizeof path, "%.*s/sandtop-vnc", (int)(sizeof path - 16), self);
			if (len > 0 && (size_t)len < sizeof path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
				return path;
		}
	}
	return SANDTOP_LIBEXECDIR "/sandtop-vnc";
}

static void set_reason(struct vnc_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_reason(struct vnc_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof s->reason, fmt, ap);
	va_end(ap);
}

struct vnc_session *vs_spawn(const struct vs_target *t, struct err *e)
{
	int ctl[2] = {-1, -1}, msg[2] = {-1, -1};
	int tfd = -1, pfd = -1;  /* copies of t's fds above 10 */
	if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(msg, O_CLOEXEC) < 0) {
		err_set(e, 1, "pipe: %s", strerror(errno));
		goto fail;
	}
	const char *argv[14];
	int n = 0;
	/* the fds go to 3 and 4 from copies above both (a dup2 onto 4 must not
	 * clobber the other one before it is moved) */
	tfd = t->fd >= 0 ? fcntl(t->fd, F_DUPFD_CLOEXEC, 10) : -1;
	pfd = t->password_fd > 0 ? fcntl(t->password_fd, F_DUPFD_CLOEXEC, 10) : -1;
	if ((t->fd >= 0 && tfd < 0) || (t->password_fd > 0 && pfd < 0)) {
		err_set(e, 1, "dup: %s", strerror(errno));
		goto fail;
	}
	argv[n++] = vs_worker_path();
	if (t->fd >= 0) {
		argv[n++] = "--fd";
		argv[n++] = "3";
	} else if (t->tcp) {
		argv[n++] = "--tcp";
		argv[n++] = t->tcp;
	} else if (t->unix_path) {
		argv[n++] = "--unix";
		argv[n++] = t->unix_path;
	} else {
		err_set(e, 1, "no way to reach the desktop");
		goto fail;
	}
	if (pfd >= 0) {
		argv[n++] = "--password-fd";
		argv[n++] = "4";
	}
	if (t->encodings) {
		argv[n++] = "--encodings";
		argv[n++] = t->encodings;
	}
	if (t->input)
		argv[n++] = "--input";
	argv[n] = NULL;

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, ctl[0], 0);
	posix_spawn_file_actions_adddup2(&fa, msg[1], 1);
	if (tfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, tfd, 3);
	if (pfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, pfd, 4);
	posix_spawn_file_actions_addclosefrom_np(&fa, pfd >= 0 ? 5 : tfd >= 0 ? 4 : 3);
	/* the worker logs to our fd 2 when that is the log file, never to a
	 * terminal or a script's stderr (its reasons come back as messages) */
	if (!log_to_file())
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	/* its own process group: a C-c on the terminal is main's to handle */
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	pid_t pid;
	/* an empty environment: nothing of ours (DISPLAY, proxies, LD_*, ...)
	 * reaches the code that reads the server's bytes */
	char *const envp[] = {NULL};
	int rc = posix_spawn(&pid, argv[0], &fa, &at, (char *const *)argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (tfd >= 0)
		close(tfd);
	if (pfd >= 0)
		close(pfd);
	tfd = pfd = -1;
	if (rc != 0) {
		err_set(e, 1, "cannot start %s: %s", argv[0], strerror(rc));
		goto fail;
	}
	close(ctl[0]);
	close(msg[1]);
	struct vnc_session *s = xcalloc(1, sizeof *s);
	s->pid = pid;
	s->wfd = ctl[1];
	s->rfd = msg[0];
	fcntl(s->wfd, F_SETFL, fcntl(s->wfd, F_GETFL) | O_NONBLOCK);
	fcntl(s->rfd, F_SETFL, fcntl(s->rfd, F_GETFL) | O_NONBLOCK);
	s->state = VS_CONNECTING;
	set_reason(s, "starting");
	log_msg(LOG_INFO, "vnc: worker %d started (%s %s)", (int)pid, argv[1], t->fd >= 0 ? "tunnel" : argv[2]);
	return s;
fail:
	if (tfd >= 0)
		close(tfd);
	if (pfd >= 0)
		close(pfd);
	for (int i = 0; i < 2; i++) {
		if (ctl[i] >= 0)
			close(ctl[i]);
		if (msg[i] >= 0)
			close(msg[i]);
	}
	return NULL;
}

/* Reap the worker if it has exited; wait up to wait_ms for it. Puts how it
 * ended into the reason unless a better one is known (keep). */
static void reap(struct vnc_session *s, int wait_ms, bool keep)
{
	if (s->pid <= 0)
		return;
	int st = 0;
	pid_t r = 0;
	for (int waited = 0; (r = waitpid(s->pid, &st, WNOHANG)) == 0 && waited < wait_ms; waited++)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	if (r != s->pid)
		return;
	if (keep) {
		/* the reason stands */
	} else if (WIFSIGNALED(st)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(st));
		set_reason(s, "worker killed by signal %d (SIG%s)", WTERMSIG(st), abbrev ? abbrev : "?");
	} else if (WIFEXITED(st)) {
		set_reason(s, "worker exited with status %d", WEXITSTATUS(st));
	}
	log_msg(LOG_INFO, "vnc: worker %d ended: %s", (int)s->pid, s->reason);
	s->pid = 0;
}

/* Close both pipes: the session is dead. */
static void close_pipes(struct vnc_session *s)
{
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->wfd >= 0)
		close(s->wfd);
	s->rfd = s->wfd = -1;
	s->state = VS_DEAD;
}

/* The worker is done with (or by) us: stop reading, kill, reap. */
static void kill_worker(struct vnc_session *s, const char *why)
{
	if (why)
		set_reason(s, "%s", why);
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		reap(s, 1000, why != NULL);
	}
	close_pipes(s);
}

void vs_free(struct vnc_session *s)
{
	if (!s)
		return;
	kill_worker(s, NULL);
	free(s->body);
	free(s->px);
	free(s->shot);
	free(s);
}

int vs_fd(const struct vnc_session *s)
{
	return s->rfd;
}

enum vs_state vs_state(const struct vnc_session *s)
{
	return s->state;
}

const char *vs_reason(const struct vnc_session *s)
{
	return s->reason;
}

const struct vs_frame *vs_frame(const struct vnc_session *s)
{
	return s->have_frame ? &s->frame : NULL;
}

void vs_fb_size(const struct vnc_session *s, int *w, int *h)
{
	*w = s->fb_w;
	*h = s->fb_h;
}

/* ---- messages to the worker ---- */

static void flush_out(struct vnc_session *s)
{
	while (s->out_len > 0 && s->wfd >= 0) {
		ssize_t w = write(s->wfd, s->out, s->out_len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) {
			s->out_len = 0;
			return; /* the worker is gone: its EOF on rfd tells the rest */
		}
		memmove(s->out, s->out + w, s->out_len - (size_t)w);
		s->out_len -= (size_t)w;
	}
}

static void send_msg(struct vnc_session *s, uint16_t type, const void *p, uint32_t len)
{
	if (s->state == VS_DEAD)
		return;
	struct vp_hdr h = {.magic = VP_MAGIC, .type = type, .len = len};
	if (s->out_len + sizeof h + len > sizeof s->out) {
		kill_worker(s, "worker stopped reading its messages");
		return;
	}
	memcpy(s->out + s->out_len, &h, sizeof h);
	if (len)
		memcpy(s->out + s->out_len + sizeof h, p, len);
	s->out_len += sizeof h + len;
	flush_out(s);
}

void vs_set_grid(struct vnc_session *s, int cols, int rows, uint32_t fps_milli)
{
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	if (cols > VP_MAX_COLS)
		cols = VP_MAX_COLS;
	if (rows > VP_MAX_ROWS)
		rows = VP_MAX_ROWS;
	if (s->grid_sent && cols == s->g_cols && rows == s->g_rows && fps_milli == s->g_fps)
		return;
	struct vp_grid g = {.cols = (uint16_t)cols, .rows = (uint16_t)rows, .fps_milli = fps_milli};
	s->g_cols = cols;
	s->g_rows = rows;
	s->g_fps = fps_milli;
	s->grid_sent = true;
	send_msg(s, VP_GRID, &g, sizeof g);
}

void vs_request_shot(struct vnc_session *s)
{
	send_msg(s, VP_SHOT_REQ, NULL, 0);
}

uint8_t *vs_take_shot(struct vnc_session *s, int *w, int *h)
{
	uint8_t *p = s->shot;
	*w = s->shot_w;
	*h = s->shot_h;
	s->shot = NULL;
	return p;
}

void vs_key(struct vnc_session *s, uint32_t keysym, bool down)
{
	struct vp_key k = {.keysym = keysym, .down = down};
	send_msg(s, VP_KEY, &k, sizeof k);
}

void vs_pointer(struct vnc_session *s, int x, int y, uint32_t buttons)
{
	struct vp_pointer p = {.x = x, .y = y, .buttons = buttons};
	send_msg(s, VP_POINTER, &p, sizeof p);
}

/* ---- messages from the worker ---- */

/* The most a message of this type may carry; 0 for a type we never accept. */
static size_t len_max(uint16_t type)
{
	switch (type) {
	case VP_STATE:
		return sizeof(struct vp_state);
	case VP_FRAME:
		return VS_FRAME_MAX;
	case VP_SHOT:
		return VS_SHOT_MAX;
	default:
		return 0;
	}
}

static bool fb_ok(uint32_t w, uint32_t h)
{
	return w >= 1 && h >= 1 && w <= VP_MAX_FB_W && h <= VP_MAX_FB_H;
}

/* Apply one whole message; -1 when it breaks the protocol. */
static int apply(struct vnc_session *s, int *ev)
{
	const uint8_t *b = s->body;
	size_t len = s->hdr.len;
	switch (s->hdr.type) {
	case VP_STATE: {
		struct vp_state st;
		if (len != sizeof st)
			return -1;
		memcpy(&st, b, sizeof st);
		if (st.code < VP_CONNECTING || st.code > VP_FAILED || ((st.fb_w || st.fb_h) && !fb_ok(st.fb_w, st.fb_h)))
			return -1;
		st.reason[sizeof st.reason - 1] = '\0';
		set_reason(s, "%s", st.reason);
		s->fb_w = (int)st.fb_w;
		s->fb_h = (int)st.fb_h;
		s->state = st.code == VP_LIVE ? VS_LIVE : st.code == VP_STALLED ? VS_STALLED
			: st.code == VP_CONNECTING ? VS_CONNECTING : s->state;
		if (st.code == VP_FAILED)
			s->state = VS_DEAD; /* it exits next; EOF reaps it */
		*ev |= VS_EV_STATE;
		return 0;
	}
	case VP_FRAME: {
		struct vp_frame f;
		if (len < sizeof f)
			return -1;
		memcpy(&f, b, sizeof f);
		if (f.cols < 1 || f.rows < 1 || f.cols > VP_MAX_COLS || f.rows > VP_MAX_ROWS ||
		    !fb_ok(f.fb_w, f.fb_h) || len != sizeof f + (size_t)f.cols * f.rows * 6)
			return -1;
		/* the message becomes the frame: swap buffers, no copy */
		uint8_t *keep = s->px;
		size_t keep_cap = s->px_cap;
		s->px = s->body;
		s->px_cap = s->body_cap;
		s->body = keep;
		s->body_cap = keep_cap;
		s->frame = (struct vs_frame){.seq = f.seq, .cols = f.cols, .rows = f.rows,
			.fb_w = (int)f.fb_w, .fb_h = (int)f.fb_h, .px = s->px + sizeof f};
		s->have_frame = true;
		*ev |= VS_EV_FRAME;
		return 0;
	}
	case VP_SHOT: {
		struct vp_shot sh;
		if (len < sizeof sh)
			return -1;
		memcpy(&sh, b, sizeof sh);
		if (!fb_ok(sh.w, sh.h) || len != sizeof sh + (size_t)sh.w * sh.h * 3)
			return -1;
		free(s->shot);
		s->shot = xmalloc(len - sizeof sh);
		memcpy(s->shot, b + sizeof sh, len - sizeof sh);
		s->shot_w = (int)sh.w;
		s->shot_h = (int)sh.h;
		*ev |= VS_EV_SHOT;
		return 0;
	}
	default:
		return -1;
	}
}

int vs_handle(struct vnc_session *s)
{
	int ev = 0;
	size_t budget = VS_READ_BUDGET;
	flush_out(s);
	while (s->rfd >= 0 && budget > 0) {
		uint8_t *dst;
		size_t want;
		if (s->hdr_got < sizeof s->hdr) {
			dst = (uint8_t *)&s->hdr + s->hdr_got;
			want = sizeof s->hdr - s->hdr_got;
		} else {
			dst = s->body + s->body_got;
			want = s->hdr.len - s->body_got;
		}
		ssize_t r = want ? read(s->rfd, dst, want) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (want && r <= 0) {
			/* EOF (or an error): the worker is gone or going */
			bool said = s->state == VS_DEAD, cut = s->hdr_got > 0;
			if (!said)
				set_reason(s, cut ? "worker ended in the middle of a message" : "worker closed its pipe");
			reap(s, 50, said || cut);
			close_pipes(s);
			ev |= VS_EV_STATE;
			break;
		}
		budget -= (size_t)r;
		if (s->hdr_got < sizeof s->hdr) {
			s->hdr_got += (size_t)r;
			if (s->hdr_got < sizeof s->hdr)
				continue;
			size_t max = len_max(s->hdr.type);
			if (s->hdr.magic != VP_MAGIC || s->hdr.flags != 0 || max == 0 || s->hdr.len > max) {
				kill_worker(s, "worker broke the protocol (bad header)");
				return ev | VS_EV_STATE;
			}
			if (s->hdr.len > s->body_cap) {
				free(s->body);
				s->body = xmalloc(s->hdr.len);
				s->body_cap = s->hdr.len;
			}
			s->body_got = 0;
		} else {
			s->body_got += (size_t)r;
		}
		if (s->hdr_got == sizeof s->hdr && s->body_got == s->hdr.len) {
			if (apply(s, &ev) < 0) {
				kill_worker(s, "worker broke the protocol (bad message)");
				return ev | VS_EV_STATE;
			}
			s->hdr_got = 0;
			s->body_got = 0;
			if (s->body_cap > VS_FRAME_MAX) {
				/* do not keep a screenshot-sized buffer around */
				free(s->body);
				s->body = NULL;
				s->body_cap = 0;
			}
		}
	}
	return ev;
}
