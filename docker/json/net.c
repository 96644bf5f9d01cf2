/* net: inspect's NetworkSettings (published ports, networks, addresses) -> dk_container. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/json/util.h"

/* The n bytes at s as a port: 1 to 5 decimal digits worth 1..65535, else 0. */
static uint16_t port_num(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (uint16_t)v : 0;
}

/* A numeric IPv4 or IPv6 address that fits out (64 bytes), copied; else -1. */
static int copy_ip(char out[64], const char *s)
{
	unsigned char bin[16];
	if (!s || strlen(s) >= 64)
		return -1;
	if (inet_pton(AF_INET, s, bin) != 1 && inet_pton(AF_INET6, s, bin) != 1)
		return -1;
	strcpy(out, s);
	return 0;
}

/* "5900/tcp" -> port and proto; -1 when malformed. */
static int port_key(const char *key, uint16_t *port, char proto[8])
{
	if (!key)
		return -1;
	const char *slash = strchr(key, '/');
	if (!slash)
		return -1;
	*port = port_num(key, (size_t)(slash - key));
	size_t plen = strlen(slash + 1);
	if (!*port || plen == 0 || plen >= 8 || strspn(slash + 1, "abcdefghijklmnopqrstuvwxyz") != plen)
		return -1;
	memcpy(proto, slash + 1, plen + 1);
	return 0;
}

static void take_ports(struct dk_container *c, const cJSON *ports)
{
	if (!cJSON_IsObject(ports))
		return;
	const cJSON *it;
	cJSON_ArrayForEach(it, ports)
	{
		struct dk_port p;
		memset(&p, 0, sizeof p);
		if (port_key(it->string, &p.private_port, p.proto) < 0 || !cJSON_IsArray(it))
			continue; /* garbage, or exposed but not published (null) */
		const cJSON *b;
		cJSON_ArrayForEach(b, it)
		{
			if (c->nports == DK_PORTS_MAX)
				return;
			if (!cJSON_IsObject(b))
				continue;
			const char *hp = dkj_str(b, "HostPort"), *hip = dkj_str(b, "HostIp");
			p.host_port = hp ? port_num(hp, strlen(hp)) : 0;
			p.host_ip[0] = '\0';
			if (!p.host_port || (hip && hip[0] && copy_ip(p.host_ip, hip) < 0))
				continue;
			if (c->nports % 8 == 0)
				c->ports = xrealloc(c->ports, (c->nports + 8) * sizeof *c->ports);
			c->ports[c->nports++] = p;
		}
	}
}

static void take_networks(struct dk_container *c, const cJSON *nets)
{
	if (!cJSON_IsObject(nets))
		return;
	const cJSON *it;
	cJSON_ArrayForEach(it, nets)
	{
		if (c->nnetworks == DK_NETWORKS_MAX)
			break;
		if (!it->string || !it->string[0] || strlen(it->string) > 255 || !cJSON_IsObject(it))
			continue;
		if (c->nnetworks % 4 == 0)
			c->networks = xrealloc(c->networks, (c->nnetworks + 4) * sizeof *c->networks);
		struct dk_network *n = &c->networks[c->nnetworks++];
		n->name = xstrdup(it->string);
		n->ip[0] = '\0';
		const char *ip = dkj_str(it, "IPAddress");
		if (ip && ip[0] && copy_ip(n->ip, ip) < 0)
			n->ip[0] = '\0';
		if (!c->ip[0] && n->ip[0])
			memcpy(c->ip, n->ip, sizeof c->ip);
	}
}

void dkj_take_netsettings(struct dk_container *c, const cJSON *ns)
{
	if (!cJSON_IsObject(ns))
		return;
	take_ports(c, cJSON_GetObjectItemCaseSensitive(ns, "Ports"));
	take_networks(c, cJSON_GetObjectItemCaseSensitive(ns, "Networks"));
	/* the legacy top-level address (default bridge) when no network had one */
	const char *ip = dkj_str(ns, "IPAddress");
	if (!c->ip[0] && ip && ip[0] && copy_ip(c->ip, ip) < 0)
		c->ip[0] = '\0';
}
