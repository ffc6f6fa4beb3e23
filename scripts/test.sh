#!/usr/bin/env bash
# Runs every test of the solution after the same idempotent set-up as the main job.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$REPO_ROOT/scripts/lib/setup.sh"
prepare_machine
# Only the tests need Azurite (the blob-store tests run against it); the main job does not.
ensure_azurite
say "building the solution (Release)"
dotnet build "$REPO_ROOT/BamOrleans.sln" -c Release --no-restore --verbosity quiet -nologo
# The deployment is checked as far as this machine can: the Kubernetes manifests render and lint,
# the Bicep compiles and lints, the images' CPU build steps publish programs that start, and the
# scripts pass shellcheck. Each installs what it needs, idempotently.
bash "$REPO_ROOT/scripts/check-deploy.sh"
bash "$REPO_ROOT/scripts/check-infra.sh"
bash "$REPO_ROOT/scripts/check-image.sh"
results=$(mktemp -d)
set +e
dotnet test "$REPO_ROOT/BamOrleans.sln" -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" "$@"
status=$?
set -e
# One closing line over all test projects, counted from the result files.
count() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'; }
echo "tests: $(count passed) passed, $(( $(count failed) + $(count error) )) failed, $(count notExecuted) skipped"
rm -rf "$results"
exit $status
