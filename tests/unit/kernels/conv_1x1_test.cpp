// conv_1x1 (a GEMM over each sample's pixels) against the reference executor.
#include "kernel_test_support.h"

#include <netc/cpu/conv_1x1.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

const ConvKernel k1x1{cpu::conv_1x1_packed_size<Isa>, cpu::conv_1x1_scratch_floats<Isa>,
                      cpu::conv_1x1_pack<Isa>, cpu::conv_1x1<Isa>};

void run_all_layouts(const ConvSpec &spec) {
  for (const ConvLayout &layout : conv_layouts(spec.residual))
    run_conv_case(k1x1, spec, layout);
}

} // namespace

TEST_CASE("conv_1x1: planes whose size leaves tails, channels off the tile sizes") {
  for (const char *input :
       {"[37, 17, 17]", "[5, 1, 1]", "[9, 7, 7]", "[3, 1, 37]", "[7, 35, 35]", "[16, 2, 3]"})
    for (const char *args : {"19, 1", "1, 1, bias=false", "16, 1", "33, 1"})
      run_all_layouts({input, args});
}

TEST_CASE("conv_1x1: many input channels, planes cut into chunks") {
  run_all_layouts({"[256, 12, 12]", "40, 1"});
  run_all_layouts({"[96, 40, 40]", "24, 1"});
}

TEST_CASE("conv_1x1: fused activation and residual") {
  for (const char *act : {"relu", "relu6", "sigmoid", "tanh"})
    run_all_layouts({"[13, 9, 11]", "21, 1", "conv2d", act, true});
  run_all_layouts({"[13, 9, 11]", "21, 1", "conv2d", "", true});
  run_all_layouts({"[32, 17, 17]", "64, 1", "conv2d", "relu", true});
}

TEST_CASE("conv_1x1: K split into several blocks, with residual, activation and NaN") {
  run_all_layouts({"[600, 9, 11]", "21, 1", "conv2d", "relu", true});   // K 600: three blocks
  run_all_layouts({"[300, 16, 17]", "10, 1", "conv2d", "relu6", true}); // 272 pixels: two chunks
  run_all_layouts({"[300, 7, 7]", "13, 1", "conv2d", "", true, 3001});
  run_all_layouts({"[260, 5, 7]", "9, 1", "conv2d", "tanh", false, 997});
}
