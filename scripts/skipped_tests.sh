#!/usr/bin/env bash
# Lists the tests of the last ctest run that were skipped, each with the reason it printed
# (GTEST_SKIP() << "..."), read from ctest's own log. ctest itself only says "Skipped".
# Usage: scripts/skipped_tests.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
log="${1:-build/release}/Testing/Temporary/LastTest.log"
[ -f "$log" ] || { echo "no ctest log at $log" >&2; exit 1; }
awk '
  /^[0-9]+\/[0-9]+ Test: / { name = $0; sub(/^[0-9]+\/[0-9]+ Test: /, "", name); reason = ""; want = 0; next }
  want == 1 { reason = $0; want = 0; next }
  /: Skipped$/ || /^Skipped$/ { want = 1; next }
  /\[  SKIPPED \]/ && name != "" { if (!(name in seen)) { seen[name] = 1; n++; print "  " name ": " (reason == "" ? "(no reason printed)" : reason) } }
  END { if (n > 0) printf "%d test(s) skipped (reasons above)\n", n; else print "no test skipped" }
' "$log"
