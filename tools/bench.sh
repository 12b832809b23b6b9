#!/usr/bin/env bash
# Runs the benchmark suite (bench/Weaver.Benchmarks) and writes bench/results/:
#   *-report-github.md, *-report.csv   BenchmarkDotNet's reports, one per benchmark class
#   bench-info.jsonl                   facts measured at setup (guard checks per op, weave sizes, peak working set)
#   policy-sweep.png, driver-overhead.png, SUMMARY.md   drawn/written by bench/Charts from the CSVs
#
#   bash tools/bench.sh            full suite (BenchmarkDotNet default job; long: an hour or more on 2 cores)
#   bash tools/bench.sh --short    quick look (short job, 100 ms iterations, fewer sweep sizes; ~10 min on 2 cores)
#   Extra arguments go to BenchmarkDotNet, e.g.  bash tools/bench.sh --short --filter '*PolicySweep*'
#   bash tools/bench.sh --interleaved [--short]   driver overhead in one process, rounds interleaved, median + 95% CI
#                                                 (bench/results/driver-interleaved.md)
#   bash tools/bench.sh --verifier                load-time verifier throughput (MB of IL/s, ms per module) on the
#                                                 woven driver and woven Newtonsoft.Json (bench/results/verifier.md)
#   bash tools/bench.sh --kcr [--short]           KCR latencies and subsystem table in one process, interleaved,
#                                                 medians, hit path counted (bench/results/kcr.md)
#   bash tools/bench.sh --suggest                 what weaver suggest finds and --memoize auto gains on real assemblies
#                                                 (bench/results/suggest.md, linked from SUMMARY.md)
#   bash tools/bench.sh --instructions            instructions per frame per variant under cachegrind, two run
#                                                 lengths subtracted (bench/results/driver-instructions.md)
set -euo pipefail
cd "$(dirname "$0")/.."

bench_dll=bench/Weaver.Benchmarks/bin/Release/net10.0/Weaver.Benchmarks.dll
case "${1:-}" in
  --verifier)
    dotnet build bench/Weaver.Benchmarks/Weaver.Benchmarks.csproj -c Release -nologo -v quiet
    exec dotnet "$bench_dll" verifier --out bench/results/verifier.md
    ;;
  --interleaved)
    shift
    [[ "${1:-}" == --short ]] && export WEAVER_BENCH_SHORT=1
    dotnet build bench/Weaver.Benchmarks/Weaver.Benchmarks.csproj -c Release -nologo -v quiet
    mkdir -p bench/results
    dotnet build bench/Charts/Charts.csproj -c Release -nologo -v quiet
    export WEAVER_BENCH_INFO="$PWD/bench/results/bench-info.jsonl"
    dotnet "$bench_dll" interleaved --out bench/results/driver-interleaved.md
    dotnet bench/Charts/bin/Release/net10.0/Charts.dll bench/results "$WEAVER_BENCH_INFO"
    exit 0
    ;;
  --kcr)
    shift
    [[ "${1:-}" == --short ]] && export WEAVER_BENCH_SHORT=1
    dotnet build bench/Weaver.Benchmarks/Weaver.Benchmarks.csproj -c Release -nologo -v quiet
    mkdir -p bench/results
    exec dotnet "$bench_dll" kcr --out bench/results/kcr.md
    ;;
  --suggest)
    # What weaver suggest finds and --memoize auto gains on the driver, the KCR samples and real libraries.
    dotnet build bench/Weaver.Benchmarks/Weaver.Benchmarks.csproj -c Release -nologo -v quiet
    mkdir -p bench/results
    exec dotnet "$bench_dll" suggest --out bench/results/suggest.md
    ;;
  --instructions)
    if ! command -v valgrind >/dev/null; then
      echo "installing valgrind (Debian package) for cachegrind"
      (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
    fi
    dotnet build bench/Weaver.Benchmarks/Weaver.Benchmarks.csproj -c Release -nologo -v quiet
    dotnet build bench/Charts/Charts.csproj -c Release -nologo -v quiet
    mkdir -p bench/results
    info="$PWD/bench/results/bench-info.jsonl"
    # Weave every copy first, outside cachegrind: a copy woven inside the first (short) run would count the weave.
    for variant in Unwoven GuardsAllowAll GuardsPolicy Counting; do
      dotnet "$bench_dll" count --variant "$variant" --bursts 1 >/dev/null
    done
    # Dynamic checks per burst (and those that leave the fast path), on the counting copy: the divisors below.
    checks=$(dotnet "$bench_dll" count --variant Counting --bursts 200 | sed -n 's/^checks per burst: //p')
    # Steady counts: no tiering (methods JIT once, straight to optimized code), no concurrent GC and a fixed gen0
    # budget (collections happen at the same points), W^X off (valgrind needs it).
    export DOTNET_TieredCompilation=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x4000000 DOTNET_EnableWriteXorExecute=0
    short_run=20 long_run=220 frames=64
    out=bench/results/driver-instructions.md
    irefs() { # variant bursts -> total instructions executed
      valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        dotnet "$bench_dll" count --variant "$1" --bursts "$2" 2>&1 >/dev/null | awk '/I *refs:/ {gsub(",", "", $NF); print $NF}'
    }
    put() { printf '{"key":"%s","value":%s,"note":%s}\n' "$1" "$2" "${3:-null}" >> "$info"; }
    total=$(sed -n 's/.*total=\([0-9.]*\).*/\1/p' <<< "$checks")
    slow=$(sed -n 's/.*slow=\([0-9.]*\).*/\1/p' <<< "$checks")
    put driver.instructions.checks_per_burst "$total" "\"$checks\""
    put driver.instructions.slow_checks_per_burst "$slow"
    {
      echo "Instructions per frame under cachegrind (tiering off, gen0 fixed, concurrent GC off), $long_run minus $short_run bursts of $frames frames."
      echo "Dynamic checks per 64-frame burst (counting copy): $checks."
      echo
      echo "| variant | instructions per frame | ratio vs unwoven |"
      echo "|---|---:|---:|"
    } > "$out"
    base=""
    for variant in Unwoven GuardsAllowAll GuardsPolicy; do
      a=$(irefs "$variant" $short_run); b=$(irefs "$variant" $long_run)
      per_frame=$(( (b - a) / ((long_run - short_run) * frames) ))
      [[ -z "$base" ]] && base=$per_frame
      ratio=$(awk -v x="$per_frame" -v y="$base" 'BEGIN { printf "%.3f", x / y }')
      echo "| $variant | $per_frame | ${ratio}x |" >> "$out"
      put "driver.instructions.$variant.per_frame" "$per_frame"
    done
    cat "$out"
    dotnet bench/Charts/bin/Release/net10.0/Charts.dll bench/results "$info"
    exit 0
    ;;
esac

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
