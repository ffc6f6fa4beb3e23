#!/usr/bin/env bash
# Runs every test of the solution after the same idempotent set-up as the main job.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$REPO_ROOT/scripts/lib/setup.sh"
ensure_dotnet
ensure_libstdcxx
ensure_fashion_mnist
nuget_restore
say "building the solution (Release)"
dotnet build "$REPO_ROOT/BamOrleans.sln" -c Release --no-restore --verbosity quiet -nologo
results=$(mktemp -d)
set +e
dotnet test "$REPO_ROOT/BamOrleans.sln" -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" "$@"
status=$?
set -e
# One closing line over all test projects, counted from the result files.
python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
rm -rf "$results"
exit $status
