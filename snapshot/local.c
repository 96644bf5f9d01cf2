/* local: the bundle pieces made on this host: the screenshot PNG, the stats CSV, the sandbox's root directory through /proc. */
#include "snapshot/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "vnc/render.h"

#define CGROUP_MAX (64 * 1024)
#define CSV_MAX (4u << 20)

int snap_png_put(int dirfd, const char *name, const uint8_t *rgb, int w, int h, struct snap_file *f, struct err *e)
{
	int fd = snap_file_create(dirfd, name, e);
	if (fd < 0)
		return -1;
	FILE *fp = fdopen(fd, "wb");
	if (!fp) {
		err_set(e, 1, "%s: %s", name, strerror(errno));
		close(fd);
		unlinkat(dirfd, name, 0);
		return -1;
	}
	int rc = vr_png_write(fp, rgb, w, h, e);
	if (rc == 0 && (fflush(fp) != 0 || fsync(fileno(fp)) < 0))
		rc = err_set(e, 1, "writing %s: %s", name, strerror(errno));
	if (fclose(fp) != 0 && rc == 0)
		rc = err_set(e, 1, "writing %s: %s", name, strerror(errno));
	if (rc < 0) {
		unlinkat(dirfd, name, 0);
		return -1;
	}
	return snap_file_hash(dirfd, name, f, e);
}

static void csv_num(struct buf *b, bool have, uint64_t v)
{
	if (have)
		buf_printf(b, "%" PRIu64, v);
}

char *snap_stats_csv_sample(const struct st_raw *r, int64_t wall_ms)
{
	struct buf b;
	buf_init(&b, CSV_MAX);
	char t[40];
	snap_rfc3339(wall_ms, t, sizeof t);
	buf_puts(&b, "time,cpu_ns,system_ns,online_cpus,mem_usage_bytes,mem_inactive_file_bytes,mem_limit_bytes,"
	         "net_rx_bytes,net_tx_bytes,blk_read_bytes,blk_write_bytes,pids,pids_limit\n");
	unsigned h = r->have;
	buf_puts(&b, t);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_CPU, r->cpu_ns);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_CPU, r->system_ns);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_CPU, r->online_cpus);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_MEM, r->mem_usage);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_INACTIVE, r->mem_inactive_file);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_MEMLIMIT, r->mem_limit);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_NET, r->net_rx);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_NET, r->net_tx);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_BLK, r->blk_read);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_BLK, r->blk_write);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_PIDS, r->pids);
	buf_puts(&b, ",");
	csv_num(&b, h & ST_HAVE_PIDS, r->pids_limit);
	buf_puts(&b, "\n");
	return buf_steal(&b);
}

static void csv_val(struct buf *b, const struct st_series *s, unsigned n, unsigned i, const char *fmt)
{
	buf_puts(b, ",");
	if (i >= n - s->n)
		buf_printf(b, fmt, (double)st_series_at(s, i - (n - s->n)));
}

char *snap_stats_csv_history(const struct st_view *v, int step_ms)
{
	struct buf b;
	buf_init(&b, CSV_MAX);
	buf_puts(&b, "seconds_before_snapshot,cpu_percent,mem_bytes,net_bytes_per_s,io_bytes_per_s\n");
	const struct st_series *sr[4] = {&v->cpu, &v->mem, &v->net, &v->io};
	unsigned n = 0;
	for (int k = 0; k < 4; k++)
		if (sr[k]->n > n && sr[k]->n <= ST_HIST)
			n = sr[k]->n;
	for (unsigned i = 0; i < n; i++) {
		buf_printf(&b, "%.3f", (double)(n - 1 - i) * (step_ms > 0 ? step_ms : 1000) / 1000.0);
		for (int k = 0; k < 4; k++)
			if (sr[k]->n <= ST_HIST)
				csv_val(&b, sr[k], n, i, k == 0 ? "%.2f" : "%.0f");
		buf_puts(&b, "\n");
	}
	return buf_steal(&b);
}

int snap_proc_root(const char *proc, int pid, const char *id, struct err *e)
{
	if (pid <= 0)
		return err_set(e, 1, "no process");
	char p[64];
	snprintf(p, sizeof p, "%s/%d", proc, pid);
	int pfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return err_set(e, 1, "%s: %s", p, strerror(errno));
	/* the root first, then the proof that this pid is the container's:
	 * both through the one /proc/PID fd, which never names another process */
	int rfd = openat(pfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0) {
		err_set(e, 1, "%s/root: %s", p, strerror(errno));
		close(pfd);
		return -1;
	}
	int cfd = openat(pfd, "cgroup", O_RDONLY | O_CLOEXEC);
	close(pfd);
	char *buf = malloc(CGROUP_MAX + 1);
	ssize_t n = cfd < 0 || !buf ? -1 : read(cfd, buf, CGROUP_MAX);
	if (cfd >= 0)
		close(cfd);
	bool mine = n > 0 && strlen(id) == 64 && (buf[n] = '\0', strstr(buf, id) != NULL);
	free(buf);
	if (!mine) {
		close(rfd);
		return err_set(e, 1, "pid %d is not (or no longer) this container's", pid);
	}
	return rfd;
}
