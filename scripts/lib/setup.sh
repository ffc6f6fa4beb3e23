#!/usr/bin/env bash
# Idempotent machine set-up shared by the README's commands. Each step checks first, installs only
# what is missing, and says what it does. Source this file, then call the ensure_* functions.
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    say "refreshing the Debian package lists (apt-get update)"
    as_root apt-get update -qq
    apt_updated=1
  fi
}

# No early-exiting reader (grep -q, awk exit, head) in a pipeline: under pipefail the writer's
# SIGPIPE would fail the whole pipeline at random.
is_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == *"install ok installed"* ]]; }

ensure_debian_packages() {
  local missing=()
  for p in "$@"; do is_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_update_once
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

libstdcxx_path() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}'
}

# TorchSharp 0.107's native library (libLibTorchSharp.so) is built with GCC 13 and needs
# GLIBCXX_3.4.32 (std::ios_base_library_init). Debian 12 ships GCC 12's libstdc++ (3.4.30).
# Debian 13's libstdc++6 needs Debian 13's glibc, so we install exactly that runtime family from
# trixie, pinned at priority 100 so that no later upgrade pulls anything else from trixie.
ensure_libstdcxx() {
  local lib
  lib=$(libstdcxx_path)
  if [ -n "$lib" ] && grep -qa 'GLIBCXX_3\.4\.32' "$lib"; then
    say "libstdc++ provides GLIBCXX_3.4.32 ($lib): nothing to do"
    return 0
  fi
  if ! grep -q 'VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null; then
    say "ERROR: $lib lacks GLIBCXX_3.4.32, which TorchSharp needs, and this is not Debian 12."
    say "       Install libstdc++6 from GCC 13 or newer (e.g. Ubuntu 24.04 / Debian 13 have it)."
    return 1
  fi
  say "libstdc++ lacks GLIBCXX_3.4.32 (TorchSharp needs it): installing libstdc++6 from Debian 13 (trixie)"
  say "  adding /etc/apt/sources.list.d/trixie-libstdcxx.sources, pinned to priority 100 (never upgrades by itself)"
  as_root tee /etc/apt/sources.list.d/trixie-libstdcxx.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  as_root tee /etc/apt/preferences.d/trixie-libstdcxx.pref >/dev/null <<'PIN'
# BamOrleans: only the packages named explicitly with /trixie come from Debian 13.
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  apt_updated=0
  apt_update_once
  # libstdc++6 (GCC 14) needs glibc >= 2.38; glibc's companions must move with it or apt would
  # remove them. Only packages already installed are upgraded; nothing new is pulled in.
  local pkgs=(libstdc++6 libgcc-s1 gcc-14-base libc6 libc-bin base-files)
  for p in libc6-dev libc-dev-bin locales libc-l10n libc6-dbg libc-devtools dpkg-dev libdpkg-perl; do
    is_installed "$p" && pkgs+=("$p")
  done
  local args=()
  for p in "${pkgs[@]}"; do args+=("$p/trixie"); done
  say "  installing from trixie: ${pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confold "${args[@]}" >/dev/null
  lib=$(libstdcxx_path)
  grep -qa 'GLIBCXX_3\.4\.32' "$lib" || { say "ERROR: $lib still lacks GLIBCXX_3.4.32"; return 1; }
  say "  done: $lib now provides GLIBCXX_3.4.32"
}

# Fashion-MNIST in idx format, from the Debian package, unless the user points --data elsewhere.
ensure_fashion_mnist() {
  local dir=/usr/share/datasets/fashion-mnist
  if [ -f "$dir/train-images-idx3-ubyte.gz" ]; then
    say "Fashion-MNIST present in $dir: nothing to do"
    return 0
  fi
  say "Fashion-MNIST missing: installing Debian package dataset-fashion-mnist"
  ensure_debian_packages dataset-fashion-mnist
}

# The multi-process cluster tests start their own redis-server on a free 127.0.0.1 port (Orleans
# Redis membership). Only the binary is needed: Debian's package also enables a system service,
# which we leave alone — the tests never use it, and we start no service here.
ensure_redis_server() {
  if command -v redis-server >/dev/null; then
    say "redis-server present ($(command -v redis-server)): nothing to do"
    return 0
  fi
  say "redis-server missing (the cluster tests start their own instance): installing Debian package redis-server"
  # policy-rc.d exit 101 tells invoke-rc.d not to start the packaged service during the install.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    created_policy=1
  fi
  ensure_debian_packages redis-server || { [ "$created_policy" -eq 1 ] && as_root rm -f "$policy"; return 1; }
  if [ "$created_policy" -eq 1 ]; then as_root rm -f "$policy"; fi
  command -v redis-server >/dev/null || { say "ERROR: redis-server still not on PATH after installing it"; return 1; }
  say "  done: $(redis-server --version)"
}

# The storage tests start their own Azurite (Microsoft's Azure Storage emulator, an npm package) on a
# free 127.0.0.1 port. It goes into a project-local, git-ignored folder (.tools/azurite), pinned, so
# nothing global changes; the tests find azurite-blob there.
AZURITE_VERSION=3.37.0
ensure_azurite() {
  local dir="$REPO_ROOT/.tools/azurite"
  local bin="$dir/node_modules/.bin/azurite-blob"
  local installed=""
  if [ -f "$dir/node_modules/azurite/package.json" ]; then
    installed=$(node -p "require('$dir/node_modules/azurite/package.json').version" 2>/dev/null || true)
  fi
  if [ -x "$bin" ] && [ "$installed" = "$AZURITE_VERSION" ]; then
    say "azurite $AZURITE_VERSION present ($bin): nothing to do"
    return 0
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "ERROR: node and npm are not on PATH; the storage tests need them to install and run azurite."
    say "       Install Node.js 20 or newer with npm (Debian 12's own nodejs 18 is too old), e.g. from nodesource.com or Debian 13."
    return 1
  fi
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  # azurite 3.37 declares node >= 22 but runs on 20 (the storage tests pass on 20.20).
  if [ "$node_major" -lt 20 ]; then
    say "ERROR: node $(node --version) is too old for azurite $AZURITE_VERSION: install Node.js 20 or newer"
    return 1
  fi
  say "azurite $AZURITE_VERSION missing (the storage tests start their own instance): npm install --prefix $dir azurite@$AZURITE_VERSION"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
  [ -x "$bin" ] || { say "ERROR: $bin still missing after npm install"; return 1; }
  say "  done: $bin"
}

ensure_dotnet() {
  command -v dotnet >/dev/null || { say "ERROR: the .NET 10 SDK (dotnet) is not on PATH; install it first."; return 1; }
}

nuget_restore() {
  say "restoring NuGet packages (dotnet restore)"
  dotnet restore "$REPO_ROOT/BamOrleans.sln" --verbosity quiet
}

# The run reports' figures are drawn with SkiaSharp's self-contained build, which reads fonts from
# /usr/share/fonts itself: DejaVu Sans gives every machine the same labels (none would leave them blank).
ensure_report_fonts() {
  if is_installed fonts-dejavu-core; then
    say "fonts-dejavu-core present (the report figures' labels): nothing to do"
    return 0
  fi
  say "fonts-dejavu-core missing (the report figures' labels): installing it"
  ensure_debian_packages fonts-dejavu-core
}

# The deployment checks (scripts/check-deploy.sh): kubectl renders the kustomize overlays, yamllint
# and shellcheck lint. An existing kubectl (any version) is kept; without one, Debian 12's
# kubernetes-client (kubectl 1.20, kustomize 2.0.3 built in), which deploy/ is written to work with.
ensure_deploy_tools() {
  if command -v kubectl >/dev/null; then
    say "kubectl present ($(command -v kubectl)): nothing to do"
  else
    say "kubectl missing (renders the deploy/ overlays): installing Debian package kubernetes-client"
    ensure_debian_packages kubernetes-client
    command -v kubectl >/dev/null || { say "ERROR: kubectl still not on PATH after installing kubernetes-client"; return 1; }
  fi
  local tool
  for tool in yamllint shellcheck; do
    if command -v "$tool" >/dev/null; then
      say "$tool present ($(command -v "$tool")): nothing to do"
    else
      say "$tool missing (lints deploy/ and scripts/): installing Debian package $tool"
      ensure_debian_packages "$tool"
    fi
  done
}

# Everything both README commands need, in order.
prepare_machine() {
  ensure_dotnet
  ensure_libstdcxx
  ensure_fashion_mnist
  ensure_redis_server
  ensure_report_fonts
  nuget_restore
}
