/* hardening_internal: helpers shared by the hardening decoders (json/hardening.c, json/secopt.c, json/host.c; not exported). */
#ifndef DOCKER_HARDENING_INTERNAL_H
#define DOCKER_HARDENING_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "docker/hardening.h"

/* Fill h's SecurityOpt fields (nnp_opt, seccomp*, apparmor_opt,
 * label_disable) from the HostConfig.SecurityOpt array arr (anything
 * else: nothing set). The strings must be NULL or unset on entry; they
 * are never NULL after. */
void dkh_take_secopt(struct dk_hardening *h, const cJSON *arr);

#endif
