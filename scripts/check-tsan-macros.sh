#!/usr/bin/env bash
# check-tsan-macros.sh: every Criterion macro the unit tests use is also in tests/tsan/criterion/ (the stand-in the ThreadSanitizer build compiles them against), so that make check, not a later make check-tsan, says which one is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
used=$(grep -oh '\bcr_[a-z_]*' tests/unit/*.c | sort -u)
defined=$(grep -oh 'define cr_[a-z_]*' tests/tsan/criterion/*.h | sed 's/^define //' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$defined"))
if [ -n "$missing" ]; then
	echo "check-tsan-macros: tests/unit uses Criterion macros that tests/tsan/criterion/criterion.h lacks (add them there):" $missing >&2
	exit 1
fi
echo "check-tsan-macros: the $(printf '%s\n' "$used" | wc -l) Criterion macros of tests/unit are all in tests/tsan/criterion"
