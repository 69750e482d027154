// conv_1x1 (a GEMM over each sample's pixels) against the reference executor.
#include "kernel_test_support.h"

#include <netc/cpu/conv_1x1.hpp>

#include <algorithm>

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

TEST_CASE("conv_1x1: how more threads cut the work") {
  auto params = [](int in_c, int out_c, int hw) {
    ConvParams p{};
    p.in = {1, in_c, hw, hw, std::int64_t(in_c) * hw * hw};
    p.out = {1, out_c, hw, hw, std::int64_t(out_c) * hw * hw};
    p.kernel_h = p.kernel_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
    p.groups = 1;
    return p;
  };
  constexpr int width = cpu::Simd<Isa>::width, nr = cpu::detail::ConvTile<Isa>::nr;
  // Every chunk of `u`: whole tiles, but for the last, which also takes the vectors short of a
  // tile; no wider than the scratch is sized for. Returns the widest.
  auto check_chunks = [](const ConvParams &p, const cpu::GemmUnits &u) {
    int widest = 0;
    CHECK(u.begin(0) == 0);
    CHECK(u.begin(u.chunks) == u.vectors);
    for (int c = 0; c < u.chunks; ++c) {
      const int size = u.begin(c + 1) - u.begin(c);
      CHECK(size > 0);
      if (c + 1 < u.chunks)
        CHECK(size % nr == 0);
      widest = std::max(widest, size);
    }
    CHECK(widest <= cpu::detail::gemm_chunk_vectors<Isa>(p));
    CHECK(u.widest() == widest);
    return widest;
  };
  // 147 KiB of weights over a 35x35 plane, 1 MiB over 14x14, 4 MiB over 7x7.
  const ConvParams grid35 = params(384, 96, 35), grid14 = params(1024, 256, 14),
                   grid7 = params(2048, 512, 7);
  for (const ConvParams &p : {grid35, grid14, grid7}) {
    CAPTURE(p.out.h);
    const cpu::GemmUnits one = cpu::gemm_conv_units<Isa>(p, 1);
    CHECK(one.row_parts == 1);
    CHECK(one.vectors == (p.out.h * p.out.w + width - 1) / width);
    CHECK(check_chunks(p, one) == cpu::detail::gemm_chunk_vectors<Isa>(p));
    const cpu::GemmUnits two = cpu::gemm_conv_units<Isa>(p, 2);
    check_chunks(p, two);
    CHECK(two.count() >= 2);
    CHECK(two.count() <= 2 * cpu::kUnitsPerThread);
  }
  // Weights that fit in L2 and a big plane: cut by pixels, each panel packed once.
  CHECK(cpu::gemm_conv_units<Isa>(grid35, 2).row_parts == 1);
  // 4 MiB of weights: each chunk would read them all again from L3; the channels are cut instead.
  const cpu::GemmUnits small = cpu::gemm_conv_units<Isa>(grid7, 2);
  CHECK(small.chunks == 1);
  CHECK(small.row_parts == 2);
}

namespace {

// conv_1x1_scaled on [batch, in_c, hw, hw] with a factor per sample and input channel, against
// the sum in double; on one thread and three (the same bits).
void run_scaled_case(int batch, int in_c, int out_c, int hw, bool expect_weights_scaled) {
  CAPTURE(batch);
  CAPTURE(in_c);
  CAPTURE(out_c);
  CAPTURE(hw);
  const std::int64_t plane = std::int64_t(hw) * hw;
  ConvParams p{};
  p.in = {batch, in_c, hw, hw, in_c * plane};
  p.out = {batch, out_c, hw, hw, out_c * plane};
  p.kernel_h = p.kernel_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  p.groups = 1;
  p.act = Activation::none;
  p.in_scale_batch_stride = in_c + 3; // the factors of a slice of something wider
  CHECK(cpu::gemm_scales_weights<Isa>(p) == expect_weights_scaled);

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto random = [&](std::size_t n) {
    std::vector<float> v(n);
    for (float &f : v)
      f = dist(rng);
    return v;
  };
  const std::vector<float> in = random(std::size_t(batch * in_c * plane));
  const std::vector<float> scale = random(std::size_t(batch * p.in_scale_batch_stride));
  const std::vector<float> weight = random(std::size_t(out_c) * in_c);
  const std::vector<float> bias = random(std::size_t(out_c));

  AlignedBuffer packed = packed_buffer(cpu::conv_1x1_packed_size<Isa>(p));
  cpu::conv_1x1_pack<Isa>(p, weight.data(), packed.data());
  const std::size_t scratch_floats = padded_floats(cpu::conv_1x1_scratch_floats<Isa>(p));
  AlignedBuffer scratch = packed_buffer(scratch_floats * std::size_t(threaded_context().threads()));
  std::vector<float> out(std::size_t(batch * out_c * plane), std::nanf(""));
  const cpu::Context serial(nullptr, scratch.data(), scratch_floats);
  cpu::conv_1x1_scaled<Isa>(serial, p, in.data(), scale.data(), packed.data(), bias.data(), nullptr,
                            out.data());

  double err = 0, norm = 0;
  for (int n = 0; n < batch; ++n)
    for (int o = 0; o < out_c; ++o)
      for (std::int64_t q = 0; q < plane; ++q) {
        double sum = bias[std::size_t(o)];
        for (int c = 0; c < in_c; ++c)
          sum += double(weight[std::size_t(o) * in_c + c]) *
                 (double(in[std::size_t((n * in_c + c) * plane + q)]) *
                  scale[std::size_t(n * p.in_scale_batch_stride + c)]);
        const double got = out[std::size_t((n * out_c + o) * plane + q)];
        err += (got - sum) * (got - sum);
        norm += sum * sum;
      }
  CHECK(std::sqrt(err / norm) < 1e-6);

  std::vector<float> threaded(out.size(), std::nanf(""));
  cpu::Context threaded_ctx(threaded_context().pool(), scratch.data(), scratch_floats);
  threaded_ctx.min_parallel_work = 0;
  cpu::conv_1x1_scaled<Isa>(threaded_ctx, p, in.data(), scale.data(), packed.data(), bias.data(),
                            nullptr, threaded.data());
  CHECK(std::memcmp(out.data(), threaded.data(), out.size() * sizeof(float)) == 0);
}

} // namespace

TEST_CASE("conv_1x1_scaled: the scale on the weights (big plane) or on the panel (small one)") {
  run_scaled_case(2, 24, 16, 40, true);   // few outputs over 1600 pixels: the weights
  run_scaled_case(3, 300, 20, 17, true);  // K in two blocks
  run_scaled_case(2, 96, 200, 7, false);  // 49 pixels, 200 outputs: the panel
  run_scaled_case(1, 600, 90, 12, false); // 144 pixels, K in three blocks
}
