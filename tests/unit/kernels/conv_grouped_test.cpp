// conv_grouped against the reference executor: depthwise with any multiplier, narrow groups
// (the channel tile) and wide groups (one GEMM per group), and the fused epilogue.
#include "kernel_test_support.h"

#include <netc/cpu/conv_grouped.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

const ConvKernel kGrouped{cpu::conv_grouped_packed_size<Isa>, cpu::conv_grouped_scratch_floats<Isa>,
                          cpu::conv_grouped_pack<Isa>, cpu::conv_grouped<Isa>};

void run_all_layouts(const ConvSpec &spec) {
  for (const ConvLayout &layout : conv_layouts(spec.residual))
    run_conv_case(kGrouped, spec, layout);
}

} // namespace

TEST_CASE("conv_grouped: depthwise") {
  for (const char *input : {"[5, 17, 17]", "[3, 9, 1]", "[19, 7, 7]", "[4, 6, 37]"})
    for (const char *args : {"3, pad=1", "3, pad=1, multiplier=2",
                             "3, pad=1, multiplier=3, bias=false", "1", "[1, 7], pad=[0, 0, 3, 3]"})
      run_all_layouts({input, args, "depthwise_conv2d"});
  run_all_layouts({"[7, 35, 37]", "3, stride=2, pad=1", "depthwise_conv2d"});
  run_all_layouts({"[6, 17, 19]", "5, pad=4, dilation=2", "depthwise_conv2d"});
  run_all_layouts({"[6, 23, 23]", "5, stride=3, pad=[2, 1, 0, 2]", "depthwise_conv2d"});
  run_all_layouts({"[9, 16, 18]", "3, stride=2, pad=\"same\", multiplier=2", "depthwise_conv2d"});
}

// Planes whose copy outgrows conv_depthwise's band (kDepthwiseBandFloats): units of a few output
// rows, each reading the rows above and below it again; stride 2 and dilation split columns by
// phase.
TEST_CASE("conv_grouped: depthwise in bands") {
  run_all_layouts({"[2, 150, 150]", "3, pad=1", "depthwise_conv2d", "relu6", true});
  run_all_layouts({"[2, 131, 141]", "3, stride=2, pad=1", "depthwise_conv2d"});
  run_all_layouts(
      {"[2, 97, 101]", "5, stride=2, pad=[2, 1, 2, 1], multiplier=2", "depthwise_conv2d"});
  run_all_layouts({"[2, 90, 90]", "7, pad=3", "depthwise_conv2d"});
  run_all_layouts({"[3, 41, 43]", "3, stride=[1, 2], pad=2, dilation=2", "depthwise_conv2d"});
  run_all_layouts({"[3, 41, 43]", "[3, 1], stride=[3, 1], pad=[1, 1, 0, 0]", "depthwise_conv2d"});
  // Rows narrower than half an AVX-512 vector: EfficientNet's last stages.
  run_all_layouts({"[9, 7, 7]", "5, pad=2", "depthwise_conv2d", "silu"});
  run_all_layouts({"[9, 14, 14]", "5, stride=2, pad=2", "depthwise_conv2d"});
}

TEST_CASE("conv_grouped: groups of every width") {
  // Output channels per group from 1 to 20: below, at and above each ISA's tile height.
  for (const char *args :
       {"4, 3, pad=1, groups=4", "8, 3, pad=1, groups=4", "12, 3, pad=1, groups=4",
        "16, 3, pad=1, groups=4", "20, 3, pad=1, groups=2", "32, 3, pad=1, groups=2",
        "24, 3, pad=1, groups=2, bias=false", "40, 1, groups=2"})
    run_all_layouts({"[12, 9, 17]", args});
  run_all_layouts({"[12, 35, 37]", "36, 3, stride=2, groups=3"});
  run_all_layouts({"[8, 17, 17]", "16, [1, 7], pad=[0, 0, 3, 3], groups=2"});
  run_all_layouts({"[64, 20, 20]", "64, 3, pad=1, groups=2"}); // planes cut into chunks
}

TEST_CASE("conv_grouped: fused activation and residual") {
  for (const char *act : all_activation_names()) {
    run_all_layouts({"[10, 9, 17]", "3, pad=1", "depthwise_conv2d", act, true});
    run_all_layouts({"[10, 9, 17]", "20, 3, pad=1, groups=2", "conv2d", act, true});
  }
  run_all_layouts({"[10, 9, 17]", "10, 3, pad=1, groups=5", "conv2d", "", true});
}
