/* ssh_url: an ssh://[user@]host[:port] engine address, parsed as the docker CLI parses it, and the ssh command line made from it. */
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "docker/docker.h"
#include "docker/ssh.h"

/* How long ssh may take to reach the host: under the engine requests' own
 * timeout (DK_REQUEST_TIMEOUT_MS), so that ssh's reason comes first. */
#define DK_SSH_CONNECT_TIMEOUT "ConnectTimeout=15"

static int bad(struct err *e, const char *url, const char *why)
{
	char shown[96];
	sanitize_fit(url, 60, shown, sizeof shown);
	return err_set(e, ERR_USAGE, "bad engine address '%s': %s", shown, why);
}

/* A user or host: printable ASCII without space, '%' (no percent-decoding
 * here) or a leading '-' (never an option of ssh's). */
static bool plain(const char *p, size_t n)
{
	if (n == 0 || p[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f || p[i] == '%')
			return false;
	return true;
}

static int parse_port(const char *p, size_t n, char out[6])
{
	if (n == 0 || n > 5 || strspn(p, "0123456789") < n)
		return -1;
	long v = strtol(p, NULL, 10);
	if (v < 1 || v > 65535)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int dk_ssh_parse(const char *url, struct dk_ssh_dest *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!url || strncmp(url, "ssh://", 6) != 0)
		return bad(e, url ? url : "", "expected ssh://[USER@]HOST[:PORT]");
	const char *a = url + 6;
	size_t alen = strcspn(a, "/?#");
	if (a[alen] == '/')
		return bad(e, url, "a path after the host (ssh://[USER@]HOST[:PORT] only)");
	if (a[alen])
		return bad(e, url, "a query or fragment after the host (ssh://[USER@]HOST[:PORT] only)");
	/* the user ends at the last '@' (as Go's net/url) */
	const char *at = NULL;
	for (const char *p = a; p < a + alen; p++)
		if (*p == '@')
			at = p;
	const char *h = a;
	if (at) {
		size_t ulen = (size_t)(at - a);
		if (memchr(a, ':', ulen))
			return bad(e, url, "a password in the address is not supported (use ssh keys or the agent)");
		if (ulen == 0)
			return bad(e, url, "empty user before '@'");
		if (ulen > DK_SSH_USER_MAX || !plain(a, ulen) || memchr(a, '@', ulen))
			return bad(e, url, "not a user name");
		memcpy(out->user, a, ulen);
		h = at + 1;
	}
	const char *end = a + alen;
	const char *hs = h, *he, *pp = NULL;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (!rb)
			return bad(e, url, "'[' without ']'");
		hs = h + 1;
		he = rb;
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return bad(e, url, "text after ']' that is not :PORT");
			pp = rb + 2;
		}
		if (he == hs || strspn(hs, "0123456789abcdefABCDEF:.") < (size_t)(he - hs))
			return bad(e, url, "not an IPv6 address between [ and ]");
	} else {
		he = memchr(h, ':', (size_t)(end - h));
		if (he)
			pp = he + 1;
		else
			he = end;
	}
	size_t hlen = (size_t)(he - hs);
	if (hlen == 0)
		return bad(e, url, "no host");
	if (hlen > DK_SSH_HOST_MAX || !plain(hs, hlen) || memchr(hs, '@', hlen) || memchr(hs, '[', hlen) ||
	    (*h != '[' && memchr(hs, ']', hlen)))
		return bad(e, url, "not a host name");
	memcpy(out->host, hs, hlen);
	if (pp && parse_port(pp, (size_t)(end - pp), out->port) < 0)
		return bad(e, url, "the port is not 1-65535");
	return 0;
}

int dk_ssh_check(const char *url, struct err *e)
{
	struct dk_ssh_dest d;
	return dk_ssh_parse(url, &d, e);
}

size_t dk_ssh_argv(const struct dk_ssh_dest *d, const char *argv[DK_SSH_ARGV_MAX])
{
	size_t n = 0;
	argv[n++] = "ssh";
	/* never a prompt (no terminal is ours to ask on): keys and the agent only */
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = DK_SSH_CONNECT_TIMEOUT;
	argv[n++] = "-T";
	if (d->user[0]) {
		argv[n++] = "-l";
		argv[n++] = d->user;
	}
	if (d->port[0]) {
		argv[n++] = "-p";
		argv[n++] = d->port;
	}
	argv[n++] = "--";
	argv[n++] = d->host;
	argv[n++] = "docker";
	argv[n++] = "system";
	argv[n++] = "dial-stdio";
	argv[n] = NULL;
	return n;
}
