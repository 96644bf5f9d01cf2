/* fields: the field tables of the engine's answers as the parsers give them (containers, events, stats, hardening, networks, the host), for checks written as data (expect.h). */
#ifndef TESTS_UNIT_HELPER_FIELDS_H
#define TESTS_UNIT_HELPER_FIELDS_H

#include <stddef.h>

#include "docker/docker.h"
#include "tests/unit/helper/expect.h"

/* The events of a stream, one a line, for fields_events. */
struct fx_events {
	struct dk_event *v;
	size_t n;
};

/* struct dk_container (a list's item or an inspect): its members, and
 * label[KEY], port[PORT/PROTO] (.host_ip, .host_port), network[N] (.name,
 * .ip), ports (null when none were kept). */
extern const struct ex_field fields_container[];
/* struct dk_container_list: count. */
extern const struct ex_field fields_container_list[];
/* struct dk_event: its members. */
extern const struct ex_field fields_event[];
/* struct fx_events: count, actions (every line's, space-separated). */
extern const struct ex_field fields_events[];
/* struct dk_version_info (docker/client_internal.h): its members. */
extern const struct ex_field fields_version[];
/* struct err: code (its ERR_ name), msg. */
extern const struct ex_field fields_err[];
/* struct st_raw: its members; have as the names of its bits ("cpu mem ..."). */
extern const struct ex_field fields_st_raw[];
/* struct dk_hardening: its members; seccomp by name; the string lists
 * (env_keys, cap_add, cap_drop, ulimits) as NAME.n, NAME[N], NAME.has[S]
 * and NAME (joined by spaces); label[KEY], tmpfs[PATH]; nets[N] (.name,
 * .id), mounts[N] (.type .source .dest .name .rw .propagation), ports[N]
 * (.container_port .host_ip .host_port .host_port_num). */
extern const struct ex_field fields_hardening[];
/* struct dk_netinfo: its members. */
extern const struct ex_field fields_netinfo[];

#endif
