#!/usr/bin/env bash
# Checks of the deployment files, for CI: every kustomize overlay renders (kubectl kustomize),
# deploy/ and .yamllint pass yamllint, and every shell script passes shellcheck. Installs the
# tools first when missing (Debian packages), like the other scripts' set-up.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/setup.sh
source "$REPO_ROOT/scripts/lib/setup.sh"
ensure_deploy_tools

failed=0
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT

for overlay in "$REPO_ROOT"/deploy/overlays/*/; do
  name=$(basename "$overlay")
  # Deprecation warnings of newer kustomize go to stderr; a failure to render is the exit status.
  if kubectl kustomize "$overlay" >"$rendered/$name.yaml" 2>"$rendered/$name.err"; then
    say "deploy/overlays/$name renders: $(grep -c '^kind:' "$rendered/$name.yaml") objects"
  else
    say "FAILED: deploy/overlays/$name does not render:"
    cat "$rendered/$name.err" >&2
    failed=1
  fi
done

if yamllint --strict -c "$REPO_ROOT/.yamllint" "$REPO_ROOT/deploy" "$REPO_ROOT/.yamllint"; then
  say "yamllint: deploy/ is clean"
else
  say "FAILED: yamllint found problems in deploy/ (above)"
  failed=1
fi

mapfile -t scripts < <(find "$REPO_ROOT/scripts" -name '*.sh' -type f | sort)
# -x: follow the `source`d set-up file, so its functions count as defined.
if (cd "$REPO_ROOT" && shellcheck -x "${scripts[@]#"$REPO_ROOT"/}"); then
  say "shellcheck: ${#scripts[@]} scripts clean"
else
  say "FAILED: shellcheck found problems in scripts/ (above)"
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  say "deploy checks FAILED"
  exit 1
fi
say "deploy checks passed"
