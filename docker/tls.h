/* tls: the engine client's TLS through libcurl: its options on a transfer, and what a failed TLS transfer means in one line (internal to docker/). */
#ifndef DOCKER_TLS_H
#define DOCKER_TLS_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "docker/endpoint.h"

struct dk_tls;

/* The TLS settings of ep (copied), or NULL when ep->tls is false. Free
 * with dk_tls_free (NULL is fine). */
struct dk_tls *dk_tls_new(const struct dk_endpoint *ep);
void dk_tls_free(struct dk_tls *t);

/* Set the TLS options of t on the transfer h (t NULL: plain HTTP), and
 * errbuf (CURL_ERROR_SIZE bytes, alive as long as h) as its error buffer. */
void dk_tls_setopt(const struct dk_tls *t, CURL *h, char *errbuf);

/* When a transfer to endpoint ended in a way TLS explains (t NULL: a plain
 * client), say so in e and return true: a certificate or key curl refused,
 * an engine certificate the CA did not sign, an engine that refused our
 * certificate, a plain-HTTP engine spoken to with TLS, a TLS engine spoken
 * to without (its 400 "Client sent an HTTP request to an HTTPS server").
 * errbuf is curl's error buffer of the transfer. false: e untouched. */
bool dk_tls_explain(struct err *e, const struct dk_tls *t, const char *endpoint, CURLcode cc, long status,
                    const char *body, size_t len, const char *errbuf);

#endif
