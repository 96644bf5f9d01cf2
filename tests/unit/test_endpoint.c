/* test_endpoint: which engine a run reaches and how (docker/endpoint.c, docker/tls.c): the docker CLI's order of -H, --context, DOCKER_HOST, DOCKER_CONTEXT and the current context in a scratch DOCKER_CONFIG, the context store, the TLS options and files, and the one-line TLS errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/xalloc.h"
#include "docker/docker.h"
#include "docker/endpoint.h"
#include "docker/tls.h"
#include "tests/unit/helper/files.h"
#include "tests/unit/helper/fixture.h"
#include "tests/unit/helper/text.h"

#define FX "tests/fixtures/tls"

/* The docker CLI's store names, as `docker context create` made them
 * (ctxa's seen on disk; the others sha256sum of the name). */
#define H_CTXA "f38a1edba91098e590dbe6b66a07c374fdc6ff074aaa890828f1c7926e8a9ebd"
#define H_CTXB "bb4701c4fc8759afd557f92d6b3a1c978a85b2553168f0cf7fb0866b8848699a"
#define H_CTXTLS "1d914778d79aebc1f04fc45988e0c2c3c48de4bb5c6ff9f0bc3ef3e3bf3c6e39"
#define H_CTXSKIP "aa702f02ff76d78d25b1442e8b3e63fc457cbf660878679eee409a58e63b88f5"
#define H_CTXBAD "75f0908fa77c8dc5b992950af62bd00382475d141e2c5309d182a14794141c0c"
#define H_CTXNOPORT "b0b20dfeca216bcaade5dc88bd73dbdb5b27e7a23e9e7a679bf391c4ca78084d"

static const char *const env_names[] = {"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY",
                                        "DOCKER_TLS", "DOCKER_CERT_PATH", "HOME"};
#define N_ENV (sizeof env_names / sizeof env_names[0])

struct fx {
	char *saved[N_ENV];
	char dir[256];     /* the scratch DOCKER_CONFIG */
};

static void meta(const char *dir, const char *hash, const char *json)
{
	char *rel = xasprintf("contexts/meta/%s/meta.json", hash);
	files_put(dir, rel, json);
	free(rel);
}

static void tls_file(const char *dir, const char *hash, const char *leaf, const char *fixture)
{
	char *name = xasprintf("tls/%s", fixture);
	char *text = fixture_read(name, NULL);
	char *rel = xasprintf("contexts/tls/%s/docker/%s", hash, leaf);
	files_put(dir, rel, text);
	free(rel);
	free(text);
	free(name);
}

/* A scratch DOCKER_CONFIG with the contexts of the cases, and no docker
 * variable set. */
static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	for (size_t i = 0; i < N_ENV; i++) {
		const char *v = getenv(env_names[i]);
		f->saved[i] = v ? xstrdup(v) : NULL;
		unsetenv(env_names[i]);
	}
	if (files_tmpdir(f->dir, sizeof f->dir, "endpoint") < 0)
		return -1;
	setenv("DOCKER_CONFIG", f->dir, 1);
	meta(f->dir, H_CTXA,
	     "{\"Name\":\"ctxa\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"tcp://127.0.0.9:1111\","
	     "\"SkipTLSVerify\":false}}}");
	meta(f->dir, H_CTXB, "{\"Name\":\"ctxb\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///run/b.sock\"}}}");
	meta(f->dir, H_CTXTLS, "{\"Name\":\"ctxtls\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://10.0.0.1:2376\"}}}");
	tls_file(f->dir, H_CTXTLS, "ca.pem", "ca.pem");
	tls_file(f->dir, H_CTXTLS, "cert.pem", "cert.pem");
	tls_file(f->dir, H_CTXTLS, "key.pem", "key.pem");
	meta(f->dir, H_CTXSKIP,
	     "{\"Name\":\"ctxskip\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://10.0.0.2:2376\",\"SkipTLSVerify\":true}}}");
	meta(f->dir, H_CTXBAD, "{\"Name\":\"someone-else\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://1.2.3.4:1\"}}}");
	meta(f->dir, H_CTXNOPORT, "{\"Name\":\"ctxnoport\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://10.0.0.3\"}}}");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < N_ENV; i++) {
		if (f->saved[i])
			setenv(env_names[i], f->saved[i], 1);
		else
			unsetenv(env_names[i]);
		free(f->saved[i]);
	}
	files_rmtree(f->dir);
	free(f);
	dk_endpoint_set_defaults(NULL);
	return 0;
}

static void current(const struct fx *f, const char *json)
{
	files_put(f->dir, "config.json", json);
}

/* ---- which engine: the docker CLI's order ---- */

struct order_case {
	const char *what;
	const char *opt_host, *opt_context;     /* -H, --context */
	const char *env_host, *env_context;     /* DOCKER_HOST, DOCKER_CONTEXT */
	const char *config;                     /* config.json, NULL: none */
	const char *host, *from, *name;         /* what it resolves to; host NULL: an error */
	const char *err;                        /* in the error */
};

static const struct order_case order_cases[] = {
	{"nothing: the local socket", NULL, NULL, NULL, NULL, NULL,
	 DK_DEFAULT_HOST, "local socket", DK_DEFAULT_HOST, NULL},
	{"config.json without a current context", NULL, NULL, NULL, NULL, "{\"auths\":{}}",
	 DK_DEFAULT_HOST, "local socket", DK_DEFAULT_HOST, NULL},
	{"the current context", NULL, NULL, NULL, NULL, "{\"currentContext\":\"ctxa\"}",
	 "tcp://127.0.0.9:1111", "current context", "ctxa", NULL},
	{"current context default: the local socket", NULL, NULL, NULL, NULL, "{\"currentContext\":\"default\"}",
	 DK_DEFAULT_HOST, "local socket", DK_DEFAULT_HOST, NULL},
	{"DOCKER_CONTEXT over the current context", NULL, NULL, NULL, "ctxb", "{\"currentContext\":\"ctxa\"}",
	 "unix:///run/b.sock", "DOCKER_CONTEXT", "ctxb", NULL},
	{"DOCKER_HOST over DOCKER_CONTEXT", NULL, NULL, "tcp://10.9.9.9:2375", "ctxb", "{\"currentContext\":\"ctxa\"}",
	 "tcp://10.9.9.9:2375", "DOCKER_HOST", "tcp://10.9.9.9:2375", NULL},
	{"--context over DOCKER_HOST (as docker 28 does)", NULL, "ctxa", "tcp://10.9.9.9:2375", "ctxb", NULL,
	 "tcp://127.0.0.9:1111", "--context", "ctxa", NULL},
	{"-H over everything", "unix:///run/h.sock", NULL, "tcp://10.9.9.9:2375", "ctxb",
	 "{\"currentContext\":\"ctxa\"}", "unix:///run/h.sock", "-H", "unix:///run/h.sock", NULL},
	{"--context default: DOCKER_HOST's engine", NULL, "default", "tcp://10.9.9.9:2375", NULL, NULL,
	 "tcp://10.9.9.9:2375", "DOCKER_HOST", "tcp://10.9.9.9:2375", NULL},
	{"a context's tcp:// without a port: 2375", NULL, "ctxnoport", NULL, NULL, NULL,
	 "tcp://10.0.0.3:2375", "--context", "ctxnoport", NULL},
	{"-H and --context: refused", "unix:///run/h.sock", "ctxa", NULL, NULL, NULL,
	 NULL, NULL, NULL, "-H and --context"},
	{"no such context", NULL, "nosuch", NULL, NULL, NULL, NULL, NULL, NULL, "context \"nosuch\" not found"},
	{"a current context that is not there", NULL, NULL, NULL, NULL, "{\"currentContext\":\"gone\"}",
	 NULL, NULL, NULL, "current context \"gone\" not found: see \"currentContext\" in "},
	{"not a context name", NULL, "../ctxa", NULL, NULL, NULL, NULL, NULL, NULL, "is not a context name"},
	{"a meta.json naming another context", NULL, "ctxbad", NULL, NULL, NULL, NULL, NULL, NULL,
	 "names another context"},
	{"config.json not JSON", NULL, NULL, NULL, NULL, "{\"currentContext\":", NULL, NULL, NULL,
	 "is not the docker CLI's config"},
};

static void test_order(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof order_cases / sizeof order_cases[0]; i++) {
		const struct order_case *c = &order_cases[i];
		print_message("case: %s\n", c->what);
		unsetenv("DOCKER_HOST");
		unsetenv("DOCKER_CONTEXT");
		if (c->env_host)
			setenv("DOCKER_HOST", c->env_host, 1);
		if (c->env_context)
			setenv("DOCKER_CONTEXT", c->env_context, 1);
		char *cfg = xasprintf("%s/config.json", f->dir);
		unlink(cfg);
		free(cfg);
		if (c->config)
			current(f, c->config);
		struct dk_endpoint ep;
		struct err e = {0};
		struct dk_endpoint_opts o = {.host = c->opt_host, .context = c->opt_context};
		int rc = dk_endpoint_resolve(&ep, &o, &e);
		if (!c->host) {
			assert_int_equal(rc, -1);
			assert_int_equal(e.code, ERR_USAGE);
			if (!strstr(e.msg, c->err))
				fail_msg("%s: '%s' not in '%s'", c->what, c->err, e.msg);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", c->what, e.msg);
		assert_string_equal(ep.host, c->host);
		assert_string_equal(ep.from, c->from);
		assert_string_equal(ep.name, c->name);
		assert_false(ep.tls);
	}
	char *cfg = xasprintf("%s/config.json", f->dir);
	unlink(cfg);
	free(cfg);
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_CONTEXT");
}

/* dk_client_new(NULL) goes the same way, with the options set once */
static void test_client_defaults(void **state)
{
	(void)state;
	struct err e;
	struct dk_endpoint_opts o = {.context = "ctxa"};
	dk_endpoint_set_defaults(&o);
	struct dk_client *c = dk_client_new(NULL, &e);
	assert_non_null(c);
	assert_string_equal(dk_client_endpoint(c), "tcp://127.0.0.9:1111");
	dk_client_free(c);
	c = dk_client_new("unix:///run/x.sock", &e);   /* -H: the context does not apply */
	assert_non_null(c);
	assert_string_equal(dk_client_endpoint(c), "unix:///run/x.sock");
	dk_client_free(c);
	o.context = "nosuch";
	dk_endpoint_set_defaults(&o);
	assert_null(dk_client_new(NULL, &e));
	assert_non_null(strstr(e.msg, "context \"nosuch\" not found"));
	dk_endpoint_set_defaults(NULL);
	setenv("DOCKER_CONTEXT", "ctxb", 1);
	c = dk_client_new(NULL, &e);
	assert_non_null(c);
	assert_string_equal(dk_client_endpoint(c), "unix:///run/b.sock");
	dk_client_free(c);
	unsetenv("DOCKER_CONTEXT");
}

/* ---- TLS: the options, the environment, a context's files ---- */

struct tls_case {
	const char *what;
	const char *host;                 /* -H */
	bool tls, tlsverify;              /* --tls, --tlsverify */
	const char *cacert, *cert, *key;  /* --tlscacert ... */
	const char *env_verify, *env_certpath;
	bool want_tls, want_verify;
	const char *ca, *wcert, *wkey;    /* the files it takes ("" none) */
	const char *err;                  /* NULL: resolves */
};

static const struct tls_case tls_cases[] = {
	{"plain tcp", "tcp://10.1.1.1:2375", false, false, NULL, NULL, NULL, NULL, NULL,
	 false, false, "", "", "", NULL},
	{"DOCKER_TLS_VERIFY with DOCKER_CERT_PATH", "tcp://10.1.1.1:2376", false, false, NULL, NULL, NULL, "1", FX,
	 true, true, FX "/ca.pem", FX "/cert.pem", FX "/key.pem", NULL},
	{"--tlsverify with the files named", "tcp://10.1.1.1:2376", false, true, FX "/ca.pem", FX "/cert.pem",
	 FX "/key.pem", NULL, NULL, true, true, FX "/ca.pem", FX "/cert.pem", FX "/key.pem", NULL},
	{"--tls alone: no CA, not verified", "tcp://10.1.1.1:2376", true, false, NULL, NULL, NULL, NULL, FX,
	 true, false, "", FX "/cert.pem", FX "/key.pem", NULL},
	{"TLS is for tcp:// only", "unix:///run/x.sock", false, true, NULL, NULL, NULL, "1", FX,
	 false, false, "", "", "", NULL},
	{"--tlsverify without a CA file", "tcp://10.1.1.1:2376", false, true, NULL, NULL, NULL, NULL,
	 "tests/fixtures/none", false, false, NULL, NULL, NULL,
	 "cannot read the TLS CA certificate tests/fixtures/none/ca.pem"},
	{"a certificate without its key", "tcp://10.1.1.1:2376", false, true, FX "/ca.pem", FX "/cert.pem", NULL, NULL,
	 "tests/fixtures/none", false, false, NULL, NULL, NULL, "go together"},
	{"a CA that is not PEM", "tcp://10.1.1.1:2376", false, true, FX "/not-pem.txt", NULL, NULL, NULL,
	 "tests/fixtures/none", false, false, NULL, NULL, NULL, "the TLS CA certificate " FX "/not-pem.txt holds no PEM"},
	{"a client certificate that is not PEM", "tcp://10.1.1.1:2376", false, true, FX "/ca.pem", FX "/not-pem.txt",
	 FX "/key.pem", NULL, NULL, false, false, NULL, NULL, NULL, "client certificate " FX "/not-pem.txt holds no PEM"},
	{"a key of another certificate", "tcp://10.1.1.1:2376", false, true, FX "/ca.pem", FX "/cert.pem",
	 FX "/other-key.pem", NULL, NULL, false, false, NULL, NULL, NULL, "does not go with the certificate"},
	{"an encrypted key: refused, never prompted for", "tcp://10.1.1.1:2376", false, true, FX "/ca.pem",
	 FX "/cert.pem", FX "/encrypted-key.pem", NULL, NULL, false, false, NULL, NULL, NULL, "or an encrypted one"},
	{"a key file that is not there", "tcp://10.1.1.1:2376", false, true, FX "/ca.pem", FX "/cert.pem",
	 FX "/nokey.pem", NULL, NULL, false, false, NULL, NULL, NULL,
	 "cannot read the TLS client key " FX "/nokey.pem: No such file"},
};

static void test_tls_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof tls_cases / sizeof tls_cases[0]; i++) {
		const struct tls_case *c = &tls_cases[i];
		print_message("case: %s\n", c->what);
		unsetenv("DOCKER_TLS_VERIFY");
		unsetenv("DOCKER_CERT_PATH");
		if (c->env_verify)
			setenv("DOCKER_TLS_VERIFY", c->env_verify, 1);
		if (c->env_certpath)
			setenv("DOCKER_CERT_PATH", c->env_certpath, 1);
		struct dk_endpoint_opts o = {.host = c->host, .tls = c->tls, .tlsverify = c->tlsverify,
		                             .cacert = c->cacert, .cert = c->cert, .key = c->key};
		struct dk_endpoint ep;
		struct err e = {0};
		int rc = dk_endpoint_resolve(&ep, &o, &e);
		if (c->err) {
			assert_int_equal(rc, -1);
			if (!strstr(e.msg, c->err))
				fail_msg("%s: '%s' not in '%s'", c->what, c->err, e.msg);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", c->what, e.msg);
		assert_int_equal(ep.tls, c->want_tls);
		assert_int_equal(ep.verify, c->want_verify);
		assert_string_equal(ep.ca, c->ca);
		assert_string_equal(ep.cert, c->wcert);
		assert_string_equal(ep.key, c->wkey);
	}
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
}

/* DOCKER_CERT_PATH unset: the files of ~/.docker, i.e. $DOCKER_CONFIG */
static void test_tls_default_dir(void **state)
{
	struct fx *f = *state;
	char *text = fixture_read("tls/ca.pem", NULL);
	files_put(f->dir, "ca.pem", text);
	free(text);
	struct dk_endpoint_opts o = {.host = "tcp://10.1.1.1:2376", .tlsverify = true};
	struct dk_endpoint ep;
	struct err e;
	assert_int_equal(dk_endpoint_resolve(&ep, &o, &e), 0);
	char *want = xasprintf("%s/ca.pem", f->dir);
	assert_string_equal(ep.ca, want);
	assert_string_equal(ep.cert, "");   /* none there: none used */
	free(want);
}

static void test_tls_context(void **state)
{
	struct fx *f = *state;
	struct dk_endpoint ep;
	struct err e;
	setenv("DOCKER_TLS_VERIFY", "1", 1);   /* not a context's business */
	setenv("DOCKER_CERT_PATH", "/nonexistent", 1);
	assert_int_equal(dk_endpoint_from_context(&ep, "ctxtls", NULL, NULL, &e), 0);
	assert_true(ep.tls);
	assert_true(ep.verify);
	char *ca = xasprintf("%s/contexts/tls/" H_CTXTLS "/docker/ca.pem", f->dir);
	char *key = xasprintf("%s/contexts/tls/" H_CTXTLS "/docker/key.pem", f->dir);
	assert_string_equal(ep.ca, ca);
	assert_string_equal(ep.key, key);
	assert_string_equal(ep.from, "--context");
	free(ca);
	free(key);
	assert_int_equal(dk_endpoint_from_context(&ep, "ctxskip", NULL, "DOCKER_CONTEXT", &e), 0);
	assert_true(ep.tls);
	assert_false(ep.verify);
	assert_string_equal(ep.ca, "");
	assert_string_equal(ep.from, "DOCKER_CONTEXT");
	assert_int_equal(dk_endpoint_from_context(&ep, "ctxa", NULL, NULL, &e), 0);
	assert_false(ep.tls);   /* no files, not skipping: plain */
	/* a context's bad key file is named */
	tls_file(f->dir, H_CTXTLS, "key.pem", "other-key.pem");
	assert_int_equal(dk_endpoint_from_context(&ep, "ctxtls", NULL, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "does not go with the certificate"));
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
}

/* ---- what a failed transfer says ---- */

static void test_explain(void **state)
{
	(void)state;
	struct dk_endpoint ep = {.tls = true, .verify = true};
	snprintf(ep.ca, sizeof ep.ca, "/x/ca.pem");
	snprintf(ep.cert, sizeof ep.cert, "/x/cert.pem");
	snprintf(ep.key, sizeof ep.key, "/x/key.pem");
	struct dk_tls *t = dk_tls_new(&ep);
	struct err e;
	static const char https[] = "Client sent an HTTP request to an HTTPS server.\n";
	/* a plain client at a TLS engine */
	assert_true(dk_tls_explain(&e, NULL, "tcp://h:1", CURLE_OK, 400, https, sizeof https - 1, ""));
	assert_non_null(strstr(e.msg, "engine at tcp://h:1 wants TLS"));
	assert_non_null(strstr(e.msg, "--tlsverify"));
	assert_non_null(strstr(e.msg, "DOCKER_TLS_VERIFY"));
	assert_false(dk_tls_explain(&e, NULL, "tcp://h:1", CURLE_OK, 400, "{\"message\":\"bad\"}", 17, ""));
	assert_false(dk_tls_explain(&e, NULL, "tcp://h:1", CURLE_COULDNT_CONNECT, 0, NULL, 0, "refused"));
	/* a TLS client at a plain engine */
	assert_true(dk_tls_explain(&e, t, "tcp://h:1", CURLE_SSL_CONNECT_ERROR, 0, NULL, 0,
	                           "error:0A00010B:SSL routines::wrong version number"));
	assert_non_null(strstr(e.msg, "does not speak TLS"));
	/* an engine the CA did not sign */
	assert_true(dk_tls_explain(&e, t, "tcp://h:1", CURLE_PEER_FAILED_VERIFICATION, 0, NULL, 0,
	                           "SSL certificate problem: unable to get local issuer certificate"));
	assert_non_null(strstr(e.msg, "does not verify against the CA /x/ca.pem"));
	/* our certificate refused */
	assert_true(dk_tls_explain(&e, t, "tcp://h:1", CURLE_RECV_ERROR, 0, NULL, 0,
	                           "OpenSSL SSL_read: error:0A000412:SSL routines::sslv3 alert bad certificate"));
	assert_non_null(strstr(e.msg, "refused our TLS client certificate /x/cert.pem"));
	assert_true(dk_tls_explain(&e, t, "tcp://h:1", CURLE_RECV_ERROR, 0, NULL, 0,
	                           "error:0A00045C:SSL routines::tlsv13 alert certificate required"));
	assert_non_null(strstr(e.msg, "wants a TLS client certificate"));
	struct dk_endpoint bare = {.tls = true, .verify = true};
	struct dk_tls *tb = dk_tls_new(&bare);   /* no certificate of ours: it wants one */
	assert_true(dk_tls_explain(&e, tb, "tcp://h:1", CURLE_RECV_ERROR, 0, NULL, 0,
	                           "OpenSSL SSL_read: error:0A000412:SSL routines::sslv3 alert bad certificate"));
	assert_non_null(strstr(e.msg, "wants a TLS client certificate"));
	dk_tls_free(tb);
	/* TLS 1.3: the engine hung up on our certificate without a word */
	assert_true(dk_tls_explain(&e, t, "tcp://h:1", CURLE_SEND_ERROR, 0, NULL, 0, ""));
	assert_non_null(strstr(e.msg, "closed the TLS connection (Failed sending data to the peer)"));
	assert_non_null(strstr(e.msg, "/x/cert.pem"));
	/* an ordinary failure is not TLS's to say */
	assert_false(dk_tls_explain(&e, t, "tcp://h:1", CURLE_COULDNT_CONNECT, 0, NULL, 0, "Connection refused"));
	assert_false(dk_tls_explain(&e, t, "tcp://h:1", CURLE_OK, 200, "{}", 2, ""));
	/* curl's words may carry the engine's bytes: shown sanitized */
	assert_true(dk_tls_explain(&e, t, "tcp://h:1", CURLE_SSL_CONNECT_ERROR, 0, NULL, 0,
	                           "handshake \x1b]0;owned\x07 failed\r\n\x9b"));
	text_assert_printable(e.msg);
	dk_tls_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_client_defaults),
		cmocka_unit_test(test_tls_options),
		cmocka_unit_test(test_tls_default_dir),
		cmocka_unit_test(test_tls_context),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests_name("endpoint", tests, setup, teardown);
}
