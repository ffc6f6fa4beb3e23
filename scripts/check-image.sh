#!/usr/bin/env bash
# Exercises the Dockerfile's CPU build without a Docker engine: copies the same build context the
# Dockerfile copies (Directory.*.props, BamOrleans.sln, src/) into a temporary folder, runs the
# Dockerfile's restore and publish commands there with the same flags, and checks that both
# published programs start (`bam-silo --help`, `bam --help`). A fresh copy, as in the image build,
# so stale bin/ and obj/ folders of this checkout can neither help nor break it.
# Usage: scripts/check-image.sh            (keeps nothing; set KEEP=1 to keep the folder)
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
TORCH=cpu
say() { printf '[check-image] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

work=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then say "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi

# The commands below must be the Dockerfile's, character for character (with TORCH=cpu): if one
# was edited there and not here, this check would test something the image does not run.
restore_silo="dotnet restore src/BamOrleans.Silo -p:TorchBackend=$TORCH"
restore_cli="dotnet restore src/BamOrleans.Cli -p:TorchBackend=$TORCH"
publish_silo="dotnet publish src/BamOrleans.Silo -c Release --no-restore -p:TorchBackend=$TORCH -o $work/app/silo"
publish_cli="dotnet publish src/BamOrleans.Cli -c Release --no-restore -p:TorchBackend=$TORCH -o $work/app/bam"
for command in "$restore_silo" "$restore_cli" "$publish_silo" "$publish_cli"; do
  # In the Dockerfile: ${TORCH} for the variant, /app for the output folder.
  in_dockerfile=${command//$work/}
  in_dockerfile=${in_dockerfile//-p:TorchBackend=$TORCH -o/-p:TorchBackend=\$\{TORCH\} -o}
  grep -qF -- "$in_dockerfile" "$REPO_ROOT/Dockerfile" || grep -qF -- "$command" "$REPO_ROOT/Dockerfile" \
    || fail "the Dockerfile no longer runs: $in_dockerfile (update this script to match it)"
done

say "copying the build context (as the Dockerfile's COPY lines) to $work/src"
mkdir -p "$work/src"
cp "$REPO_ROOT/Directory.Build.props" "$REPO_ROOT/Directory.Packages.props" "$REPO_ROOT/BamOrleans.sln" "$work/src/"
cp -r "$REPO_ROOT/src" "$work/src/src"
find "$work/src/src" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +

cd "$work/src"
for command in "$restore_silo" "$restore_cli" "$publish_silo" "$publish_cli"; do
  say "$command"
  $command --verbosity quiet -nologo || fail "$command"
done

# The published apphosts find the runtime through DOTNET_ROOT, as in the image (ENV DOTNET_ROOT
# on the CUDA base, /usr/share/dotnet on Microsoft's runtime image).
if [ -z "${DOTNET_ROOT:-}" ]; then
  DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")
  export DOTNET_ROOT
fi
for program in silo/bam-silo bam/bam; do
  [ -x "$work/app/$program" ] || fail "$program was not published"
  folder=$(dirname "$work/app/$program")
  # The CPU image must carry libtorch itself: TorchSharp-cpu's native libraries beside the program.
  ls "$folder"/libtorch_cpu.so >/dev/null 2>&1 || ls "$folder"/runtimes/linux-x64/native/libtorch_cpu.so >/dev/null 2>&1 \
    || fail "$program: libtorch_cpu.so is missing from the publish folder (TorchSharp-cpu not restored?)"
  say "$(basename "$program") --help"
  (cd "$folder" && "./$(basename "$program")" --help >/dev/null) || fail "$(basename "$program") --help did not exit 0"
done
say "ok: both images' CPU publish steps build, and bam-silo and bam start ($(du -sh "$work/app/silo" | cut -f1) silo, $(du -sh "$work/app/bam" | cut -f1) CLI)"
