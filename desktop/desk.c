/* desk: one sandbox's desktop view: the sandtop.vnc label to an endpoint, the exec tunnel, the worker, reconnect with backoff. */
#include "desktop/desk.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 10000

struct desk {
	struct dk_client *c;
	struct dk_container ct;     /* our copy */
	bool input;
	struct desk_endpoint ep;
	char off_reason[ERR_MSG_MAX];      /* why there is no desktop, when ep is DESK_NONE */
	char refusal[ERR_MSG_MAX];         /* the last unix: refusal logged (once each) */
	struct dk_tunnel *tunnel;   /* exec: being opened */
	struct vnc_session *vs;
	char last_error[256];
	int64_t retry_at_ms;        /* next start; 0 = now */
	int backoff_ms;
	int g_cols, g_rows;
	uint32_t g_fps;
	bool want_shot;
	bool frozen;                /* the kernel's freezer holds it (desk_set_frozen) */
	bool idle;                  /* off screen a while: no worker (desk_set_idle) */
	/* the last picture of a worker that is gone, shown until a new one comes */
	struct vs_frame kept;
	uint8_t *kept_px;
	size_t kept_cap;
	bool have_kept;
};

int desk_parse_label(const char *v, struct desk_endpoint *ep, struct err *e)
{
	memset(ep, 0, sizeof *ep);
	ep->kind = DESK_NONE;
	if (!v || !strcmp(v, "none"))
		return 0;
	const char *rest = NULL;
	if (!strncmp(v, "exec", 4) && (v[4] == '\0' || v[4] == ':')) {
		ep->kind = DESK_EXEC;
		rest = v + 4;
	} else if (!strncmp(v, "tcp", 3) && (v[3] == '\0' || v[3] == ':')) {
		ep->kind = DESK_TCP;
		rest = v + 3;
	} else if (!strncmp(v, "unix:", 5)) {
		const char *p = v + 5;
		if (p[0] != '/' || strlen(p) >= sizeof ep->path)
			return err_set(e, 1, "sandtop.vnc: unix: needs an absolute path of at most %zu bytes", sizeof ep->path - 1);
		for (const char *q = p; *q; q++)
			if ((unsigned char)*q < 0x21 || *q == 0x7f)
				return err_set(e, 1, "sandtop.vnc: the unix path holds a control character or blank");
		ep->kind = DESK_UNIX;
		snprintf(ep->path, sizeof ep->path, "%s", p);
		return 0;
	} else {
		ep->kind = DESK_NONE;
		return err_set(e, 1, "sandtop.vnc: \"%s\" is not exec[:PORT], tcp[:PORT], unix:PATH or none", v);
	}
	ep->port = 5900;
	if (*rest == ':') {
		char *end;
		long port = strtol(rest + 1, &end, 10);
		if (!isdigit((unsigned char)rest[1]) || *end || port < 1 || port > 65535) {
			ep->kind = DESK_NONE;
			return err_set(e, 1, "sandtop.vnc: bad port in \"%s\"", v);
		}
		ep->port = (int)port;
	}
	return 0;
}

void desk_exec_argv(int port, char *buf, size_t n, const char *argv[5])
{
	/* the reader cat is killed once stdin ends, so no relay outlives the view */
	snprintf(buf, n, "exec 3<>/dev/tcp/127.0.0.1/%d || exit 1; cat <&3 & cat >&3; kill $!", port);
	argv[0] = "bash";
	argv[1] = "-c";
	argv[2] = buf;
	argv[3] = NULL;
	argv[4] = NULL;
}

static void configure(struct desk *d)
{
	struct err e = {0};
	d->off_reason[0] = '\0';
	if (desk_parse_label(dk_container_label(&d->ct, DESK_LABEL), &d->ep, &e) < 0)
		snprintf(d->off_reason, sizeof d->off_reason, "%s", e.msg);
	else if (d->ep.kind == DESK_NONE && dk_container_label_ignored(&d->ct, DESK_LABEL))
		snprintf(d->off_reason, sizeof d->off_reason, "no desktop (label %s ignored: set by the image, not by "
			"whoever ran the container)", DESK_LABEL);
	else if (d->ep.kind == DESK_NONE)
		snprintf(d->off_reason, sizeof d->off_reason, "no desktop (label %s is %s)", DESK_LABEL,
			dk_container_label(&d->ct, DESK_LABEL) ? "none" : "missing");
}

struct desk *desk_open(struct dk_client *c, const struct dk_container *ct, bool input)
{
	struct desk *d = xcalloc(1, sizeof *d);
	d->c = c;
	d->input = input;
	dk_container_copy(&d->ct, ct);
	d->backoff_ms = BACKOFF_MIN_MS;
	configure(d);
	return d;
}

/* Copy the worker's latest frame before the worker goes. */
static void keep_frame(struct desk *d)
{
	const struct vs_frame *f = d->vs ? vs_frame(d->vs) : NULL;
	if (!f)
		return;
	size_t len = (size_t)f->cols * (size_t)f->rows * 6;
	if (len > d->kept_cap) {
		free(d->kept_px);
		d->kept_px = xmalloc(len);
		d->kept_cap = len;
	}
	memcpy(d->kept_px, f->px, len);
	d->kept = *f;
	d->kept.px = d->kept_px;
	d->have_kept = true;
}

static void stop(struct desk *d)
{
	keep_frame(d);
	if (d->tunnel) {
		dk_tunnel_close(d->tunnel);
		d->tunnel = NULL;
	}
	vs_free(d->vs);
	d->vs = NULL;
}

void desk_close(struct desk *d)
{
	if (!d)
		return;
	stop(d);
	dk_container_clear(&d->ct);
	free(d->kept_px);
	free(d);
}

const char *desk_id(const struct desk *d)
{
	return d->ct.id;
}

static bool running(const struct desk *d)
{
	return d->ct.state && (!strcmp(d->ct.state, "running") || !strcmp(d->ct.state, "paused"));
}

const char *desk_held(const struct desk *d)
{
	if (!running(d))
		return NULL;
	return !strcmp(d->ct.state, "paused") ? "paused" : d->frozen ? "frozen" : NULL;
}

/* Held (paused or frozen) or let go: an exec tunnel being opened is closed
 * (the engine refuses an exec into a paused sandbox, and one into a frozen
 * sandbox would hang), a worker already there is kept (it says stalled and
 * comes back by itself), nothing is retried until it runs again, and then
 * at once. */
static void held_changed(struct desk *d, bool was)
{
	bool now = desk_held(d) != NULL;
	if (now == was)
		return;
	if (now && d->tunnel && !d->vs)
		stop(d);
	d->last_error[0] = '\0';
	d->retry_at_ms = 0;
	d->backoff_ms = BACKOFF_MIN_MS;
}

void desk_set_frozen(struct desk *d, bool frozen)
{
	bool was = desk_held(d) != NULL;
	d->frozen = frozen;
	held_changed(d, was);
}

void desk_set_idle(struct desk *d, bool idle)
{
	if (idle == d->idle)
		return;
	d->idle = idle;
	if (idle) {
		stop(d);
		d->last_error[0] = '\0';
	}
	d->retry_at_ms = 0;
	d->backoff_ms = BACKOFF_MIN_MS;
}

void desk_update(struct desk *d, const struct dk_container *ct)
{
	int old_pid = d->ct.pid;
	bool was = desk_held(d) != NULL;
	dk_container_clear(&d->ct);
	dk_container_copy(&d->ct, ct);
	configure(d);
	held_changed(d, was);
	if (!running(d) || (old_pid && ct->pid && ct->pid != old_pid)) {
		/* stopped, or restarted: a fresh connection when it runs again */
		if (d->vs || d->tunnel)
			snprintf(d->last_error, sizeof d->last_error, "%s", running(d) ? "sandbox restarted" : "sandbox is not running");
		stop(d);
		d->retry_at_ms = 0;
		d->backoff_ms = BACKOFF_MIN_MS;
	}
}

/* Full 64-hex ids in an error (the engine's "Container 3f2a...") cut to
 * the 12 characters the screen uses everywhere else. */
static void shorten_ids(char *s)
{
	char *w = s;
	for (const char *r = s; *r; ) {
		size_t n = 0;
		while (isxdigit((unsigned char)r[n]))
			n++;
		if (n == 64) {
			memmove(w, r, 12);
			w += 12;
			r += 64;
		} else if (n > 0) {
			memmove(w, r, n);
			w += n;
			r += n;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static void failed(struct desk *d, const char *why)
{
	snprintf(d->last_error, sizeof d->last_error, "%s", why);
	shorten_ids(d->last_error);
	stop(d);
	d->retry_at_ms = clock_mono_ms() + d->backoff_ms;
	d->backoff_ms = d->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : d->backoff_ms * 2;
}

/* A worker on the connected stream fd (an exec tunnel, a checked unix
 * socket) or on tcp, with the sandbox's own password file when it has one. */
static void spawn(struct desk *d, int fd, const char *tcp, const char *encodings)
{
	struct err e = {0};
	int pw = -1;
	if (desk_password_fd(&d->ct, &pw, &e) < 0) {
		failed(d, e.msg);
		return;
	}
	struct vs_target t = {.fd = fd, .tcp = tcp, .password_fd = pw, .encodings = encodings, .input = d->input};
	d->vs = vs_spawn(&t, &e);
	if (pw >= 0)
		close(pw);
	if (!d->vs) {
		failed(d, e.msg);
		return;
	}
	if (d->g_cols > 0)
		vs_set_grid(d->vs, d->g_cols, d->g_rows, d->g_fps);
}

static void tunnel_ready(void *ud, int rc, const struct err *e, int fd)
{
	struct desk *d = ud;
	if (rc < 0) {
		char why[ERR_MSG_MAX + 32];
		if (e->code == ERR_CONFLICT)   /* 409: the engine's words, with the full id */
			snprintf(why, sizeof why, "the engine refused the exec: the sandbox is %s",
				strstr(e->msg, "paused") ? "paused" : strstr(e->msg, "restarting") ? "restarting" : "not running");
		else
			snprintf(why, sizeof why, "exec tunnel: %s", e->msg);
		failed(d, why);   /* closes the tunnel */
		return;
	}
	spawn(d, fd, NULL, NULL);
	close(fd);  /* the worker has its copy; the tunnel keeps pumping */
}

/* Start the worker the endpoint calls for. */
static void start(struct desk *d)
{
	char addr[96];
	switch (d->ep.kind) {
	case DESK_EXEC: {
		char cmd[160];
		const char *argv[5];
		desk_exec_argv(d->ep.port, cmd, sizeof cmd, argv);
		d->tunnel = dk_tunnel_open(d->c, d->ct.id, argv, tunnel_ready, d);
		if (!d->tunnel)
			failed(d, "exec tunnel: the engine client refused the request");
		break;
	}
	case DESK_TCP: {
		const struct dk_port *p = dk_container_port(&d->ct, (uint16_t)d->ep.port, "tcp");
		if (p) {
			const char *ip = p->host_ip;
			if (!*ip || !strcmp(ip, "0.0.0.0"))
				ip = "127.0.0.1";
			else if (!strcmp(ip, "::"))
				ip = "::1";
			snprintf(addr, sizeof addr, strchr(ip, ':') ? "[%s]:%u" : "%s:%u", ip, p->host_port);
		} else if (d->ct.ip[0]) {
			snprintf(addr, sizeof addr, "%s:%d", d->ct.ip, d->ep.port);
		} else {
			failed(d, "tcp: the port is not published and the sandbox has no address");
			return;
		}
		spawn(d, -1, addr, NULL);
		break;
	}
	case DESK_UNIX: {
		struct err e = {0};
		int fd;
		if (desk_unix_connect(d->ep.path, dk_client_endpoint(d->c), &fd, &e) < 0) {
			if (strcmp(d->refusal, e.msg) != 0)
				log_msg(LOG_WARN, "desk %.12s: %s", d->ct.id, e.msg);
			snprintf(d->refusal, sizeof d->refusal, "%s", e.msg);
			if (e.code == DESK_E_REFUSED) {
				/* not trusted: no retry until the label changes (desk_update) */
				d->ep.kind = DESK_NONE;
				snprintf(d->off_reason, sizeof d->off_reason, "%s", e.msg);
			} else {
				failed(d, e.msg);
			}
			return;
		}
		/* local: the cheap encodings, as for --unix */
		spawn(d, fd, NULL, "raw copyrect");
		close(fd);
		break;
	}
	case DESK_NONE:
		break;
	}
}

int desk_tick(struct desk *d, int64_t now_ms)
{
	if (d->ep.kind == DESK_NONE || !running(d) || desk_held(d) || d->idle || d->vs || d->tunnel)
		return -1;
	if (d->retry_at_ms > now_ms)
		return (int)(d->retry_at_ms - now_ms);
	start(d);
	return d->vs || d->tunnel ? -1 : (d->retry_at_ms > now_ms ? (int)(d->retry_at_ms - now_ms) : 0);
}

size_t desk_pollfds(struct desk *d, struct pollfd *fds, size_t max)
{
	if (!d->vs || max == 0 || vs_fd(d->vs) < 0)
		return 0;
	fds[0] = (struct pollfd){.fd = vs_fd(d->vs), .events = POLLIN};
	return 1;
}

int desk_dispatch(struct desk *d, const struct pollfd *fds, size_t n)
{
	if (!d->vs)
		return 0;
	int fd = vs_fd(d->vs);
	bool ready = false;
	for (size_t i = 0; i < n; i++)
		if (fds[i].fd == fd && fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			ready = true;
	if (!ready)
		return 0;
	int ev = vs_handle(d->vs);
	if (vs_state(d->vs) == VS_LIVE) {
		d->backoff_ms = BACKOFF_MIN_MS;
		if (d->want_shot) {
			d->want_shot = false;
			vs_request_shot(d->vs);
		}
	}
	if (vs_state(d->vs) == VS_DEAD && vs_fd(d->vs) < 0) {
		log_msg(LOG_INFO, "desk %.12s: %s", d->ct.id, vs_reason(d->vs));
		char why[sizeof d->last_error];
		snprintf(why, sizeof why, "%s", vs_reason(d->vs));
		failed(d, why);
		ev |= VS_EV_STATE;
	}
	return ev;
}

void desk_set_grid(struct desk *d, int cols, int rows, uint32_t fps_milli)
{
	d->g_cols = cols;
	d->g_rows = rows;
	d->g_fps = fps_milli;
	if (d->vs)
		vs_set_grid(d->vs, cols, rows, fps_milli);
}

const struct vs_frame *desk_frame(const struct desk *d)
{
	const struct vs_frame *f = d->vs ? vs_frame(d->vs) : NULL;
	return f ? f : d->have_kept ? &d->kept : NULL;
}


enum desk_status desk_status(const struct desk *d, int64_t now_ms, char *buf, size_t n)
{
	if (d->ep.kind == DESK_NONE) {
		snprintf(buf, n, "%s", d->off_reason);
		return DESK_S_OFF;
	}
	if (!running(d)) {
		snprintf(buf, n, "sandbox is %s", d->ct.state ? d->ct.state : "not running");
		return DESK_S_OFF;
	}
	const char *held = desk_held(d);
	if (held) {
		/* nothing is retried while it is held: the worker there (if
		 * any) waits, the last picture stays */
		if (desk_frame(d))
			snprintf(buf, n, "%s: showing the last picture", held);
		else
			snprintf(buf, n, "%s: no picture until it runs again", held);
		return d->vs && vs_state(d->vs) != VS_DEAD ? DESK_S_STALLED : DESK_S_OFF;
	}
	if (d->idle) {
		snprintf(buf, n, "%s", "off screen");
		return DESK_S_OFF;
	}
	if (d->vs) {
		int w, h;
		vs_fb_size(d->vs, &w, &h);
		switch (vs_state(d->vs)) {
		case VS_LIVE:
			snprintf(buf, n, "live %dx%d", w, h);
			return DESK_S_LIVE;
		case VS_STALLED:
			snprintf(buf, n, "stalled: %s", vs_reason(d->vs));
			return DESK_S_STALLED;
		case VS_CONNECTING:
			snprintf(buf, n, "connecting");
			return DESK_S_CONNECTING;
		case VS_DEAD:
			break;
		}
		snprintf(buf, n, "disconnected: %s", vs_reason(d->vs));
		return DESK_S_DOWN;
	}
	if (d->tunnel) {
		snprintf(buf, n, "connecting (exec tunnel)");
		return DESK_S_CONNECTING;
	}
	if (d->last_error[0]) {
		int64_t left = d->retry_at_ms - now_ms;
		snprintf(buf, n, "disconnected: %s; retry in %lld s", d->last_error,
			(long long)(left > 0 ? (left + 999) / 1000 : 0));
		return DESK_S_DOWN;
	}
	snprintf(buf, n, "connecting");
	return DESK_S_CONNECTING;
}

int desk_request_shot(struct desk *d)
{
	if (!d->vs || vs_state(d->vs) == VS_DEAD)
		return -1;
	if (vs_state(d->vs) == VS_LIVE || vs_state(d->vs) == VS_STALLED)
		vs_request_shot(d->vs);
	else
		d->want_shot = true;
	return 0;
}

uint8_t *desk_take_shot(struct desk *d, int *w, int *h)
{
	*w = *h = 0;
	return d->vs ? vs_take_shot(d->vs, w, h) : NULL;
}

void desk_key(struct desk *d, uint32_t keysym, bool down)
{
	if (d->vs && d->input)
		vs_key(d->vs, keysym, down);
}

void desk_pointer(struct desk *d, int x, int y, uint32_t buttons)
{
	if (d->vs && d->input)
		vs_pointer(d->vs, x, y, buttons);
}
