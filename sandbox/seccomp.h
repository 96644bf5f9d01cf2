/* seccomp: the reference sandbox's seccomp profile (sandbox/image/seccomp.json), built into sandtop: launch sends it, the isolation checks pin its hash. */
#ifndef SANDBOX_SECCOMP_H
#define SANDBOX_SECCOMP_H

#include <stddef.h>

/* The reference seccomp profile, sandbox/image/seccomp.json as committed,
 * embedded at build time (scripts/embed, Makefile GEN_SRC): NUL-terminated
 * text; _len excludes the NUL. Every sandbox `sandtop launch` starts gets
 * it (compacted), and the isolation checks pins its hash from it. */
extern const char sandtop_seccomp_profile[];
extern const size_t sandtop_seccomp_profile_len;

#endif
