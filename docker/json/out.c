/* out: the `sandtop ps --json` encoding, ASCII-only so raw output is terminal-safe. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/jsonstr.h"
#include "docker/docker.h"
#include "host/stats.h"

/* "key": with the comma before it unless first */
static void key(struct buf *b, bool *first, const char *k)
{
	if (!*first)
		buf_append(b, ",", 1);
	*first = false;
	jsonstr_put(b, k, JSONSTR_ALL);
	buf_append(b, ":", 1);
}

static void add_str(struct buf *b, bool *first, const char *k, const char *v)
{
	key(b, first, k);
	jsonstr_put(b, v ? v : "", JSONSTR_ALL);
}

/* v in the form cJSON prints numbers (the form ps --json has always had) */
static void add_num(struct buf *b, bool *first, const char *k, double v)
{
	key(b, first, k);
	cJSON *num = cJSON_CreateNumber(v);
	char *s = num ? cJSON_PrintUnformatted(num) : NULL;
	if (!s)
		abort();
	buf_puts(b, s);
	cJSON_free(s);
	cJSON_Delete(num);
}

static void add_null(struct buf *b, bool *first, const char *k)
{
	key(b, first, k);
	buf_puts(b, "null");
}

static void add_time(struct buf *b, bool *first, const char *k, int64_t ms)
{
	if (ms <= 0) {
		add_null(b, first, k);
		return;
	}
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char out[40];
	size_t n = strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, sizeof out - n, ".%03dZ", (int)(ms % 1000));
	add_str(b, first, k, out);
}

static void add_num_or_null(struct buf *b, bool *first, const char *k, bool ok, double v)
{
	if (ok)
		add_num(b, first, k, v);
	else
		add_null(b, first, k);
}

static void add_stats(struct buf *b, bool *first, const struct dk_container *c, const struct st_snapshot *st)
{
	bool ok = st->valid;
	const struct st_rates *r = &st->rates;
	const struct st_raw *w = &st->raw;
	add_num_or_null(b, first, "cpu_percent", ok && r->cpu_percent >= 0, round(r->cpu_percent * 100) / 100);
	add_num_or_null(b, first, "cpu_quota_percent", ok && r->cpu_quota_percent >= 0,
	                round(r->cpu_quota_percent * 100) / 100);
	add_num_or_null(b, first, "mem_bytes", ok && (w->have & ST_HAVE_MEM), (double)r->mem_bytes);
	add_num_or_null(b, first, "mem_limit_bytes", ok && r->mem_limit > 0, (double)r->mem_limit);
	add_num_or_null(b, first, "net_rx_bytes", ok && (w->have & ST_HAVE_NET), (double)w->net_rx);
	add_num_or_null(b, first, "net_tx_bytes", ok && (w->have & ST_HAVE_NET), (double)w->net_tx);
	add_num_or_null(b, first, "blk_read_bytes", ok && (w->have & ST_HAVE_BLK), (double)w->blk_read);
	add_num_or_null(b, first, "blk_write_bytes", ok && (w->have & ST_HAVE_BLK), (double)w->blk_write);
	add_num_or_null(b, first, "pids", ok && (w->have & ST_HAVE_PIDS), (double)w->pids);
	uint64_t plim = dk_container_pids_limit(c, w->pids_limit);
	add_num_or_null(b, first, "pids_limit", ok && (w->have & ST_HAVE_PIDS) && plim > 0, (double)plim);
}

static void add_container(struct buf *b, const struct dk_container *c, const struct st_snapshot *st,
                          const char *engine)
{
	bool first = true;
	buf_append(b, "{", 1);
	add_str(b, &first, "id", c->id);
	add_str(b, &first, "name", c->name);
	if (engine)
		add_str(b, &first, "engine", engine);
	add_str(b, &first, "image", c->image);
	add_str(b, &first, "state", c->state);
	add_str(b, &first, "status", c->status);
	add_str(b, &first, "health", c->health);
	add_str(b, &first, "command", c->command);
	add_time(b, &first, "created_at", c->created * 1000);
	add_time(b, &first, "started_at", c->started_at_ms);
	add_time(b, &first, "finished_at", c->finished_at_ms);
	add_num_or_null(b, &first, "pid", c->pid > 0, c->pid);
	key(b, &first, "labels");
	bool lfirst = true;
	buf_append(b, "{", 1);
	for (size_t k = 0; k < c->nlabels; k++)
		if (c->labels[k].key && c->labels[k].value)
			add_str(b, &lfirst, c->labels[k].key, c->labels[k].value);
	buf_append(b, "}", 1);
	/* the sandtop.* labels the image set: never obeyed */
	key(b, &first, "labels_ignored");
	buf_append(b, "[", 1);
	bool ifirst = true;
	for (size_t k = 0; k < c->nlabels; k++)
		if (c->labels[k].from_image && c->labels[k].key) {
			if (!ifirst)
				buf_append(b, ",", 1);
			ifirst = false;
			jsonstr_put(b, c->labels[k].key, JSONSTR_ALL);
		}
	buf_append(b, "]", 1);
	if (st)
		add_stats(b, &first, c, st);
	buf_append(b, "}", 1);
}

char *dk_containers_to_json(const struct dk_container *items, size_t n, const struct st_snapshot *stats)
{
	return dk_containers_to_json_engines(items, n, stats, NULL);
}

char *dk_containers_to_json_engines(const struct dk_container *items, size_t n, const struct st_snapshot *stats,
                                    const char *const *engines)
{
	struct buf b;
	buf_init(&b, (size_t)-1 / 2);
	buf_append(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_append(&b, ",", 1);
		add_container(&b, &items[i], stats ? &stats[i] : NULL, engines ? engines[i] : NULL);
	}
	buf_append(&b, "]", 1);
	return buf_steal(&b);
}
