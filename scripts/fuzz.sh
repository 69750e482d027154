#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan, UBSan) into build-fuzz/ and runs each for
# $1 seconds (default 60) from the seed corpora: the zoo, the examples, the diagnostics tests and
# the deeply nested seeds of tests/fuzz/corpus/frontend for the front end (with the DSL's
# dictionary, tests/fuzz/frontend.dict), the .netc.yaml files of the tests for the config parser,
# small weights files for the safetensors reader. A crash stops it with the input saved under build-fuzz/; add that
# input to tests/fuzz/regressions/ (tests/fuzz/corpus/safetensors/ for the safetensors target).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
# Only the fuzz targets and the compiler library they link: not netc's tests or backends.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DNETC_FUZZ=ON -DNETC_SANITIZE=ON -DNETC_BUILD_TESTS=OFF > /dev/null
cmake --build build-fuzz --target netc_fuzz_frontend netc_fuzz_config netc_fuzz_safetensors > /dev/null

corpus=build-fuzz/corpus
mkdir -p "$corpus/frontend" "$corpus/config" "$corpus/safetensors"
cp dsl/zoo/*.netc dsl/examples/*.netc tests/lit/diagnostics/*.netc tests/lit/warnings/*.netc \
  tests/fuzz/regressions/*.netc tests/fuzz/corpus/frontend/*.netc "$corpus/frontend/" 2>/dev/null || true
cp tests/fuzz/corpus/config/* "$corpus/config/"
cp tests/fuzz/corpus/safetensors/* "$corpus/safetensors/"

for target in frontend config safetensors; do
  echo "== fuzzing $target for ${seconds}s"
  dict=()
  if [ -f "tests/fuzz/$target.dict" ]; then dict=(-dict="../tests/fuzz/$target.dict"); fi
  (cd build-fuzz && ./tests/fuzz/netc_fuzz_$target -max_total_time="$seconds" -timeout=10 \
     -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 "${dict[@]}" "corpus/$target" 2>&1 |
     grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|artifact)" || true)
  # libFuzzer exits non-zero on a crash; grep hides it, so look for the artifact instead.
  if ls build-fuzz/crash-* build-fuzz/leak-* build-fuzz/timeout-* build-fuzz/oom-* 2>/dev/null; then
    echo "fuzzing $target found a failing input" >&2
    exit 1
  fi
done
