/* native: an LD_PRELOAD for runs under valgrind 3.19, which does not know three system calls sandtop makes (it answers ENOSYS, and the code takes its fallback or fails): openat2, pidfd_open and pidfd_send_signal are made on the real CPU instead, so that code runs as it does outside valgrind. Test harness only; x86_64 (elsewhere the calls are passed on and the runs say ENOSYS). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <valgrind/valgrind.h>

/* The calls valgrind 3.19 does not know, all of at most 4 arguments; what
 * they read (a path, struct open_how, a siginfo) memcheck does not check,
 * and an fd they return is one valgrind does not track (--track-fds does
 * not list it). */
static const long native_calls[] = {SYS_openat2, SYS_pidfd_open, SYS_pidfd_send_signal};

struct call {
	long nr;
	long a[4];
	long ret;
};

#if defined(__x86_64__)
/* Runs on the real CPU (VALGRIND_NON_SIMD_CALL1: the first argument is
 * valgrind's thread id): the system call goes to the kernel, not valgrind. */
static long native(long tid, long arg)
{
	(void)tid;
	struct call *c = (struct call *)arg;
	long ret;
	register long r10 __asm__("r10") = c->a[3];
	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "0"(c->nr), "D"(c->a[0]), "S"(c->a[1]), "d"(c->a[2]), "r"(r10)
	                 : "rcx", "r11", "memory");
	c->ret = ret;
	return ret;
}

static int is_native(long nr)
{
	for (size_t i = 0; i < sizeof native_calls / sizeof native_calls[0]; i++)
		if (native_calls[i] == nr)
			return 1;
	return 0;
}
#endif

long syscall(long nr, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
#if defined(__x86_64__)
	if (RUNNING_ON_VALGRIND && is_native(nr)) {
		struct call c = {nr, {a[0], a[1], a[2], a[3]}, 0};
		VALGRIND_NON_SIMD_CALL1(native, (long)&c);
		if (c.ret < 0 && c.ret > -4096) {
			errno = (int)-c.ret;
			return -1;
		}
		return c.ret;
	}
#endif
	static long (*real)(long, ...);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
