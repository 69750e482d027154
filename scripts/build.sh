#!/usr/bin/env bash
# Configures and builds netc into build/ (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPython3_EXECUTABLE="$(command -v python3)" "$@" > /dev/null
cmake --build "$build_dir"
