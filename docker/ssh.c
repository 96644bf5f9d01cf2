/* ssh: the ssh:// transport's connections: an ssh child per connection (curl's accepted from a private listener, a tunnel's on a socketpair), its stderr read into the log and the errors, its reaping in the client's poll loop. */
#include "docker/ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sanitize.h"
#include "base/xalloc.h"

extern char **environ;

#define SSH_LINE_MAX 512          /* one stderr line kept, raw bytes */
#define SSH_LOG_BUDGET (8u << 10) /* stderr bytes logged per child */
#define SSH_WHY_MAX 160           /* the reason shown, sanitized */
#define SSH_GRACE_MS 3000         /* our end closed: how long ssh may take to end */
#define SSH_KILL_MS 1000          /* then SIGTERM; this long after it, SIGKILL */
#define SSH_TICK_MS 100           /* how often an ending child is looked at */
#define SSH_FREE_WAIT_MS 1000     /* dk_ssh_free: how long the children may take after SIGTERM */

struct ssh_child {
	pid_t pid;          /* > 0 until reaped; 0 before it started or after */
	bool waiting;       /* curl's connection, not accepted yet: no process yet */
	struct sockaddr_un name; /* curl's socket's own (autobound) name, while waiting */
	socklen_t namelen;
	int sock;           /* our end (curl's socket or a tunnel's); -1 once closed */
	int errfd;          /* its stderr's read end; -1 none or at EOF */
	long idx;           /* where the last pollfds put errfd, -1 none */
	short rev;
	int64_t closed_at;  /* mono ms our end was closed; -1 while open */
	int signalled;      /* 0, SIGTERM or SIGKILL: what we sent */
	bool said;          /* it wrote a reason on stderr */
	char line[SSH_LINE_MAX];
	size_t linelen;
	size_t logged;
};

struct dk_ssh {
	char *endpoint;         /* the engine's address, for messages */
	struct dk_ssh_dest dest;
	int lfd;                /* the listener curl's connections reach; -1 before the first */
	char ldir[80];          /* its private directory, "" none */
	char lname[100];        /* its path (in ldir) */
	long lidx;              /* where the last pollfds put lfd, -1 none */
	short lrev;
	size_t nwaiting;        /* children waiting to be accepted */
	struct ssh_child *kids;
	size_t n, cap;
	char why[SSH_WHY_MAX];  /* the newest reason an ssh child gave, sanitized */
	int64_t why_at;         /* mono ms it was given; -1 none */
};

/* Lines ssh writes that say nothing about a failure. */
static const char *const ignored[] = {
	"Warning: Permanently added ",
};

static void set_why(struct dk_ssh *s, const char *raw, size_t n)
{
	if (n >= 5 && !memcmp(raw, "ssh: ", 5)) {
		raw += 5;
		n -= 5;
	}
	sanitize_text(raw, n, s->why, sizeof s->why);
	s->why_at = clock_mono_ms();
}

/* One whole stderr line of k: to the log (within its budget) and, unless it
 * says nothing, as the newest reason. */
static void take_line(struct dk_ssh *s, struct ssh_child *k)
{
	size_t n = k->linelen;
	k->linelen = 0;
	while (n && (k->line[n - 1] == '\r' || k->line[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	if (k->logged < SSH_LOG_BUDGET) {
		log_msg(LOG_INFO, "%s: ssh[%d]: %.*s", s->endpoint, (int)k->pid, (int)n, k->line);
		k->logged += n;
	}
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		if (n >= strlen(ignored[i]) && !memcmp(k->line, ignored[i], strlen(ignored[i])))
			return;
	set_why(s, k->line, n);
	k->said = true;
}

/* Read k's stderr until it would block; at EOF (or an error) close it. */
static void read_err(struct dk_ssh *s, struct ssh_child *k)
{
	char b[1024];
	while (k->errfd >= 0) {
		ssize_t r = read(k->errfd, b, sizeof b);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			if (k->linelen)
				take_line(s, k);
			close(k->errfd);
			k->errfd = -1;
			return;
		}
		for (ssize_t i = 0; i < r; i++) {
			if (b[i] == '\n') {
				take_line(s, k);
			} else if (k->linelen < sizeof k->line) {
				k->line[k->linelen++] = b[i];
			}
		}
	}
}

/* Reap k when it has ended; past the grace after our end closed, tell it to
 * end. */
static void look_at(struct dk_ssh *s, struct ssh_child *k, int64_t now)
{
	int st = 0;
	pid_t r = waitpid(k->pid, &st, WNOHANG);
	if (r == k->pid) {
		bool clean = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		char how[64];
		if (WIFSIGNALED(st))
			snprintf(how, sizeof how, "ssh ended by signal %d", WTERMSIG(st));
		else if (WEXITSTATUS(st) == 127)   /* the exec failed in the child (ssh exits 255 on its own errors) */
			snprintf(how, sizeof how, "cannot start ssh: it exited with status 127 (not found)");
		else
			snprintf(how, sizeof how, "ssh exited with status %d", WEXITSTATUS(st));
		log_msg(LOG_INFO, "%s: ssh[%d]: %s", s->endpoint, (int)k->pid, how);
		if (!clean && !k->said && !k->signalled)
			set_why(s, how, strlen(how));
		k->pid = 0;
		return;
	}
	if (r < 0 && errno == ECHILD) {
		k->pid = 0;
		return;
	}
	if (k->closed_at < 0)
		return;
	if (k->signalled == 0 && now - k->closed_at >= SSH_GRACE_MS) {
		log_msg(LOG_INFO, "%s: ssh[%d] still there %d ms after its connection closed: SIGTERM",
		        s->endpoint, (int)k->pid, SSH_GRACE_MS);
		kill(k->pid, SIGTERM);
		k->signalled = SIGTERM;
	} else if (k->signalled == SIGTERM && now - k->closed_at >= SSH_GRACE_MS + SSH_KILL_MS) {
		kill(k->pid, SIGKILL);
		k->signalled = SIGKILL;
	}
}

/* Read the stderr pipes that are ready (every one when all), reap the
 * children that may have ended, forget what is over. */
static void sweep(struct dk_ssh *s, int64_t now, bool all)
{
	for (size_t i = 0; i < s->n;) {
		struct ssh_child *k = &s->kids[i];
		if (all || k->rev)
			read_err(s, k);
		k->rev = 0;
		/* a child that is ending: our end closed, or its stderr at EOF */
		if (k->pid > 0 && (all || k->closed_at >= 0 || k->errfd < 0))
			look_at(s, k, now);
		if (k->pid == 0 && k->sock < 0) {
			read_err(s, k);  /* what it wrote before it ended */
			if (k->errfd >= 0) /* held open by a process of its own: not waited for */
				close(k->errfd);
			if (k->waiting)
				s->nwaiting--;
			s->kids[i] = s->kids[--s->n];
			continue;
		}
		i++;
	}
}

/* ---- processes ---- */

/* fd moved to 3 or above (close-on-exec) so that the child's dup2 onto 0, 1
 * and 2 never meets it there; -1 (fd closed) when that fails. */
static int above_stdio(int fd)
{
	if (fd > 2 || fd < 0)
		return fd;
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

static int spawn(struct dk_ssh *s, int child_sock, int child_err, pid_t *pid)
{
	const char *argv[DK_SSH_ARGV_MAX];
	dk_ssh_argv(&s->dest, argv);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, child_sock, 0);
	posix_spawn_file_actions_adddup2(&fa, child_sock, 1);
	posix_spawn_file_actions_adddup2(&fa, child_err, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	static const int sigs[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&dfl, sigs[i]);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	/* a session of its own: no terminal to ask on or write over, and a C-c
	 * on ours is not its */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
	/* the user's environment: its agent (SSH_AUTH_SOCK) and PATH apply */
	int rc = posix_spawnp(pid, argv[0], &fa, &at, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

/* An ssh process for k on child_sock (its stdin and stdout; closed here).
 * 0, or -1 with e (and the reason kept for dk_ssh_explain). */
static int start(struct dk_ssh *s, struct ssh_child *k, int child_sock, struct err *e)
{
	int ep[2] = {-1, -1};
	int rc = pipe2(ep, O_CLOEXEC) < 0 ? errno : 0;
	child_sock = above_stdio(child_sock);
	ep[1] = above_stdio(ep[1]);
	if (rc == 0 && (child_sock < 0 || ep[1] < 0))
		rc = EMFILE;
	pid_t pid = 0;
	if (rc == 0)
		rc = spawn(s, child_sock, ep[1], &pid);
	if (child_sock >= 0)
		close(child_sock);
	if (ep[1] >= 0)
		close(ep[1]);
	if (rc != 0) {
		if (ep[0] >= 0)
			close(ep[0]);
		char why[96];
		snprintf(why, sizeof why, "cannot start ssh: %s", strerror(rc));
		set_why(s, why, strlen(why));
		return err_set(e, ERR_TRANSPORT, "cannot reach engine at %s: %s", s->endpoint, why);
	}
	fcntl(ep[0], F_SETFL, fcntl(ep[0], F_GETFL) | O_NONBLOCK);
	k->pid = pid;
	k->errfd = ep[0];
	log_msg(LOG_INFO, "%s: ssh[%d] started for a new connection (%zu open)", s->endpoint, (int)pid,
	        s->n);
	return 0;
}

/* A new record with our end sock; it may move (s->kids grows): use it at once. */
static struct ssh_child *add_child(struct dk_ssh *s, int sock)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->kids = xrealloc(s->kids, s->cap * sizeof *s->kids);
	}
	struct ssh_child *k = &s->kids[s->n++];
	memset(k, 0, sizeof *k);
	k->sock = sock;
	k->errfd = -1;
	k->idx = -1;
	k->closed_at = -1;
	return k;
}

int dk_ssh_open(struct dk_ssh *s, struct err *e)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(e, ERR_TRANSPORT, "socketpair: %s", strerror(errno));
	struct ssh_child *k = add_child(s, sv[0]);
	if (start(s, k, sv[1], e) < 0) {
		s->n--;
		close(sv[0]);
		return -1;
	}
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	return sv[0];
}

void dk_ssh_close(struct dk_ssh *s, int fd)
{
	if (fd < 0)
		return;
	for (size_t i = 0; s && i < s->n; i++) {
		struct ssh_child *k = &s->kids[i];
		if (k->sock == fd) {
			k->sock = -1;
			k->closed_at = clock_mono_ms();
			break;
		}
	}
	close(fd);
	/* (reaped at a later dispatch: ssh needs a moment to end) */
}

/* ---- curl's connections: to our listener, each one accepted into a new
 * ssh process. (libcurl 7.88 connects a socket its open callback returns
 * even when told it is already connected: so curl gets a socket of its own
 * that connects to our listener, instead of one end of a socketpair.) ---- */

/* The listener, in a directory of its own (mode 0700: no one else may
 * connect). A path, not an abstract name: curl keeps a connection for reuse
 * only when it can name its peer. */
static int listen_once(struct dk_ssh *s)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || tmp[0] != '/' || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(s->ldir, sizeof s->ldir, "%s/sandtop-ssh-XXXXXX", tmp);
	if (!mkdtemp(s->ldir)) {
		s->ldir[0] = '\0';
		return -1;
	}
	snprintf(s->lname, sizeof s->lname, "%s/engine.sock", s->ldir);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, s->lname, strlen(s->lname) + 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, SOMAXCONN) < 0) {
		int en = errno;
		if (fd >= 0)
			close(fd);
		unlink(s->lname);
		rmdir(s->ldir);
		s->ldir[0] = s->lname[0] = '\0';
		errno = en;
		return -1;
	}
	s->lfd = fd;
	return 0;
}

/* Take every connection waiting on the listener: one of ours (its peer is
 * a socket curl got from on_open, by name, of this process) starts its ssh
 * process; anything else is closed unread. */
static void accept_all(struct dk_ssh *s)
{
	for (;;) {
		int a = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (a < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		struct sockaddr_un peer;
		socklen_t plen = sizeof peer;
		struct ucred cred;
		socklen_t clen = sizeof cred;
		struct ssh_child *k = NULL;
		if (getpeername(a, (struct sockaddr *)&peer, &plen) == 0 &&
		    getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.pid == getpid())
			for (size_t i = 0; i < s->n && !k; i++)
				if (s->kids[i].waiting && s->kids[i].namelen == plen &&
				    !memcmp(&s->kids[i].name, &peer, plen))
					k = &s->kids[i];
		if (!k) {
			log_msg(LOG_INFO, "%s: a connection to the ssh listener that is not curl's: closed",
			        s->endpoint);
			close(a);
			continue;
		}
		k->waiting = false;
		s->nwaiting--;
		struct err e;
		if (start(s, k, a, &e) < 0)
			log_msg(LOG_WARN, "%s", e.msg);
	}
}

static curl_socket_t on_open(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	(void)addr;
	struct dk_ssh *s = clientp;
	if (purpose != CURLSOCKTYPE_IPCXN || s->lfd < 0)
		return CURL_SOCKET_BAD;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return CURL_SOCKET_BAD;
	/* a name of its own (autobind), for accept_all to know it by */
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len = sizeof sa;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa_family_t)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || len > sizeof sa) {
		close(fd);
		return CURL_SOCKET_BAD;
	}
	struct ssh_child *k = add_child(s, fd);
	k->waiting = true;
	k->name = sa;
	k->namelen = len;
	s->nwaiting++;
	return fd;
}

static int on_close(void *clientp, curl_socket_t fd)
{
	dk_ssh_close(clientp, fd);
	return 0;
}

void dk_ssh_curl(struct dk_ssh *s, CURL *easy)
{
	if (!s)
		return;
	if (s->lfd < 0 && listen_once(s) < 0) {
		char why[96];
		snprintf(why, sizeof why, "cannot listen for curl's connections: %s", strerror(errno));
		set_why(s, why, strlen(why));
		log_msg(LOG_WARN, "%s: %s", s->endpoint, why);
	}
	curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, s->lname);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, s);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, s);
}

void dk_ssh_multi(struct dk_ssh *s, CURLM *multi)
{
	if (!s)
		return;
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)DK_SSH_MAX_CONNECTIONS);
	/* curl's own default (4 per transfer in flight) would close them when
	 * the transfers end */
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)DK_SSH_MAX_CONNECTIONS);
}

/* ---- the client's part: the listener, the stderr pipes and the timers in
 * its poll loop (client.c drives them as its part DK_PART_SSH) ---- */

size_t dk_ssh_nfds(const struct dk_ssh *s)
{
	return s ? s->n + 1 : 0;
}

size_t dk_ssh_pollfds(struct dk_ssh *s, struct pollfd *fds, size_t base, size_t max, int *timeout_ms)
{
	size_t n = base;
	bool ending = false;
	if (!s)
		return 0;
	s->lidx = -1;
	if (s->nwaiting && s->lfd >= 0 && n < max) {
		s->lidx = (long)n;
		fds[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
	}
	for (size_t i = 0; i < s->n; i++) {
		struct ssh_child *k = &s->kids[i];
		k->idx = -1;
		if (k->errfd >= 0 && n < max) {
			k->idx = (long)n;
			fds[n++] = (struct pollfd){.fd = k->errfd, .events = POLLIN};
		}
		if (k->pid > 0 && (k->closed_at >= 0 || k->errfd < 0))
			ending = true;
	}
	if (ending && (*timeout_ms < 0 || *timeout_ms > SSH_TICK_MS))
		*timeout_ms = SSH_TICK_MS;
	return n - base;
}

void dk_ssh_take(struct dk_ssh *s, const struct pollfd *fds, size_t n)
{
	if (!s)
		return;
	if (s->lidx >= 0 && (size_t)s->lidx < n && fds[s->lidx].fd == s->lfd)
		s->lrev |= fds[s->lidx].revents;
	s->lidx = -1;
	for (size_t i = 0; i < s->n; i++) {
		struct ssh_child *k = &s->kids[i];
		if (k->idx >= 0 && (size_t)k->idx < n && fds[k->idx].fd == k->errfd)
			k->rev |= fds[k->idx].revents;
		k->idx = -1;
	}
}

void dk_ssh_run(struct dk_ssh *s, int64_t now_ms)
{
	if (!s)
		return;
	/* curl may have connected during this dispatch: its process now */
	if (s->nwaiting || s->lrev)
		accept_all(s);
	s->lrev = 0;
	if (s->n)
		sweep(s, now_ms, false);
}

struct dk_ssh *dk_ssh_new(const char *url, struct err *e)
{
	struct dk_ssh_dest d;
	if (dk_ssh_parse(url, &d, e) < 0)
		return NULL;
	struct dk_ssh *s = xcalloc(1, sizeof *s);
	s->endpoint = xstrdup(url);
	s->dest = d;
	s->lfd = -1;
	s->lidx = -1;
	s->why_at = -1;
	return s;
}

void dk_ssh_free(struct dk_ssh *s)
{
	if (!s)
		return;
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->ldir[0]) {
		unlink(s->lname);
		rmdir(s->ldir);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct ssh_child *k = &s->kids[i];
		if (k->sock >= 0)
			close(k->sock);
		k->sock = -1;
		if (k->pid > 0)
			kill(k->pid, SIGTERM);
		k->signalled = SIGTERM;
	}
	for (int waited = 0; waited < SSH_FREE_WAIT_MS && s->n; waited += 10) {
		sweep(s, clock_mono_ms(), true);
		if (s->n)
			nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct ssh_child *k = &s->kids[i];
		if (k->pid > 0) {
			log_msg(LOG_WARN, "%s: ssh[%d] did not end on SIGTERM: SIGKILL", s->endpoint,
			        (int)k->pid);
			kill(k->pid, SIGKILL);
			while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
		if (k->errfd >= 0)
			close(k->errfd);
	}
	free(s->kids);
	free(s->endpoint);
	free(s);
}

void dk_ssh_explain(struct dk_ssh *s, CURL *easy, struct err *e)
{
	if (!s || !e)
		return;
	int64_t now = clock_mono_ms();
	curl_off_t took = 0;
	if (easy)
		curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &took);
	int64_t since_ms = now - took / 1000 - 1;
	sweep(s, now, true);
	if (s->why_at < 0 || s->why_at < since_ms || !s->why[0])
		return;
	err_set(e, ERR_TRANSPORT, "cannot reach engine at %s: ssh: %s", s->endpoint, s->why);
}

size_t dk_ssh_children(const struct dk_ssh *s)
{
	return s ? s->n : 0;
}
