/* endpoint: which engine to reach and how, resolved the docker CLI's way (-H, DOCKER_HOST, contexts, TLS). */
#ifndef DOCKER_ENDPOINT_H
#define DOCKER_ENDPOINT_H

#include <stdbool.h>

#include "base/err.h"

#define DK_EP_NAME_MAX 128
#define DK_EP_HOST_MAX 1024
#define DK_EP_PATH_MAX 4096
#define DK_DEFAULT_HOST "unix:///var/run/docker.sock"

/* One engine as the operator named it. Plain data: nothing to free. */
struct dk_endpoint {
	char name[DK_EP_NAME_MAX];   /* shown to the operator: the context's name, else
	                              * the address as given (cut to fit) */
	char from[32];               /* what chose it: "-H", "DOCKER_HOST", "--context",
	                              * "DOCKER_CONTEXT", "current context", "local socket" */
	char host[DK_EP_HOST_MAX];   /* unix:///PATH, tcp://HOST:PORT, ... as given (a
	                              * context's tcp:// without a port gets 2376 with TLS,
	                              * else 2375, as the docker CLI's) */
	bool tls;                    /* tcp:// spoken as https */
	bool verify;                 /* the engine's certificate is checked against ca
	                              * (the system's CAs when ca is "") */
	char ca[DK_EP_PATH_MAX];     /* CA file, "" none */
	char cert[DK_EP_PATH_MAX];   /* client certificate, "" none */
	char key[DK_EP_PATH_MAX];    /* its key, "" none */
};

/* What the command line said about the engine. NULL/false: not given. */
struct dk_endpoint_opts {
	const char *host;      /* -H */
	const char *context;   /* --context */
	bool tls;              /* --tls: TLS without verifying the engine */
	bool tlsverify;        /* --tlsverify: TLS, the engine verified against the CA */
	const char *cacert;    /* --tlscacert (default $DOCKER_CERT_PATH/ca.pem) */
	const char *cert;      /* --tlscert (default $DOCKER_CERT_PATH/cert.pem when it exists) */
	const char *key;       /* --tlskey (default $DOCKER_CERT_PATH/key.pem when it exists) */
};

/* The one engine of a run, as the docker CLI picks it: -H, else --context,
 * else $DOCKER_HOST, else $DOCKER_CONTEXT, else "currentContext" of
 * $DOCKER_CONFIG/config.json (default ~/.docker), else the local socket;
 * -H with --context is refused as the docker CLI does. The context
 * "default" is the same as no context. The TLS options and
 * DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH apply where no context
 * (other than "default") is used; a context brings its own TLS material.
 * Reads the context store and the certificate files (each must be readable
 * and hold what it should: dk_tls_check). 0 with *ep filled, or -1 with e
 * (ERR_USAGE, one line naming the file or option at fault). */
int dk_endpoint_resolve(struct dk_endpoint *ep, const struct dk_endpoint_opts *o, struct err *e);

/* One engine spec each, for the fleet of several -H / --context: */
/* host (a -H value; NULL or "": $DOCKER_HOST, else the local socket) with
 * the TLS options of o (o may be NULL: the environment's only); from as
 * for struct dk_endpoint (NULL: "-H"). 0, or -1 with e. */
int dk_endpoint_from_host(struct dk_endpoint *ep, const char *host, const struct dk_endpoint_opts *o,
                          const char *from, struct err *e);
/* The context name from its store ("default": as dk_endpoint_from_host
 * with NULL and o). 0, or -1 with e (ERR_USAGE: no such context, a bad
 * meta.json, unusable TLS files). */
int dk_endpoint_from_context(struct dk_endpoint *ep, const char *name, const struct dk_endpoint_opts *o,
                             const char *from, struct err *e);

/* The options of the command line (o copied; its strings must outlive
 * every client made after, as argv does; its host is not kept) for every
 * client dk_client_new makes from here on; NULL forgets them. */
void dk_endpoint_set_defaults(const struct dk_endpoint_opts *o);
/* What dk_client_new(host) reaches: host (a -H value) with those options'
 * TLS, else (NULL or "") dk_endpoint_resolve with them. 0, or -1 with e. */
int dk_endpoint_default(struct dk_endpoint *ep, const char *host, struct err *e);

/* The docker CLI's config directory: $DOCKER_CONFIG, else ~/.docker, with
 * rest joined ("" for the directory itself). Caller frees; NULL without a
 * home directory. */
char *dk_docker_config_path(const char *rest);

/* Check the TLS files of ep (tls.c): each given one readable, ca a PEM CA
 * certificate, cert a PEM certificate, key a PEM private key (not
 * encrypted: nothing may prompt) that goes with cert. 0, or -1 with e
 * (ERR_USAGE, naming the file). */
int dk_tls_check(const struct dk_endpoint *ep, struct err *e);

#endif
