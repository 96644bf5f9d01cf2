/* rfb: the worker's libvncclient connection: hardened set-up, the handshake, callbacks, and failure reasons in our own words. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vnc/proto.h"
#include "vnc/worker/worker.h"

#define WK_PASSWORD_FILE_MAX 256
#define WK_TIMEOUT_S 5

/* Exported by libvncclient (the DES answer to a VNC challenge) but not
 * declared in its headers. */
void rfbClientEncryptBytes(unsigned char *bytes, char *passwd);

/* What the library said last, classified by its (constant) format string,
 * never by the text a server can put into it. */
enum why {
	WHY_NONE,
	WHY_EOF,        /* "VNC server closed connection" */
	WHY_TIMEOUT,    /* "Connection timed out": readTimeout */
	WHY_IO,         /* read/write/select errors */
	WHY_AUTH,       /* authentication failed or unusable */
	WHY_REFUSED,    /* the server sent a refusal with a reason */
	WHY_NOPASS,     /* VncAuth asked, no --password-file */
	WHY_PROTO,      /* the library named a protocol violation */
	WHY_TOO_LARGE,  /* our framebuffer cap */
	WHY_NOMEM,
};

static struct {
	uint8_t *fb;            /* ours: the library never frees it */
	int w, h;               /* the size fb was allocated for */
	int refused_w, refused_h;
	int x0, y0, x1, y1;     /* damage union; x1 == 0: none */
	bool resized;
	bool painted;           /* a whole FramebufferUpdate arrived since the last (re)allocation */
	bool fresh;             /* the buffer was (re)allocated during the current message */
	bool *done;             /* set by FinishedFrameBufferUpdate */
	uint64_t msg_area;      /* pixels of the rectangles of the current update */
	unsigned full_updates;  /* updates whose rectangles covered the whole desktop */
	enum why why;
	char pw[WK_PASSWORD_FILE_MAX + 1];
	bool have_pw;
	bool auth_tried;        /* the server asked for the VNC password */
} R;

static const struct {
	const char *prefix;
	enum why why;
} lib_msgs[] = {
	{"VNC server closed connection", WHY_EOF},
	{"Connection timed out", WHY_TIMEOUT},
	{"read (", WHY_IO},
	{"write", WHY_IO},
	{"select", WHY_IO},
	{"Waiting for message failed", WHY_IO},
	{"VNC authentication failed", WHY_AUTH},
	{"Unknown authentication scheme", WHY_AUTH},
	{"Unknown sub authentication scheme", WHY_AUTH},
	{"Unknown VNC authentication result", WHY_AUTH},
	{"Unknown VeNCrypt authentication scheme", WHY_AUTH},
	{"Reading password failed", WHY_AUTH},
	{"Reading credential failed", WHY_AUTH},
	{"VNC connection failed", WHY_REFUSED},
	{"Unknown message type", WHY_PROTO},
	{"Unknown rect encoding", WHY_PROTO},
	{"Rect too large", WHY_PROTO},
	{"Not a valid VNC server", WHY_PROTO},
};

static void classify(const char *fmt)
{
	if (R.why == WHY_TOO_LARGE || R.why == WHY_NOMEM || R.why == WHY_NOPASS || R.why == WHY_PROTO)
		return; /* the first finding explains the rest (an EOF after it, say) */
	for (size_t i = 0; i < sizeof lib_msgs / sizeof lib_msgs[0]; i++)
		if (strncmp(fmt, lib_msgs[i].prefix, strlen(lib_msgs[i].prefix)) == 0) {
			R.why = lib_msgs[i].why;
			/* RFB 3.8 reports a wrong password as a failure with a reason */
			if (R.why == WHY_REFUSED && R.auth_tried)
				R.why = WHY_AUTH;
			return;
		}
}

static void lib_log(const char *fmt, ...)
{
	classify(fmt);
	va_list ap;
	va_start(ap, fmt);
	wk_vlog("info", fmt, ap);
	va_end(ap);
}

static void lib_err(const char *fmt, ...)
{
	classify(fmt);
	va_list ap;
	va_start(ap, fmt);
	wk_vlog("warn", fmt, ap);
	va_end(ap);
}

static const char *why_text(enum why w, bool handshake)
{
	switch (w) {
	case WHY_EOF:
		return "VNC server closed the connection";
	case WHY_TIMEOUT:
		return "read timeout";
	case WHY_IO:
		return "connection error";
	case WHY_AUTH:
		return "authentication failed";
	case WHY_REFUSED:
		return "the VNC server refused the connection";
	case WHY_NOPASS:
		return "authentication failed: the server wants a password and none was given";
	case WHY_NOMEM:
		return "out of memory for the desktop";
	case WHY_PROTO:
		return "unsupported or malformed message";
	case WHY_TOO_LARGE: /* formatted by the caller */
	case WHY_NONE:
		break;
	}
	return handshake ? "VNC handshake failed (closed or unexpected answer)"
	                 : "unsupported or malformed message";
}

/* VP_FAILED for the desktop size fb_alloc refused; w x h is what main may
 * be told (the last good size, 0 x 0 before ServerInit). */
static _Noreturn void fail_size(int w, int h)
{
	if (R.refused_w <= 0 || R.refused_h <= 0)
		wk_fail(w, h, "desktop %dx%d is empty", R.refused_w, R.refused_h);
	wk_fail(w, h, "desktop %dx%d is larger than %dx%d", R.refused_w, R.refused_h, VP_MAX_FB_W,
	        VP_MAX_FB_H);
}

/* The library's own allocator has no cap: ours refuses anything larger
 * than VP_MAX_FB_W x VP_MAX_FB_H before allocating. On refusal the old
 * buffer and size stay (so the library's bounds checks still match the
 * buffer even where it ignored our FALSE) and the caller fails. */
static rfbBool fb_alloc(rfbClient *cl)
{
	int w = cl->width, h = cl->height;
	if (w <= 0 || h <= 0 || w > VP_MAX_FB_W || h > VP_MAX_FB_H) {
		R.refused_w = w;
		R.refused_h = h;
		R.why = WHY_TOO_LARGE;
		wk_log("warn", "refusing a %dx%d desktop (1x1 to %dx%d allowed)", w, h, VP_MAX_FB_W, VP_MAX_FB_H);
		cl->width = R.w;
		cl->height = R.h;
		cl->frameBuffer = R.fb;
		return FALSE;
	}
	free(R.fb);
	R.fb = calloc((size_t)w * (size_t)h, 4);
	cl->frameBuffer = R.fb;
	if (!R.fb) {
		R.w = R.h = cl->width = cl->height = 0;
		R.why = WHY_NOMEM;
		return FALSE;
	}
	R.w = w;
	R.h = h;
	R.resized = true;
	R.painted = false; /* black until the update the library asks for next */
	R.fresh = true;
	R.x0 = R.y0 = 0;
	R.x1 = w;
	R.y1 = h;
	return TRUE;
}

static void got_rect(rfbClient *cl, int x, int y, int w, int h)
{
	(void)cl;
	/* clip to our buffer: the library checked it against cl->width/height */
	int x1 = x + w, y1 = y + h;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > R.w)
		x1 = R.w;
	if (y1 > R.h)
		y1 = R.h;
	if (x >= x1 || y >= y1)
		return;
	R.msg_area += (uint64_t)(x1 - x) * (uint64_t)(y1 - y);
	if (R.x1 == 0) {
		R.x0 = x, R.y0 = y, R.x1 = x1, R.y1 = y1;
		return;
	}
	if (x < R.x0)
		R.x0 = x;
	if (y < R.y0)
		R.y0 = y;
	if (x1 > R.x1)
		R.x1 = x1;
	if (y1 > R.y1)
		R.y1 = y1;
}

static void finished_update(rfbClient *cl)
{
	(void)cl;
	if (!R.fresh)
		R.painted = true; /* not the update that carried the resize */
	/* the rectangles of one update do not overlap: as much area as the
	 * desktop means all of it (the answer to a full request) */
	if (R.w > 0 && R.msg_area >= (uint64_t)R.w * (uint64_t)R.h)
		R.full_updates++;
	R.msg_area = 0;
	if (R.done)
		*R.done = true;
}

static char *get_password(rfbClient *cl)
{
	(void)cl;
	R.auth_tried = true;
	if (!R.have_pw) {
		R.why = WHY_NOPASS;
		return NULL; /* the library fails the handshake ("Reading password failed") */
	}
	return strdup(R.pw); /* the library zeroes and frees it */
}

/* Read the first line of the password file (<= 256 bytes) from fd (closed
 * here) now, before lockdown and before any byte of the server is read.
 * Returns 0 or -1 with a reason. */
static int read_password(int fd, const char **why)
{
	if (fd < 0) {
		*why = "cannot open the password file";
		return -1;
	}
	char buf[WK_PASSWORD_FILE_MAX + 1];
	size_t n = 0;
	while (n < sizeof buf) {
		ssize_t r = read(fd, buf + n, sizeof buf - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			*why = "cannot read the password file";
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > WK_PASSWORD_FILE_MAX) {
		explicit_bzero(buf, sizeof buf);
		*why = "the password file is larger than 256 bytes";
		return -1;
	}
	size_t len = 0;
	while (len < n && buf[len] != '\n' && buf[len] != '\r' && buf[len] != '\0')
		len++;
	memcpy(R.pw, buf, len);
	R.pw[len] = '\0';
	R.have_pw = true;
	explicit_bzero(buf, sizeof buf);
	return 0;
}

static bool is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "[::1]") == 0 || strcmp(host, "localhost") == 0;
}

/* The default announcement: cheap raw locally, compressed through dockerd
 * or a network. (A hostile server may send any compiled-in encoding
 * anyway: this only keeps an honest x11vnc on the simple decoders.) */
static const char *default_encodings(const struct wk_opts *o)
{
	if (o->target == WK_UNIX || (o->target == WK_TCP && is_loopback(o->host)))
		return "raw copyrect";
	return "zrle copyrect raw";
}

/* The connected stream for o; -1 after logging why. */
static int connect_target(const struct wk_opts *o)
{
	int s = -1;
	switch (o->target) {
	case WK_FD:
		s = o->fd;
		break;
	case WK_TCP:
		s = ConnectClientToTcpAddr6WithTimeout(o->host, o->port, WK_TIMEOUT_S);
		break;
	case WK_UNIX:
		s = ConnectClientToUnixSockWithTimeout(o->unix_path, WK_TIMEOUT_S);
		break;
	}
	if (s < 0)
		return -1;
	/* libvncclient's reads wait (and time out) only on a non-blocking
	 * socket: a blocking one would make readTimeout useless. */
	int fl = fcntl(s, F_GETFL);
	if (fl < 0 || fcntl(s, F_SETFL, fl | O_NONBLOCK) < 0) {
		wk_log("error", "cannot make fd %d non-blocking: %s", s, strerror(errno));
		return -1;
	}
	int fdfl = fcntl(s, F_GETFD);
	if (fdfl >= 0)
		(void)fcntl(s, F_SETFD, fdfl | FD_CLOEXEC);
	return s;
}

/* Peek at the server's ProtocolVersion before libvncclient reads it. Below
 * RFB 3.7 the *server* picks the security type and libvncclient follows it
 * into any scheme it was built with (anonymous TLS, VeNCrypt, SASL, ARD,
 * MSLogon), ignoring our pin, all before lockdown. So only 3.7 and later
 * (x11vnc speaks 3.8) get as far as the handshake. Returns 0, or -1 with a
 * reason. */
static int check_version(int sock, char *why, size_t n)
{
	char pv[13];
	ssize_t got = 0;
	for (int waited = 0; waited < WK_TIMEOUT_S * 1000; waited += 10) {
		got = recv(sock, pv, 12, MSG_PEEK | MSG_DONTWAIT);
		if (got == 12 || got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
			break;
		(void)poll(NULL, 0, 10); /* a short version string arriving in pieces (poll: allowed after lockdown) */
	}
	if (got != 12) {
		snprintf(why, n, "%s", got == 0 ? "VNC server closed the connection"
		                      : got < 0 && errno != EAGAIN ? "connection error"
		                                                   : "no protocol version from the VNC server");
		return -1;
	}
	pv[12] = '\0';
	int major, minor;
	if (sscanf(pv, "RFB %3d.%3d\n", &major, &minor) != 2 || pv[11] != '\n') {
		snprintf(why, n, "not a VNC server");
		return -1;
	}
	if (major < 3 || (major == 3 && minor < 7)) {
		snprintf(why, n, "VNC protocol %d.%d is not supported (3.7 or later needed)", major, minor);
		return -1;
	}
	return 0;
}

/* The client, set up before lockdown (wk_rfb_setup), used by the handshake. */
static rfbClient *client;

void wk_rfb_setup(const struct wk_opts *o)
{
	rfbClientLog = lib_log; /* before anything can log: the default writes to stderr with a local-time stamp */
	rfbClientErr = lib_err;
	const char *why;
	if (o->password_fd >= 0 && read_password(o->password_fd, &why) < 0)
		wk_fail(0, 0, "%s", why);
	if (o->password_file && read_password(open(o->password_file, O_RDONLY | O_CLOEXEC | O_NOCTTY), &why) < 0)
		wk_fail(0, 0, "%s", why);
	if (R.have_pw) {
		/* the DES of VNC authentication is libgcrypt's, which reads its
		 * configuration files on first use: use it once now, before
		 * lockdown (the challenge here is a dummy) */
		unsigned char challenge[CHALLENGESIZE] = {0};
		char pw[9] = "warm-up";
		rfbClientEncryptBytes(challenge, pw);
	}
	rfbClient *cl = rfbGetClient(8, 3, 4); /* 32 bits: R, G, B, pad in memory on little endian */
	if (!cl)
		wk_fail(0, 0, "out of memory");
	cl->MallocFrameBuffer = fb_alloc;
	cl->GotFrameBufferUpdate = got_rect;
	cl->FinishedFrameBufferUpdate = finished_update;
	cl->GetPassword = get_password; /* the default reads the terminal */
	cl->GetCredential = NULL;       /* no ARD / MSLogon / TLS credentials */
	cl->canHandleNewFBSize = TRUE;  /* resizes go through fb_alloc */
	cl->appData.useRemoteCursor = FALSE;
	cl->appData.shareDesktop = TRUE; /* never disconnect another viewer */
	cl->appData.viewOnly = o->input ? FALSE : TRUE; /* advisory: the loop enforces it */
	cl->appData.enableJPEG = FALSE;
	cl->appData.compressLevel = 1;
	cl->appData.encodingsString = o->encodings ? o->encodings : default_encodings(o);
	cl->connectTimeout = WK_TIMEOUT_S;
	cl->readTimeout = WK_TIMEOUT_S;
	static const uint32_t schemes[] = {rfbVncAuth, rfbNoAuth, 0};
	SetClientAuthSchemes(cl, schemes, -1);
	/* we connect (or were handed the connection): rfbInitClient only runs
	 * the handshake on cl->sock */
	cl->listenSpecified = TRUE;
	client = cl;
}

int wk_rfb_connect(const struct wk_opts *o)
{
	int sock = connect_target(o);
	if (sock < 0) {
		if (o->target == WK_FD)
			wk_fail(0, 0, "fd %d is not a usable connection", o->fd);
		wk_fail(0, 0, "cannot connect to the VNC server");
	}
	return sock;
}

rfbClient *wk_rfb_handshake(int sock)
{
	rfbClient *cl = client;
	char why[VP_REASON_MAX];
	if (check_version(sock, why, sizeof why) < 0) {
		close(sock);
		wk_fail(0, 0, "%s", why);
	}
	cl->sock = sock;
	wk_log("info", "handshake (encodings \"%s\")", cl->appData.encodingsString);
	R.why = WHY_NONE;
	if (!rfbInitClient(cl, NULL, NULL)) {
		/* cl is freed (and sock closed) by the library; the framebuffer is ours */
		explicit_bzero(R.pw, sizeof R.pw);
		free(R.fb);
		R.fb = NULL;
		if (R.why == WHY_TOO_LARGE)
			fail_size(0, 0);
		wk_fail(0, 0, "%s", why_text(R.why, true));
	}
	explicit_bzero(R.pw, sizeof R.pw);
	if (R.why == WHY_TOO_LARGE || !R.fb) /* a refusal the library did not pass on */
		fail_size(0, 0);
	if (cl->format.bitsPerPixel != 32 || cl->format.redShift != 0 || cl->format.greenShift != 8 ||
	    cl->format.blueShift != 16)
		wk_fail(R.w, R.h, "unexpected client pixel format");
	wk_log("info", "desktop %dx%d", R.w, R.h);
	return cl;
}

bool wk_rfb_painted(void)
{
	return R.painted;
}

unsigned wk_rfb_full_updates(void)
{
	return R.full_updates;
}

const uint8_t *wk_rfb_fb(int *w, int *h)
{
	*w = R.w;
	*h = R.h;
	return R.fb;
}

bool wk_rfb_take_damage(int *x, int *y, int *w, int *h, bool *resized)
{
	*resized = R.resized;
	R.resized = false;
	if (R.x1 == 0)
		return *resized;
	*x = R.x0;
	*y = R.y0;
	*w = R.x1 - R.x0;
	*h = R.y1 - R.y0;
	R.x0 = R.y0 = R.x1 = R.y1 = 0;
	return true;
}

void wk_rfb_handle(rfbClient *cl, bool *done)
{
	R.why = WHY_NONE;
	R.done = done;
	R.fresh = false;
	rfbBool ok = HandleRFBServerMessage(cl);
	R.done = NULL;
	if (R.why == WHY_TOO_LARGE)
		fail_size(R.w, R.h);
	if (!ok)
		wk_fail(R.w, R.h, "%s", why_text(R.why, false));
}
