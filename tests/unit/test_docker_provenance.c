/* test_docker_provenance: which sandtop.* labels came from the image: the real engine (an image committed with sandtop.* LABELs), and a fake daemon for the faults.
 * The real engine part makes its own image and containers (named
 * tprov<PID>-*, removed at the end) and skips without an engine. The fake
 * is used only for what the real engine will not do on demand: an image
 * lookup that fails with 500, answers 404, or carries labels over the cap,
 * and counting the image requests (the cache). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/call.h"
#include "tests/unit/helper/engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "docker/docker.h"
#include "tests/unit/helper/fake_daemon.h"

static struct fake_daemon fake;

#define IMG_OK "1111111111111111111111111111111111111111111111111111111111111111"
#define IMG_GONE "2222222222222222222222222222222222222222222222222222222222222222"
#define IMG_BROKEN "3333333333333333333333333333333333333333333333333333333333333333"
#define IMG_BIG "4444444444444444444444444444444444444444444444444444444444444444"
#define CT(n) #n #n #n #n #n #n #n #n #n #n #n #n #n #n #n #n "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Two containers of image; both carry the label "mode" (what the test's
 * label filter names, to pick the image's fault). */
static char *list_body(const char *image, const char *mode)
{
	return xasprintf("[{\"Id\":\"%s\",\"Names\":[\"/a\"],\"Image\":\"x\",\"ImageID\":\"sha256:%s\",\"State\":\"running\","
	                 "\"Labels\":{\"sandtop.sandbox\":\"1\",\"sandtop.vnc\":\"unix:/run/docker.sock\","
	                 "\"sandtop.ttl\":\"60\",\"other\":\"x\",\"%s\":\"1\"}},"
	                 "{\"Id\":\"%s\",\"Names\":[\"/b\"],\"Image\":\"x\",\"ImageID\":\"sha256:%s\",\"State\":\"running\","
	                 "\"Labels\":{\"plain\":\"1\",\"%s\":\"1\"}}]",
	                 CT(1), image, mode, CT(2), image, mode);
}

/* The image: sets sandtop.sandbox=1 and sandtop.vnc=unix:/run/docker.sock;
 * the container's sandtop.ttl=60 differs from the image's 5 (the operator's). */
#define IMG_BODY "{\"Id\":\"sha256:" IMG_OK "\",\"Config\":{\"Labels\":{\"sandtop.sandbox\":\"1\"," \
                 "\"sandtop.vnc\":\"unix:/run/docker.sock\",\"sandtop.ttl\":\"5\",\"other\":\"x\"}}}"

static void serve(int fd, const char *req, int rec)
{
	fake_record(rec, req);
	const char *img = NULL, *mode = "m.ok";
	static const struct { const char *mode, *img; } modes[] = {
		{"m.gone", IMG_GONE}, {"m.broken", IMG_BROKEN}, {"m.big", IMG_BIG}, {"sandtop.sandbox", IMG_OK}};
	if (strstr(req, "/containers/json")) {
		img = IMG_OK;
		for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
			if (strstr(req, modes[i].mode)) {
				img = modes[i].img;
				mode = modes[i].mode;
			}
	}
	if (img) {
		char *b = list_body(img, mode);
		fake_respond(fd, 200, b);
		free(b);
	} else if (strstr(req, "/images/" IMG_OK "/json")) {
		fake_respond(fd, 200, IMG_BODY);
	} else if (strstr(req, "/images/" IMG_GONE "/json")) {
		fake_respond(fd, 404, "{\"message\":\"No such image\"}");
	} else if (strstr(req, "/images/" IMG_BIG "/json")) {
		struct buf b;
		buf_init(&b, 1 << 20);
		buf_puts(&b, "{\"Config\":{\"Labels\":{\"sandtop.sandbox\":\"");
		for (int i = 0; i < 70000; i++)
			buf_puts(&b, "x");
		buf_puts(&b, "\"}}}");
		fake_respond_len(fd, 200, b.data, b.len);
		buf_free(&b);
	} else if (strstr(req, "/images/")) {
		fake_pause_ms(300);
		fake_respond(fd, 500, "{\"message\":\"image store \\u001b[2J broken\"}");
	} else {
		fake_respond(fd, 404, "{\"message\":\"page not found\"}");
	}
}

static int setup(void **state)
{
	*state = &fake;
	return fake_daemon_start(&fake, "prov", serve, 0);
}

static const struct dk_container *named(const struct call *g, const char *name)
{
	for (size_t i = 0; i < g->list.n; i++)
		if (!strcmp(g->list.items[i].name, name))
			return &g->list.items[i];
	return NULL;
}

static int count_image_requests(void)
{
	int n = 0;
	char *r;
	while ((r = fake_next_request(&fake, 100))) {
		n += strstr(r, "/images/") != NULL;
		free(r);
	}
	return n;
}

static void list_with(struct dk_client *c, const char *filter, struct call *g)
{
	call_init(g, 1, 0);
	dk_list_containers(c, true, filter, call_on_list, g);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_int_equal(g->calls, 1);
}

/* The image's own values are ignored; a value the operator changed counts;
 * labels outside sandtop.* are never touched; one image request for two
 * lists (the cache). */
static void test_fake_marks_and_caches(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	fake_drain(&fake);
	struct call g;
	list_with(c, NULL, &g);
	assert_int_equal(g.rc, 0);
	const struct dk_container *a = named(&g, "a"), *b = named(&g, "b");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->image_id, IMG_OK);
	assert_null(dk_container_label(a, "sandtop.sandbox"));
	assert_null(dk_container_label(a, "sandtop.vnc"));
	assert_string_equal(dk_container_label_ignored(a, "sandtop.vnc"), "unix:/run/docker.sock");
	assert_string_equal(dk_container_label(a, "sandtop.ttl"), "60");
	assert_null(dk_container_label_ignored(a, "sandtop.ttl"));
	assert_string_equal(dk_container_label(a, "other"), "x");
	assert_int_equal(dk_container_ignored_count(a), 2);
	assert_string_equal(dk_container_label(b, "plain"), "1");
	assert_int_equal(dk_container_ignored_count(b), 0);
	dk_container_list_free(&g.list);
	assert_int_equal(count_image_requests(), 1);

	list_with(c, NULL, &g);
	assert_int_equal(g.rc, 0);
	assert_null(dk_container_label(named(&g, "a"), "sandtop.vnc"));
	dk_container_list_free(&g.list);
	assert_int_equal(count_image_requests(), 0); /* from the cache */

	/* the engine's filter matched a's image-set sandtop.sandbox: dropped */
	list_with(c, "sandtop.sandbox", &g);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.list.n, 0);
	dk_container_list_free(&g.list);
	dk_client_free(c);
}

/* 404 (image gone) and labels over the cap: every sandtop.* label of its
 * containers is ignored; a 500 fails the list, saying which image. */
static void test_fake_faults(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct call g;
	const char *unknown[] = {"m.gone", "m.big"};
	for (size_t k = 0; k < 2; k++) {
		list_with(c, unknown[k], &g);
		assert_int_equal(g.rc, 0);
		const struct dk_container *a = named(&g, "a");
		assert_null(dk_container_label(a, "sandtop.ttl"));
		assert_string_equal(dk_container_label_ignored(a, "sandtop.ttl"), "60");
		assert_int_equal(dk_container_ignored_count(a), 3);
		assert_string_equal(dk_container_label(a, "other"), "x");
		dk_container_list_free(&g.list);
	}
	list_with(c, "m.broken", &g);
	assert_int_equal(g.rc, -1);
	assert_int_equal(g.e.code, ERR_SERVER);
	assert_non_null(strstr(g.e.msg, "labels of image 333333333333"));
	assert_null(strchr(g.e.msg, '\x1b'));
	dk_client_free(c);
}

/* Freed while the image lookup is in flight: no callback, nothing leaked
 * (the sanitizer build checks). */
static void test_fake_free_in_flight(void **state)
{
	(void)state;
	struct dk_client *c = fake_client(&fake);
	struct call g = {0};
	fake_drain(&fake);
	dk_list_containers(c, true, "m.broken", call_on_list, &g);
	bool img = false;
	for (int i = 0; i < 400 && !g.calls && !img; i++) {
		call_turn(c, 5);
		struct pollfd pf = {.fd = fake.rec_fd, .events = POLLIN};
		char *r;
		while (poll(&pf, 1, 0) > 0 && (r = fake_next_request(&fake, 100))) {
			img = img || strstr(r, "/images/"); /* the image request is out: free now */
			free(r);
		}
	}
	assert_true(img);
	dk_client_free(c);
	assert_int_equal(g.calls, 0);
}

/* ---- the real engine ---- */

static char run_id[32];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void on_inspect(void *ud, int rc, const struct err *e, struct dk_container *ct)
{
	(void)e;
	struct dk_container **out = ud;
	assert_int_equal(rc, 0);
	*out = ct;
}

/* An image committed with LABEL sandtop.vnc / sandtop.sandbox /
 * sandtop.ttl; containers run from it without labels (all three ignored,
 * in the list and in inspect), and with the operator's own sandtop.vnc
 * (that one obeyed). */
static void test_engine_committed_image(void **state)
{
	(void)state;
	if (!engine_reachable()) {
		print_message("no engine: skipped\n");
		skip();
	}
	snprintf(run_id, sizeof run_id, "tprov%d", (int)getpid());
	assert_int_equal(sh("docker run -d --name %s-base --network none sandtop/mini:latest sleep 60 >/dev/null &&"
	                    " docker commit --change 'LABEL sandtop.vnc=unix:/var/run/docker.sock sandtop.sandbox=1"
	                    " sandtop.ttl=1 trust.test=%s' %s-base %s-img:latest >/dev/null &&"
	                    " docker rm -f %s-base >/dev/null", run_id, run_id, run_id, run_id, run_id), 0);
	assert_int_equal(sh("docker run -d --name %s-plain --network none %s-img:latest sleep 60 >/dev/null &&"
	                    " docker run -d --name %s-own --network none --label sandtop.vnc=exec:5900"
	                    " %s-img:latest sleep 60 >/dev/null", run_id, run_id, run_id, run_id), 0);
	struct err e;
	struct dk_client *c = dk_client_new(NULL, &e);
	assert_non_null(c);
	struct call g;
	list_with(c, "sandtop.sandbox", &g);
	assert_int_equal(g.rc, 0);
	char name[64];
	/* the engine's filter matches the image's label; neither container set
	 * sandtop.sandbox itself: neither is listed */
	for (size_t i = 0; i < g.list.n; i++)
		assert_null(strstr(g.list.items[i].name, run_id));
	dk_container_list_free(&g.list);
	list_with(c, NULL, &g);
	assert_int_equal(g.rc, 0);
	snprintf(name, sizeof name, "%s-plain", run_id);
	const struct dk_container *plain = named(&g, name);
	snprintf(name, sizeof name, "%s-own", run_id);
	const struct dk_container *own = named(&g, name);
	assert_non_null(plain);
	assert_non_null(own);
	assert_null(dk_container_label(plain, "sandtop.vnc"));
	assert_null(dk_container_label(plain, "sandtop.sandbox"));
	assert_null(dk_container_label(plain, "sandtop.ttl"));
	assert_string_equal(dk_container_label_ignored(plain, "sandtop.vnc"), "unix:/var/run/docker.sock");
	assert_string_equal(dk_container_label(plain, "trust.test"), run_id);
	assert_string_equal(dk_container_label(own, "sandtop.vnc"), "exec:5900");
	assert_null(dk_container_label(own, "sandtop.sandbox"));
	struct dk_container *ct = NULL;
	dk_inspect(c, plain->id, on_inspect, &ct);
	assert_int_equal(dk_client_run(c, 5000), 0);
	assert_non_null(ct);
	assert_string_equal(ct->image_id, plain->image_id);
	assert_null(dk_container_label(ct, "sandtop.vnc"));
	assert_string_equal(dk_container_label_ignored(ct, "sandtop.ttl"), "1");
	dk_container_clear(ct);
	free(ct);
	dk_container_list_free(&g.list);
	dk_client_free(c);
}

static int engine_teardown(void **state)
{
	(void)state;
	if (run_id[0])
		sh("docker rm -f %s-plain %s-own %s-base >/dev/null 2>&1; docker rmi %s-img:latest >/dev/null 2>&1",
		   run_id, run_id, run_id, run_id);
	return 0;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_marks_and_caches),
		cmocka_unit_test(test_fake_faults),
		cmocka_unit_test(test_fake_free_in_flight),
		cmocka_unit_test_teardown(test_engine_committed_image, engine_teardown),
	};
	return cmocka_run_group_tests_name("docker_provenance", tests, setup, fake_daemon_teardown);
}
