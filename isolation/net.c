/* net: the network checks NET-01..06 and CRED-04 (sandtop(1), Isolation checks, lists each). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "isolation/internal.h"

static bool mode_none(const char *m)
{
	return iso_mode_is(m, "none");
}

static void net01(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r)
{
	bool host = iso_mode_is(h->network_mode, "host");
	int k = p && p->ok ? (p->ns_net < 0 ? -1 : p->ns_net == 0) : -1;
	iso_confirm(r, "NET-01", "not the host network", ISO_CRIT, !host,
		    host ? "--network host: the host's interfaces and abstract sockets" : "own network namespace", p, k,
		    k == 1 ? "private net namespace" : "the host's net namespace");
}

/* Every attached network known and internal: 1; one is not: 0 (*bad names
 * it); one was not looked up: -1. */
static int all_internal(const struct dk_hardening *h, const struct dk_netinfo *nets, size_t nnets,
                        const char **bad)
{
	int res = 1;
	for (size_t i = 0; i < h->nnets; i++) {
		const struct dk_netinfo *n = iso_net_find(nets, nnets, h->nets[i].id);
		if (!n) {
			res = -1;
			*bad = h->nets[i].name;
		} else if (!n->internal || n->is_default_bridge) {
			*bad = h->nets[i].name;
			return 0;
		}
	}
	return res;
}

static void net02(const struct dk_hardening *h, const struct dk_netinfo *nets, size_t nnets, struct iso_report *r)
{
	const char *T = "internal networks only";
	const char *bad = "";
	if (mode_none(h->network_mode)) {
		iso_add(r, "NET-02", T, ISO_PASS, ISO_HIGH, "no network at all");
		return;
	}
	if (iso_mode_is(h->network_mode, "host")) {
		iso_add(r, "NET-02", T, ISO_FAIL, ISO_HIGH, "the host's network");
		return;
	}
	if (!strncasecmp(h->network_mode, "container:", 10)) {
		iso_add(r, "NET-02", T, ISO_WARN, ISO_MED, "shares another container's network");
		return;
	}
	int ai = all_internal(h, nets, nnets, &bad);
	if (ai == 0)
		iso_add(r, "NET-02", T, ISO_FAIL, ISO_HIGH, "on network %s, which has a route out", bad);
	else if (ai < 0)
		iso_add(r, "NET-02", T, ISO_UNVERIFIABLE, ISO_HIGH, "network %s could not be inspected", bad);
	else if (h->nnets == 0)
		iso_add(r, "NET-02", T, ISO_PASS, ISO_HIGH, "attached to no network");
	else
		iso_add(r, "NET-02", T, ISO_PASS, ISO_HIGH, "%zu internal network%s (no route out)", h->nnets,
			h->nnets == 1 ? "" : "s");
}

static bool wildcard_ip(const char *ip)
{
	return !*ip || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") || !strcmp(ip, "[::]");
}

static bool desktop_port(const char *cport)
{
	return !strncmp(cport, "5900/", 5) || !strncmp(cport, "6080/", 5) || !strncmp(cport, "5901/", 5);
}

static void net03(const struct dk_hardening *h, struct iso_report *r)
{
	const char *T = "no wildcard-published ports";
	if (h->publish_all) {
		iso_add(r, "NET-03", T, ISO_FAIL, ISO_HIGH, "--publish-all: every exposed port on every interface");
		return;
	}
	const struct dk_hport *warn = NULL;
	for (size_t i = 0; i < h->nports; i++) {
		const struct dk_hport *pt = &h->ports[i];
		if (wildcard_ip(pt->host_ip)) {
			iso_add(r, "NET-03", T, ISO_FAIL, ISO_HIGH, "%s published on every interface (port %s)",
				pt->container_port, *pt->host_port ? pt->host_port : "any");
			return;
		}
		if (!warn || desktop_port(pt->container_port))
			warn = pt;
	}
	if (warn && desktop_port(warn->container_port))
		iso_add(r, "NET-03", T, ISO_WARN, ISO_MED, "desktop port %s published on %s:%s", warn->container_port,
			warn->host_ip, warn->host_port);
	else if (warn)
		iso_add(r, "NET-03", T, ISO_PASS, ISO_HIGH, "%zu port%s published on %s only", h->nports,
			h->nports == 1 ? "" : "s", warn->host_ip);
	else
		iso_add(r, "NET-03", T, ISO_PASS, ISO_HIGH, "no published ports");
}

static void net04(const struct dk_hardening *h, struct iso_report *r)
{
	for (size_t i = 0; i < h->extra_hosts.n; i++)
		if (strstr(h->extra_hosts.v[i], "host-gateway")) {
			iso_add(r, "NET-04", "no host gateway alias", ISO_WARN, ISO_MED, "extra host %s", h->extra_hosts.v[i]);
			return;
		}
	iso_add(r, "NET-04", "no host gateway alias", ISO_PASS, ISO_MED, "no host-gateway alias");
}

static void net06(const struct dk_hardening *h, const struct dk_netinfo *nets, size_t nnets, struct iso_report *r)
{
	const char *T = "host not reachable";
	if (mode_none(h->network_mode)) {
		iso_add(r, "NET-06", T, ISO_PASS, ISO_MED, "no network at all");
		return;
	}
	if (iso_mode_is(h->network_mode, "host")) {
		iso_add(r, "NET-06", T, ISO_FAIL, ISO_MED, "the host's network: every host service is reachable");
		return;
	}
	for (size_t i = 0; i < h->nnets; i++) {
		const struct dk_netinfo *n = iso_net_find(nets, nnets, h->nets[i].id);
		if (!n) {
			iso_add(r, "NET-06", T, ISO_UNVERIFIABLE, ISO_MED, "network %s could not be inspected", h->nets[i].name);
			return;
		}
		if (!strcmp(n->driver, "bridge") && !n->gateway_isolated) {
			iso_add(r, "NET-06", T, ISO_WARN, ISO_MED,
				"the host has an address on %s: host services listening there or on 0.0.0.0 are reachable "
				"unless a firewall stops them", h->nets[i].name);
			return;
		}
	}
	iso_add(r, "NET-06", T, ISO_PASS, ISO_MED, "no bridge gives the host an address to the sandbox");
}

static void cred04(const struct dk_hardening *h, const struct dk_netinfo *nets, size_t nnets, struct iso_report *r)
{
	const char *T = "cloud metadata unreachable";
	const char *bad = "";
	if (mode_none(h->network_mode)) {
		iso_add(r, "CRED-04", T, ISO_PASS, ISO_HIGH, "no network at all");
		return;
	}
	int ai = iso_mode_is(h->network_mode, "host") ? 0 : all_internal(h, nets, nnets, &bad);
	if (ai == 1)
		iso_add(r, "CRED-04", T, ISO_PASS, ISO_HIGH, "internal networks only: no route to 169.254.169.254");
	else if (ai < 0)
		iso_add(r, "CRED-04", T, ISO_UNVERIFIABLE, ISO_HIGH, "network %s could not be inspected", bad);
	else
		iso_add(r, "CRED-04", T, ISO_WARN, ISO_HIGH,
			"a route out: 169.254.169.254 is reachable unless a firewall blocks it");
}

void iso_checks_net(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_netinfo *nets,
                    size_t nnets, struct iso_report *r)
{
	net01(h, p, r);
	net02(h, nets, nnets, r);
	net03(h, r);
	net04(h, r);
	net06(h, nets, nnets, r);
	cred04(h, nets, nnets, r);
}
