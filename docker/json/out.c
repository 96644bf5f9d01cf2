/* out: the `sandtop ps --json` encoding, ASCII-only so raw output is terminal-safe. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "host/stats.h"

static cJSON *rfc3339_or_null(int64_t ms)
{
	if (ms <= 0)
		return cJSON_CreateNull();
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char out[40];
	size_t n = strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, sizeof out - n, ".%03dZ", (int)(ms % 1000));
	return cJSON_CreateString(out);
}

/* Re-escape everything outside printable ASCII as \uXXXX (JSON-equivalent). */
static char *ascii_only(const char *json)
{
	struct buf b;
	buf_init(&b, (size_t)-1 / 2);
	const unsigned char *p = (const unsigned char *)json;
	size_t n = 0;
	while (p[n])
		n++;
	for (size_t i = 0; i < n;) {
		unsigned char ch = p[i];
		if (ch >= 0x20 && ch < 0x7f) {
			buf_append(&b, &p[i++], 1);
			continue;
		}
		uint32_t cp;
		i += utf8_decode(p + i, n - i, &cp);
		if (cp == UTF8_INVALID)
			cp = 0xfffd;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			buf_printf(&b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			buf_printf(&b, "\\u%04x", cp);
		}
	}
	return buf_steal(&b);
}

static void add_num_or_null(cJSON *o, const char *key, bool ok, double v)
{
	if (ok)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_stats(cJSON *o, const struct st_snapshot *st)
{
	bool ok = st->valid;
	const struct st_rates *r = &st->rates;
	const struct st_raw *w = &st->raw;
	add_num_or_null(o, "cpu_percent", ok && r->cpu_percent >= 0, round(r->cpu_percent * 100) / 100);
	add_num_or_null(o, "cpu_quota_percent", ok && r->cpu_quota_percent >= 0, round(r->cpu_quota_percent * 100) / 100);
	add_num_or_null(o, "mem_bytes", ok && (w->have & ST_HAVE_MEM), (double)r->mem_bytes);
	add_num_or_null(o, "mem_limit_bytes", ok && r->mem_limit > 0, (double)r->mem_limit);
	add_num_or_null(o, "net_rx_bytes", ok && (w->have & ST_HAVE_NET), (double)w->net_rx);
	add_num_or_null(o, "net_tx_bytes", ok && (w->have & ST_HAVE_NET), (double)w->net_tx);
	add_num_or_null(o, "blk_read_bytes", ok && (w->have & ST_HAVE_BLK), (double)w->blk_read);
	add_num_or_null(o, "blk_write_bytes", ok && (w->have & ST_HAVE_BLK), (double)w->blk_write);
	add_num_or_null(o, "pids", ok && (w->have & ST_HAVE_PIDS), (double)w->pids);
	add_num_or_null(o, "pids_limit", ok && (w->have & ST_HAVE_PIDS) && w->pids_limit > 0, (double)w->pids_limit);
}

char *dk_containers_to_json(const struct dk_container *items, size_t n, const struct st_snapshot *stats)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		const struct dk_container *c = &items[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", c->id);
		cJSON_AddStringToObject(o, "name", c->name ? c->name : "");
		cJSON_AddStringToObject(o, "image", c->image ? c->image : "");
		cJSON_AddStringToObject(o, "state", c->state ? c->state : "");
		cJSON_AddStringToObject(o, "status", c->status ? c->status : "");
		cJSON_AddStringToObject(o, "health", c->health ? c->health : "");
		cJSON_AddStringToObject(o, "command", c->command ? c->command : "");
		cJSON_AddItemToObject(o, "created_at", rfc3339_or_null(c->created * 1000));
		cJSON_AddItemToObject(o, "started_at", rfc3339_or_null(c->started_at_ms));
		cJSON_AddItemToObject(o, "finished_at", rfc3339_or_null(c->finished_at_ms));
		if (c->pid > 0)
			cJSON_AddNumberToObject(o, "pid", c->pid);
		else
			cJSON_AddNullToObject(o, "pid");
		cJSON *labels = cJSON_CreateObject();
		for (size_t k = 0; k < c->nlabels; k++)
			cJSON_AddStringToObject(labels, c->labels[k].key, c->labels[k].value);
		cJSON_AddItemToObject(o, "labels", labels);
		/* the sandtop.* labels the image set: never obeyed */
		cJSON *ignored = cJSON_CreateArray();
		for (size_t k = 0; k < c->nlabels; k++)
			if (c->labels[k].from_image)
				cJSON_AddItemToArray(ignored, cJSON_CreateString(c->labels[k].key));
		cJSON_AddItemToObject(o, "labels_ignored", ignored);
		if (stats)
			add_stats(o, &stats[i]);
		cJSON_AddItemToArray(arr, o);
	}
	char *raw = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	if (!raw)
		abort();
	char *out = ascii_only(raw);
	cJSON_free(raw);
	return out;
}
