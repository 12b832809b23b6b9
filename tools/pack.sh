#!/usr/bin/env bash
# Packs what a user outside this repository needs into a local NuGet feed (a folder of .nupkg files):
#   Weaver.MSBuild (weaves on build), Weaver.Tool (the 'weaver' CLI), and the runtimes the woven code calls
#   (GuardRuntime, GuardRuntime.Abi, KcrRuntime, KcrRuntime.Abi), all with one version.
# Then, in any project:  dotnet add package Weaver.MSBuild --version <version> --source <feed>
#
# Usage: bash tools/pack.sh [--output DIR] [--version VERSION] [--configuration Release|Debug] [--no-build]
#   --output DIR      the feed folder (default: artifacts/feed); created if needed, existing packages kept
#   --version V       the package version (default: 0.1.0)
#   --no-build        pack what the last build of that configuration produced (the tests use this)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

output=artifacts/feed version=0.1.0 configuration=Release build=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output|-o) output=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --configuration|-c) configuration=$2; shift 2 ;;
    --no-build) build=(--no-build); shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pack.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$output"
output=$(cd "$output" && pwd)

# One solution file lists the packable projects, so that one dotnet invocation packs them all. The engine is
# listed too (its package is not needed): a project outside the solution would be resolved in the default
# configuration by the tool's publish step.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/pack.slnx" <<XML
<Solution>
  <Project Path="$root/src/GuardRuntime/Abi/GuardRuntime.Abi.csproj" />
  <Project Path="$root/src/GuardRuntime/Host/GuardRuntime.csproj" />
  <Project Path="$root/src/KcrRuntime/Abi/KcrRuntime.Abi.csproj" />
  <Project Path="$root/src/KcrRuntime/Host/KcrRuntime.csproj" />
  <Project Path="$root/src/Weaver/Weaver.MSBuild/Weaver.MSBuild.csproj" />
  <Project Path="$root/src/Weaver/Weaver.Cli/Weaver.Cli.csproj" />
  <Project Path="$root/src/Weaver/Weaver.Engine/Weaver.Engine.csproj" />
</Solution>
XML
dotnet pack "$work/pack.slnx" -c "$configuration" "${build[@]}" -nodeReuse:false -tl:off -v:q \
  "-p:Version=$version" "-p:NuspecOutputPath=$work/nuspec/" -o "$output"

# The engine is bundled inside Weaver.MSBuild and Weaver.Tool; its own package is not part of the feed.
rm -f "$output/Weaver.Engine.$version.nupkg"

# A self-contained feed: the third-party packages ours depend on (System.IO.Hashing) are copied in from the NuGet
# global packages folder, where restoring this repository put them, so 'dotnet add package --source <feed>' (which
# restores from that feed alone) finds every dependency.
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
for nupkg in "$output"/*."$version".nupkg; do
  unzip -p "$nupkg" '*.nuspec' | { grep -o '<dependency id="[^"]*" version="[^"]*"' || true; } | sed 's/<dependency id="\([^"]*\)" version="\([^"]*\)"/\1 \2/'
done | sort -u | while read -r id dep_version; do
  case "$id" in GuardRuntime|GuardRuntime.Abi|KcrRuntime|KcrRuntime.Abi) continue ;; esac
  lower=$(echo "$id" | tr '[:upper:]' '[:lower:]')
  source="$packages/$lower/$dep_version/$lower.$dep_version.nupkg"
  [ -f "$source" ] || { echo "pack.sh: dependency $id $dep_version is not in $packages (restore the repository first)" >&2; exit 1; }
  cp "$source" "$output/"
done

missing=0
for id in GuardRuntime.Abi GuardRuntime KcrRuntime.Abi KcrRuntime Weaver.MSBuild Weaver.Tool; do
  [ -f "$output/$id.$version.nupkg" ] || { echo "pack.sh: $id.$version.nupkg was not produced" >&2; missing=1; }
done
[ "$missing" -eq 0 ] || exit 1
echo "Feed: $output (version $version)"
echo "Use:  dotnet add package Weaver.MSBuild --version $version --source $output"
