#!/usr/bin/env bash
# The main job: set up, build, check every zoo network, summarise one, and show the checker catching
# the Inception-ResNet-v2 paper's residual mistakes (1154 vs 1152 and 2048 vs 2144 channels) and
# a seed's dead towers; which input sizes Inception-ResNet-v2 accepts, and its picture; a kernel
# list and Inception-v4 emitted as C++; then the trained Fashion-MNIST demo: two networks written
# in the DSL and trained in PyTorch (through netc's PyTorch emitter), compiled to C++ by
# netc_add_network, classifying the 10,000 test images with PyTorch's predictions, image for image.
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
echo
echo "== netc check dsl/examples/seeds/004_inception_v2_dead_towers.netc (seed 004's notebook)"
$netc check dsl/examples/seeds/004_inception_v2_dead_towers.netc
echo
echo "== netc check --input-sizes dsl/zoo/inception_resnet_v2.netc"
$netc check --input-sizes dsl/zoo/inception_resnet_v2.netc
echo
$netc graph dsl/examples/inception_resnet_v2_paper.netc -o build/inception_resnet_v2_paper.svg 2>/dev/null || true
echo "== the paper's network, drawn with its mistakes in red: build/inception_resnet_v2_paper.svg"
echo
echo "== netc lower dsl/zoo/resnet50.netc (the kernel list: batch norms, residual adds and relus fused)"
# sed reads to the end, so netc never writes to a closed pipe (pipefail would see it).
$netc lower dsl/zoo/resnet50.netc | sed -n 1,12p
echo "   ..."
echo
echo "== netc emit --target=auto -o build/demo/inception_v4 dsl/zoo/inception_v4.netc"
rm -rf build/demo/inception_v4
$netc emit --target=auto -o build/demo/inception_v4 dsl/zoo/inception_v4.netc
ls build/demo/inception_v4 build/demo/inception_v4/netc/cpu
sed -n '/^class/,/^};/p' build/demo/inception_v4/inception_v4.hpp
echo
echo "== Fashion-MNIST: trained in PyTorch from the DSL, compiled by netc (examples/fashion_mnist)"
examples/fashion_mnist/run.sh build
