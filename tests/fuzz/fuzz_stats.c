/* fuzz_stats: the stats API answer (dk_stats_parse): one body, or two cut at a NUL byte (the previous sample, then the current), through the docker-stats formulas and out as `ps --json --stats`. */
#include "tests/fuzz/fuzz.h"

#include <math.h>

#include "docker/client_internal.h"
#include "docker/docker.h"
#include "host/stats.h"

static void check_rates(const struct st_rates *r)
{
	const double v[] = {r->cpu_percent, r->cpu_quota_percent, r->mem_percent, r->net_rx_bps,
	                    r->net_tx_bps, r->blk_read_bps, r->blk_write_bps};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (!isfinite(v[i])) {
			fprintf(stderr, "rate %zu is %f\n", i, v[i]);
			abort();
		}
}

static void out_json(const struct st_raw *cur, const struct st_rates *r, bool valid)
{
	struct dk_container c = {.name = "x", .state = "running"};
	struct st_snapshot snap = {.valid = valid, .rates = *r, .raw = *cur};
	char *js = dk_containers_to_json(&c, 1, &snap);
	struct err e;
	if (dk_check_json(js, strlen(js), &e) < 0) {
		fprintf(stderr, "ps --json --stats is not JSON: %s: %s\n", e.msg, js);
		abort();
	}
	free(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet_log();
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n1 = nul ? (size_t)(nul - data) : size;
	struct err e;
	struct st_raw prev = {.have = ST_HAVE_CPU | ST_HAVE_NET | ST_HAVE_BLK, .cpu_ns = 1000, .system_ns = 1000000,
	                      .online_cpus = 2, .net_rx = 10, .net_tx = 10, .blk_read = 10, .blk_write = 10};
	struct st_raw cur;
	char *b1 = fz_exact(data, n1);
	int rc = dk_stats_parse(b1, n1, &cur, &e);
	free(b1);
	if (nul) {
		prev = cur;
		size_t n2 = size - n1 - 1;
		char *b2 = fz_exact(nul + 1, n2);
		int rc2 = dk_stats_parse(b2, n2, &cur, &e);
		free(b2);
		if (rc < 0 || rc2 < 0)
			return 0;
	} else if (rc < 0) {
		return 0;
	}
	const double quota[] = {0, 0.01, 1.5};
	for (size_t i = 0; i < sizeof quota / sizeof *quota; i++) {
		struct st_rates r;
		bool ok = st_rates_compute(&prev, &cur, quota[i], &r) == 0;
		check_rates(&r);
		out_json(&cur, &r, ok);
	}
	(void)st_mem_working_set(&cur);
	return 0;
}
