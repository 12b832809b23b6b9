#!/usr/bin/env bash
# Runs the benchmark suite (bench/Weaver.Benchmarks) and writes bench/results/:
#   *-report-github.md, *-report.csv   BenchmarkDotNet's reports, one per benchmark class
#   bench-info.jsonl                   facts measured at setup (guard checks per op, weave sizes, peak working set)
#   policy-sweep.png, driver-overhead.png, SUMMARY.md   drawn/written by bench/Charts from the CSVs
#
#   bash tools/bench.sh            full suite (BenchmarkDotNet default job; long: an hour or more on 2 cores)
#   bash tools/bench.sh --short    quick look (short job, 100 ms iterations, fewer sweep sizes; ~10 min on 2 cores)
#   Extra arguments go to BenchmarkDotNet, e.g.  bash tools/bench.sh --short --filter '*PolicySweep*'
set -euo pipefail
cd "$(dirname "$0")/.."

short=0
filter_given=0
extra=()
for arg in "$@"; do
  case "$arg" in
    --short) short=1 ;;
    --filter) filter_given=1; extra+=("$arg") ;;
    *) extra+=("$arg") ;;
  esac
done
[[ $filter_given == 1 ]] || extra+=(--filter '*')

results=bench/results
raw=$results/raw

build() {
  # Others may be mid-edit in the tree: retry a failed build a few times before giving up.
  local project=$1
  for attempt in 1 2 3; do
    if dotnet build "$project" -c Release -nologo -v quiet; then return 0; fi
    echo "build of $project failed (attempt $attempt); retrying in 60 s" >&2
    sleep 60
  done
  return 1
}
build bench/Weaver.Benchmarks/Weaver.Benchmarks.csproj
build bench/Charts/Charts.csproj

rm -rf "$raw"
mkdir -p "$raw"
export WEAVER_BENCH_INFO="$PWD/$raw/bench-info.jsonl"
job=()
if [[ $short == 1 ]]; then
  export WEAVER_BENCH_SHORT=1
  job=(--job short --iterationTime 100)
fi

dotnet bench/Weaver.Benchmarks/bin/Release/net10.0/Weaver.Benchmarks.dll \
  --artifacts "$raw" "${job[@]}" "${extra[@]}" | tee "$raw/console.log"

# A full run replaces every report; a filtered run (--filter) replaces only the classes it ran and appends its setup
# facts (the last value of a key wins), so one class can be re-run without losing the others.
if [[ $filter_given == 0 ]]; then
  rm -f "$results"/*-report-github.md "$results"/*-report.csv "$results"/*.png "$results"/.short "$results"/.mixed "$results/bench-info.jsonl"
  if [[ $short == 1 ]]; then touch "$results/.short"; fi
elif [[ -f "$results/.short" && $short == 0 ]] || [[ ! -f "$results/.short" && ! -f "$results/.mixed" && $short == 1 ]]; then
  # A filtered re-run in the other mode: the folder now holds both kinds of report, and SUMMARY.md says so.
  rm -f "$results/.short"; touch "$results/.mixed"
fi
cp "$raw"/results/*-report-github.md "$raw"/results/*-report.csv "$results"/
cat "$raw/bench-info.jsonl" >> "$results/bench-info.jsonl" 2>/dev/null || true
dotnet bench/Charts/bin/Release/net10.0/Charts.dll "$results" "$results/bench-info.jsonl"
echo "results in $results (SUMMARY.md)"
