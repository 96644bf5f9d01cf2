/* trust: what the operator trusts a desktop label with: unix: sockets only inside --vnc-socket-dir (never the engine's), VNC password files found from the sandbox's identity. */
#include "desktop/desk.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/xalloc.h"

#define PASSWORD_FILE_MAX 256

static char *socket_dir;    /* realpath of --vnc-socket-dir, or NULL */
static char *password_dir;  /* --vnc-password-dir (or the default), or NULL */

/* Engine sockets that no label may reach, whatever the endpoint says. */
static const char *const engine_sockets[] = {
	"/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
	"/run/podman/podman.sock", "/var/run/podman/podman.sock",
};

int desk_set_trust(const struct desk_trust *t, struct err *e)
{
	free(socket_dir);
	free(password_dir);
	socket_dir = password_dir = NULL;
	if (t && t->socket_dir && *t->socket_dir) {
		char real[PATH_MAX];
		struct stat st;
		if (!realpath(t->socket_dir, real) || stat(real, &st) < 0)
			return err_set(e, 1, "--vnc-socket-dir %s: %s", t->socket_dir, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return err_set(e, 1, "--vnc-socket-dir %s: not a directory", t->socket_dir);
		if (!strcmp(real, "/"))
			return err_set(e, 1, "--vnc-socket-dir /: the whole file system is not a socket directory");
		socket_dir = xstrdup(real);
	}
	if (t && t->password_dir && *t->password_dir)
		password_dir = xstrdup(t->password_dir);
	return 0;
}

const char *desk_trust_socket_dir(void)
{
	return socket_dir;
}

const char *desk_trust_password_dir(void)
{
	return password_dir;
}

/* A path component ".." (or "."), an empty one ("//"), or a relative path. */
static bool unclean(const char *p)
{
	if (p[0] != '/')
		return true;
	for (const char *c = p + 1;; c++) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return true;
		if (!end)
			return false;
		c = end;
	}
}

static bool same_file(const struct stat *a, const char *path)
{
	struct stat b;
	return path && stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* The socket path relative to socket_dir: the label's own path when it
 * starts with the directory, else its realpath (a symlinked route to the
 * directory); NULL with e when it is outside. */
static const char *relative(const char *path, char *real, struct err *e)
{
	size_t n = strlen(socket_dir);
	if (!strncmp(path, socket_dir, n) && path[n] == '/')
		return path + n + 1;
	if (!realpath(path, real)) {
		/* not there (yet): worth a retry, like a socket nobody listens on */
		err_set(e, errno == ENOENT ? DESK_E_CONNECT : DESK_E_REFUSED, "sandtop.vnc=unix:%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!strncmp(real, socket_dir, n) && real[n] == '/')
		return real + n + 1;
	err_set(e, DESK_E_REFUSED, "sandtop.vnc=unix:%s refused: not inside the VNC socket directory %s", path, socket_dir);
	return NULL;
}

/* Open path as an O_PATH descriptor that cannot leave socket_dir: openat2
 * with RESOLVE_BENEATH (no "..", no symlink out, no magic links). */
static int open_beneath(const char *path, struct err *e)
{
	char real[PATH_MAX];
	const char *rel = relative(path, real, e);
	if (!rel)
		return -1;
	int dfd = open(socket_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return err_set(e, DESK_E_CONNECT, "VNC socket directory %s: %s", socket_dir, strerror(errno));
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
	int err = errno;
	close(dfd);
	if (fd >= 0)
		return fd;
	if (err == EXDEV || err == ELOOP)
		return err_set(e, DESK_E_REFUSED, "sandtop.vnc=unix:%s refused: it leads out of the VNC socket directory %s",
		               path, socket_dir);
	return err_set(e, err == ENOENT ? DESK_E_CONNECT : DESK_E_REFUSED, "sandtop.vnc=unix:%s: %s", path, strerror(err));
}

int desk_unix_connect(const char *path, const char *engine_endpoint, int *fd_out, struct err *e)
{
	*fd_out = -1;
	if (!socket_dir)
		return err_set(e, DESK_E_REFUSED, "sandtop.vnc=unix:%s refused: unix sockets are used only inside "
		               "--vnc-socket-dir (none set)", path);
	if (unclean(path))
		return err_set(e, DESK_E_REFUSED, "sandtop.vnc=unix:%s refused: the path has \".\", \"..\" or \"//\"", path);
	int pfd = open_beneath(path, e);
	if (pfd < 0)
		return -1;
	struct stat st;
	if (fstat(pfd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close(pfd);
		return err_set(e, DESK_E_REFUSED, "sandtop.vnc=unix:%s refused: not a socket", path);
	}
	bool engine = engine_endpoint && !strncmp(engine_endpoint, "unix://", 7) && same_file(&st, engine_endpoint + 7);
	for (size_t i = 0; !engine && i < sizeof engine_sockets / sizeof *engine_sockets; i++)
		engine = same_file(&st, engine_sockets[i]);
	if (engine) {
		close(pfd);
		return err_set(e, DESK_E_REFUSED, "sandtop.vnc=unix:%s refused: that is the engine's own socket", path);
	}
	/* connect to exactly the inode checked, through its descriptor */
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d", pfd);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;
		if (s >= 0)
			close(s);
		close(pfd);
		return err_set(e, DESK_E_CONNECT, "cannot connect to %s: %s", path, strerror(err));
	}
	close(pfd);
	int fl = fcntl(s, F_GETFL);
	if (fl >= 0)
		(void)fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
	*fd_out = s;
	return 0;
}

/* A name fit for a file name: [A-Za-z0-9_.-], not starting with '.'. */
static bool plain_name(const char *s)
{
	if (!s || !*s || s[0] == '.' || strlen(s) > 128)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return true;
}

/* Open DIR/<base>.passwd if it is there and safe: a regular file (not a
 * symlink), owned by us, no access for group or others. 0 with *fd (-1
 * when there is no such file), or -1 with e. */
static int open_password(const char *base, int *fd, struct err *e)
{
	*fd = -1;
	char *path = xasprintf("%s/%s.passwd", password_dir, base);
	int f = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (f < 0) {
		int err = errno;
		int rc = err == ENOENT ? 0 : err_set(e, 1, "VNC password file %s: %s", path,
		                                     err == ELOOP ? "a symlink (refused)" : strerror(err));
		free(path);
		return rc;
	}
	struct stat st;
	const char *bad = NULL;
	if (fstat(f, &st) < 0)
		bad = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		bad = "not a regular file";
	else if (st.st_uid != getuid())
		bad = "not owned by the user running sandtop";
	else if (st.st_mode & 077)
		bad = "readable or writable by others (chmod 600 it)";
	else if (st.st_size > PASSWORD_FILE_MAX)
		bad = "larger than 256 bytes";
	if (bad) {
		err_set(e, 1, "VNC password file %s refused: %s", path, bad);
		close(f);
		free(path);
		return -1;
	}
	free(path);
	*fd = f;
	return 0;
}

int desk_password_fd(const struct dk_container *ct, int *fd, struct err *e)
{
	*fd = -1;
	const char *want = dk_container_label(ct, DESK_PASSWORD_LABEL);
	bool needed = want && *want;
	if (password_dir) {
		const char *names[] = {ct->id, plain_name(ct->name) ? ct->name : NULL};
		for (size_t i = 0; i < 2 && *fd < 0; i++)
			if (names[i] && open_password(names[i], fd, e) < 0)
				return -1;
	}
	if (*fd < 0 && needed)
		return err_set(e, 1, "%s says a VNC password is needed: put it in %s/%s.passwd or %s/<full id>.passwd (mode 600)",
		               DESK_PASSWORD_LABEL, password_dir ? password_dir : "--vnc-password-dir",
		               plain_name(ct->name) ? ct->name : "<name>", password_dir ? password_dir : "--vnc-password-dir");
	return 0;
}
