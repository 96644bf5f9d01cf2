/* hardening: the security-relevant facts of a container, a network and the host, as the engine states them (plain structs). */
#ifndef DOCKER_HARDENING_H
#define DOCKER_HARDENING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "docker/docker.h"

/* Caps on what a parse keeps: every list (strings, labels, tmpfs, mounts
 * up to DK_MOUNTS_MAX, ports up to DK_PORTS_MAX, networks up to
 * DK_NETWORKS_MAX) stops at DK_HLIST_MAX entries; a string kept in a
 * string list (struct dk_strv), a network name and the health command are
 * cut at DK_HSTR_MAX bytes (a raw cut: sanitize before display); label
 * and tmpfs keys and values and mount paths and names are kept whole.
 * dk_hardening.cut says when a cap or such a cut was hit. */
#define DK_HLIST_MAX 1024
#define DK_HSTR_MAX 4096

/* A list of strings (each one untrusted engine data). */
struct dk_strv {
	char **v;
	size_t n;
};

/* How HostConfig.SecurityOpt sets seccomp. */
enum dk_seccomp {
	DK_SECCOMP_DEFAULT,     /* no seccomp entry: the daemon's default applies */
	DK_SECCOMP_UNCONFINED,  /* seccomp=unconfined / seccomp:unconfined */
	DK_SECCOMP_BUILTIN,     /* seccomp=builtin */
	DK_SECCOMP_PROFILE,     /* seccomp={...JSON...} (the CLI sends the file inline) */
	DK_SECCOMP_BAD,         /* an entry we cannot read (not JSON, ...) */
	DK_SECCOMP_PATH,        /* seccomp=/path/profile.json: Podman keeps the file's path,
	                         * not its rules (the Docker Engine refuses such an entry) */
};

/* One entry of Mounts[] (the engine's runtime view: binds, volumes, tmpfs mounts). */
struct dk_hmount {
	char type[16];          /* "bind", "volume", "tmpfs", "npipe", ... ("?" when absent) */
	char *source;           /* host path for binds, volume dir for volumes, "" for tmpfs */
	char *dest;             /* path inside the container */
	char *name;             /* volume name or "" */
	bool rw;
	char propagation[16];   /* "rprivate", "shared", "rshared", ... or "" */
};

/* One published port binding: from HostConfig.PortBindings and
 * NetworkSettings.Ports (both, duplicates kept once: the bound ports of
 * NetworkSettings.Ports first, then each PortBindings entry that none of
 * them already covers, where host_ip "" covers "0.0.0.0" and "::" and
 * host_port "" covers any port). Fields are raw engine text, cut to fit. */
struct dk_hport {
	char container_port[24];  /* "5900/tcp" */
	char host_ip[64];         /* "" when the engine gave none (= every interface) */
	char host_port[16];       /* "" when not yet bound (PortBindings "0" or "": the
	                           * engine picks one at start) */
};

/* One attached network (NetworkSettings.Networks). */
struct dk_hnet {
	char *name;             /* key of Networks{} */
	char id[65];            /* NetworkID, "" when absent */
};

/* Every fact the isolation checks read from GET /containers/ID/json.
 * Strings are untrusted, never NULL after a successful parse ("" when
 * absent). Integers are 0 when absent unless said otherwise. */
struct dk_hardening {
	char id[65];
	char *name;                   /* without the leading '/' */
	char image_id[65];            /* Image without "sha256:", "" when not a valid id */
	char *entry_path;             /* Path: the program the engine started as PID 1 ("/usr/bin/tini") */
	/* State */
	bool running, paused;
	int pid;                      /* State.Pid; 0 when not running */
	int64_t started_at_ms;        /* epoch ms; 0 unknown */
	bool has_health;              /* State.Health present */
	/* Config */
	char *user;                   /* Config.User ("" = image default, root unless the image says) */
	struct dk_strv env_keys;      /* Config.Env keys only: values are never kept */
	struct dk_label *labels;      /* Config.Labels; from_image is the caller's to set
	                               * (dk_image_labels, dk_labels_mark_from_image) */
	size_t nlabels;
	char *health_cmd;             /* the health check's command as exec_create events show it
	                               * ("/bin/sh -c CMD" for CMD-SHELL), "" none */
	/* HostConfig: privilege */
	bool privileged;
	struct dk_strv cap_add;       /* normalized: upper case, no "CAP_" prefix */
	struct dk_strv cap_drop;      /* same */
	bool nnp_opt;                 /* SecurityOpt no-new-privileges (bare, =true, :true;
	                               * any value Go's ParseBool reads; the last one wins) */
	enum dk_seccomp seccomp;      /* the last seccomp entry wins, as in the daemon; an
	                               * empty value ("seccomp=") is DK_SECCOMP_DEFAULT */
	char *seccomp_default_action; /* the inline profile's defaultAction, else "" */
	char seccomp_sha256[65];      /* hex SHA-256 of the inline profile in canonical form
	                               * (dk_seccomp_canon_sha256), else "" */
	char *apparmor_opt;           /* SecurityOpt apparmor=X value, "" none */
	bool label_disable;           /* SecurityOpt label=disable / label:disable / disable
	                               * (the engine adds label=disable itself to
	                               * privileged and --pid host containers) */
	char *apparmor_profile;       /* AppArmorProfile */
	char *process_label;          /* ProcessLabel */
	/* HostConfig: namespaces ("" = the engine's default) */
	char *network_mode, *pid_mode, *ipc_mode, *uts_mode, *userns_mode, *cgroupns_mode;
	/* HostConfig: devices, paths, sysctls, runtime */
	size_t ndevices;              /* Devices[] */
	size_t ndevice_cgroup_rules;  /* DeviceCgroupRules[] */
	size_t ndevice_requests;      /* DeviceRequests[] (GPUs) */
	int nmasked_paths;            /* MaskedPaths: -1 null (privileged; Podman never
	                               * shows them), else the count ([] = 0) */
	int nreadonly_paths;          /* ReadonlyPaths: same */
	size_t nsysctls;              /* Sysctls{} */
	char *runtime;                /* HostConfig.Runtime ("runc", "runsc", ...) */
	size_t nexec_ids;             /* ExecIDs[] (exec sessions the engine still knows) */
	struct dk_strv exec_ids;      /* their ids */
	size_t nexec_own;             /* of them, the caller's own (desktop relays): set by the
	                               * caller (dk_client_owns_exec), never by the parser */
	size_t nexec_health;          /* of them, the engine's own health checks: set by the
	                               * caller (from exec_create events), never by the parser */
	size_t nexec_ended;           /* of them, sessions that ended (Podman lists them until
	                               * the container stops): set by the caller */
	/* HostConfig: network */
	bool publish_all;             /* PublishAllPorts */
	struct dk_hport *ports;       /* at most DK_PORTS_MAX */
	size_t nports;
	struct dk_strv extra_hosts;   /* ExtraHosts "name:ip" */
	struct dk_hnet *nets;         /* at most DK_NETWORKS_MAX */
	size_t nnets;
	/* HostConfig: filesystem */
	bool readonly_rootfs;
	struct dk_hmount *mounts;     /* Mounts[], at most DK_MOUNTS_MAX */
	size_t nmounts;
	struct dk_label *tmpfs;       /* HostConfig.Tmpfs {path: options} (key = path) */
	size_t ntmpfs;
	int64_t shm_size;             /* HostConfig.ShmSize, bytes */
	char *storage_size;           /* HostConfig.StorageOpt.size, "" none */
	/* HostConfig: resources */
	int64_t memory, memory_swap;  /* Memory (0 none), MemorySwap (-1 unlimited, 0 unset) */
	bool oom_kill_disable;
	int64_t nano_cpus, cpu_quota, cpu_period, cpu_shares;
	int64_t pids_limit;           /* 0 when null, 0 or -1 */
	struct dk_strv ulimits;       /* Ulimits[] names ("nofile", "core", ...) */
	int64_t ulimit_core_hard;     /* the "core" ulimit's Hard, -2 when not set */
	/* HostConfig: kill switch and evidence */
	char *restart_policy;         /* RestartPolicy.Name ("" = no) */
	int64_t restart_max_retry;    /* RestartPolicy.MaximumRetryCount */
	bool auto_remove;
	int init;                     /* HostConfig.Init: -1 null (image/daemon default), 0 false, 1 true */
	char *log_type;               /* LogConfig.Type */
	char *log_max_size;           /* LogConfig.Config["max-size"], "" none */
	bool cut;                     /* a list (mounts, ports, networks, env keys, labels, caps,
	                               * ...) was longer than what is kept here, or one of its
	                               * strings was cut: a check over it cannot prove absence */
};

/* Config.User names root: "" (the image's default, root unless the image
 * says otherwise), "root" (any case), "0" with any zero-padding, each
 * optionally followed by ":group" (so ":group" alone is root too). NULL
 * reads as "". */
bool dk_user_is_root(const char *user);

/* Parse a GET /containers/ID/json body into out (zeroed first). Returns 0,
 * or -1 with e (ERR_PARSE: not JSON, not an object, no valid Id; out then
 * holds nothing to free). Entries of the wrong type are skipped, never a
 * failure. Free with dk_hardening_clear. */
int dk_parse_hardening(const char *body, size_t len, struct dk_hardening *out, struct err *e);
/* Free what h holds and zero it (a zeroed struct is fine too). */
void dk_hardening_clear(struct dk_hardening *h);

/* SHA-256 (lower-case hex, 64 chars + NUL) of a seccomp profile in a
 * canonical form: parsed, object keys sorted, printed compact. The same
 * profile pretty-printed or compacted by the docker CLI hashes the same.
 * Returns 0, or -1 with e (ERR_PARSE) for text that is not a JSON object. */
int dk_seccomp_canon_sha256(const char *json, size_t len, char out[65], struct err *e);

/* GET /networks/ID: what the network checks need. */
struct dk_netinfo {
	char id[65];
	char *name;                   /* untrusted */
	char *driver;                 /* "bridge", "overlay", "host", "null", ... */
	bool internal;
	bool gateway_isolated;        /* Options com.docker.network.bridge.gateway_mode_ipv4 == "isolated" */
	bool icc_disabled;            /* Options com.docker.network.bridge.enable_icc == "false" */
	char *bridge_name;            /* Options com.docker.network.bridge.name, "" none */
	bool is_default_bridge;       /* Name "bridge" with driver bridge, bridge_name "docker0",
	                               * or Options com.docker.network.bridge.default_bridge "true" */
};
/* Parse a GET /networks/ID body into out (zeroed first; strings never NULL
 * after success). Returns 0, or -1 with e (ERR_PARSE: not an object, no
 * valid Id). Free with dk_netinfo_clear. */
int dk_parse_netinfo(const char *body, size_t len, struct dk_netinfo *out, struct err *e);
/* Free what n holds and zero it (NULL or a zeroed struct is fine too). */
void dk_netinfo_clear(struct dk_netinfo *n);
typedef void (*dk_netinfo_cb)(void *ud, int rc, const struct err *e, const struct dk_netinfo *n);
/* GET /networks/ID (id or name, escaped; empty or over 256 bytes: ERR_USAGE).
 * cb is called exactly once, from dispatch or run, never from this call,
 * unless the client is freed first; e is never NULL (ERR_OK on success).
 * n lives for the callback only (NULL on error). */
void dk_network_inspect(struct dk_client *c, const char *id, dk_netinfo_cb cb, void *ud);

/* GET /info and GET /version together: the host-wide facts. The char
 * arrays hold sanitized text (printable, cut to fit). */
struct dk_hostinfo {
	char engine_version[64];      /* /version .Version ("20.10.24+dfsg1") */
	char runc_version[64];        /* /version Components[Name=runc].Version, "" unknown */
	bool seccomp;                 /* SecurityOptions has name=seccomp */
	char seccomp_profile[64];     /* its profile= ("builtin", "default", "unconfined", a path;
	                               * engine 20.10 says "default" for its builtin one) */
	bool apparmor, selinux, userns, rootless;
	int cgroup_version;           /* 1, 2, 0 unknown (the engine sends a string: "1") */
	char default_runtime[32];     /* /info DefaultRuntime */
	bool podman;                  /* /version names a "Podman Engine" component: Version is
	                               * Podman's own, not a Docker Engine version */
};
/* Parse a GET /info body into out (zeroed first: the version fields too).
 * Returns 0, or -1 with e (ERR_PARSE). Free with dk_hostinfo_clear. */
int dk_parse_info(const char *body, size_t len, struct dk_hostinfo *out, struct err *e);
/* Fill the version fields of out (engine_version, runc_version, podman)
 * from a /version body (other fields kept; on failure the version fields
 * are "" and podman false). Returns 0, or -1 with e (ERR_PARSE). */
int dk_parse_version_components(const char *body, size_t len, struct dk_hostinfo *out, struct err *e);
/* Zero h (it holds nothing on the heap; NULL is fine too). */
void dk_hostinfo_clear(struct dk_hostinfo *h);
typedef void (*dk_hostinfo_cb)(void *ud, int rc, const struct err *e, const struct dk_hostinfo *h);
/* Both requests; cb exactly once when both ended (the first error wins),
 * from dispatch or run, never from this call, unless the client is freed
 * first; e is never NULL (ERR_OK on success). h lives for the callback
 * only (NULL on error). */
void dk_host_info(struct dk_client *c, dk_hostinfo_cb cb, void *ud);

#endif
