/* killswitch: bench/killswitch's helper: freeze N containers and kill them in parallel over the Engine API, or run a command (docker kill), timing both until every container has exited. */
/*
 * usage: killswitch contain TIMEOUT_MS ID:PID...
 *          wait for each container (POST /containers/ID/wait?condition=
 *          not-running, sent before the clock starts), then dk_freeze_all
 *          the pids (docker/freezer.c) and POST /containers/ID/kill for all
 *          in parallel; the clock stops when the last wait has answered.
 *        killswitch command ID... -- CMD [ARG...]
 *          the same waits, then run CMD (e.g. sh -c 'docker kill ...').
 *        killswitch freeze TIMEOUT_MS CYCLES PID...
 *          CYCLES times: dk_freeze_all, then thaw all and let them run 300 ms;
 *          prints frozen_ms=T1,T2,... frozen=K/N (the worst cycle).
 * Prints one line of key=value: frozen_ms (contain), kills_ms (the last
 * kill answered) or cmd_ms (CMD returned), dead_ms (the last container
 * exited), frozen=K/N, exited=K/N, codes=CODE:COUNT,...
 * Talks to /var/run/docker.sock (API 1.41) with libcurl multi, one
 * connection per request. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "docker/freezer.h"

#define SOCK "/var/run/docker.sock"
#define API "http://localhost/v1.41"
#define MAXN 1024

struct req {
	CURL *h;
	char url[256];
	char body[256];
	size_t len;
	int done;         /* 1 once answered */
	long status;      /* HTTP status */
	double at_ms;     /* when it was answered */
	int is_wait;
};

static struct timespec t0;

static double ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) * 1e3 + (double)(t.tv_nsec - t0.tv_nsec) / 1e6;
}

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
	struct req *r = ud;
	size_t n = sz * nm, room = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, p, n < room ? n : room);
	r->len += n < room ? n : room;
	r->body[r->len] = '\0';
	return n;
}

static void add(CURLM *m, struct req *r, const char *id, int is_wait)
{
	r->h = curl_easy_init();
	r->is_wait = is_wait;
	snprintf(r->url, sizeof r->url, API "/containers/%s/%s", id, is_wait ? "wait?condition=not-running" : "kill");
	curl_easy_setopt(r->h, CURLOPT_UNIX_SOCKET_PATH, SOCK);
	curl_easy_setopt(r->h, CURLOPT_URL, r->url);
	curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, 120000L);
	curl_easy_setopt(r->h, CURLOPT_FORBID_REUSE, 1L);
	curl_multi_add_handle(m, r->h);
}

/* Pump m for up to ms milliseconds, or until every request in rs is done
 * (until_done). */
static void pump(CURLM *m, struct req *rs, size_t n, double ms, int until_done)
{
	double end = ms_now() + ms;
	for (;;) {
		int running = 0, left;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct req *r;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &r->status);
			r->done = 1;
			r->at_ms = ms_now();
			if (msg->data.result != CURLE_OK)
				fprintf(stderr, "killswitch: %s: %s\n", r->url, curl_easy_strerror(msg->data.result));
		}
		size_t open = 0;
		for (size_t i = 0; i < n; i++)
			open += !rs[i].done;
		if ((until_done && !open) || ms_now() >= end)
			return;
		curl_multi_poll(m, NULL, 0, 5, NULL);
	}
}

/* The report of the waits: dead_ms, exited=K/N and the exit codes. */
static void report_waits(const struct req *w, size_t n)
{
	double dead = 0;
	size_t ok = 0;
	int codes[MAXN], counts[MAXN];
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!w[i].done || w[i].status != 200)
			continue;
		ok++;
		dead = w[i].at_ms > dead ? w[i].at_ms : dead;
		const char *p = strstr(w[i].body, "\"StatusCode\":");
		int code = p ? atoi(p + 13) : -1;
		size_t k = 0;
		while (k < nc && codes[k] != code)
			k++;
		if (k == nc) {
			codes[nc] = code;
			counts[nc++] = 0;
		}
		counts[k]++;
	}
	printf(" dead_ms=%.1f exited=%zu/%zu codes=", dead, ok, n);
	for (size_t k = 0; k < nc; k++)
		printf("%s%d:%d", k ? "," : "", codes[k], counts[k]);
	printf("\n");
}

/* freeze mode: see the usage above. */
static int freeze_cycles(int timeout_ms, int cycles, int *pids, size_t n)
{
	struct err e = {0};
	struct dk_freezer *f = dk_freezer_open("/proc", "", &e);
	if (!f) {
		fprintf(stderr, "killswitch: %s\n", e.msg);
		return 1;
	}
	int *st = calloc(n, sizeof *st);
	size_t worst = n;
	printf("frozen_ms=");
	for (int c = 0; c < cycles; c++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (dk_freeze_all(f, pids, n, timeout_ms, st, &e) < 0)
			fprintf(stderr, "killswitch: freeze: %s\n", e.msg);
		printf("%s%.2f", c ? "," : "", ms_now());
		size_t nf = 0;
		for (size_t i = 0; i < n; i++) {
			nf += st[i] == DK_FRZ_FROZEN;
			if (dk_thaw(f, pids[i], &e) < 0)
				fprintf(stderr, "killswitch: thaw: %s\n", e.msg);
		}
		worst = nf < worst ? nf : worst;
		struct timespec nap = {0, 300000000};
		nanosleep(&nap, NULL);
	}
	printf(" frozen=%zu/%zu\n", worst, n);
	free(st);
	dk_freezer_free(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: killswitch contain TIMEOUT_MS ID:PID... | command ID... -- CMD... | freeze TIMEOUT_MS CYCLES PID...\n");
		return 2;
	}
	if (!strcmp(argv[1], "freeze")) {
		if (argc < 5)
			return 2;
		size_t n = (size_t)(argc - 4);
		int *pids = calloc(n, sizeof *pids);
		for (size_t i = 0; i < n; i++)
			pids[i] = atoi(argv[4 + i]);
		int rc = freeze_cycles(atoi(argv[2]), atoi(argv[3]), pids, n);
		free(pids);
		return rc;
	}
	int contain = !strcmp(argv[1], "contain");
	int first = contain ? 3 : 2, last = argc;
	if (!contain) {
		for (last = first; last < argc && strcmp(argv[last], "--"); last++)
			;
		if (last >= argc - 1) {
			fprintf(stderr, "killswitch: command: no -- CMD\n");
			return 2;
		}
	}
	size_t n = (size_t)(last - first);
	if (n == 0 || n > MAXN)
		return 2;
	char (*ids)[80] = calloc(n, sizeof *ids);
	int *pids = calloc(n, sizeof *pids), *st = calloc(n, sizeof *st);
	for (size_t i = 0; i < n; i++) {
		snprintf(ids[i], sizeof ids[i], "%s", argv[first + (int)i]);
		char *c = strchr(ids[i], ':');
		if (c) {
			*c = '\0';
			pids[i] = atoi(c + 1);
		}
		if (contain && pids[i] <= 0) {
			fprintf(stderr, "killswitch: contain wants ID:PID\n");
			return 2;
		}
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	struct req *w = calloc(n, sizeof *w), *k = calloc(n, sizeof *k);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < n; i++)
		add(m, &w[i], ids[i], 1);
	pump(m, w, n, 500, 0); /* the waits reach the engine */
	for (size_t i = 0; i < n; i++)
		if (w[i].done) {
			fprintf(stderr, "killswitch: %s ended before the clock started (HTTP %ld)\n", ids[i], w[i].status);
			return 1;
		}

	struct err e = {0};
	struct dk_freezer *f = NULL;
	if (contain && !(f = dk_freezer_open("/proc", "", &e))) {
		fprintf(stderr, "killswitch: %s\n", e.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (contain) {
		int rc = dk_freeze_all(f, pids, n, atoi(argv[2]), st, &e);
		double frozen_ms = ms_now();
		size_t nf = 0;
		for (size_t i = 0; i < n; i++)
			nf += st[i] == DK_FRZ_FROZEN;
		for (size_t i = 0; i < n; i++)
			add(m, &k[i], ids[i], 0);
		pump(m, k, n, 60000, 1);
		double kills = 0;
		size_t kok = 0;
		for (size_t i = 0; i < n; i++) {
			kills = k[i].at_ms > kills ? k[i].at_ms : kills;
			kok += k[i].done && k[i].status == 204;
		}
		pump(m, w, n, 60000, 1);
		if (rc)
			fprintf(stderr, "killswitch: freeze: %s\n", e.msg);
		printf("frozen_ms=%.2f frozen=%zu/%zu kills_ms=%.1f killed=%zu/%zu", frozen_ms, nf, n, kills, kok, n);
		dk_freezer_free(f);
	} else {
		pid_t child = fork();
		if (child == 0) {
			execvp(argv[last + 1], argv + last + 1);
			_exit(127);
		}
		int status = 0;
		waitpid(child, &status, 0);
		double cmd_ms = ms_now();
		pump(m, w, n, 60000, 1);
		printf("cmd_ms=%.1f cmd_exit=%d", cmd_ms, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	report_waits(w, n);
	for (size_t i = 0; i < n; i++) {
		curl_multi_remove_handle(m, w[i].h);
		curl_easy_cleanup(w[i].h);
		if (k[i].h) {
			curl_multi_remove_handle(m, k[i].h);
			curl_easy_cleanup(k[i].h);
		}
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	free(w);
	free(k);
	free(ids);
	free(pids);
	free(st);
	return 0;
}
