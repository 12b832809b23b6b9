#!/usr/bin/env bash
# Counts the load-time verifier's lines of code: non-blank lines of src/GuardRuntime/Host/Verification/*.cs that are
# not comments (// and /// lines, and /* ... */ blocks). The README quotes this count; the test
# tests/GuardRuntime.Tests/Verification/VerifierSizeTests.cs fails when it passes the budget stated there.
#   bash tools/verifier-lines.sh        per-file counts and the total
set -euo pipefail
cd "$(dirname "$0")/.."
total=0
files=0
for f in src/GuardRuntime/Host/Verification/*.cs; do
  n=$(awk '
    { line = $0; sub(/^[ \t]+/, "", line) }
    inblock { if (line ~ /\*\//) inblock = 0; next }
    line == "" { next }
    line ~ /^\/\// { next }
    line ~ /^\/\*/ { if (line !~ /\*\//) inblock = 1; next }
    { n++ }
    END { print n + 0 }' "$f")
  printf '%6d  %s\n' "$n" "$f"
  total=$((total + n))
  files=$((files + 1))
done
echo "verifier: $total lines of code in $files files (src/GuardRuntime/Host/Verification)"
