#!/usr/bin/env bash
# reliability-valgrind.sh: daemon-events.sh (events in, dead letters, plans, HTTP, SIGTERM) with postrouted under valgrind memcheck: 0 errors, 0 definite leaks. make check-valgrind runs every integration test so.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v valgrind >/dev/null; then
	echo "reliability-valgrind: SKIP: valgrind is not installed (scripts/deps.sh installs it)" >&2
	exit 0
fi
# Not inside the sanitizer build: ASan and memcheck do not mix.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	echo "reliability-valgrind: SKIP under AddressSanitizer (make check runs it)" >&2
	exit 0
fi
exec bash "$ROOT/scripts/check-valgrind.sh" "$ROOT/tests/integration/daemon-events.sh"
