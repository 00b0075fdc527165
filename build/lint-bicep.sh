#!/usr/bin/env bash
# Compiles and lints every Bicep file of the repository with the pinned Bicep CLI, and fails on any
# diagnostic at all: errors, warnings (compiler BCPxxx warnings included) and infos.
# `bicep lint` alone exits 0 on warnings; infra/bicepconfig.json raises the linter rules to errors and
# this script treats every printed diagnostic as a failure.
# The CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored by
# tools/bicep/BicepCli.csproj; works offline once the package is in the NuGet cache).
set -uo pipefail
cd "$(dirname "$0")/.."

bicep_version=0.49.2
if ! dotnet restore tools/bicep/BicepCli.csproj --nologo -v:q >/dev/null; then
  echo "lint-bicep: restoring the Bicep CLI failed (dotnet restore tools/bicep/BicepCli.csproj)" >&2
  exit 2
fi
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/azure.bicep.commandline.linux-x64/$bicep_version/tools/bicep"
if [ ! -f "$bicep" ]; then
  echo "lint-bicep: Bicep CLI not found at $bicep after restore" >&2
  exit 2
fi
[ -x "$bicep" ] || chmod u+x "$bicep"

mapfile -t files < <(find . \( -name .git -o -name bin -o -name obj -o -name node_modules \) -prune -o \
  -type f \( -name '*.bicep' -o -name '*.bicepparam' \) -print | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "lint-bicep: no .bicep or .bicepparam files found" >&2
  exit 2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
# Runs one CLI command; any output (the CLI prints nothing on a clean file) or a non-zero exit fails.
check() {
  local log="$out/log"
  "$bicep" "$@" >"$log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ] || [ -s "$log" ]; then
    echo "lint-bicep: 'bicep $*' reported (exit $rc):" >&2
    cat "$log" >&2
    failed=1
  fi
}
for file in "${files[@]}"; do
  case "$file" in
    *.bicepparam) check build-params "$file" --outfile "$out/params.json" ;;
    *) check build "$file" --outdir "$out" ;;
  esac
  check lint "$file"
done

if [ $failed -ne 0 ]; then
  echo "lint-bicep: FAILED" >&2
  exit 1
fi
echo "lint-bicep: ${#files[@]} files built and linted with Bicep $bicep_version, no diagnostics"
