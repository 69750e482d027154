#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds netc and runs every test: doctest units, the CPU kernels
# per instruction set, lit + FileCheck command-line tests, the zoo against its reference figures,
# SARIF against its schema, the generated C++ of every zoo network against the reference executor,
# generated/ up to date; then, after each fuzzer has run for 30 seconds, all but the generated-code
# tests again under AddressSanitizer and UndefinedBehaviorSanitizer. The tests labelled `long`
# (backend-gcc-full: every network at its declared size against the reference executor) are left
# out for CI's 40 minutes: the interop tests run every torchvision/timm network of the zoo at its
# declared size against PyTorch. `ctest --test-dir build -L long` runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

scripts/build.sh build
ctest --test-dir build --output-on-failure -LE long

scripts/fuzz.sh 30

# -O1 and line tables only: the sanitizer build compiles every kernel three times, and full debug
# info at -O2 would take most of CI's time; reports keep their file:line. Without -DNDEBUG, so
# assertions (ours and LLVM's headers') are checked here.
scripts/build.sh build-asan -DNETC_SANITIZE=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure
