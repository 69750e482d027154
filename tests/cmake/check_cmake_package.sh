#!/usr/bin/env bash
# netc's CMake package from a user's side (cmake/NetcPackage.cmake, cmake/NetcAddNetwork.cmake):
#   1. examples/cmake built against the build tree (-Dnetc_DIR=<build>/cmake) prints what the
#      reference executor computes;
#   2. tests/cmake/imports: netc_add_network's options reach the code, a second build does
#      nothing, and editing an imported file generates the code again (netc emit --depfile);
#   3. tests/cmake/mistakes: each bad call stops the configuration with its message;
#   4. `cmake --install` into a folder that is then moved: the moved netc reads its own DSL
#      library and runtime, and examples/cmake built against it prints what step 1 printed;
#   5. tests/cmake/cuda: BACKEND cuda builds and links with CMake's CUDA language, where nvcc is
#      (compiled only: no GPU is assumed).
# usage: check_cmake_package.sh NETC_BUILD_DIR WORK_DIR CMAKE GENERATOR CXX_COMPILER PYTHON
set -euo pipefail
netc_build=$1 work=$2 cmake=$3 generator=$4 cxx=$5 python=$6
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work" && mkdir -p "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# configure SOURCE BUILD [cmake options...]: quiet unless it fails.
configure() {
  local source=$1 build=$2
  shift 2
  "$cmake" -S "$source" -B "$build" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" "$@" \
    > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; fail "configuring $source"; }
}

# build BUILD: its output in BUILD.log (the previous build's is overwritten).
build() {
  "$cmake" --build "$1" > "$1.log" 2>&1 || { cat "$1.log"; fail "building $1"; }
}

echo "== 1. examples/cmake against the build tree"
configure "$root/examples/cmake" "$work/example" -Dnetc_DIR="$netc_build/cmake"
build "$work/example"
(cd "$work/example" && ./classify > classify.out)
cat "$work/example/classify.out"
"$python" "$root/tests/cmake/compare_classify.py" "$netc_build/bin/netc" \
  "$root/examples/cmake/digits.netc" "$work/example/digits.safetensors" \
  "$work/example/classify.out" "$work"

echo "== 2. tests/cmake/imports: options, no-op build, regeneration after an import changes"
cp -R "$root/tests/cmake/imports" "$work/imports-src"
configure "$work/imports-src" "$work/imports" -Dnetc_DIR="$netc_build/cmake"
build "$work/imports"
# BATCH 2, INPUT_SIZE 12; conv_bn(3 -> 4, 3x3) 108 + 8, linear(4 -> 4) 20.
expected="input 2x3x12x12, 136 parameters"
[[ $("$work/imports/describe") == "$expected" ]] || fail "describe: expected '$expected'"
build "$work/imports"
! grep -q "netc: generating" "$work/imports.log" || fail "a second build ran netc again"
sed -i 's/conv_bn(x, 4, 3, pad=1)/conv_bn(x, 6, 3, pad=1)/' "$work/imports-src/layers.netc"
build "$work/imports"
grep -q "netc: generating tiny" "$work/imports.log" ||
  { cat "$work/imports.log"; fail "editing the imported layers.netc did not run netc again"; }
# conv_bn(3 -> 6) 162 + 12, linear(6 -> 4) 28.
expected="input 2x3x12x12, 202 parameters"
[[ $("$work/imports/describe") == "$expected" ]] || fail "describe after the edit: expected '$expected'"

echo "== 3. tests/cmake/mistakes: bad calls of netc_add_network"
# refused ARGS MESSAGE: configuring with NETC_ARGS=ARGS fails and prints MESSAGE.
refused() {
  if "$cmake" -S "$root/tests/cmake/mistakes" -B "$work/mistakes" -G "$generator" \
    -DCMAKE_CXX_COMPILER="$cxx" -Dnetc_DIR="$netc_build/cmake" -DNETC_ARGS="$1" \
    > "$work/mistakes.log" 2>&1; then
    fail "netc_add_network($1) was accepted"
  fi
  # CMake wraps long messages: compare with the line breaks and indentation taken out.
  tr -s ' \n' ' ' < "$work/mistakes.log" | grep -qF -- "$2" ||
    { cat "$work/mistakes.log"; fail "netc_add_network($1) did not say: $2"; }
}
tiny=../imports/tiny.netc
refused "n;missing.netc" "netc_add_network(n): no such file: $root/tests/cmake/mistakes/missing.netc"
refused "n;$tiny;BACKEND;tpu" "netc_add_network(n): BACKEND must be cpu or cuda, not 'tpu'"
refused "n;$tiny;TARGET;avx9" \
  "netc_add_network(n): TARGET must be auto, generic, avx2 or avx512, not 'avx9'"
refused "n;$tiny;BATCH;0" "netc_add_network(n): BATCH must be a positive integer, not '0'"
refused "n;$tiny;INPUT_SIZE;12x" "netc_add_network(n): INPUT_SIZE must be N or HxW, not '12x'"
refused "n;$tiny;BATCH" "netc_add_network(n): BATCH needs a value"
refused "n;$tiny;SIZE;3" "netc_add_network(n): unexpected arguments: SIZE;3"
refused "n;$tiny;BACKEND;cuda" "netc_add_network(n): BACKEND cuda needs the CUDA language"
refused "n;$tiny;PRECISION;tf32" "netc_add_network(n): PRECISION and CUDA_GRAPH are for BACKEND cuda"

echo "== 4. an installation, moved after installing"
"$cmake" --install "$netc_build" --prefix "$work/installed" > "$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install"; }
mv "$work/installed" "$work/moved"
moved=$work/moved
printf 'import std.absent\n' > "$work/absent.netc"
if "$moved/bin/netc" check "$work/absent.netc" > "$work/absent.log" 2>&1; then
  fail "an unknown import was accepted"
fi
grep -qF "looked in $work, $moved/share/netc/dsl)" "$work/absent.log" ||
  { cat "$work/absent.log"; fail "the moved netc does not search its own DSL library"; }
# A header that only the installed runtime has must be among those netc emit copies.
touch "$moved/include/netc/installed_only.hpp"
"$moved/bin/netc" emit --target=generic -o "$work/emitted" "$root/examples/cmake/digits.netc"
[[ -f $work/emitted/netc/installed_only.hpp ]] || fail "the moved netc copied another runtime"
rm "$moved/include/netc/installed_only.hpp"

configure "$root/examples/cmake" "$work/example-installed" -DCMAKE_PREFIX_PATH="$moved"
build "$work/example-installed"
grep -qF "$moved/share/netc/dsl/std/nn.netc" "$work/example-installed/digits/digits.d" ||
  { cat "$work/example-installed/digits/digits.d"; fail "std.nn was not read from the installation"; }
(cd "$work/example-installed" && ./classify > classify.out)
cmp -s "$work/example/classify.out" "$work/example-installed/classify.out" ||
  fail "classify built against the installation printed $(cat "$work/example-installed/classify.out")"

echo "== 5. tests/cmake/cuda: BACKEND cuda"
nvcc=${NVCC:-/usr/local/cuda/bin/nvcc}
if [[ -x $nvcc ]]; then
  configure "$root/tests/cmake/cuda" "$work/cuda" -Dnetc_DIR="$netc_build/cmake" \
    -DCMAKE_CUDA_COMPILER="$nvcc" -DCMAKE_CUDA_ARCHITECTURES=80
  build "$work/cuda"
  grep -q "emit.*--backend=cuda --arch=sm_80.*--precision=tf32 --cuda-graph" \
    "$work/cuda/build.ninja" "$work/cuda/Makefile" "$work/cuda/CMakeFiles/digits.dir/build.make" \
    2> /dev/null || fail "BACKEND cuda did not pass --arch, --precision and --cuda-graph to netc"
  [[ -x $work/cuda/classify_gpu ]] || fail "classify_gpu was not built"
else
  echo "SKIP: no nvcc at $nvcc"
fi
echo "PASS"
