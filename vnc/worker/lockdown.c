/* lockdown: before the server's first byte the worker gives up everything but its pipes and the server socket: fds, cwd, rlimits, privileges, and all system calls but a short allow-list. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <seccomp.h>

#include "vnc/proto.h"
#include "vnc/worker/worker.h"

/* Address space: the largest framebuffer (4096 x 4096 x 4 = 64 MiB), a
 * zlib or ultra decode buffer of the same size, what is mapped at start
 * (VmSize is about 14 MiB before the framebuffer) and malloc's slack fit
 * with room to spare; measured: 78 MiB VmPeak with a 4096x4096 desktop.
 * A hostile "ultra" rectangle asks malloc for up to 4 GiB: this limit
 * turns that into a clean failure. */
#define WK_AS_LIMIT (512UL << 20)
/* fd 2 is main's log file: an exploited worker may append at most this
 * much to it (RLIMIT_FSIZE is a limit on the file's size, not ours). */
#define WK_LOG_GROWTH (64UL << 20)

/* ASan reserves terabytes of shadow address space: RLIMIT_AS would make
 * every later mmap fail. The sanitizer build skips that limit only. */
#if defined(__SANITIZE_ADDRESS__)
#define WK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WK_ASAN 1
#endif
#endif

/* The handshake's and the loop's system calls, and why (seen with strace on
 * x86_64, glibc 2.36, against x11vnc and the fake servers: read, write,
 * poll, pselect6, recvfrom, mmap, munmap, brk, exit_group; the rest are
 * their close relatives):
 *   read, write          the pipes, the log line, the server socket
 *                        (libvncclient uses plain read/write)
 *   recvfrom             only on the server socket with MSG_PEEK |
 *                        MSG_DONTWAIT: the peek at the server's protocol
 *                        version before libvncclient reads it (rfb.c)
 *   poll                 our loop, our writability checks, and the 10 ms
 *                        waits of that peek (poll without fds)
 *   pselect6, select     libvncclient's WaitForMessage inside a partial read
 *                        (glibc's select() is pselect6 on x86_64)
 *   mmap (no PROT_EXEC), munmap, mremap, brk, madvise
 *                        malloc/realloc/free of framebuffers (a resize) and
 *                        decoder buffers
 *   futex                glibc's internal locks, should one ever be contended
 *   clock_gettime, gettimeofday
 *                        normally the vDSO; the real call where the clock
 *                        source has no vDSO support (some VMs)
 *   rt_sigprocmask, rt_sigreturn
 *                        glibc's signal bookkeeping
 *   restart_syscall      the kernel's own restart of a poll interrupted by a
 *                        stop (SIGSTOP/SIGCONT, a debugger attaching)
 *   close                the library closing its socket on an error path
 *   exit, exit_group     leaving
 * What the handshake needs beyond that is done before lockdown: the
 * password is read, libgcrypt (the DES of VNC authentication) has read its
 * configuration files, the connection is made.
 * Everything else kills the process (SIGSYS): open/openat, execve, socket,
 * connect, fork/clone, kill, ptrace, mprotect, an executable mmap, sleeps... */
static const char *const allowed[] = {
	"read", "write", "poll", "pselect6", "select",
	"munmap", "mremap", "brk", "madvise", "futex",
	"clock_gettime", "gettimeofday",
	"rt_sigprocmask", "rt_sigreturn", "restart_syscall", "close", "exit", "exit_group",
};

#ifdef WK_ASAN
/* ASan's __asan_handle_no_return (before every noreturn call) asks for the
 * signal stack: sanitizer builds only. */
static const char *const allowed_asan[] = {"sigaltstack"};
#endif

/* The memcheck build of the worker (-DWK_MEMCHECK: tests/valgrind/valgrind.mk
 * builds it beside the tests; never installed) runs under valgrind, which
 * refuses a new hard RLIMIT_NOFILE, holds address space past RLIMIT_AS and
 * makes system calls of its own that the filter would kill (executable
 * mappings for the code it translates): that build leaves those three out
 * and keeps the rest of the lockdown. */
#ifdef WK_MEMCHECK
#define WK_VALGRIND 1
#else
#define WK_VALGRIND 0
#endif

static int close_others(int sock)
{
	int lo = 3;
	int keep = sock > 2 ? sock : -1;
	if (keep > lo && close_range((unsigned)lo, (unsigned)keep - 1, 0) < 0 && errno != ENOSYS)
		return -1;
	if (keep >= lo)
		lo = keep + 1;
	if (close_range((unsigned)lo, ~0U, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			(void)close(fd);
	return 0;
}

static int limit(int res, rlim_t v)
{
	struct rlimit rl = {v, v};
	return setrlimit(res, &rl);
}

static int set_limits(int sock, char *why, size_t n)
{
	struct stat st;
	rlim_t fsize = 0;
	if (fstat(2, &st) == 0 && S_ISREG(st.st_mode))
		fsize = (rlim_t)st.st_size + WK_LOG_GROWTH; /* 0 would kill us at the next log line */
	signal(SIGXFSZ, SIG_IGN); /* past the limit a log write fails with EFBIG instead */
	int nofile = (sock > 2 ? sock : 2) + 1;
	if (limit(RLIMIT_CORE, 0) < 0 || limit(RLIMIT_FSIZE, fsize) < 0 ||
	    (!WK_VALGRIND && limit(RLIMIT_NOFILE, (rlim_t)nofile) < 0) || limit(RLIMIT_NPROC, 0) < 0) {
		snprintf(why, n, "setrlimit: %s", strerror(errno));
		return -1;
	}
#if !defined(WK_ASAN) && !WK_VALGRIND
	if (limit(RLIMIT_AS, WK_AS_LIMIT) < 0) {
		snprintf(why, n, "setrlimit(RLIMIT_AS): %s", strerror(errno));
		return -1;
	}
#endif
	return 0;
}

static int load_filter(int sock, char *why, size_t n)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		snprintf(why, n, "seccomp_init failed");
		return -1;
	}
	int rc = 0;
	const char *bad = "";
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && rc == 0; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture (e.g. select on arm64) */
		bad = allowed[i];
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
#ifdef WK_ASAN
	for (size_t i = 0; i < sizeof allowed_asan / sizeof allowed_asan[0] && rc == 0; i++) {
		bad = allowed_asan[i];
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(allowed_asan[i]), 0);
	}
#endif
	if (rc == 0) {
		bad = "mmap";
		/* mappings only without PROT_EXEC: no new code */
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		                      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	}
	if (rc == 0 && sock >= 0) {
		bad = "recvfrom";
		/* the version peek: the server socket, MSG_PEEK | MSG_DONTWAIT only */
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 2, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)sock),
		                      SCMP_A3(SCMP_CMP_EQ, MSG_PEEK | MSG_DONTWAIT));
	}
	if (rc == 0) {
		bad = "load";
		rc = seccomp_load(ctx);
	}
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(why, n, "seccomp (%s): %s", bad, strerror(-rc));
		return -1;
	}
	return 0;
}

int wk_lockdown(int sock, char *why, size_t n)
{
	if (close_others(sock) < 0) {
		snprintf(why, n, "close_range: %s", strerror(errno));
		return -1;
	}
	if (chdir("/") < 0) {
		snprintf(why, n, "chdir /: %s", strerror(errno));
		return -1;
	}
	if (set_limits(sock, why, n) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(why, n, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (!WK_VALGRIND && load_filter(sock, why, n) < 0)
		return -1;
	wk_set_locked();
	return 0;
}

void wk_probe(const char *what)
{
	if (strcmp(what, "open") == 0) {
		int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	} else if (strcmp(what, "exec") == 0) {
		char *const argv[] = {(char *)"true", NULL};
		char *const envp[] = {NULL};
		execve("/bin/true", argv, envp);
	} else if (strcmp(what, "mmap-exec") == 0) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, 4096);
	} else if (strcmp(what, "connect") == 0) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s >= 0) {
			struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9),
			                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
			(void)connect(s, (struct sockaddr *)&a, sizeof a);
			close(s);
		}
	}
	/* still here: the call went through to the kernel */
}
