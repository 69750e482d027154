#!/usr/bin/env bash
# The Fashion-MNIST demo from trained weights to predictions:
#   examples/fashion_mnist/run.sh [NETC_BUILD_DIR]   (default: build)
# checks both networks with netc, builds this folder's CMake project (netc_add_network generates
# the C++ at build time) against that build of netc, classifies the 10,000 test images in C++,
# then has PyTorch classify them with the same weights and compares, image for image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
netc=$build/bin/netc
work=$build/fashion_mnist

echo "== netc check examples/fashion_mnist/*.netc"
"$netc" check "$here"/lenet5.netc "$here"/inception_resnet_small.netc

echo "== building examples/fashion_mnist (netc_add_network: netc emit at build time, then g++)"
cmake -S "$here" -B "$work/cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release -Dnetc_DIR="$build/cmake" \
  > "$work.configure.log" 2>&1 || { cat "$work.configure.log"; exit 1; }
cmake --build "$work/cmake"

mkdir -p "$work/data"
data=/usr/share/datasets/fashion-mnist # Debian's dataset-fashion-mnist
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -s "$work/data/$f" ] || gzip -dc "$data/$f.gz" > "$work/data/$f"
done

echo "== classifying the 10,000 test images with netc's C++"
"$work/cmake/classify" "$here/weights" "$work/data/t10k-images-idx3-ubyte" \
  "$work/data/t10k-labels-idx1-ubyte" "$work"

echo "== the same images and weights in PyTorch (the module netc emits with --backend=pytorch)"
/usr/bin/python3 "$here/compare.py" --netc "$netc" --cpp "$work"
