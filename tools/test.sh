#!/usr/bin/env bash
# Runs every test project of Weaver.sln and ends with one line "N passed, N failed" summed over all of them.
# Usage: bash tools/test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test Weaver.sln -c Release -nodeReuse:false "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one summary per test project: "Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42".
passed=$(grep -E '^(Passed|Failed)! +- ' "$log" | grep -oE 'Passed: +[0-9]+' | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^(Passed|Failed)! +- ' "$log" | grep -oE 'Failed: +[0-9]+' | awk '{s+=$2} END {print s+0}')
skipped=$(grep -E '^(Passed|Failed)! +- ' "$log" | grep -oE 'Skipped: +[0-9]+' | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status before all tests ran (build error or crashed test host); see above." >&2
fi
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
exit "$status"
