// conv_winograd against the reference executor (double precision): planes whose sides are not
// multiples of the 4x4 tile, channel counts off every register tile, every padding of a 3x3
// stride-1 convolution, the fused epilogue, and NaN.
#include "kernel_test_support.h"

#include <netc/cpu/conv_winograd.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

const ConvKernel kWinograd{cpu::conv_winograd_packed_size<Isa>,
                           cpu::conv_winograd_scratch_floats<Isa>, cpu::conv_winograd_pack<Isa>,
                           cpu::conv_winograd<Isa>};

// F(4x4, 3x3) rounds more than the direct convolution: its transforms scale values by up to
// 8 x 8 (A) and 5 x 5 (B) before they cancel. These cases pass at the direct path's 2e-5
// today (outputs near 1); twice that leaves room for another compiler's contractions. NaN may
// spread over a tile (never vanish).
constexpr Tolerance kWinogradTolerance{4e-5, 4e-5, true};

void run_all_layouts(const ConvSpec &spec) {
  for (const ConvLayout &layout : conv_layouts(spec.residual))
    run_conv_case(kWinograd, spec, layout, kWinogradTolerance);
}

} // namespace

TEST_CASE("conv_winograd: planes that leave partial tiles, every padding") {
  for (const char *input : {"[5, 9, 1]", "[5, 7, 7]", "[3, 17, 17]", "[4, 6, 35]", "[2, 5, 37]",
                            "[3, 4, 4]", "[2, 3, 3]"})
    for (const char *args : {"11, 3, pad=1", "19, 3, pad=1, bias=false", "1, 3, pad=\"same\""})
      run_all_layouts({input, args});
  run_all_layouts({"[3, 13, 19]", "5, 3"});                   // valid
  run_all_layouts({"[3, 13, 19]", "5, 3, pad=[1, 0, 2, 0]"}); // asymmetric
  run_all_layouts({"[3, 13, 19]", "5, 3, pad=[0, 2, 0, 1]"});
  run_all_layouts({"[2, 4, 5]", "3, 3, pad=2"}); // output larger than the input
}

TEST_CASE("conv_winograd: many input and output channels, several blocks of tiles") {
  run_all_layouts({"[37, 12, 13]", "70, 3, pad=1"});
  run_all_layouts({"[64, 40, 40]", "20, 3, pad=1"}); // 100 tiles: several units per sample
  run_all_layouts({"[129, 9, 11]", "17, 3, pad=1"});
}

TEST_CASE("conv_winograd: fused activation and residual") {
  for (const char *act : all_activation_names()) {
    run_all_layouts({"[5, 9, 17]", "11, 3, pad=1", "conv2d", act});
    run_all_layouts({"[5, 9, 17]", "11, 3, pad=1", "conv2d", act, true});
  }
  run_all_layouts({"[5, 9, 17]", "11, 3, pad=1", "conv2d", "", true});
  run_all_layouts({"[40, 13, 19]", "19, 3, pad=1", "conv2d", "relu", true});
}

TEST_CASE("conv_winograd: NaN in the input is never lost (and may spread over its tile)") {
  run_all_layouts({"[40, 13, 19]", "19, 3, pad=1", "conv2d", "", true, 4001});
  run_all_layouts({"[20, 17, 17]", "9, 3, pad=1", "conv2d", "relu", false, 997});
  run_all_layouts({"[6, 10, 14]", "9, 3", "conv2d", "relu6", true, 101});
}
