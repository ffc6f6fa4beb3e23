#!/usr/bin/env bash
# Compiles and lints the Bicep under infra/ without Azure: `bicep build` on main.bicep,
# `bicep build-params` on each infra/params/*.bicepparam and `bicep lint`; any warning fails.
# The Bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored by the
# restore-only project tools/bicep/ and copied once into the git-ignored .tools/bicep/.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
BICEP_VERSION=0.49.2
PACKAGE=azure.bicep.commandline.linux-x64
TOOL_DIR="$REPO_ROOT/.tools/bicep"
BICEP="$TOOL_DIR/bicep"

say() { printf '[check-infra] %s\n' "$*"; }

ensure_bicep() {
  if [ -x "$BICEP" ] && [[ "$("$BICEP" --version 2>/dev/null)" == *"$BICEP_VERSION"* ]]; then
    return 0
  fi
  say "getting the Bicep CLI $BICEP_VERSION (NuGet $PACKAGE) into .tools/bicep/"
  dotnet restore "$REPO_ROOT/tools/bicep/bicep-download.csproj" --nologo --verbosity quiet
  local cache
  cache=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
  local source="$cache/$PACKAGE/$BICEP_VERSION/tools/bicep"
  if [ ! -f "$source" ]; then
    say "error: the restore did not leave $source" >&2
    exit 1
  fi
  mkdir -p "$TOOL_DIR"
  cp "$source" "$BICEP.tmp"
  chmod 0755 "$BICEP.tmp"
  mv "$BICEP.tmp" "$BICEP"
}

# Runs a bicep command; its diagnostics go to stderr, and any warning or error fails the check.
run_bicep() {
  local log
  log=$(mktemp)
  local status=0
  "$BICEP" "$@" 2>"$log" >/dev/null || status=$?
  sed "s|$REPO_ROOT/||" "$log" >&2
  if [ "$status" -ne 0 ] || grep -E ' : (Warning|Error) ' "$log" >/dev/null; then
    rm -f "$log"
    say "FAILED: bicep $1 ${2#"$REPO_ROOT"/}" >&2
    return 1
  fi
  rm -f "$log"
}

ensure_bicep
# No telemetry, no update checks: the check must not need the network.
export BICEP_TELEMETRY_ENABLED=false
say "$("$BICEP" --version)"

failed=0
say "bicep build infra/main.bicep"
run_bicep build "$REPO_ROOT/infra/main.bicep" --stdout || failed=1
say "bicep lint infra/main.bicep (and its modules)"
run_bicep lint "$REPO_ROOT/infra/main.bicep" || failed=1
for params in "$REPO_ROOT"/infra/params/*.bicepparam; do
  say "bicep build-params infra/params/$(basename "$params")"
  run_bicep build-params "$params" --stdout || failed=1
done

if [ "$failed" -ne 0 ]; then
  say "infra check failed"
  exit 1
fi
say "infra check passed: main.bicep, its modules and $(find "$REPO_ROOT/infra/params" -name '*.bicepparam' | wc -l) parameter files compile with no warnings"
