#!/usr/bin/env bash
# The main job: set up, build, check every zoo network, summarise one, and show the checker catching
# the Inception-ResNet-v2 paper's residual mistakes (1154 vs 1152 and 2048 vs 2144 channels).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh build

netc=build/bin/netc
echo "== netc check dsl/zoo/*.netc"
$netc check dsl/zoo/*.netc
echo
for f in dsl/zoo/*.netc; do
  $netc summary "$f" | awk -v f="$f" '/^network /{n=$2} /^params:/{p=$2} /^MACs:/{printf "%-36s %-20s %14s params %18s MACs\n", f, n, p, $2}'
done
echo
echo "== netc summary --depth=1 dsl/zoo/inception_v4.netc"
$netc summary --depth=1 dsl/zoo/inception_v4.netc
echo
echo "== netc check dsl/examples/inception_resnet_v2_paper.netc (the paper's figures; expected to fail)"
if $netc check dsl/examples/inception_resnet_v2_paper.netc; then
  echo "error: the paper's mistakes were not caught" >&2
  exit 1
fi
