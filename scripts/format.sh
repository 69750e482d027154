#!/usr/bin/env bash
# Formats every C++ source netc tracks with clang-format 14 and .clang-format, or, with --check,
# lists the files that differ and exits 1 (the `format` ctest). generated/ is netc's output and
# keeps the emitter's own layout.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${CLANG_FORMAT:-clang-format-14}
mode=${1:-}
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.hpp' '*.cu' '*.cuh' | grep -v '^generated/')
if [ "$mode" = --check ]; then
  bad=()
  for f in "${files[@]}"; do
    "$clang_format" --dry-run --Werror "$f" > /dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    printf 'not formatted (run scripts/format.sh): %s\n' "${bad[@]}"
    exit 1
  fi
  echo "${#files[@]} files formatted"
else
  "$clang_format" -i "${files[@]}"
fi
