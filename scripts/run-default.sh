#!/usr/bin/env bash
# The main job on the embedded default: train BAM on Fashion-MNIST, then evaluate it (k-NN and
# linear probe beside a random encoder and raw pixels). Extra arguments go to `bam local`.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$REPO_ROOT/scripts/lib/setup.sh"
prepare_machine
say "building the bam CLI (Release)"
dotnet build "$REPO_ROOT/src/BamOrleans.Cli" -c Release --no-restore --verbosity quiet -nologo
exec dotnet "$REPO_ROOT/src/BamOrleans.Cli/bin/Release/net10.0/bam.dll" local "$@"
