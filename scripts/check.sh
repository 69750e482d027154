#!/usr/bin/env bash
# The edit-compile loop's check: builds netc and its unit tests into build/ (or $1; configured by
# scripts/build.sh the first time), then runs the fast tests: doctest units, lit command-line
# tests, the zoo against its reference figures, SARIF against its schema and generated/ up to
# date. Under a minute after a build; scripts/test.sh runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
if [[ ! -f $build_dir/build.ninja ]]; then
  scripts/build.sh "$build_dir"
fi
# Only what these tests run: the kernel tests and the fuzzers rebuild slowly after a runtime edit.
cmake --build "$build_dir" --target netc netc_unit_tests
ctest --test-dir "$build_dir" -R '^(unit|lit|reference|sarif|generated|layering|format)$' --output-on-failure \
  -j "$(nproc)"
