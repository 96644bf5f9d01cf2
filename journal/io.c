/* io: the journal's file steps: whole reads and writes with EINTR retried, fsync, a file committed durably (the head file, a torn line's side file). */
#include "journal/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int journal_io_write_all(int fd, const char *p, size_t n, size_t *done)
{
	*done = 0;
	while (*done < n) {
		ssize_t w = write(fd, p + *done, n - *done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		*done += (size_t)w;
	}
	return 0;
}

int journal_io_fsync(int fd)
{
	int rc;
	while ((rc = fsync(fd)) < 0 && errno == EINTR)
		;
	return rc;
}

const char *journal_io_commit(int fd, const char *p, size_t n, const char *from, const char *to, int dirfd, int *en)
{
	size_t done;
	const char *step = NULL;
	if (journal_io_write_all(fd, p, n, &done) < 0)
		step = "write";
	else if (journal_io_fsync(fd) < 0)
		step = "fsync";
	*en = errno;
	if (close(fd) < 0 && !step) {
		step = "close";
		*en = errno;
	}
	if (!step && to && rename(from, to) < 0) {
		step = "rename";
		*en = errno;
	}
	if (!step && journal_io_fsync(dirfd) < 0) {
		step = "directory fsync";
		*en = errno;
	}
	return step;
}

/* Replace the head file with "seq hash\n": temp file, fsync, rename,
 * directory fsync. Called with the log locked. */
int journal_head_write(struct journal *a, uint64_t seq, const char *hash, struct err *e)
{
	char s[32 + JOURNAL_HEX_LEN];
	int n = snprintf(s, sizeof s, "%" PRIu64 " %s\n", seq, hash);
	unlink(a->tmp_path); /* a leftover of a crash; O_EXCL below refuses anything else */
	int fd = open(a->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, JOURNAL_E_IO, "cannot create the head file: %s", strerror(errno));
	int en;
	const char *step = journal_io_commit(fd, s, (size_t)n, a->tmp_path, a->head_path, a->dirfd, &en);
	if (step) {
		unlink(a->tmp_path);
		return err_set(e, JOURNAL_E_IO, "cannot update the head file: %s failed: %s", step, strerror(en));
	}
	return 0;
}

int journal_io_pread_all(int fd, char *p, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EIO; /* shrank under us */
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}
