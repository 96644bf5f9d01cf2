/* statfile: bounded reads and defensive parsers for the text formats of /proc and cgroup files (internal to stats). */
#ifndef HOST_STATFILE_H
#define HOST_STATFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read the whole file at path into buf (which has room for cap + 1
 * bytes) and NUL-terminate it. Returns the length, or -1 with errno set
 * when it cannot be read or holds more than cap bytes (EFBIG). */
long sf_slurp(const char *path, char *buf, size_t cap);
/* The same from an open fd, read from offset 0 with pread (a seq_file such
 * as a cgroup or /proc file is generated afresh), so the fd can be kept and
 * read again next time. */
long sf_pread_all(int fd, char *buf, size_t cap);

/* Decimal digits at *p into *v, advancing *p past them. Returns 0, or -1
 * (nothing consumed) when there is no digit or the value overflows. */
int sf_take_u64(const char **p, uint64_t *v);
/* s is exactly one number, optionally followed by blanks and one newline
 * (or "max" when max_ok). Returns 0 (number in *v), 1 ("max"), -1. */
int sf_whole_u64(const char *s, bool max_ok, uint64_t *v);
/* In a flat "key N" per line file (memory.stat, cpu.stat), the value of
 * key, matched whole and at the start of a line. 0, or -1 when absent or
 * malformed. */
int sf_kv_u64(const char *text, const char *key, uint64_t *v);

/* Split s in place at blanks into at most max fields. Returns the number
 * of fields, or max + 1 when there are more. */
int sf_split(char *s, char **f, int max);
/* Cut the next line of a NUL-terminated buffer in place (*cur advances);
 * NULL at the end. Start with *cur = the buffer. */
char *sf_next_line(char **cur);
/* Undo mountinfo's \ooo escapes in place. */
void sf_unescape(char *s);

/* Each of these parses a whole file (modified in place) and sums its
 * byte counters; 0, or -1 when any line is malformed or a sum overflows
 * (the caller then treats the field as missing, never as partial). */
/* v1 blkio.*io_service_bytes_recursive: "MAJ:MIN Read|Write|... N" lines
 * and "Total N"; Read and Write of every device. */
int sf_blkio_v1(char *text, uint64_t *rd, uint64_t *wr);
/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N ..."; rbytes and wbytes. */
int sf_io_v2(char *text, uint64_t *rd, uint64_t *wr);
/* /proc/PID/net/dev: receive and transmit bytes of every interface but lo. */
int sf_netdev(char *text, uint64_t *rx, uint64_t *tx);

#endif
