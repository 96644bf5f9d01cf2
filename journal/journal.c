/* journal: the operator journal's handle: opened (strict or lazy) and closed, the operator's "who" made once, the default path. */
#include "journal/internal.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jsonstr.h"
#include "base/path.h"
#include "base/xalloc.h"

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The operator, as one JSON object: uid, user, sudo_user, tty, host, pid. */
static char *who_format(void)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid);
	const char *tty = ttyname(STDIN_FILENO);
	char host[257] = "";
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	buf_printf(&b, "{\"uid\":%lu,\"user\":", (unsigned long)uid);
	jsonstr_put(&b, pw ? pw->pw_name : NULL, JOURNAL_STR_MAX);
	buf_puts(&b, ",\"sudo_user\":");
	jsonstr_put(&b, getenv("SUDO_USER"), JOURNAL_STR_MAX);
	buf_puts(&b, ",\"tty\":");
	jsonstr_put(&b, tty ? tty : "-", JOURNAL_STR_MAX);
	buf_puts(&b, ",\"host\":");
	jsonstr_put(&b, host[0] ? host : NULL, JOURNAL_STR_MAX);
	buf_printf(&b, ",\"pid\":%ld}", (long)getpid());
	return buf_steal(&b);
}

static struct journal *handle_new(const char *path)
{
	struct journal *a = xcalloc(1, sizeof *a);
	a->path = xstrdup(path);
	a->head_path = xasprintf("%s.head", path);
	a->tmp_path = xasprintf("%s.head.tmp", path);
	a->dir = dir_of(path);
	a->fd = -1;
	a->dirfd = -1;
	memcpy(a->hash, JOURNAL_ZERO_HASH, sizeof a->hash);
	a->qtail = &a->qhead;
	a->who = who_format();
	return a;
}

struct journal *journal_open(const char *path, struct err *e)
{
	if (!path || !*path) {
		err_set(e, JOURNAL_E_ARG, "no journal path");
		return NULL;
	}
	struct journal *a = handle_new(path);
	if (journal_attach(a, JOURNAL_LOCK_TRIES, e) < 0) {
		/* a failed open names the path already */
		if (a->fd >= 0 || e->code != JOURNAL_E_IO)
			err_set(e, e->code, "journal %s: %s%s", path, e->msg,
				e->code == JOURNAL_E_CHAIN ? "; see 'sandtop journal verify'" : "");
		journal_close(a);
		return NULL;
	}
	/* a repaired torn line: its record goes in first (kept queued if it cannot) */
	struct err we;
	int rc = a->nq ? journal_q_write(a, &we) : 0;
	journal_unlock(a);
	if (rc < 0)
		journal_set_problem(a, &we);
	return a;
}

struct journal *journal_open_lazy(const char *path)
{
	if (!path)
		return NULL;
	struct journal *a = handle_new(path);
	journal_flush(a, NULL);
	return a;
}

void journal_close(struct journal *a)
{
	if (!a)
		return;
	if (a->nq)
		journal_drain(a, 0, stderr); /* one last try, then standard error: never lost in silence */
	journal_detach(a);
	if (a->dirfd >= 0)
		close(a->dirfd);
	free(a->path);
	free(a->head_path);
	free(a->tmp_path);
	free(a->dir);
	free(a->who);
	free(a);
}

uint64_t journal_last_seq(const struct journal *a)
{
	return a->seq;
}

const char *journal_path(const struct journal *a)
{
	return a->path;
}

char *journal_default_path(void)
{
	return path_state("audit.log");
}
