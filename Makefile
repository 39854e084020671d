# Makefile: builds libpostroute, postrouted, the benchmarks and the tests (one non-recursive GNU Makefile).
#
#   make                  build/libpostroute.a, build/postrouted, build/<bench programs>
#   make check            install missing packages, build with -Werror, check that
#                         libpostroute.a exports only the pr_ names of include/postroute/
#                         (scripts/check-exports.sh), run the tests
#   make check-sanitize   the same tests under ASan + UBSan, in build-san/
#   make check-tsan       the unit and integration tests under ThreadSanitizer,
#                         in build-tsan/
#   make run              the demo: private redis-server, postrouted, a replayed peak day
#   make bench            solver benchmarks (BENCH_SET=solomon|cvrplib|abp|mixed|all,
#                         TIME_LIMIT=1, BENCH_QUICK=1, BENCH_X_LIMIT=S, BENCH_ARGS=...)
#   make compare-outputs  --solve answers of COMPARE_REV (default: the merge base
#                         with main) and of this tree, byte for byte
#                         (bench/compare-outputs.sh, COMPARE_ARGS=...)
#   make install          PREFIX=/usr/local DESTDIR= (make uninstall undoes it;
#                         the page's files in DATADIR/postroute/web)
#   make deb              the Debian package, in build/deb/ (mk/package.mk)
#   make clean | deps
#   mk/*.mk adds the targets of other parts (make bench-field, make region).
#
#   V=1 prints full commands; WERROR=1 adds -Werror;
#   SANITIZE=address,undefined builds everything sanitized into build-san/,
#   SANITIZE=thread into build-tsan/.
#   Changing any of these rebuilds everything (the flags are remembered
#   in $(BUILD)/.flags).

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

PKG_CONFIG ?= pkg-config
AR ?= ar
LD ?= ld
NM ?= nm
OBJCOPY ?= objcopy
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
WEBDIR ?= $(DATADIR)/postroute/web
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
# Data, not configuration: the region files.
PKGDATADIR ?= $(PREFIX)/share/postroute

ifeq ($(SANITIZE),thread)
BUILD ?= build-tsan
else ifneq ($(SANITIZE),)
BUILD ?= build-san
else
BUILD ?= build
endif

# ---- flags -----------------------------------------------------------------

PR_CFLAGS := -std=c11 -O2 -g -fno-omit-frame-pointer -MMD -MP \
	-D_POSIX_C_SOURCE=200809L
PR_WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wformat=2 -Wundef -Wvla
ifeq ($(WERROR),1)
PR_WARN += -Werror
endif
ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif
ALL_CFLAGS := $(PR_CFLAGS) $(PR_WARN) $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SAN_FLAGS) $(LDFLAGS)
# libpostroute's objects: only PR_API declarations are visible (see the
# archive rule below).
LIB_CFLAGS := -fvisibility=hidden

# pkg-config where the package ships a .pc file, plain -l otherwise (and as
# a fallback, so that `make deps` and `make clean` work before the
# packages are there).
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo '$(2)')

JANSSON_LIBS := $(call pkg_libs,jansson,-ljansson)
JANSSON_CFLAGS := $(call pkg_cflags,jansson)
EVENT_LIBS := $(call pkg_libs,libevent libevent_pthreads,-levent_pthreads -levent)
EVENT_CFLAGS := $(call pkg_cflags,libevent libevent_pthreads)
HIREDIS_LIBS := $(call pkg_libs,hiredis,-lhiredis)
HIREDIS_CFLAGS := $(call pkg_cflags,hiredis)
INIH_LIBS := $(call pkg_libs,inih,-linih)
INIH_CFLAGS := $(call pkg_cflags,inih)
SYSTEMD_LIBS := $(call pkg_libs,libsystemd,-lsystemd)
ZLIB_LIBS := $(call pkg_libs,zlib,-lz)
SYSTEMD_CFLAGS := $(call pkg_cflags,libsystemd)
CRITERION_LIBS := $(call pkg_libs,criterion,-lcriterion)
CRITERION_CFLAGS := $(call pkg_cflags,criterion)

# What a user of libpostroute.a links with: the library stays pure.
LIB_LIBS := $(JANSSON_LIBS) -lglpk -lm -lpthread
DAEMON_LIBS := $(EVENT_LIBS) $(HIREDIS_LIBS) $(INIH_LIBS) $(SYSTEMD_LIBS) \
	$(ZLIB_LIBS) $(LIB_LIBS)
TEST_LIBS := $(CRITERION_LIBS) $(LIB_LIBS)

# Criterion cannot start under ThreadSanitizer (its sandbox maps a shared
# arena where TSan keeps its shadow memory: Snaipe/Criterion#274), so the
# TSan build compiles the unit tests against tests/tsan/criterion/*.h, the
# same macros, and links tests/tsan/runner.c instead (see there).
ifeq ($(SANITIZE),thread)
UNIT_CFLAGS := -Itests/tsan -Wno-format-zero-length
TEST_LIBS := $(LIB_LIBS)
$(BUILD)/tests/tsan/%.o: INCS := -Itests/tsan
endif

# Where the installed daemon finds its default configuration and the
# region data (so a change of PREFIX rebuilds: they are in FLAGS_NOW).
DAEMON_PATHS := \
	-DPOSTROUTE_CONFIG='"$(SYSCONFDIR)/postroute/postroute.conf"' \
	-DPOSTROUTE_DATADIR='"$(PKGDATADIR)"'

# Include paths per part: the daemon and the benchmarks see only the
# public headers; unit tests may also reach solver/ (white-box tests),
# through -iquote so that <glpk.h> stays GLPK's own and not solver/glpk.h.
$(BUILD)/solver/%.o: INCS := -Iinclude $(JANSSON_CFLAGS)
$(BUILD)/solver/%.o: PART_CFLAGS := $(LIB_CFLAGS)
$(BUILD)/daemon/%.o: INCS := -Iinclude -Idaemon $(EVENT_CFLAGS) \
	$(HIREDIS_CFLAGS) $(INIH_CFLAGS) $(SYSTEMD_CFLAGS) $(JANSSON_CFLAGS) \
	$(DAEMON_PATHS)
# Where the dispatcher's page is: installed in WEBDIR, or the source tree's
# web/ for a postrouted that runs from this build directory (web.c).
$(BUILD)/daemon/web.o: INCS += -DPOSTROUTE_WEB_DIR='"$(WEBDIR)"' \
	-DPOSTROUTE_BUILD_DIR='"$(abspath $(BUILD))"' \
	-DPOSTROUTE_SOURCE_WEB='"$(abspath web)"'
$(BUILD)/bench/%.o: INCS := -Iinclude -Ibench/common -Itests/checker \
	$(JANSSON_CFLAGS)
$(BUILD)/tests/checker/%.o: INCS := -Iinclude
$(BUILD)/tests/unit/%.o: INCS := $(UNIT_CFLAGS) -Iinclude -iquote solver \
	-Itests/unit -Itests/checker -Ibench/common $(CRITERION_CFLAGS) \
	$(JANSSON_CFLAGS)

# ---- sources and products ----------------------------------------------------

LIB := $(BUILD)/libpostroute.a
LIB_SRCS := $(wildcard solver/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
# The same objects with every name global, for the white-box unit tests.
LIB_INTERNAL := $(BUILD)/libpostroute-internal.a

DAEMON_SRCS := $(wildcard daemon/*.c)
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
DAEMON_BIN := $(if $(DAEMON_SRCS),$(BUILD)/postrouted)

# bench/common: what the benchmark programs share (the scenario
# generator, file helpers); tests/checker: the independent checker that
# the unit tests and the benchmarks both run on every solution. Each is a
# small archive of its own.
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_COMMON_SRCS := $(wildcard bench/common/*.c)
BENCH_COMMON_OBJS := $(BENCH_COMMON_SRCS:%.c=$(BUILD)/%.o)
BENCH_COMMON_LIB := $(BUILD)/libbenchcommon.a
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/%,$(BENCH_SRCS))

CHECKER_SRCS := $(wildcard tests/checker/*.c)
CHECKER_OBJS := $(CHECKER_SRCS:%.c=$(BUILD)/%.o)
CHECKER_LIB := $(BUILD)/libchecker.a

TEST_SRCS := $(wildcard tests/unit/*.c) \
	$(if $(filter thread,$(SANITIZE)),tests/tsan/runner.c)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
TEST_BIN := $(if $(TEST_SRCS),$(BUILD)/test-unit)
INTEGRATION_TESTS := $(wildcard tests/integration/*.sh)

ALL_OBJS := $(LIB_OBJS) $(DAEMON_OBJS) $(BENCH_SRCS:%.c=$(BUILD)/%.o) \
	$(BENCH_COMMON_OBJS) $(CHECKER_OBJS) $(TEST_OBJS)

# ---- quiet output ------------------------------------------------------------

ifeq ($(V),1)
Q :=
quiet =
else
Q := @
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

# ---- remembered flags: a change of flags rebuilds everything ----------------

# Goals that only recurse leave the stamp to their sub-make.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW := $(CC) $(ALL_CFLAGS) | $(LIB_CFLAGS) | $(ALL_LDFLAGS) | \
	$(SYSCONFDIR) $(PKGDATADIR)
ifneq ($(filter-out clean deps check check-sanitize check-tsan run \
    install-files uninstall deb,$(or $(MAKECMDGOALS),all)),)
$(shell mkdir -p '$(BUILD)' && \
	{ [ "$$(cat '$(FLAGS_STAMP)' 2>/dev/null)" = '$(FLAGS_NOW)' ] || \
	printf '%s\n' '$(FLAGS_NOW)' > '$(FLAGS_STAMP)'; })
endif

# The commit the daemon is built from, the revision label of
# postroute_build_info: .revision when there is one (make deb writes it
# into its copy of the tree, which has no .git), else git's when this
# directory is a checkout's top, else none. The stamp changes only with
# it, so metrics.o is rebuilt then and only then.
REVISION_STAMP := $(BUILD)/.revision
ifneq ($(filter-out clean deps check check-sanitize check-tsan run \
    install-files uninstall deb,$(or $(MAKECMDGOALS),all)),)
PR_REVISION ?= $(shell { cat .revision 2>/dev/null || \
	{ [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = '$(CURDIR)' ] && \
	git describe --always --dirty --abbrev=12 --exclude='*'; }; } \
	2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9._+-')
$(shell mkdir -p '$(BUILD)' && \
	{ [ "$$(cat '$(REVISION_STAMP)' 2>/dev/null)" = '$(PR_REVISION)' ] || \
	printf '%s\n' '$(PR_REVISION)' > '$(REVISION_STAMP)'; })
endif
$(REVISION_STAMP): ;
$(BUILD)/daemon/metrics.o: $(REVISION_STAMP)
$(BUILD)/daemon/metrics.o: INCS += -DPOSTROUTE_REVISION='"$(PR_REVISION)"'

# ---- build -------------------------------------------------------------------

.PHONY: all lib daemon bench-progs tests
all: lib daemon bench-progs
lib: $(LIB)
daemon: $(DAEMON_BIN)
bench-progs: $(BENCH_BINS)
tests: $(TEST_BIN)

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) $(PART_CFLAGS) $(INCS) -c $< -o $@

# libpostroute.a exports the pr_ names of include/postroute/ and nothing
# else: the objects (compiled with -fvisibility=hidden, PR_API marking the
# public declarations) are linked into one relocatable object whose hidden
# names are then made local, so that no program can link against xmalloc,
# route_init or search_run (hidden visibility alone leaves them global in
# a static archive). scripts/check-exports.sh, run by make check, holds it
# to that.
$(LIB): $(LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ $(@:.a=.o) && \
	    $(LD) -r -o $(@:.a=.o) $^ && \
	    $(OBJCOPY) --localize-hidden $(@:.a=.o) && \
	    $(AR) rcs $@ $(@:.a=.o) && rm -f $(@:.a=.o)

$(LIB_INTERNAL): $(LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/postrouted: $(DAEMON_OBJS) $(LIB)
	$(call quiet,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(DAEMON_OBJS) $(LIB) \
	    $(DAEMON_LIBS)

$(BENCH_COMMON_LIB): $(BENCH_COMMON_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(CHECKER_LIB): $(CHECKER_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# Each bench/NAME.c is a program, linked with bench/common/ and with the
# independent checker, so that every benchmarked solution is checked the
# same way as in the tests.
$(BENCH_BINS): $(BUILD)/%: $(BUILD)/bench/%.o $(BENCH_COMMON_LIB) \
    $(CHECKER_LIB) $(LIB)
	$(call quiet,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(BENCH_COMMON_LIB) \
	    $(CHECKER_LIB) $(LIB) $(BENCH_EXTRA_LIBS) $(LIB_LIBS)

# The live day's simulator talks to Redis (hiredis, synchronous): a bench
# program, not the library, so it may.
$(BUILD)/bench-live: BENCH_EXTRA_LIBS := $(HIREDIS_LIBS)
$(BUILD)/bench/bench-live.o: INCS += $(HIREDIS_CFLAGS)

# The unit tests reach inside the library (white-box tests of set
# partitioning and the GLPK guard), so they link its objects with every
# name global; they also test bench/common (the scenario generator).
$(BUILD)/test-unit: $(TEST_OBJS) $(CHECKER_LIB) $(BENCH_COMMON_LIB) \
    $(LIB_INTERNAL)
	$(call quiet,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJS) \
	    $(CHECKER_LIB) $(BENCH_COMMON_LIB) $(LIB_INTERNAL) $(TEST_LIBS)

-include $(ALL_OBJS:.o=.d)

# ---- tests -------------------------------------------------------------------

TEST_TIMEOUT ?= 900
# (the small live day, tests/integration/live-day.sh, is the longest: a
# whole day through postrouted, twice)
ifeq ($(SANITIZE),thread)
ITEST_TIMEOUT ?= 1200
else
ITEST_TIMEOUT ?= 600
endif
TEST_ARGS ?=
# What integration scripts get to find the binaries of this build.
TEST_ENV := PR_BUILD='$(abspath $(BUILD))' \
	POSTROUTED='$(abspath $(BUILD))/postrouted'
# Criterion's runner leaks a few bytes of its own at exit.
LSAN_SUPP := $(abspath $(BUILD))/lsan.supp
ifeq ($(SANITIZE),thread)
# Every process writes its reports to TSAN_REPORTS (also those a test kills
# with SIGKILL, or whose exit status it does not look at): the run fails
# when any is there. WAIT_SCALE stretches the tests' deadlines (TSan runs
# the daemon some 5-10 times slower).
TSAN_REPORTS := $(abspath $(BUILD))/tsan-reports
TEST_ENV += TSAN_OPTIONS='halt_on_error=1:second_deadlock_stack=1:log_path=$(TSAN_REPORTS)/tsan:suppressions=$(abspath tests/tsan/tsan.supp):$(TSAN_OPTIONS)' \
	WAIT_SCALE=$(or $(WAIT_SCALE),3)
# Integration tests with nothing for TSan to check, and why.
SKIP_reliability-fuzz.sh := the fuzz targets are single-threaded parsers \
	(make check and make check-sanitize run them)
SKIP_reliability-valgrind.sh := valgrind cannot run a TSan binary (make \
	check runs it)
SKIP_reliability-backpressure.sh := it asserts the peak memory of the \
	daemon, which the shadow memory of TSan multiplies (make check and \
	make check-sanitize run it)
else ifneq ($(SANITIZE),)
TEST_ENV += ASAN_OPTIONS='abort_on_error=0:detect_leaks=1:$(ASAN_OPTIONS)' \
	LSAN_OPTIONS='suppressions=$(LSAN_SUPP):print_suppressions=0:$(LSAN_OPTIONS)' \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1:$(UBSAN_OPTIONS)'
endif
SKIPPED_TESTS := $(foreach t,$(INTEGRATION_TESTS),$(if $(SKIP_$(notdir $t)),$t))

.PHONY: deps check check-sanitize check-tsan check-build check-run
deps:
	$(Q)bash scripts/deps.sh

# The sub-make parses the Makefile again once deps has installed what was
# missing (pkg-config among it), and builds with -Werror.
check: deps
	$(Q)$(MAKE) --no-print-directory WERROR=1 check-run

# Without -Werror: GCC's manual warns that sanitizers raise the rate of
# false-positive warnings (-Wmaybe-uninitialized, -Wformat-truncation);
# `make check` has already held the same code to -Werror.
check-sanitize: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined WERROR=0 \
	    check-run

# Without -Werror, as check-sanitize.
check-tsan: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=thread WERROR=0 check-run

check-build: all $(TEST_BIN)

check-run: check-build
	$(Q)NM='$(NM)' bash scripts/check-exports.sh '$(LIB)' include/postroute
	$(Q)bash scripts/check-tsan-macros.sh
	$(Q)printf 'leak:libcriterion.so\n' > '$(LSAN_SUPP)'; fail=0; \
	$(if $(TSAN_REPORTS),rm -rf '$(TSAN_REPORTS)'; mkdir -p '$(TSAN_REPORTS)';) \
	if [ -n '$(TEST_BIN)' ]; then \
		echo '  TEST    $(TEST_BIN)'; \
		$(TEST_ENV) timeout $(TEST_TIMEOUT) '$(TEST_BIN)' $(TEST_ARGS) || \
		    { echo 'FAIL    $(TEST_BIN)'; fail=1; }; \
	fi; \
	$(foreach t,$(SKIPPED_TESTS),echo '  SKIP    $t: $(SKIP_$(notdir $t))';) \
	for t in $(filter-out $(SKIPPED_TESTS),$(INTEGRATION_TESTS)); do \
		echo "  TEST    $$t"; \
		$(TEST_ENV) timeout $(ITEST_TIMEOUT) bash "$$t" || \
		    { echo "FAIL    $$t"; fail=1; }; \
	done; \
	$(if $(TSAN_REPORTS),for r in '$(TSAN_REPORTS)'/tsan*; do \
		[ -e "$$r" ] || continue; \
		echo "FAIL    ThreadSanitizer report $$r:"; cat "$$r"; fail=1; \
	done;) \
	exit $$fail

# ---- run, bench ----------------------------------------------------------------

.PHONY: run bench compare-outputs
run: deps
	$(Q)$(MAKE) --no-print-directory run-daemon

TIME_LIMIT ?= 1
BENCH_SET ?= solomon cvrplib mixed
ifeq ($(BENCH_QUICK),1)
BENCH_X_LIMIT ?= $(TIME_LIMIT)
endif
BENCH_X_SMALL := $(or $(BENCH_X_LIMIT),10)
BENCH_X_LARGE := $(or $(BENCH_X_LIMIT),30)
BENCH_ARGS ?=
BENCH_SETS := $(if $(filter all,$(BENCH_SET)),solomon cvrplib abp mixed,$(BENCH_SET))

# mixed: Solomon instances made mixed by bench/gen-mixed (deliveries,
# skills, breaks), bench-mixed beside the originals.
bench: $(BUILD)/bench-solver $(BUILD)/bench-mixed
	$(Q)set -e; for s in $(BENCH_SETS); do \
		if [ "$$s" = mixed ]; then \
			$(BUILD)/bench-mixed --time-limit $(TIME_LIMIT) \
			    --out bench/results/mixed.csv; \
			continue; \
		fi; \
		$(BUILD)/bench-solver --set $$s --time-limit $(TIME_LIMIT) \
		    --x-limit-small $(BENCH_X_SMALL) \
		    --x-limit-large $(BENCH_X_LARGE) \
		    --out bench/results/$$s.csv $(BENCH_ARGS); \
	done

COMPARE_REV ?=
COMPARE_ARGS ?=
compare-outputs: $(BUILD)/postrouted
	$(Q)bash bench/compare-outputs.sh $(if $(COMPARE_REV),-r $(COMPARE_REV)) \
	    --new '$(abspath $(BUILD))/postrouted' $(COMPARE_ARGS)

# ---- install, uninstall, clean -------------------------------------------------

.PHONY: install install-daemon install-files install-daemon-files \
	install-lib-files uninstall clean
UNIT_FILES := $(wildcard systemd/*.service)
SYSUSERS_FILES := $(wildcard systemd/*.sysusers)
CONF_FILES := $(wildcard config/*.conf)
REGION_FILES := $(wildcard config/regions/*.json)
MAN5 := $(wildcard docs/*.5)
MAN8 := $(wildcard docs/*.8)
WEB_FILES := $(shell find web -type f 2>/dev/null)

# install builds everything, then copies; install-daemon (what the Debian
# package takes) builds and copies the daemon's files only, without
# libpostroute.a and its headers. install-files copies what is built.
install: all
	$(Q)$(MAKE) --no-print-directory install-files
install-daemon: daemon
	$(Q)$(MAKE) --no-print-directory install-daemon-files
install-files: install-daemon-files install-lib-files

# Configuration already on the target is left alone; the region files are
# data (PKGDATADIR), replaced like the binary. systemd-sysusers creates the
# service user at once when installing to this system as root (the package
# runs it from its postinst; otherwise it runs at the next boot).
install-daemon-files:
	$(Q)install -d '$(DESTDIR)$(BINDIR)'
	$(Q)install -m 755 $(BUILD)/postrouted '$(DESTDIR)$(BINDIR)/'
	$(Q)set -e; for f in $(UNIT_FILES); do \
		install -d '$(DESTDIR)$(UNITDIR)'; \
		sed -e 's|@BINDIR@|$(BINDIR)|g' \
		    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' "$$f" \
		    > '$(DESTDIR)$(UNITDIR)'/"$${f##*/}"; \
		chmod 644 '$(DESTDIR)$(UNITDIR)'/"$${f##*/}"; \
	done
	$(Q)set -e; for f in $(SYSUSERS_FILES); do \
		n=$${f##*/}; install -d '$(DESTDIR)$(SYSUSERSDIR)'; \
		install -m 644 "$$f" '$(DESTDIR)$(SYSUSERSDIR)'/"$${n%.sysusers}.conf"; \
	done
	$(Q)set -e; for f in $(CONF_FILES); do \
		d='$(DESTDIR)$(SYSCONFDIR)/postroute'/"$${f#config/}"; \
		install -d "$${d%/*}"; \
		if [ -e "$$d" ]; then echo "install: keeping $$d"; \
		else install -m 644 "$$f" "$$d"; fi; \
	done
	$(Q)set -e; for f in $(REGION_FILES); do \
		install -d '$(DESTDIR)$(PKGDATADIR)/regions'; \
		install -m 644 "$$f" '$(DESTDIR)$(PKGDATADIR)/regions/'; \
	done
	$(Q)set -e; for f in $(MAN5); do \
		install -d '$(DESTDIR)$(MANDIR)/man5'; \
		install -m 644 "$$f" '$(DESTDIR)$(MANDIR)/man5/'; \
	done
	$(Q)set -e; for f in $(WEB_FILES); do \
		d='$(DESTDIR)$(WEBDIR)'/"$${f#web/}"; \
		install -d "$${d%/*}"; install -m 644 "$$f" "$$d"; \
	done
	$(Q)set -e; for f in $(MAN8); do \
		install -d '$(DESTDIR)$(MANDIR)/man8'; \
		install -m 644 "$$f" '$(DESTDIR)$(MANDIR)/man8/'; \
	done
	$(Q)if [ -z '$(DESTDIR)' ] && [ "$$(id -u)" = 0 ] && \
	    command -v systemd-sysusers >/dev/null; then \
		for f in $(SYSUSERS_FILES); do n=$${f##*/}; \
		    systemd-sysusers '$(SYSUSERSDIR)'/"$${n%.sysusers}.conf"; done; \
	fi
	$(Q)if [ -e '$(DESTDIR)$(SYSCONFDIR)/postroute/regions' ]; then \
		echo "install: the region files are now in $(PKGDATADIR)/regions;" \
		    "$(SYSCONFDIR)/postroute/regions (an older install) takes" \
		    "precedence while it exists: make uninstall removes it if unchanged"; \
	fi

install-lib-files:
	$(Q)install -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)/postroute'
	$(Q)install -m 644 $(LIB) '$(DESTDIR)$(LIBDIR)/'
	$(Q)install -m 644 include/postroute/*.h \
	    '$(DESTDIR)$(INCLUDEDIR)/postroute/'

# Removes what install put there, with the same PREFIX and DESTDIR. A
# configuration file that differs from the shipped one is kept (as dpkg
# keeps a changed conffile), and so is the postroute system user (as
# Debian does: files may still belong to it; userdel postroute removes it).
# Region files that an older install put under SYSCONFDIR go when unchanged.
uninstall:
	$(Q)rm -f '$(DESTDIR)$(BINDIR)/postrouted' \
	    '$(DESTDIR)$(LIBDIR)/libpostroute.a'
	$(Q)rm -rf '$(DESTDIR)$(INCLUDEDIR)/postroute' '$(DESTDIR)$(PKGDATADIR)'
	$(Q)for f in $(UNIT_FILES); do rm -f '$(DESTDIR)$(UNITDIR)'/"$${f##*/}"; done
	$(Q)for f in $(SYSUSERS_FILES); do n=$${f##*/}; \
		rm -f '$(DESTDIR)$(SYSUSERSDIR)'/"$${n%.sysusers}.conf"; done
	$(Q)for f in $(MAN5); do rm -f '$(DESTDIR)$(MANDIR)/man5'/"$${f##*/}"; done
	$(Q)for f in $(MAN8); do rm -f '$(DESTDIR)$(MANDIR)/man8'/"$${f##*/}"; done
	$(Q)for f in $(CONF_FILES) $(REGION_FILES); do \
		d='$(DESTDIR)$(SYSCONFDIR)/postroute'/"$${f#config/}"; \
		[ -e "$$d" ] || continue; \
		if cmp -s "$$f" "$$d"; then rm -f "$$d"; \
		else echo "uninstall: keeping $$d (changed)"; fi; \
	done
	$(Q)rmdir '$(DESTDIR)$(SYSCONFDIR)/postroute/regions' 2>/dev/null || true
	$(Q)rmdir '$(DESTDIR)$(SYSCONFDIR)/postroute' 2>/dev/null || true

clean:
	rm -rf $(sort build build-san build-tsan $(BUILD))

# ---- more targets, one file per part of the project (mk/*.mk) ---------------

include $(wildcard mk/*.mk)
