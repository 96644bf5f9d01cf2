/* fields: the field tables of the engine's answers for checks written as data (see fields.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/fields.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "docker/client_internal.h"
#include "docker/hardening.h"
#include "host/stats.h"

/* The number in arg, or fail: an index or a port in brackets. */
static size_t index_arg(const char *arg, const char *what)
{
	char *end;
	if (!arg || !*arg || (strtoul(arg, &end, 10), *end))
		fail_msg("%s wants a number in brackets, not %s", what, arg ? arg : "nothing");
	return strtoul(arg, NULL, 10);
}

/* The item arg of an array of n: NULL (reads as null) past its end. */
#define ITEM(arr, n, arg, what) (index_arg(arg, what) < (n) ? &(arr)[index_arg(arg, what)] : NULL)

/* What follows the last '.' of a row's name ("host_ip" of "port.host_ip"). */
static const char *leaf(const struct ex_field *f)
{
	const char *d = strrchr(f->name, '.');
	return d ? d + 1 : f->name;
}

/* ---- containers ---- */

static void c_label(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	ex_str(v, dk_container_label(o, arg));
}

static void c_port(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	unsigned port = 0;
	char proto[8] = "";
	if (!arg || sscanf(arg, "%u/%7s", &port, proto) != 2)
		fail_msg("%s wants [PORT/PROTO]", f->name);
	const struct dk_port *p = dk_container_port(o, (uint16_t)port, proto);
	if (!p)
		return;
	if (!strcmp(leaf(f), "host_ip"))
		ex_str(v, p->host_ip);
	else if (!strcmp(leaf(f), "host_port"))
		ex_int(v, p->host_port);
	else
		ex_fmt(v, "%s:%u", p->host_ip, p->host_port);
}

static void c_network(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	const struct dk_container *c = o;
	const struct dk_network *n = ITEM(c->networks, c->nnetworks, arg, f->name);
	if (n)
		ex_str(v, !strcmp(leaf(f), "ip") ? n->ip : n->name);
}

static void c_ports(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	(void)arg;
	const struct dk_container *c = o;
	if (c->ports)
		ex_fmt(v, "%zu kept", c->nports);
}

#define C(m, k) EX_M(struct dk_container, m, k)
const struct ex_field fields_container[] = {
	C(id, EX_ARR), C(name, EX_PTR), C(image, EX_PTR), C(image_id, EX_ARR), C(command, EX_PTR),
	C(state, EX_PTR), C(status, EX_PTR), C(health, EX_PTR), C(created, EX_I64), C(started_at_ms, EX_I64),
	C(finished_at_ms, EX_I64), C(pid, EX_INT_), C(inspected, EX_BOOL), C(nports, EX_SIZE),
	C(nnetworks, EX_SIZE), C(ip, EX_ARR),
	EX_G("label", c_label), EX_G("port", c_port), EX_G("port.host_ip", c_port), EX_G("port.host_port", c_port),
	EX_G("network.name", c_network), EX_G("network.ip", c_network), EX_G("ports", c_ports),
	{0},
};

const struct ex_field fields_container_list[] = {
	{"count", EX_SIZE, offsetof(struct dk_container_list, n), NULL},
	{0},
};

/* ---- events ---- */

#define E(m, k) EX_M(struct dk_event, m, k)
const struct ex_field fields_event[] = {
	E(id, EX_ARR), E(action, EX_ARR), E(type, EX_ARR), E(container, EX_ARR), E(detail, EX_ARR),
	E(exec_id, EX_ARR), E(time_ns, EX_I64),
	{0},
};

static void ev_actions(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	(void)arg;
	const struct fx_events *ev = o;
	size_t n = 0;
	v->buf[0] = '\0';
	for (size_t i = 0; i < ev->n && n < sizeof v->buf; i++)
		n += (size_t)snprintf(v->buf + n, sizeof v->buf - n, "%s%s", i ? " " : "", ev->v[i].action);
	ex_str(v, v->buf);
}

const struct ex_field fields_events[] = {
	{"count", EX_SIZE, offsetof(struct fx_events, n), NULL},
	EX_G("actions", ev_actions),
	{0},
};

/* ---- /version, errors ---- */

const struct ex_field fields_version[] = {
	EX_M(struct dk_version_info, api, EX_ARR), EX_M(struct dk_version_info, engine, EX_ARR),
	EX_M(struct dk_version_info, min_api, EX_ARR),
	{0},
};

static void err_code(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	(void)arg;
	static const char *const names[] = {
		[ERR_OK] = "ERR_OK", [ERR_NOTFOUND] = "ERR_NOTFOUND", [ERR_CONFLICT] = "ERR_CONFLICT",
		[ERR_BADREQ] = "ERR_BADREQ", [ERR_SERVER] = "ERR_SERVER", [ERR_TRANSPORT] = "ERR_TRANSPORT",
		[ERR_PARSE] = "ERR_PARSE", [ERR_TOOBIG] = "ERR_TOOBIG", [ERR_VERSION] = "ERR_VERSION",
		[ERR_USAGE] = "ERR_USAGE", [ERR_REFUSED] = "ERR_REFUSED",
	};
	int c = ((const struct err *)o)->code;
	if (c >= 0 && (size_t)c < sizeof names / sizeof *names && names[c])
		ex_str(v, names[c]);
	else
		ex_fmt(v, "code %d", c);
}

const struct ex_field fields_err[] = {
	EX_G("code", err_code), EX_M(struct err, msg, EX_ARR),
	{0},
};

/* ---- stats ---- */

static void st_have(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	(void)arg;
	static const char *const bits[] = {"cpu", "mem", "inactive", "memlimit", "net", "blk", "pids", "frozen",
	                                   "display"};
	unsigned have = ((const struct st_raw *)o)->have;
	size_t n = 0;
	v->buf[0] = '\0';
	for (unsigned b = 0; b < 32; b++)
		if (have & (1u << b))
			n += (size_t)snprintf(v->buf + n, sizeof v->buf - n, "%s%s", n ? " " : "",
			                      b < sizeof bits / sizeof *bits ? bits[b] : "?");
	ex_str(v, v->buf);
}

static void st_frozen(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	(void)arg;
	ex_int(v, ((const struct st_raw *)o)->frozen);
}

#define S(m, k) EX_M(struct st_raw, m, k)
const struct ex_field fields_st_raw[] = {
	EX_G("have", st_have), S(mono_ns, EX_I64), S(cpu_ns, EX_U64), S(system_ns, EX_U64),
	S(online_cpus, EX_UINT), S(mem_usage, EX_U64), S(mem_inactive_file, EX_U64), S(mem_limit, EX_U64),
	S(net_rx, EX_U64), S(net_tx, EX_U64), S(blk_read, EX_U64), S(blk_write, EX_U64), S(pids, EX_U64),
	S(pids_limit, EX_U64), S(display_ns, EX_U64), EX_G("frozen", st_frozen),
	{0},
};

/* ---- hardening ---- */

/* A string list at f->off: NAME.n, NAME.has[S], NAME[N], NAME (joined). */
static void h_strv(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	const struct dk_strv *sv = (const void *)((const char *)o + f->off);
	const char *dot = strchr(f->name, '.');
	if (dot && !strcmp(dot, ".n")) {
		ex_int(v, (long long)sv->n);
	} else if (dot && !strcmp(dot, ".has")) {
		bool has = false;
		for (size_t i = 0; i < sv->n; i++)
			has = has || !strcmp(sv->v[i], arg ? arg : "");
		ex_int(v, has);
	} else if (arg) {
		size_t i = index_arg(arg, f->name);
		ex_str(v, i < sv->n ? sv->v[i] : NULL);
	} else {
		size_t n = 0;
		v->buf[0] = '\0';
		for (size_t i = 0; i < sv->n && n < sizeof v->buf; i++)
			n += (size_t)snprintf(v->buf + n, sizeof v->buf - n, "%s%s", i ? " " : "", sv->v[i]);
		ex_str(v, v->buf);
	}
}

static const char *label_of(const struct dk_label *l, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].key, key ? key : ""))
			return l[i].value;
	return NULL;
}

static void h_label(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	const struct dk_hardening *h = o;
	ex_str(v, !strcmp(f->name, "tmpfs") ? label_of(h->tmpfs, h->ntmpfs, arg) : label_of(h->labels, h->nlabels, arg));
}

static void h_seccomp(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	(void)f;
	(void)arg;
	static const char *const names[] = {
		[DK_SECCOMP_DEFAULT] = "default", [DK_SECCOMP_UNCONFINED] = "unconfined",
		[DK_SECCOMP_BUILTIN] = "builtin", [DK_SECCOMP_PROFILE] = "profile", [DK_SECCOMP_BAD] = "bad",
	};
	unsigned s = (unsigned)((const struct dk_hardening *)o)->seccomp;
	if (s < sizeof names / sizeof *names && names[s])
		ex_str(v, names[s]);
	else
		ex_fmt(v, "seccomp %u", s);
}

/* nets[N], mounts[N], ports[N]: the member named by the row's leaf. */
static void h_list(const void *o, const struct ex_field *f, const char *arg, struct ex_val *v)
{
	const struct dk_hardening *h = o;
	const char *m = leaf(f);
	if (!strncmp(f->name, "nets.", 5)) {
		const struct dk_hnet *n = ITEM(h->nets, h->nnets, arg, f->name);
		if (n)
			ex_str(v, !strcmp(m, "id") ? n->id : n->name);
	} else if (!strncmp(f->name, "mounts.", 7)) {
		const struct dk_hmount *x = ITEM(h->mounts, h->nmounts, arg, f->name);
		if (!x)
			return;
		if (!strcmp(m, "rw"))
			ex_int(v, x->rw);
		else
			ex_str(v, !strcmp(m, "type") ? x->type : !strcmp(m, "source") ? x->source
			          : !strcmp(m, "dest") ? x->dest : !strcmp(m, "name") ? x->name : x->propagation);
	} else {
		const struct dk_hport *p = ITEM(h->ports, h->nports, arg, f->name);
		if (!p)
			return;
		if (!strcmp(m, "host_port_num"))
			ex_int(v, atoi(p->host_port));
		else
			ex_str(v, !strcmp(m, "container_port") ? p->container_port
			          : !strcmp(m, "host_ip") ? p->host_ip : p->host_port);
	}
}

#define H(m, k) EX_M(struct dk_hardening, m, k)
#define HV(m) EX_GM(#m, struct dk_hardening, m, h_strv), EX_GM(#m ".n", struct dk_hardening, m, h_strv), \
              EX_GM(#m ".has", struct dk_hardening, m, h_strv)
const struct ex_field fields_hardening[] = {
	H(id, EX_ARR), H(name, EX_PTR), H(image_id, EX_ARR), H(entry_path, EX_PTR), H(running, EX_BOOL),
	H(paused, EX_BOOL), H(pid, EX_INT_), H(started_at_ms, EX_I64), H(has_health, EX_BOOL), H(user, EX_PTR),
	H(health_cmd, EX_PTR), H(privileged, EX_BOOL), H(nnp_opt, EX_BOOL), H(seccomp_default_action, EX_PTR),
	H(seccomp_sha256, EX_ARR), H(apparmor_opt, EX_PTR), H(label_disable, EX_BOOL),
	H(apparmor_profile, EX_PTR), H(process_label, EX_PTR), H(network_mode, EX_PTR), H(pid_mode, EX_PTR),
	H(ipc_mode, EX_PTR), H(uts_mode, EX_PTR), H(userns_mode, EX_PTR), H(cgroupns_mode, EX_PTR),
	H(ndevices, EX_SIZE), H(nmasked_paths, EX_INT_), H(nreadonly_paths, EX_INT_), H(nsysctls, EX_SIZE),
	H(runtime, EX_PTR), H(publish_all, EX_BOOL), H(nports, EX_SIZE), H(nnets, EX_SIZE),
	H(readonly_rootfs, EX_BOOL), H(nmounts, EX_SIZE), H(ntmpfs, EX_SIZE), H(shm_size, EX_I64),
	H(memory, EX_I64), H(memory_swap, EX_I64), H(oom_kill_disable, EX_BOOL), H(nano_cpus, EX_I64),
	H(pids_limit, EX_I64), H(ulimit_core_hard, EX_I64), H(restart_policy, EX_PTR),
	H(restart_max_retry, EX_I64), H(auto_remove, EX_BOOL), H(init, EX_INT_), H(log_type, EX_PTR),
	H(log_max_size, EX_PTR), H(cut, EX_BOOL),
	HV(env_keys), HV(cap_add), HV(cap_drop), HV(ulimits),
	EX_G("seccomp", h_seccomp), EX_G("label", h_label), EX_G("tmpfs", h_label),
	EX_G("nets.name", h_list), EX_G("nets.id", h_list),
	EX_G("mounts.type", h_list), EX_G("mounts.source", h_list), EX_G("mounts.dest", h_list),
	EX_G("mounts.name", h_list), EX_G("mounts.rw", h_list), EX_G("mounts.propagation", h_list),
	EX_G("ports.container_port", h_list), EX_G("ports.host_ip", h_list), EX_G("ports.host_port", h_list),
	EX_G("ports.host_port_num", h_list),
	{0},
};

/* ---- networks ---- */

#define N(m, k) EX_M(struct dk_netinfo, m, k)
const struct ex_field fields_netinfo[] = {
	N(id, EX_ARR), N(name, EX_PTR), N(driver, EX_PTR), N(internal, EX_BOOL), N(gateway_isolated, EX_BOOL),
	N(icc_disabled, EX_BOOL), N(bridge_name, EX_PTR), N(is_default_bridge, EX_BOOL),
	{0},
};
