# sandtop: plain Makefile + pkg-config. `make` builds the dev binary,
# `make check` sets up the machine and runs every test (dev + ASan/UBSan).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/sandtop
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CC      ?= cc
PKGS    := ncursesw libcurl libcjson libpng libcrypto zlib
# libsixel: its header only; vnc/sixel.c opens the library (dlopen) the
# first time a sixel image is made, so a screen without one does not carry it
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libsixel)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm
# The VNC worker (sandtop-vnc) is the only program that links libvncclient.
WORKER_PKGS := libvncclient libseccomp
WORKER_CFLAGS := $(shell pkg-config --cflags $(WORKER_PKGS))
WORKER_LIBS   := $(shell pkg-config --libs $(WORKER_PKGS)) -lm
# libarchive reads the snapshot's tars back in the tests only (sandtop writes
# them with snapshot/tarw.c: the library and what it pulls in, libxml2, ICU,
# libstdc++, were 2.3 MB of the screen's resident memory)
# and libsixel decodes the sixel images back
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null) $(shell pkg-config --libs libarchive libsixel)

# VARIANT=dev (default): warnings are errors. VARIANT=san: ASan + UBSan.
VARIANT ?= dev
BUILD   ?= build
B       := $(BUILD)/$(VARIANT)
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. -I$(B)/gen -Wall -Wextra -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -MMD -MP
ifeq ($(VARIANT),san)
OPT_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -Werror
OPT_LDFLAGS := -fsanitize=address,undefined
else
OPT_CFLAGS := -O2 -g -Werror
OPT_LDFLAGS :=
endif
ALL_CFLAGS  := $(BASE_CFLAGS) $(OPT_CFLAGS) $(PKG_CFLAGS) -DSANDTOP_LIBEXECDIR='"$(LIBEXECDIR)"' $(CFLAGS)
ALL_LDFLAGS := $(OPT_LDFLAGS) $(LDFLAGS)

MODULES := base host docker docker/json docker/tunnel vnc keymaps journal sandbox config isolation desktop snapshot control cli tui
LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
# the keymaps built in: default.keys and the shipped ones (keymaps/shipped.c)
KEYMAPS := default vi htop
GEN_SRC := $(KEYMAPS:%=$(B)/gen/%_keys.c) $(B)/gen/seccomp_profile.c
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(GEN_SRC:.c=.o)
MAIN_OBJ := $(B)/main.o
WORKER_SRC := $(wildcard vnc/worker/*.c)
# the worker links base/ and the downscaler, nothing of the terminal or the engine
WORKER_OBJ := $(WORKER_SRC:%.c=$(B)/%.o) $(filter $(B)/base/%,$(LIB_OBJ)) $(B)/vnc/scale.o
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
# the tests' shared helpers (fake engine, fixtures, scratch files, ...):
# compiled once, linked into each test binary from one archive
TEST_HELPER_SRC := $(wildcard tests/unit/helper/*.c)
TEST_HELPER_OBJ := $(TEST_HELPER_SRC:%.c=$(B)/%.o)
TEST_HELPER_LIB := $(B)/tests/helper.a

.PHONY: all dev san tests check unit integration setup demo install uninstall clean lint layers file-loops

all: $(B)/sandtop $(B)/sandtop-vnc
	@ln -sf $(B)/sandtop sandtop
	@ln -sf $(B)/sandtop-vnc sandtop-vnc

$(B)/sandtop: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/sandtop-vnc: $(WORKER_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(WORKER_LIBS)

$(B)/vnc/worker/%.o: vnc/worker/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(WORKER_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/gen/%_keys.c: keymaps/%.keys scripts/embed
	@mkdir -p $(dir $@)
	sh scripts/embed km_$*_keys < $< > $@
# made by a pattern rule, so kept explicitly (make would delete them)
.SECONDARY: $(GEN_SRC)

# the reference seccomp profile: `sandtop launch` sends it, the audit pins its hash
$(B)/gen/seccomp_profile.c: sandbox/image/seccomp.json scripts/embed
	@mkdir -p $(dir $@)
	sh scripts/embed sandtop_seccomp_profile < $< > $@

$(TEST_HELPER_LIB): $(TEST_HELPER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/tests/%: tests/unit/%.c $(TEST_HELPER_LIB) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(TEST_HELPER_LIB) $(LIB_OBJ) $(PKG_LIBS) $(TEST_LIBS)

-include $(TEST_BIN:=.d) $(TEST_HELPER_OBJ:.o=.d)

tests: $(TEST_BIN)

# Unit tests of this variant; each test binary is a cmocka group. In the
# san variant a report of UBSan's ends the test (some, such as a NULL
# passed to qsort, are otherwise printed and the test goes on).
unit: tests
	@set -e; export UBSAN_OPTIONS="$${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"; \
	for t in $(TEST_BIN); do echo "== $$t"; $$t; done

san:
	$(MAKE) VARIANT=san all tests

# The one command for every test: set-up, lint, both builds, unit tests under
# both, then the integration tests against the real engine.
check: setup
	$(MAKE) layers file-loops lint
	$(MAKE) VARIANT=dev all unit
	$(MAKE) VARIANT=san all unit
	$(MAKE) fuzz-smoke
	tests/integration/run $(BUILD)/san/sandtop

integration:
	tests/integration/run $(B)/sandtop

# The performance goals, each with its figure and met / not met, read from
# the benchmarks' results (bench/run measures, about 30 minutes; this reads).
.PHONY: bench
bench:
	@bench/goals

setup:
	scripts/setup

demo: setup all
	scripts/demo

layers:
	scripts/check-layers

# No loop between the files of one folder: scripts/check-file-loops reads
# who calls whom from the dev build's objects (nm), so that build comes first.
file-loops:
	$(MAKE) VARIANT=dev all
	scripts/check-file-loops -b $(BUILD)/dev

MAN1 := $(wildcard man/*.1)
MAN5 := $(wildcard man/*.5)

lint:
	mandoc -Tlint -W warning $(MAN1) $(MAN5)

install: $(B)/sandtop $(B)/sandtop-vnc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(B)/sandtop $(DESTDIR)$(BINDIR)/sandtop
	install -m 0755 $(B)/sandtop-vnc $(DESTDIR)$(LIBEXECDIR)/sandtop-vnc
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sandtop $(DESTDIR)$(LIBEXECDIR)/sandtop-vnc
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)

clean:
	rm -rf $(BUILD) sandtop sandtop-vnc

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(WORKER_SRC:%.c=$(B)/%.d)

# The proofs beside the tests, each in its own file: libFuzzer targets
# (`make fuzz`) and memcheck runs (`make valgrind`).
-include tests/fuzz/fuzz.mk
-include tests/valgrind/valgrind.mk
