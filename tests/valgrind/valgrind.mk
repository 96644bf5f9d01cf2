# valgrind.mk: `make valgrind`: the unit tests, the VNC worker against hostile fake servers, and a scripted screen session under valgrind memcheck (included by the Makefile).
#
# valgrind does not mix with ASan: the dev variant of $(BUILD) (-O2 -g, no
# sanitizer) is built here first. Any memcheck error, definite leak, or a
# system call valgrind cannot run fails the target; the logs stay in
# $(VG_LOGS). tests/valgrind/sandtop.supp holds the suppressions (third-party
# noise only, each one explained).
#   make valgrind                  all three (the screen needs the engine and
#                                  the images: scripts/setup)
#   make valgrind-unit [VG_TESTS="test_a test_b"]
#   make valgrind-worker
#   make valgrind-screen

VG_B    := $(BUILD)/dev
VG_LOGS ?= $(VG_B)/valgrind/logs
VG_TESTS ?=

.PHONY: valgrind valgrind-build valgrind-unit valgrind-worker valgrind-screen

# each part runs even when one before it failed; the target fails if any did
valgrind: valgrind-build
	@rc=0; \
	tests/valgrind/unit $(VG_B) $(VG_LOGS)/unit || rc=1; \
	tests/valgrind/worker $(VG_B) $(VG_LOGS)/worker || rc=1; \
	tests/valgrind/screen $(VG_B) $(VG_LOGS)/screen || rc=1; \
	exit $$rc

valgrind-build:
	$(MAKE) VARIANT=dev all tests $(VG_B)/valgrind/native.so $(VG_B)/valgrind/sandtop-vnc

valgrind-unit: valgrind-build
	tests/valgrind/unit $(VG_B) $(VG_LOGS)/unit $(VG_TESTS)

valgrind-worker: valgrind-build
	tests/valgrind/worker $(VG_B) $(VG_LOGS)/worker

valgrind-screen: valgrind-build
	tests/valgrind/screen $(VG_B) $(VG_LOGS)/screen

# valgrind 3.19 does not know openat2 and the pidfd calls: this preload makes them natively (native.c)
$(BUILD)/dev/valgrind/native.so: tests/valgrind/native.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl

# The worker as valgrind can run it: lockdown.c built with -DWK_MEMCHECK
# (no hard RLIMIT_NOFILE, RLIMIT_AS or seccomp filter: valgrind needs them
# open; the rest of the lockdown stays). Never installed.
VG_WORKER_OBJ := $(filter-out $(B)/vnc/worker/lockdown.o,$(WORKER_OBJ)) $(B)/valgrind/lockdown.o

$(B)/valgrind/lockdown.o: vnc/worker/lockdown.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(WORKER_CFLAGS) -DWK_MEMCHECK -c -o $@ $<

$(B)/valgrind/sandtop-vnc: $(VG_WORKER_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(WORKER_LIBS)

-include $(B)/valgrind/lockdown.d
