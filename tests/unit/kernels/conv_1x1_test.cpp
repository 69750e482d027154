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
  for (const char *act : all_activation_names())
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

TEST_CASE("conv_1x1: more threads cut the plane before they repack panels") {
  auto params = [](int in_c, int out_c, int hw) {
    ConvParams p{};
    p.in = {1, in_c, hw, hw, std::int64_t(in_c) * hw * hw};
    p.out = {1, out_c, hw, hw, std::int64_t(out_c) * hw * hw};
    p.kernel_h = p.kernel_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.groups = 1;
    return p;
  };
  constexpr int tile = cpu::detail::tile_pixels<Isa>();
  const ConvParams grid35 = params(384, 96, 35), grid8 = params(1536, 384, 8);

  const cpu::GemmUnits one = cpu::gemm_conv_units<Isa>(grid35, 1);
  CHECK(one.row_parts == 1);
  CHECK(one.chunk_pixels == cpu::detail::gemm_chunk_pixels<Isa>(grid35));

  // A 35x35 plane has tiles enough for two threads: chunks of whole tiles, each packed once.
  const cpu::GemmUnits two = cpu::gemm_conv_units<Isa>(grid35, 2);
  CHECK(two.row_parts == 1);
  CHECK(two.count() >= cpu::kUnitsPerThread);
  CHECK(two.chunk_pixels % tile == 0);
  CHECK(two.chunk_pixels <= one.chunk_pixels);

  // An 8x8 plane has one or two tiles: the channel blocks are split, but only into as many parts
  // as keep two units per thread.
  const cpu::GemmUnits small = cpu::gemm_conv_units<Isa>(grid8, 2);
  CHECK(small.chunk_pixels <= cpu::detail::gemm_chunk_pixels<Isa>(grid8));
  CHECK(small.count() >= 4);
  CHECK(small.chunks * small.row_parts <= 4 + small.chunks);
}
