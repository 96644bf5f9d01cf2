/* tarw: a pax tar writer for the tree archiver (directories, regular files, symlinks), so the main program does not link libarchive. */
#ifndef SNAPSHOT_TARW_H
#define SNAPSHOT_TARW_H

#include <stddef.h>
#include <sys/stat.h>

/* Where the archive's bytes go, in blocks of TARW_BLOCK bytes (the last
 * one padded): 0 when all n were taken, -1 with errno set otherwise. */
typedef int (*tarw_sink)(void *ud, const void *p, size_t n);

#define TARW_BLOCK 10240 /* as tar and libarchive block their output */

struct tarw;

/* A writer into sink; never NULL (aborts without memory). Free with tarw_free. */
struct tarw *tarw_new(tarw_sink sink, void *ud);
/* Starts an entry: name (a directory's gets a trailing '/'), sb's type,
 * permission bits, owner, mtime and, for a regular file, size; link is a
 * symlink's target (NULL otherwise). Names, targets and numbers that do not
 * fit a ustar header go in a pax extended header before it. Returns 0, -1
 * when the sink failed (the archive is lost: tarw_error says why), -2 when
 * the entry cannot be archived (not a directory, file or symlink). A
 * regular file's data then follows through tarw_data. */
int tarw_header(struct tarw *t, const char *name, const struct stat *sb, const char *link);
/* Up to the entry's declared size of file data (more is dropped; less is
 * padded with zeros when the next entry starts). 0, or -1 (sink failed). */
int tarw_data(struct tarw *t, const void *p, size_t n);
/* Ends the archive: the last entry padded, two zero records, the block
 * filled. 0, or -1 (sink failed). */
int tarw_close(struct tarw *t);
/* Why the sink failed ("" while it has not). The string is t's. */
const char *tarw_error(const struct tarw *t);
void tarw_free(struct tarw *t);

#endif
