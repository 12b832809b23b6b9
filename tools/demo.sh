#!/usr/bin/env bash
# The README's main job: build the kernel model, the e1000e driver and the hostile modules, weave the modules with
# the weaver CLI, verify them, and run the demo (traffic through the woven driver, hostile modules stopped, cache hits).
# Usage: bash tools/demo.sh [--frames N]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

modules=(E1000e Hostile.RootCred Hostile.ConfigFlip Hostile.ArrayScribble Hostile.DmaOverrun Hostile.CrossModule
         Hostile.GuardOff Hostile.SwitchTo Benign.Stats KcrSamples)
# Modules the weaver must refuse: their weave fails, the error is kept for the demo to show.
refused=(Hostile.GuardOff Hostile.SwitchTo)
is_refused() { local r; for r in "${refused[@]}"; do [[ "$r" == "$1" ]] && return 0; done; return 1; }
project_of() {
  case "$1" in
    E1000e|KcrSamples) echo "src/DriverSamples/$1/$1.csproj" ;;
    *) echo "src/DriverSamples/Hostile/$1/$1.csproj" ;;
  esac
}

echo "== building the weaver, the kernel model and the modules (Release)"
dotnet build src/Weaver/Weaver.Cli/Weaver.Cli.csproj -c Release -nodeReuse:false -v:q -nologo
dotnet build src/DriverSamples/KernelDemo/KernelDemo.csproj -c Release -nodeReuse:false -v:q -nologo
for m in "${modules[@]}"; do dotnet build "$(project_of "$m")" -c Release -nodeReuse:false -v:q -nologo; done

out=out/demo
rm -rf "$out"; mkdir -p "$out/unwoven" "$out/woven"
weaver="dotnet src/Weaver/Weaver.Cli/bin/Release/net10.0/weaver.dll"
for m in "${modules[@]}"; do
  bin="$(dirname "$(project_of "$m")")/bin/Release/net10.0"
  cp "$bin"/*.dll "$bin"/*.pdb "$out/unwoven/" 2>/dev/null || true
done
cp -n "$out"/unwoven/* "$out/woven/"

echo; echo "== weaving (guards before every store; [Memoize] methods wrapped)"
for m in "${modules[@]}"; do
  if is_refused "$m"; then
    rm -f "$out/woven/$m.dll" "$out/woven/$m.pdb"
    if $weaver weave "$out/unwoven/$m.dll" -o "$out/woven/$m.dll" >"$out/woven/$m.weave.log" 2>&1; then
      echo "error: the weaver accepted $m, which it must refuse" >&2; exit 1
    fi
    echo "$m: refused as expected: $(grep -m1 ': error ' "$out/woven/$m.weave.log" | sed 's/.*: error /error /' | cut -c1-160)..."
    continue
  fi
  $weaver weave "$out/unwoven/$m.dll" -o "$out/woven/$m.dll" --report "$out/woven/$m.weave.json"
done
echo; echo "== verifying (JIT forced over every woven method) and inspecting"
for m in "${modules[@]}"; do
  is_refused "$m" && continue
  $weaver verify "$out/woven/$m.dll"
  $weaver inspect "$out/woven/$m.dll" --require-guarded | sed -n '1p;/unguarded stores/p'
done

echo; echo "== running the kernel"
dotnet src/DriverSamples/KernelDemo/bin/Release/net10.0/KernelDemo.dll "$out/woven" "$out/unwoven" "$@"
