#!/usr/bin/env bash
# ctest 'sarif': `netc check --format=sarif` on the zoo (no results) and on files with mistakes
# (results), each validated against the SARIF 2.1.0 schema and GitHub's needs. Run from the
# repository root so that URIs are relative to it, as in a GitHub checkout.
set -euo pipefail
netc=$1 python=$2 out=$3
here=$(dirname "$0")
mkdir -p "$out"
status=0
"$netc" check --format=sarif dsl/zoo/*.netc > "$out/zoo.sarif" || status=$?
[ "$status" -eq 0 ] || { echo "netc check of the zoo exited $status"; exit 1; }
"$python" "$here/validate_sarif.py" "$out/zoo.sarif" --max-results 0

status=0
# library_block.netc: a result whose related location lies in netc's dsl/, outside the checkout.
"$netc" check --format=sarif dsl/examples/inception_resnet_v2_paper.netc tests/lit/warnings/*.netc \
  tests/lit/diagnostics/library_block.netc > "$out/mistakes.sarif" || status=$?
[ "$status" -eq 1 ] || { echo "netc check of the mistakes exited $status, expected 1"; exit 1; }
"$python" "$here/validate_sarif.py" "$out/mistakes.sarif" --min-results 8
