#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds netc and runs every test: doctest units, lit + FileCheck
# command-line tests, the zoo against its reference figures, SARIF against its schema; then all of
# it again under AddressSanitizer and UndefinedBehaviorSanitizer, after each fuzzer has run for a
# minute.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

scripts/build.sh build
ctest --test-dir build --output-on-failure

scripts/fuzz.sh 60

scripts/build.sh build-asan -DNETC_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure
