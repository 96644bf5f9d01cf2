/* tls: TLS to the engine: the certificate files checked before use (libcrypto), the transfer's curl options, and a failed TLS transfer said in one line. */
#include "docker/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"

#define PEM_FILE_MAX (1u << 20)

struct dk_tls {
	bool verify;
	char *ca, *cert, *key;   /* NULL: none */
};

/* ---- the files, checked once before any connection ---- */

/* path's bytes in a memory BIO, or NULL with e naming what and why. */
static BIO *pem_read(const char *path, const char *what, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, ERR_USAGE, "cannot read the %s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	char *b = xmalloc(PEM_FILE_MAX);
	size_t n = 0;
	ssize_t r = 0;
	while (n < PEM_FILE_MAX && ((r = read(fd, b + n, PEM_FILE_MAX - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	int en = errno;
	close(fd);
	BIO *bio = NULL;
	if (r < 0)
		err_set(e, ERR_USAGE, "cannot read the %s %s: %s", what, path, strerror(en));
	else if (n == PEM_FILE_MAX)
		err_set(e, ERR_USAGE, "the %s %s is over %u bytes", what, path, PEM_FILE_MAX);
	else if (!(bio = BIO_new(BIO_s_mem())) || BIO_write(bio, b, (int)n) != (int)n)
		abort();
	free(b);
	return bio;
}

/* An encrypted key is refused, never prompted for. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static X509 *pem_cert(const char *path, const char *what, struct err *e)
{
	BIO *bio = pem_read(path, what, e);
	if (!bio)
		return NULL;
	X509 *x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!x)
		err_set(e, ERR_USAGE, "the %s %s holds no PEM certificate", what, path);
	return x;
}

int dk_tls_check(const struct dk_endpoint *ep, struct err *e)
{
	if (!ep->tls)
		return 0;
	int rc = 0;
	X509 *ca = NULL, *cert = NULL;
	EVP_PKEY *key = NULL;
	if (ep->ca[0] && !(ca = pem_cert(ep->ca, "TLS CA certificate", e)))
		rc = -1;
	if (rc == 0 && ep->cert[0] && !(cert = pem_cert(ep->cert, "TLS client certificate", e)))
		rc = -1;
	if (rc == 0 && ep->key[0]) {
		BIO *bio = pem_read(ep->key, "TLS client key", e);
		if (!bio)
			rc = -1;
		else if (!(key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)))
			rc = err_set(e, ERR_USAGE, "the TLS client key %s holds no PEM private key (or an encrypted one)", ep->key);
		BIO_free(bio);
	}
	if (rc == 0 && cert && key && X509_check_private_key(cert, key) != 1)
		rc = err_set(e, ERR_USAGE, "the TLS client key %s does not go with the certificate %s", ep->key, ep->cert);
	X509_free(ca);
	X509_free(cert);
	EVP_PKEY_free(key);
	ERR_clear_error();   /* the thread's OpenSSL errors are curl's too */
	return rc;
}

/* ---- the client's side ---- */

static char *dup_or_null(const char *s)
{
	return s[0] ? xstrdup(s) : NULL;
}

struct dk_tls *dk_tls_new(const struct dk_endpoint *ep)
{
	if (!ep->tls)
		return NULL;
	struct dk_tls *t = xcalloc(1, sizeof *t);
	t->verify = ep->verify;
	t->ca = dup_or_null(ep->ca);
	t->cert = dup_or_null(ep->cert);
	t->key = dup_or_null(ep->key);
	return t;
}

void dk_tls_free(struct dk_tls *t)
{
	if (!t)
		return;
	free(t->ca);
	free(t->cert);
	free(t->key);
	free(t);
}

void dk_tls_setopt(const struct dk_tls *t, CURL *h, char *errbuf)
{
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (!t)
		return;
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, t->verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, t->verify ? 2L : 0L);
	if (t->ca) {
		/* this CA only, as the docker CLI's --tlscacert: not the system's too */
		curl_easy_setopt(h, CURLOPT_CAINFO, t->ca);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	if (t->cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, t->cert);
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(h, CURLOPT_SSLKEY, t->key);
		curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
	}
}

/* curl's own words for the failure: its error buffer, else its code's. */
static const char *why(CURLcode cc, const char *errbuf)
{
	return errbuf && errbuf[0] ? errbuf : curl_easy_strerror(cc);
}

bool dk_tls_explain(struct err *e, const struct dk_tls *t, const char *endpoint, CURLcode cc, long status,
                    const char *body, size_t len, const char *errbuf)
{
	static const char https_only[] = "Client sent an HTTP request to an HTTPS server";
	if (!t) {
		if (cc == CURLE_OK && status == 400 && body && memmem(body, len, https_only, sizeof https_only - 1)) {
			err_set(e, ERR_TRANSPORT,
			        "engine at %s wants TLS: use --tlsverify (with --tlscacert, --tlscert, --tlskey) or "
			        "DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH",
			        endpoint);
			return true;
		}
		return false;
	}
	const char *w = why(cc, errbuf);
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		err_set(e, ERR_TRANSPORT, "engine at %s: its TLS certificate does not verify against %s%s: %s", endpoint,
		        t->ca ? "the CA " : "the system's CAs", t->ca ? t->ca : "", w);
		return true;
	case CURLE_SSL_CACERT_BADFILE:
		err_set(e, ERR_USAGE, "the TLS CA certificate %s cannot be used: %s", t->ca ? t->ca : "(system)", w);
		return true;
	case CURLE_SSL_CERTPROBLEM:
		err_set(e, ERR_USAGE, "the TLS client certificate %s or key %s cannot be used: %s",
		        t->cert ? t->cert : "(none)", t->key ? t->key : "(none)", w);
		return true;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		break;
	default:
		return false;
	}
	if (strstr(w, "wrong version number") || strstr(w, "packet length too long") || strstr(w, "record layer failure")) {
		err_set(e, ERR_TRANSPORT,
		        "engine at %s does not speak TLS (%s): for a plain-HTTP engine leave out --tls, --tlsverify and "
		        "DOCKER_TLS_VERIFY",
		        endpoint, w);
	} else if (strstr(w, "certificate required") || (strstr(w, "alert") && !t->cert)) {
		err_set(e, ERR_TRANSPORT,
		        "engine at %s wants a TLS client certificate (%s): --tlscert and --tlskey, or cert.pem and key.pem "
		        "in DOCKER_CERT_PATH",
		        endpoint, w);
	} else if (strstr(w, "alert")) {
		err_set(e, ERR_TRANSPORT, "engine at %s refused our TLS client certificate %s (%s): it wants one its CA signed",
		        endpoint, t->cert ? t->cert : "(none)", w);
	} else if (cc == CURLE_SSL_CONNECT_ERROR) {
		err_set(e, ERR_TRANSPORT, "TLS with the engine at %s failed: %s", endpoint, w);
	} else {
		/* TLS 1.3: the engine checks our certificate after the handshake and
		 * hangs up; the request's send or read then fails without its alert */
		err_set(e, ERR_TRANSPORT, "engine at %s closed the TLS connection (%s): does it take the client "
		        "certificate %s (signed by its CA)?", endpoint, w, t->cert ? t->cert : "(none)");
	}
	return true;
}
