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

/* Set the environment variable k to v, or unset it when v is NULL. */
static void env_is(const char *k, const char *v)
{
	if (v)
		setenv(k, v, 1);
	else
		unsetenv(k);
}

/* Resolve o into ep for the case what. With err set it must fail with err
 * in its message (and code, when not 0): false. Else it must resolve: true. */
static bool resolves(const char *what, const struct dk_endpoint_opts *o, struct dk_endpoint *ep, const char *err,
                     int code)
{
	struct err e = {0};
	int rc = dk_endpoint_resolve(ep, o, &e);
	if (!err) {
		if (rc != 0)
			fail_msg("%s: %s", what, e.msg);
		return true;
	}
	if (rc != -1 || (code && e.code != code))
		fail_msg("%s: rc %d code %d (%s), want a failure", what, rc, (int)e.code, e.msg);
	if (!strstr(e.msg, err))
		fail_msg("%s: '%s' not in '%s'", what, err, e.msg);
	return false;
}

static void test_order(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof order_cases / sizeof order_cases[0]; i++) {
		const struct order_case *c = &order_cases[i];
		print_message("case: %s\n", c->what);
		env_is("DOCKER_HOST", c->env_host);
		env_is("DOCKER_CONTEXT", c->env_context);
		char *cfg = xasprintf("%s/config.json", f->dir);
		unlink(cfg);
		free(cfg);
		if (c->config)
			current(f, c->config);
		struct dk_endpoint ep;
		struct dk_endpoint_opts o = {.host = c->opt_host, .context = c->opt_context};
		if (!resolves(c->what, &o, &ep, c->host ? NULL : c->err, ERR_USAGE))
			continue;
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
		env_is("DOCKER_TLS_VERIFY", c->env_verify);
		env_is("DOCKER_CERT_PATH", c->env_certpath);
		struct dk_endpoint_opts o = {.host = c->host, .tls = c->tls, .tlsverify = c->tlsverify,
		                             .cacert = c->cacert, .cert = c->cert, .key = c->key};
		struct dk_endpoint ep;
		if (!resolves(c->what, &o, &ep, c->err, 0))
			continue;
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

enum { NO_TLS, TLS_OURS, TLS_BARE }; /* the client's TLS: none, with our files, with no certificate */

static const char https_body[] = "Client sent an HTTP request to an HTTPS server.\n";
#define BAD_CERT "OpenSSL SSL_read: error:0A000412:SSL routines::sslv3 alert bad certificate"

/* A failed transfer and whether TLS explains it (then with has[] in the
 * words, always printable). */
static const struct explain_case {
	const char *what;
	int tls;
	CURLcode cc;
	long status;
	const char *body, *curl_msg;
	bool explained;
	const char *has[3];
} explains[] = {
	{"a plain client at a TLS engine", NO_TLS, CURLE_OK, 400, https_body, "", true,
	 {"engine at tcp://h:1 wants TLS", "--tlsverify", "DOCKER_TLS_VERIFY"}},
	{"a plain client, another 400", NO_TLS, CURLE_OK, 400, "{\"message\":\"bad\"}", "", false, {NULL}},
	{"a plain client, refused", NO_TLS, CURLE_COULDNT_CONNECT, 0, NULL, "refused", false, {NULL}},
	{"a TLS client at a plain engine", TLS_OURS, CURLE_SSL_CONNECT_ERROR, 0, NULL,
	 "error:0A00010B:SSL routines::wrong version number", true, {"does not speak TLS"}},
	{"an engine the CA did not sign", TLS_OURS, CURLE_PEER_FAILED_VERIFICATION, 0, NULL,
	 "SSL certificate problem: unable to get local issuer certificate", true,
	 {"does not verify against the CA /x/ca.pem"}},
	{"our certificate refused", TLS_OURS, CURLE_RECV_ERROR, 0, NULL, BAD_CERT, true,
	 {"refused our TLS client certificate /x/cert.pem"}},
	{"a certificate required", TLS_OURS, CURLE_RECV_ERROR, 0, NULL,
	 "error:0A00045C:SSL routines::tlsv13 alert certificate required", true, {"wants a TLS client certificate"}},
	{"no certificate of ours: it wants one", TLS_BARE, CURLE_RECV_ERROR, 0, NULL, BAD_CERT, true,
	 {"wants a TLS client certificate"}},
	{"TLS 1.3: the engine hung up on our certificate without a word", TLS_OURS, CURLE_SEND_ERROR, 0, NULL, "",
	 true, {"closed the TLS connection (Failed sending data to the peer)", "/x/cert.pem"}},
	{"an ordinary failure is not TLS's to say", TLS_OURS, CURLE_COULDNT_CONNECT, 0, NULL, "Connection refused",
	 false, {NULL}},
	{"a success", TLS_OURS, CURLE_OK, 200, "{}", "", false, {NULL}},
	{"curl's words with the engine's bytes: sanitized", TLS_OURS, CURLE_SSL_CONNECT_ERROR, 0, NULL,
	 "handshake \x1b]0;owned\x07 failed\r\n\x9b", true, {"handshake"}},
};

static void test_explain(void **state)
{
	(void)state;
	struct dk_endpoint ep = {.tls = true, .verify = true};
	snprintf(ep.ca, sizeof ep.ca, "/x/ca.pem");
	snprintf(ep.cert, sizeof ep.cert, "/x/cert.pem");
	snprintf(ep.key, sizeof ep.key, "/x/key.pem");
	struct dk_endpoint bare = {.tls = true, .verify = true};
	struct dk_tls *tls[] = {[NO_TLS] = NULL, [TLS_OURS] = dk_tls_new(&ep), [TLS_BARE] = dk_tls_new(&bare)};
	for (size_t i = 0; i < sizeof explains / sizeof *explains; i++) {
		const struct explain_case *k = &explains[i];
		struct err e = {0};
		bool said = dk_tls_explain(&e, tls[k->tls], "tcp://h:1", k->cc, k->status, k->body,
		                           k->body ? strlen(k->body) : 0, k->curl_msg);
		if (said != k->explained)
			fail_msg("%s: explained %d (%s), want %d", k->what, said, e.msg, k->explained);
		if (!said)
			continue;
		for (size_t j = 0; j < 3 && k->has[j]; j++)
			if (!strstr(e.msg, k->has[j]))
				fail_msg("%s: '%s' not in '%s'", k->what, k->has[j], e.msg);
		text_assert_printable(e.msg);
	}
	dk_tls_free(tls[TLS_OURS]);
	dk_tls_free(tls[TLS_BARE]);
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
