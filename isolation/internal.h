/* internal: helpers shared by the isolation/ check files (private to them). */
#ifndef ISOLATION_INTERNAL_H
#define ISOLATION_INTERNAL_H

#include <stdbool.h>

#include "isolation/isolation.h"

/* Append a check with a printf reason
 * (sanitized). */
void iso_add(struct iso_report *r, const char *id, const char *title, enum iso_result res, enum iso_sev sev,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The value of h's label key, or NULL: also NULL for a label the image set
 * (from_image), which sandtop never obeys. */
const char *iso_label(const struct dk_hardening *h, const char *key);

/* v holds s (exact, case-insensitive). */
bool iso_strv_has(const struct dk_strv *v, const char *s);
/* A namespace mode equals word ("host"), case-insensitive. */
bool iso_mode_is(const char *mode, const char *word);
/* The network of h with this id among nets, or NULL. */
const struct dk_netinfo *iso_net_find(const struct dk_netinfo *nets, size_t n, const char *id);
/* "why the kernel was not read": p's reason, or the remote engine. */
const char *iso_no_kernel(const struct iso_proc *p);

/* A check whose configuration the kernel can confirm. config_ok false: FAIL
 * with what. Else kernel is 1 (confirmed), 0 (the kernel contradicts: FAIL)
 * or -1 (not read: UNVERIFIABLE, never PASS); seen says what the kernel
 * showed. */
void iso_confirm(struct iso_report *r, const char *id, const char *title, enum iso_sev sev, bool config_ok,
                 const char *what, const struct iso_proc *p, int kernel, const char *seen);

void iso_checks_priv(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_hostinfo *host,
                     const struct iso_policy *pol, struct iso_report *r);
void iso_checks_net(const struct dk_hardening *h, const struct iso_proc *p, const struct dk_netinfo *nets,
                    size_t nnets, struct iso_report *r);
void iso_checks_fs_cred(const struct dk_hardening *h, const struct iso_proc *p, struct iso_report *r);
/* host NULL: the engine's facts unknown (RES-06 judged as the Docker Engine's) */
void iso_checks_res_ks(const struct dk_hardening *h, const struct dk_hostinfo *host, const struct iso_policy *pol,
                       int64_t now_wall_ms, struct iso_report *r);

#endif
