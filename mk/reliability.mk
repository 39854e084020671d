# mk/reliability.mk: reliability and security proof (issue 7): fuzz targets, crash loop, Redis faults, flood, backpressure, valgrind (included by the Makefile).
#
#   make check            also runs the short forms: tests/integration/reliability-*.sh
#                         (fuzz seeds + regressions replayed, 10 s of libFuzzer per
#                         target when clang is there, crash loop with 10 kills, Redis
#                         faults, a 20,000-event flood, backpressure, security)
#   make fuzz             libFuzzer, one target at a time at nice 19, FUZZ_SECONDS each
#                         (default 480) or FUZZ_RUNS executions; corpora kept in
#                         $(BUILD)/fuzz/corpus/, crashes in $(BUILD)/fuzz/artifacts/
#                         (FUZZ_TARGETS='event config' picks targets)
#   make fuzz-build       the libFuzzer binaries only ($(BUILD)/fuzz/fuzz-NAME, clang)
#   make soak             the long forms: 100 kills over 10,000 events, Redis faults
#                         with both appendfsync settings, one million bad events,
#                         50,000 pending orders with tiny time limits; and the
#                         failovers of issue 17 (tests/integration/cluster-*.sh: the
#                         active daemon killed, and the Redis primary through
#                         Sentinel, over 10,051 events); figures on stdout
#   make check-valgrind   the integration tests with postrouted under valgrind memcheck
#
# The libFuzzer build uses clang (FUZZ_CC) with ASan + UBSan; the same
# targets are also linked with tests/fuzz/replay.c by the project's compiler,
# so the committed inputs run in every `make check` and `make check-sanitize`.

FUZZ_TARGETS ?= event config problem_json solomon cvrplib
FUZZ_SECONDS ?= 480
FUZZ_RUNS ?=
FUZZ_CC ?= clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_ALL := event config problem_json solomon cvrplib

# ---- replay: the targets as plain programs (project compiler and flags) -----

FUZZ_REPLAY_BINS := $(FUZZ_ALL:%=$(BUILD)/fuzz-replay-%)
FUZZ_REPLAY_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/fuzz/*.c))

$(BUILD)/tests/fuzz/%.o: INCS := -Iinclude -Idaemon -Itests/fuzz \
	$(INIH_CFLAGS) $(JANSSON_CFLAGS)

$(BUILD)/fuzz-replay-config: $(BUILD)/tests/fuzz/replay.o \
    $(BUILD)/tests/fuzz/fuzz_config.o $(BUILD)/daemon/config.o
	$(call quiet,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(INIH_LIBS)

$(BUILD)/fuzz-replay-%: $(BUILD)/tests/fuzz/replay.o \
    $(BUILD)/tests/fuzz/fuzz_%.o $(LIB)
	$(call quiet,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) \
	    $(LIB) $(LIB_LIBS)

check-build: $(FUZZ_REPLAY_BINS)

-include $(FUZZ_REPLAY_OBJS:.o=.d)

# ---- libFuzzer: clang, ASan + UBSan ---------------------------------------------

FUZZ_HAVE_CC := $(shell command -v $(FUZZ_CC) 2>/dev/null)
FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iinclude -Idaemon -Itests/fuzz $(INIH_CFLAGS) $(JANSSON_CFLAGS)
FUZZ_LIB := $(FUZZ_DIR)/libpostroute.a
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS := $(FUZZ_ALL:%=$(FUZZ_DIR)/fuzz-%)

$(FUZZ_DIR)/obj/%.o: %.c mk/reliability.mk
	@mkdir -p $(@D)
	$(call quiet,CLANG,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz-config: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_config.o \
    $(FUZZ_DIR)/obj/daemon/config.o
	$(call quiet,LINK,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	    -o $@ $^ $(INIH_LIBS)

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(call quiet,LINK,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_LIB) $(LIB_LIBS)

-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)

.PHONY: fuzz fuzz-build soak check-valgrind
fuzz-build:
	$(if $(FUZZ_HAVE_CC),,$(error make fuzz needs $(FUZZ_CC): apt-get install clang libclang-rt-14-dev))
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)

# make check builds the libFuzzer binaries too when clang is installed
# (not in the sanitizer build: they carry ASan + UBSan already), and
# tests/integration/reliability-fuzz.sh runs each for a few seconds.
ifeq ($(SANITIZE),)
ifneq ($(FUZZ_HAVE_CC),)
check-build: $(FUZZ_BINS)
endif
endif

fuzz: fuzz-build
	$(Q)FUZZ_DIR='$(abspath $(FUZZ_DIR))' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	    FUZZ_RUNS='$(FUZZ_RUNS)' bash scripts/fuzz.sh $(FUZZ_TARGETS)

# ---- long forms -----------------------------------------------------------------

SOAK_ENV := $(TEST_ENV) RELIABILITY_LONG=1
soak: all
	$(Q)fail=0; for t in tests/integration/reliability-*.sh \
	    tests/integration/cluster-*.sh; do \
		echo "  SOAK    $$t"; \
		$(SOAK_ENV) timeout 3600 bash "$$t" || \
		    { echo "FAIL    $$t"; fail=1; }; \
	done; exit $$fail

# The load tests (crash loop, flood, backpressure) are left out: under
# memcheck the daemon is some 50 times slower and their deadlines and
# timeouts measure valgrind, not the daemon.
# The cluster tests too: they time leases of 2 s, which a daemon 50
# times slower cannot renew (its standby would take over for that reason);
# cluster-workers.sh and cluster-poison.sh time job claims of 1 s against
# solves of 3 s; cluster-watchdog.sh checks the gaps between watchdog
# pings; cluster-sentinel-workers.sh times a failover.
VALGRIND_TESTS := $(filter-out %/reliability-crash.sh %/reliability-flood.sh \
	%/reliability-backpressure.sh %/reliability-valgrind.sh \
	%/reliability-fuzz.sh %/cluster-failover.sh %/cluster-fencing.sh \
	%/cluster-sentinel.sh %/cluster-workers.sh %/cluster-poison.sh \
	%/cluster-watchdog.sh %/cluster-sentinel-workers.sh,$(INTEGRATION_TESTS))
check-valgrind: all
	$(Q)PR_BUILD='$(abspath $(BUILD))' bash scripts/check-valgrind.sh \
	    $(VALGRIND_TESTS)

# The targets' objects are not intermediate files to delete.
.SECONDARY: $(FUZZ_ALL:%=$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o) \
    $(FUZZ_ALL:%=$(BUILD)/tests/fuzz/fuzz_%.o)
