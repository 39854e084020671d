# mk/package.mk: the Debian package (included by the Makefile).
#
#   make deb      copies the source tree to build/deb/postroute-VERSION/, runs
#                 dpkg-buildpackage -us -uc -b there (debian/rules), then
#                 lintian; the results are in build/deb/:
#                 postroute_VERSION_amd64.deb, its .changes and .buildinfo,
#                 the -dbgsym package and lintian.txt.
#
# DEB_JOBS: parallel build jobs (default 2: the machine is shared).
# The copy keeps dpkg-buildpackage's output (it writes to the parent
# directory of the tree) and its clean step out of the working tree. It
# has no .git: .revision in it tells the build which commit it is
# (postroute_build_info).

DEB_JOBS ?= 2
DEB_DIR := build/deb
PR_VERSION_NOW = $(shell sed -n 's/^\#define PR_VERSION "\(.*\)"/\1/p' \
	include/postroute/postroute.h)

.PHONY: deb
deb:
	$(Q)command -v dpkg-buildpackage >/dev/null || \
	    { echo "deb: dpkg-buildpackage is missing: make deps (dpkg-dev," \
	    "debhelper, fakeroot, lintian)" >&2; exit 1; }
	$(Q)set -e; v='$(PR_VERSION_NOW)'; src='$(DEB_DIR)'/postroute-$$v; \
	rm -rf '$(DEB_DIR)'; mkdir -p "$$src"; \
	tar -cf - --exclude=./build --exclude=./build-san --exclude=./build-tsan \
	    --exclude=./run \
	    --exclude=./.git --exclude='./tests/fuzz/corpus*' . | \
	    tar -xf - -C "$$src"; \
	{ [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
	    git describe --always --dirty --abbrev=12 --exclude='*'; } \
	    >"$$src/.revision" 2>/dev/null || rm -f "$$src/.revision"; \
	echo "  DEB     $(DEB_DIR)/postroute_$${v}_$$(dpkg --print-architecture).deb"; \
	(cd "$$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u WERROR -u BUILD DEB_BUILD_OPTIONS="parallel=$(DEB_JOBS) $$DEB_BUILD_OPTIONS" \
	    nice dpkg-buildpackage -us -uc -b) >'$(DEB_DIR)'/build.log 2>&1 || \
	    { tail -n 30 '$(DEB_DIR)'/build.log >&2; \
	      echo "deb: dpkg-buildpackage failed: $(DEB_DIR)/build.log" >&2; exit 1; }; \
	rm -rf "$$src"; \
	if command -v lintian >/dev/null; then \
		echo "  LINTIAN $(DEB_DIR)/postroute_$${v}_$$(dpkg --print-architecture).changes"; \
		lintian --display-info --pedantic \
		    '$(DEB_DIR)'/postroute_$${v}_*.changes \
		    >'$(DEB_DIR)'/lintian.txt 2>&1 || true; \
		cat '$(DEB_DIR)'/lintian.txt; \
		if grep -q '^E: ' '$(DEB_DIR)'/lintian.txt; then \
			echo "deb: lintian reports errors" >&2; exit 1; fi; \
	else echo "deb: lintian is not installed: not checked" >&2; fi
