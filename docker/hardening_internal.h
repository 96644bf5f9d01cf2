/* hardening_internal: helpers shared by the hardening decoders (json_hardening.c, json_secopt.c, json_host.c; not exported). */
#ifndef DOCKER_HARDENING_INTERNAL_H
#define DOCKER_HARDENING_INTERNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "docker/hardening.h"

/* Append the first n bytes of s (cut at DK_HSTR_MAX) to v, unless v already
 * holds DK_HLIST_MAX strings. */
void dkh_strv_pushn(struct dk_strv *v, const char *s, size_t n);
/* Free v's strings and array and zero it. */
void dkh_strv_free(struct dk_strv *v);
/* Fill h's SecurityOpt fields (nnp_opt, seccomp*, apparmor_opt,
 * label_disable, security_opt_other) from the HostConfig.SecurityOpt
 * array arr (anything else: nothing set). The strings must be NULL or
 * unset on entry; they are never NULL after. */
void dkh_take_secopt(struct dk_hardening *h, const cJSON *arr);

#endif
