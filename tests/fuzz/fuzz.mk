# fuzz.mk: libFuzzer targets of the parsers of untrusted bytes (tests/fuzz/README.md), included by the Makefile.
#   make fuzz                    build (clang, ASan + UBSan) and run each target FUZZ_SECONDS (600)
#   make fuzz-smoke              the same, FUZZ_SMOKE_SECONDS (20) each: what `make check` runs
#   make fuzz FUZZ_TARGETS="json http" FUZZ_SECONDS=60
# A crash, leak or timeout fails the run; its reproducer stays in
# $(FUZZ_BUILD)/crashes/TARGET/ (replay: $(FUZZ_BUILD)/fuzz/fuzz/fuzz_TARGET FILE).
FUZZ_TARGETS ?= json stats events stream http vnc keymap config profile agent journal procfs
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link \
	-fno-sanitize-recover=undefined -Wno-error
FUZZ_LDFLAGS := -fsanitize=address,undefined

.PHONY: fuzz fuzz-smoke fuzz-build

ifeq ($(VARIANT),fuzz)
# Inside the fuzz build (B = $(FUZZ_BUILD)/fuzz): the library objects are
# built by the Makefile's own rules with clang and the flags above.
FUZZ_BIN := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
# A target that compiles a library file itself (to reach its statics)
# links without that file's object.
FUZZ_OWN_vnc := $(B)/vnc/session.o

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ $< \
		$(filter-out $(FUZZ_OWN_$*),$(LIB_OBJ)) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)
-include $(FUZZ_BIN:=.d)
else
fuzz-build:
	+$(MAKE) --no-print-directory VARIANT=fuzz BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		CFLAGS="$(FUZZ_CFLAGS)" LDFLAGS="$(FUZZ_LDFLAGS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-build

fuzz: fuzz-build
	tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)
endif
