// conv_direct against the reference executor: every padding form, stride, dilation and width
// that makes the kernel take another path, and its fused epilogue.
#include "kernel_test_support.h"

#include <netc/cpu/conv_direct.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

const ConvKernel kDirect{cpu::conv_direct_packed_size<Isa>, cpu::conv_direct_scratch_floats<Isa>,
                         cpu::conv_direct_pack<Isa>, cpu::conv_direct<Isa>};

void run_all_layouts(const ConvSpec &spec) {
  for (const ConvLayout &layout : conv_layouts(spec.residual))
    run_conv_case(kDirect, spec, layout);
}

} // namespace

TEST_CASE("conv_direct: 3x3 'same' convolutions over widths that leave tails") {
  // Widths 1, 7, 17, 35, 37: vectors that end mid-row, rows shorter than a vector.
  for (const char *input : {"[5, 9, 1]", "[5, 7, 7]", "[3, 17, 17]", "[4, 6, 35]", "[2, 5, 37]"})
    for (const char *args : {"11, 3, pad=1", "19, 3, pad=1, bias=false", "1, 3, pad=\"same\""})
      run_all_layouts({input, args});
}

TEST_CASE("conv_direct: many input and output channels") {
  run_all_layouts({"[37, 12, 13]", "70, 3, pad=1"});
  run_all_layouts({"[9, 17, 17]", "33, 1"});
  run_all_layouts({"[64, 40, 40]", "20, 3, pad=1"}); // planes cut into chunks
  run_all_layouts({"[48, 40, 41]", "12, 3, stride=2, pad=1"});
}

TEST_CASE("conv_direct: stride 2 and other strides") {
  run_all_layouts({"[3, 17, 17]", "10, 3, stride=2, pad=1"});
  run_all_layouts({"[3, 35, 37]", "9, 3, stride=2"});               // valid, odd width
  run_all_layouts({"[4, 18, 36]", "6, 3, stride=2, pad=\"same\""}); // asymmetric "same"
  run_all_layouts({"[3, 23, 37]", "7, 5, stride=3, pad=2"});        // gathered rows
  run_all_layouts({"[3, 29, 40]", "5, 11, stride=4, pad=2"});       // AlexNet's stem
  run_all_layouts({"[2, 16, 20]", "5, 3, stride=[1, 2], pad=1"});   // stride along one axis
  run_all_layouts({"[2, 16, 20]", "5, 3, stride=[2, 1], pad=1"});
}

TEST_CASE("conv_direct: dilation") {
  run_all_layouts({"[3, 17, 17]", "7, 3, pad=2, dilation=2"});
  run_all_layouts({"[3, 17, 37]", "7, 3, dilation=[2, 3]"});
  run_all_layouts({"[3, 15, 21]", "4, 3, stride=2, pad=2, dilation=2"});
}

TEST_CASE("conv_direct: asymmetric and one-dimensional kernels and paddings") {
  run_all_layouts({"[6, 17, 17]", "9, [1, 7], pad=[0, 0, 3, 3]"});
  run_all_layouts({"[6, 17, 17]", "9, [7, 1], pad=[3, 3, 0, 0]"});
  run_all_layouts({"[3, 13, 19]", "5, 3, pad=[1, 0, 2, 0]"}); // as wide as its input
  run_all_layouts({"[3, 13, 19]", "5, 3, pad=[0, 2, 0, 1]"});
  run_all_layouts({"[3, 10, 12]", "5, [2, 4], pad=[2, 1, 3, 0]"});
  run_all_layouts({"[2, 9, 20]", "3, [1, 17], pad=[0, 0, 8, 8]"}); // too wide for flat vectors
  run_all_layouts({"[2, 4, 5]", "3, 5, pad=2"});                   // kernel larger than input
  run_all_layouts({"[2, 3, 3]", "3, 7, pad=3"});                   // every tap mostly padding
}

TEST_CASE("conv_direct: fused activation and residual") {
  for (const char *act : all_activation_names()) {
    run_all_layouts({"[5, 9, 17]", "11, 3, pad=1", "conv2d", act});
    run_all_layouts({"[5, 9, 17]", "11, 3, pad=1", "conv2d", act, true});
  }
  run_all_layouts({"[5, 9, 17]", "11, 3, pad=1", "conv2d", "", true});
  run_all_layouts({"[4, 17, 35]", "8, 3, stride=2, pad=1", "conv2d", "relu", true});
  run_all_layouts({"[4, 7, 7]", "16, 3, pad=1", "conv2d", "relu", true});
}

TEST_CASE("conv_direct: K split into several blocks, with residual, activation and edge tiles") {
  // K = in_c * taps above conv_gemm's block of 256: partial sums go through the output, the
  // first block adds bias and residual, the last applies the activation. Output channels and
  // pixels off every tile size; planes of more than one chunk.
  run_all_layouts({"[40, 13, 19]", "19, 3, pad=1", "conv2d", "relu", true});            // K 360
  run_all_layouts({"[60, 21, 23]", "13, 3, stride=2, pad=1", "conv2d", "relu6", true}); // K 540
  run_all_layouts({"[48, 17, 17]", "20, [1, 7], pad=[0, 0, 3, 3]", "conv2d", "relu", true});
  run_all_layouts({"[48, 17, 17]", "20, [7, 1], pad=[3, 3, 0, 0]", "conv2d", "tanh", true});
  run_all_layouts({"[30, 16, 31]", "9, 3, stride=2", "conv2d", "sigmoid"}); // K 270, no residual
  run_all_layouts({"[29, 9, 9]", "5, 3, pad=1", "conv2d", "relu", true});   // K 261: a block of 5
}

TEST_CASE("conv_direct: NaN in the input reaches the output through every K block") {
  run_all_layouts({"[40, 13, 19]", "19, 3, pad=1", "conv2d", "", true, 4001});
  run_all_layouts({"[48, 17, 17]", "20, [1, 7], pad=[0, 0, 3, 3]", "conv2d", "tanh", true, 3001});
  run_all_layouts({"[60, 21, 23]", "13, 3, stride=2, pad=1", "conv2d", "", false, 5003});
}
