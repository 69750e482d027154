#!/usr/bin/env bash
# Installs what netc builds and tests with on a fresh Debian 12 machine.
# Idempotent: a machine that already has everything skips apt entirely.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14
  llvm-14-dev llvm-14-tools   # Support library; FileCheck, not and lit for tests
  libfmt-dev libyaml-cpp-dev doctest-dev
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
