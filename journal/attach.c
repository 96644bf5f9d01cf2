/* attach: take the log: open it (and its directory), lock it, and take up its end (repair.c) when it changed; a log deleted under us is opened again, a damaged one left alone for a while. */
#include "journal/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/path.h"

/* the pause between tries for another process's lock */
#define LOCK_SLEEP_NS (10 * 1000 * 1000)
/* how soon a damaged log is read again (a person has to mend it) */
#define DAMAGED_RETRY_MS 1000

/* Open the log and its directory (not locked yet). */
static int log_fd_open(struct journal *a, struct err *e)
{
	if (path_mkdirs(a->dir, e) < 0) {
		e->code = JOURNAL_E_IO;
		return -1;
	}
	a->fd = open(a->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (a->fd < 0)
		return err_set(e, JOURNAL_E_IO, "cannot open journal %s: %s", a->path, strerror(errno));
	struct stat st;
	if (fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(a->fd);
		a->fd = -1;
		return err_set(e, JOURNAL_E_IO, "journal %s is not a regular file", a->path);
	}
	if (a->dirfd < 0 && (a->dirfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set(e, JOURNAL_E_IO, "cannot open directory %s: %s", a->dir, strerror(errno));
		close(a->fd);
		a->fd = -1;
		return -1;
	}
	a->tail_known = false;
	return 0;
}

void journal_detach(struct journal *a)
{
	if (a->fd >= 0)
		close(a->fd); /* and its lock */
	a->fd = -1;
	a->locked = false;
	a->tail_known = false;
}

static int lock_log(struct journal *a, int tries, struct err *e)
{
	for (int i = 0;; i++) {
		if (flock(a->fd, LOCK_EX | LOCK_NB) == 0) {
			a->locked = true;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return err_set(e, JOURNAL_E_IO, "cannot lock the log: %s", strerror(errno));
		if (tries == 0)
			return err_set(e, JOURNAL_E_LOCKED, "journal locked by another process");
		if (i >= tries)
			return err_set(e, JOURNAL_E_LOCKED, "the log stayed locked by another process for %d s",
				       tries * (LOCK_SLEEP_NS / 1000000) / 1000);
		struct timespec ts = { 0, LOCK_SLEEP_NS };
		nanosleep(&ts, NULL);
	}
}

void journal_unlock(struct journal *a)
{
	if (a->locked && a->fd >= 0)
		flock(a->fd, LOCK_UN);
	a->locked = false;
}

int journal_attach(struct journal *a, int tries, struct err *e)
{
	for (int round = 0; round < 2; round++) {
		if (a->fd < 0) {
			if (a->reopen_ms && clock_mono_ms() < a->reopen_ms)
				return err_set(e, JOURNAL_E_CHAIN, "%s", a->damage);
			if (log_fd_open(a, e) < 0)
				return -1;
		}
		if (lock_log(a, tries, e) < 0)
			return -1;
		struct stat st;
		if (fstat(a->fd, &st) < 0) {
			int en = errno;
			journal_unlock(a);
			return err_set(e, JOURNAL_E_IO, "fstat failed: %s", strerror(en));
		}
		if (st.st_nlink == 0 && round == 0) {
			/* deleted under us: what we wrote would go nowhere; open the path again */
			journal_detach(a);
			continue;
		}
		if (a->tail_known && st.st_size == a->size)
			return 0;
		if (journal_tail_take(a, e) == 0)
			return 0;
		journal_unlock(a);
		if (e->code == JOURNAL_E_CHAIN) {
			snprintf(a->damage, sizeof a->damage, "%s", e->msg);
			journal_detach(a);
			a->reopen_ms = clock_mono_ms() + DAMAGED_RETRY_MS;
		}
		return -1;
	}
	return err_set(e, JOURNAL_E_IO, "the journal %s was deleted while open", a->path);
}
