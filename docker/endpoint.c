/* endpoint: which engine to reach and how: -H, DOCKER_HOST, the docker CLI's contexts (its config.json and context store) and TLS options, in the docker CLI's order. */
#include "docker/endpoint.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "base/xalloc.h"
#include "docker/json/util.h"

#define JSON_FILE_MAX (1u << 20)   /* config.json and meta.json: far below this */

static bool nonempty(const char *s)
{
	return s && *s;
}

char *dk_docker_config_path(const char *rest)
{
	const char *d = getenv("DOCKER_CONFIG");
	char *p;
	if (nonempty(d))
		p = xasprintf("%s/%s", d, rest);
	else
		p = path_xdg("DOCKER_CONFIG", ".docker", rest);
	size_t n = p ? strlen(p) : 0;
	if (n > 1 && p[n - 1] == '/')
		p[n - 1] = '\0';   /* rest "": the directory itself */
	return p;
}

/* The whole of path (at most max bytes) NUL-terminated, its length in *len;
 * NULL with errno set (EFBIG when larger). The caller frees it. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *b = xmalloc(max + 1);
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, b + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int en = errno;
			close(fd);
			free(b);
			errno = en;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			close(fd);
			free(b);
			errno = EFBIG;
			return NULL;
		}
	}
	close(fd);
	b[n] = '\0';
	*len = n;
	return b;
}

static int put(char *dst, size_t cap, const char *src, const char *what, struct err *e)
{
	if (strlen(src) >= cap)
		return err_set(e, ERR_USAGE, "%s is too long (%zu bytes)", what, strlen(src));
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The address into ep->host; with port_default, a tcp:// without a port
 * gets the docker CLI's default one (2376 with TLS, 2375 without): a
 * context's address may lack it, -H and DOCKER_HOST say it. */
static int put_host(struct dk_endpoint *ep, const char *host, bool port_default, bool tls, struct err *e)
{
	if (put(ep->host, sizeof ep->host, host, "the engine address", e) < 0)
		return -1;
	if (!port_default || strncmp(host, "tcp://", 6) != 0)
		return 0;
	const char *auth = host + 6;
	size_t n = strcspn(auth, "/");
	const char *colon = memrchr(auth, ':', n);
	if (n == 0 || (colon && !memchr(colon, ']', (size_t)(auth + n - colon))))
		return 0;   /* empty (the client says so) or it has a port */
	char *full = xasprintf("tcp://%.*s:%d%s", (int)n, auth, tls ? 2376 : 2375, auth + n);
	int rc = put(ep->host, sizeof ep->host, full, "the engine address", e);
	free(full);
	return rc;
}

/* The TLS options and DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH into
 * ep (its host set), as the docker CLI reads them. */
static int tls_from_opts(struct dk_endpoint *ep, const struct dk_endpoint_opts *o, struct err *e)
{
	static const struct dk_endpoint_opts none;
	if (!o)
		o = &none;
	bool verify = o->tlsverify || nonempty(getenv("DOCKER_TLS_VERIFY"));
	bool tls = verify || o->tls || nonempty(getenv("DOCKER_TLS"));
	if (!tls || strncmp(ep->host, "tcp://", 6) != 0)
		return 0;   /* TLS is for tcp:// only: dockerd's sockets are plain */
	const char *cp = getenv("DOCKER_CERT_PATH");
	char *dir = nonempty(cp) ? xstrdup(cp) : dk_docker_config_path("");
	ep->tls = true;
	ep->verify = verify;
	struct {
		char *dst;
		const char *given, *leaf, *what;
		bool wanted;  /* a default file that does not exist is an error */
	} files[] = {
		{ep->ca, o->cacert, "ca.pem", "--tlscacert", verify},
		{ep->cert, o->cert, "cert.pem", "--tlscert", false},
		{ep->key, o->key, "key.pem", "--tlskey", false},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
		if (files[i].given) {
			rc = put(files[i].dst, DK_EP_PATH_MAX, files[i].given, files[i].what, e);
			continue;
		}
		if (i == 0 && !verify)
			continue;   /* --tls alone: the engine is not verified, no CA */
		if (!dir) {
			if (files[i].wanted)
				rc = err_set(e, ERR_USAGE, "no home directory to find ~/.docker/%s in: set DOCKER_CERT_PATH or %s",
				             files[i].leaf, files[i].what);
			continue;
		}
		char *p = xasprintf("%s/%s", dir, files[i].leaf);
		if (files[i].wanted || is_file(p))
			rc = put(files[i].dst, DK_EP_PATH_MAX, p, files[i].what, e);
		free(p);
	}
	free(dir);
	if (rc == 0 && !ep->cert[0] != !ep->key[0])
		rc = err_set(e, ERR_USAGE, "the TLS client certificate and key go together: %s has no %s (--tlscert, --tlskey)",
		             ep->cert[0] ? ep->cert : ep->key, ep->cert[0] ? "key" : "certificate");
	return rc;
}

int dk_endpoint_from_host(struct dk_endpoint *ep, const char *host, const struct dk_endpoint_opts *o,
                          const char *from, struct err *e)
{
	memset(ep, 0, sizeof *ep);
	if (!nonempty(host)) {
		host = getenv("DOCKER_HOST");
		from = nonempty(host) ? "DOCKER_HOST" : "local socket";
		if (!nonempty(host))
			host = DK_DEFAULT_HOST;
	}
	snprintf(ep->from, sizeof ep->from, "%s", from ? from : "-H");
	snprintf(ep->name, sizeof ep->name, "%s", host);
	if (put_host(ep, host, false, false, e) < 0 || tls_from_opts(ep, o, e) < 0)
		return -1;
	return dk_tls_check(ep, e);
}

/* The docker CLI's context names: a letter or digit, then letters, digits
 * and _.+- */
static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool context_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= DK_EP_NAME_MAX || !alnum(*s))
		return false;
	for (; *s; s++)
		if (!alnum(*s) && !strchr("_.+-", *s))
			return false;
	return true;
}

/* The store's directory name of a context: the sha256 of its name, in hex. */
static void context_dir(const char *name, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (EVP_Digest(name, strlen(name), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		abort();
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* meta.json of a context: its docker endpoint's Host and SkipTLSVerify. */
static int read_meta(const char *name, const char *path, char **host, bool *skip, bool *missing, struct err *e)
{
	size_t len = 0;
	char *body = slurp(path, JSON_FILE_MAX, &len);
	if (!body) {
		*missing = errno == ENOENT;
		if (errno == ENOENT)
			return err_set(e, ERR_USAGE, "context \"%s\" not found (no %s)", name, path);
		return err_set(e, ERR_USAGE, "context \"%s\": cannot read %s: %s", name, path, strerror(errno));
	}
	struct err pe;
	cJSON *j = dkj_parse(body, len, &pe);
	free(body);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_USAGE, "context \"%s\": %s is not a context's meta.json", name, path);
	}
	const char *n = dkj_str(j, "Name");
	const cJSON *ep = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "Endpoints"), "docker");
	int rc = 0;
	if (!n || strcmp(n, name) != 0)
		rc = err_set(e, ERR_USAGE, "context \"%s\": %s names another context", name, path);
	else if (!cJSON_IsObject(ep))
		rc = err_set(e, ERR_USAGE, "context \"%s\" has no docker endpoint (%s)", name, path);
	if (rc == 0) {
		const char *h = dkj_str(ep, "Host");
		*host = xstrdup(nonempty(h) ? h : DK_DEFAULT_HOST);
		*skip = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ep, "SkipTLSVerify"));
	}
	cJSON_Delete(j);
	return rc;
}

/* dk_endpoint_from_context; *missing: the store has no such context. */
static int from_context(struct dk_endpoint *ep, const char *name, const struct dk_endpoint_opts *o, const char *from,
                        bool *missing, struct err *e)
{
	if (!strcmp(name, "default"))
		return dk_endpoint_from_host(ep, NULL, o, NULL, e);
	memset(ep, 0, sizeof *ep);
	if (!context_name_ok(name))
		return err_set(e, ERR_USAGE, "\"%s\" is not a context name (a letter or digit, then letters, digits, _.+-)",
		               name);
	snprintf(ep->name, sizeof ep->name, "%s", name);
	snprintf(ep->from, sizeof ep->from, "%s", from ? from : "--context");
	char hex[65];
	context_dir(name, hex);
	char *rel = xasprintf("contexts/meta/%s/meta.json", hex);
	char *meta = dk_docker_config_path(rel);
	free(rel);
	if (!meta)
		return err_set(e, ERR_USAGE, "no home directory for the docker contexts: set DOCKER_CONFIG");
	char *host = NULL;
	bool skip = false;
	int rc = read_meta(name, meta, &host, &skip, missing, e);
	free(meta);
	if (rc < 0)
		return -1;
	/* its TLS material: contexts/tls/<hash>/docker/{ca,cert,key}.pem */
	struct {
		char *dst;
		const char *leaf;
	} files[] = {{ep->ca, "ca.pem"}, {ep->cert, "cert.pem"}, {ep->key, "key.pem"}};
	bool any = false;
	for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
		char *r = xasprintf("contexts/tls/%s/docker/%s", hex, files[i].leaf);
		char *p = dk_docker_config_path(r);
		free(r);
		if (p && is_file(p)) {
			rc = put(files[i].dst, DK_EP_PATH_MAX, p, "the context's TLS file", e);
			any = true;
		}
		free(p);
	}
	if (rc == 0)
		rc = put_host(ep, host, true, any || skip, e);
	free(host);
	if (rc < 0)
		return -1;
	if (!strncmp(ep->host, "tcp://", 6) && (any || skip)) {
		ep->tls = true;
		ep->verify = !skip;
	} else {
		ep->ca[0] = ep->cert[0] = ep->key[0] = '\0';
	}
	return dk_tls_check(ep, e);
}

int dk_endpoint_from_context(struct dk_endpoint *ep, const char *name, const struct dk_endpoint_opts *o,
                             const char *from, struct err *e)
{
	bool missing = false;
	return from_context(ep, name, o, from, &missing, e);
}

/* "currentContext" of the docker CLI's config.json into *name (NULL: none,
 * or no such file). */
static int current_context(char **name, char **cfg, struct err *e)
{
	*name = NULL;
	*cfg = dk_docker_config_path("config.json");
	if (!*cfg)
		return 0;
	size_t len = 0;
	char *body = slurp(*cfg, JSON_FILE_MAX, &len);
	if (!body)
		return errno == ENOENT ? 0 : err_set(e, ERR_USAGE, "cannot read %s: %s", *cfg, strerror(errno));
	struct err pe;
	cJSON *j = dkj_parse(body, len, &pe);
	free(body);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return err_set(e, ERR_USAGE, "%s is not the docker CLI's config (not a JSON object); -H or DOCKER_HOST go around it",
		               *cfg);
	}
	const char *c = dkj_str(j, "currentContext");
	if (nonempty(c))
		*name = xstrdup(c);
	cJSON_Delete(j);
	return 0;
}

int dk_endpoint_resolve(struct dk_endpoint *ep, const struct dk_endpoint_opts *o, struct err *e)
{
	static const struct dk_endpoint_opts none;
	if (!o)
		o = &none;
	if (nonempty(o->host) && nonempty(o->context))
		return err_set(e, ERR_USAGE, "-H and --context both name the engine: give one of them");
	if (nonempty(o->host))
		return dk_endpoint_from_host(ep, o->host, o, "-H", e);
	if (nonempty(o->context))
		return dk_endpoint_from_context(ep, o->context, o, "--context", e);
	if (getenv("DOCKER_HOST"))
		return dk_endpoint_from_host(ep, NULL, o, NULL, e);
	const char *env = getenv("DOCKER_CONTEXT");
	if (nonempty(env))
		return dk_endpoint_from_context(ep, env, o, "DOCKER_CONTEXT", e);
	char *name = NULL, *cfg = NULL;
	int rc = current_context(&name, &cfg, e);
	if (rc == 0 && name) {
		bool missing = false;
		rc = from_context(ep, name, o, "current context", &missing, e);
		if (rc < 0 && missing)
			err_set(e, ERR_USAGE, "current context \"%s\" not found: see \"currentContext\" in %s", name, cfg);
	} else if (rc == 0) {
		rc = dk_endpoint_from_host(ep, NULL, o, NULL, e);
	}
	free(name);
	free(cfg);
	return rc;
}

/* The command line's options for dk_client_new (dk_endpoint_set_defaults). */
static struct dk_endpoint_opts defaults;

void dk_endpoint_set_defaults(const struct dk_endpoint_opts *o)
{
	static const struct dk_endpoint_opts none;
	defaults = o ? *o : none;
	defaults.host = NULL;
}

int dk_endpoint_default(struct dk_endpoint *ep, const char *host, struct err *e)
{
	struct dk_endpoint_opts o = defaults;
	if (nonempty(host))
		return dk_endpoint_from_host(ep, host, &o, "-H", e);
	return dk_endpoint_resolve(ep, &o, e);
}
