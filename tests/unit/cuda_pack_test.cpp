// runtime/netc/cuda/pack.hpp: the CUDA kernels' weight layouts checked element by element against
// a direct reindexing of PyTorch's order, the flatten permutation of a linear after a spatial
// flatten, the bf16/fp16 roundings against known bit patterns, and the refusals.
#include "netc/cuda/pack.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

using namespace netc;
using namespace netc::cuda;

namespace {

constexpr Dims dims(int n, int c, int h, int w) {
  return Dims{n, c, h, w, std::int64_t(c) * h * w};
}

// Distinct values (exact in float), so a wrong index cannot match by chance in fp32 and tf32.
std::vector<float> numbered(std::size_t count) {
  std::vector<float> v(count);
  for (std::size_t i = 0; i < count; ++i)
    v[i] = float(i) - 1000.5f;
  return v;
}

// Element i of a packed buffer as its stored bits, and the bits a weight should be stored as:
// float for fp32 and tf32, the rounded bf16 or fp16 (checked on their own below) for those.
std::uint32_t stored(const std::vector<unsigned char> &bytes, std::size_t i, Precision prec) {
  if (prec == Precision::fp32 || prec == Precision::tf32) {
    std::uint32_t x;
    std::memcpy(&x, bytes.data() + 4 * i, 4);
    return x;
  }
  std::uint16_t h;
  std::memcpy(&h, bytes.data() + 2 * i, 2);
  return h;
}

std::uint32_t expected(float v, Precision prec) {
  if (prec == Precision::bf16)
    return float_to_bf16_bits(v);
  if (prec == Precision::fp16)
    return float_to_fp16_bits(v);
  std::uint32_t x;
  std::memcpy(&x, &v, 4);
  return x;
}

constexpr Precision kPrecisions[] = {Precision::fp32, Precision::tf32, Precision::bf16,
                                     Precision::fp16};

} // namespace

TEST_CASE("convolution weights: the GEMM's [group][ky][kx][ic][oc] in every precision") {
  const ConvParams cases[] = {
      {dims(1, 5, 9, 9), dims(1, 7, 9, 9), 3, 2, 1, 1, 1, 0, 1, 1, 1, Activation::none, 0},
      {dims(1, 64, 5, 5), dims(1, 96, 5, 5), 3, 3, 1, 1, 1, 1, 1, 1, 2, Activation::none, 0},
  };
  for (const ConvParams &p : cases)
    for (Precision prec : kPrecisions) {
      CAPTURE(p.groups);
      CAPTURE(int(prec));
      REQUIRE_FALSE(conv_uses_direct(p));
      const int cg = p.in.c / p.groups, og = p.out.c / p.groups;
      const std::vector<float> w = numbered(std::size_t(p.out.c) * cg * p.kernel_h * p.kernel_w);
      const std::vector<unsigned char> packed = pack_conv_weights(p, prec, w.data());
      const std::size_t elem = prec == Precision::bf16 || prec == Precision::fp16 ? 2 : 4;
      REQUIRE(packed.size() == w.size() * elem);
      std::size_t i = 0, mismatches = 0;
      for (int g = 0; g < p.groups; ++g)
        for (int ky = 0; ky < p.kernel_h; ++ky)
          for (int kx = 0; kx < p.kernel_w; ++kx)
            for (int ic = 0; ic < cg; ++ic)
              for (int o = 0; o < og; ++o, ++i) {
                const int oc = g * og + o;
                const float v =
                    w[((std::size_t(oc) * cg + ic) * p.kernel_h + ky) * p.kernel_w + kx];
                mismatches += stored(packed, i, prec) != expected(v, prec);
              }
      CHECK(mismatches == 0);
    }
}

TEST_CASE("convolution weights: the direct kernel's [ky][kx][ic][oc], float in every precision") {
  const ConvParams p{
      dims(1, 12, 6, 6), dims(1, 12, 6, 6), 3, 3, 1, 1, 1, 1, 1, 1, 3, Activation::none, 0};
  REQUIRE(conv_uses_direct(p));
  const int cg = 4;
  const std::vector<float> w = numbered(std::size_t(12) * cg * 9);
  for (Precision prec : kPrecisions) {
    CAPTURE(int(prec));
    const std::vector<unsigned char> packed = pack_conv_weights(p, prec, w.data());
    REQUIRE(packed.size() == w.size() * 4);
    std::size_t i = 0, mismatches = 0;
    for (int ky = 0; ky < 3; ++ky)
      for (int kx = 0; kx < 3; ++kx)
        for (int ic = 0; ic < cg; ++ic)
          for (int oc = 0; oc < 12; ++oc, ++i)
            mismatches += stored(packed, i, Precision::fp32) !=
                          expected(w[((oc * cg + ic) * 3 + ky) * 3 + kx], Precision::fp32);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("linear weights: flatten permutation from (c, y, x) to (y, x, c), GEMV and GEMM") {
  const int c = 3, h = 2, w = 4, in_f = c * h * w, out_f = 5;
  const std::vector<float> weights = numbered(std::size_t(out_f) * in_f);
  for (int batch : {1, 9})
    for (Precision prec : kPrecisions) {
      CAPTURE(batch);
      CAPTURE(int(prec));
      const LinearParams p{Dims{batch, in_f, 1, 1, in_f}, Dims{batch, out_f, 1, 1, out_f},
                           Activation::none};
      const std::vector<unsigned char> packed =
          pack_linear_weights(p, prec, weights.data(), c, h, w);
      std::size_t mismatches = 0;
      for (int o = 0; o < out_f; ++o)
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) {
              const int column = (y * w + x) * c + ch; // NHWC order, as the kernel reads
              const std::size_t at = linear_uses_gemv(p) ? std::size_t(o) * in_f + column
                                                         : std::size_t(column) * out_f + o;
              mismatches += stored(packed, at, prec) !=
                            expected(weights[o * in_f + (ch * h + y) * w + x], prec);
            }
      CHECK(mismatches == 0);
    }
}

TEST_CASE("linear weights: without a flatten the columns stay") {
  const LinearParams p{Dims{2, 6, 1, 1, 6}, Dims{2, 3, 1, 1, 3}, Activation::none};
  const std::vector<float> weights = numbered(18);
  const std::vector<unsigned char> packed =
      pack_linear_weights(p, Precision::fp32, weights.data(), 0, 0, 0);
  REQUIRE(packed.size() == 18 * 4);
  CHECK(std::memcmp(packed.data(), weights.data(), packed.size()) == 0);
}

TEST_CASE("packing refuses shapes that do not fit, with the numbers") {
  const LinearParams p{Dims{1, 24, 1, 1, 24}, Dims{1, 5, 1, 1, 5}, Activation::none};
  const std::vector<float> weights(120, 1.0f);
  CHECK_THROWS_WITH_AS(pack_linear_weights(p, Precision::fp32, weights.data(), 3, 3, 3),
                       "netc cuda weight packing: flatten 3x3x3 does not give the linear's 24 "
                       "input features",
                       Error);
  const ConvParams bad{
      dims(1, 6, 4, 4), dims(1, 8, 4, 4), 1, 1, 1, 1, 0, 0, 1, 1, 4, Activation::none, 0};
  CHECK_THROWS_WITH_AS(pack_conv_weights(bad, Precision::fp32, weights.data()),
                       "netc cuda weight packing: channels 6 -> 8 do not divide into 4 groups",
                       Error);
}

TEST_CASE("bf16 rounding: to nearest even, as __float2bfloat16_rn") {
  CHECK(float_to_bf16_bits(1.0f) == 0x3f80);
  CHECK(float_to_bf16_bits(-2.0f) == 0xc000);
  CHECK(float_to_bf16_bits(1.00390625f) == 0x3f80);   // 1 + 2^-8: a tie, to the even 1.0
  CHECK(float_to_bf16_bits(1.01171875f) == 0x3f82);   // 1 + 3*2^-8: a tie, to the even 1 + 2^-6
  CHECK(float_to_bf16_bits(1.0048828125f) == 0x3f81); // just past the tie: up
  CHECK(float_to_bf16_bits(std::numeric_limits<float>::infinity()) == 0x7f80);
  const std::uint16_t nan = float_to_bf16_bits(std::numeric_limits<float>::quiet_NaN());
  CHECK((nan & 0x7f80) == 0x7f80);
  CHECK((nan & 0x007f) != 0);
}

TEST_CASE("fp16 rounding: normals, ties, subnormals, overflow, as __float2half_rn") {
  CHECK(float_to_fp16_bits(1.0f) == 0x3c00);
  CHECK(float_to_fp16_bits(-2.0f) == 0xc000);
  CHECK(float_to_fp16_bits(0.1f) == 0x2e66);
  CHECK(float_to_fp16_bits(65504.0f) == 0x7bff);              // the largest half
  CHECK(float_to_fp16_bits(65519.0f) == 0x7bff);              // below the halfway point to 65536
  CHECK(float_to_fp16_bits(65520.0f) == 0x7c00);              // the tie rounds to (even) infinity
  CHECK(float_to_fp16_bits(1.0f + 1.0f / 2048) == 0x3c00);    // a tie, to the even 1.0
  CHECK(float_to_fp16_bits(1.0f + 3.0f / 2048) == 0x3c02);    // a tie, to the even mantissa 2
  CHECK(float_to_fp16_bits(std::ldexp(1.0f, -14)) == 0x0400); // the smallest normal
  CHECK(float_to_fp16_bits(std::ldexp(1.0f, -24)) == 0x0001); // the smallest subnormal
  CHECK(float_to_fp16_bits(std::ldexp(1.0f, -25)) == 0x0000); // a tie, to the even zero
  CHECK(float_to_fp16_bits(std::ldexp(1.5f, -25)) == 0x0001);
  CHECK(float_to_fp16_bits(std::ldexp(3.0f, -25)) == 0x0002);    // 1.5 units: a tie, to even 2
  CHECK(float_to_fp16_bits(std::ldexp(1023.5f, -24)) == 0x0400); // rounds up into the normals
  CHECK(float_to_fp16_bits(-0.0f) == 0x8000);
  CHECK(float_to_fp16_bits(std::numeric_limits<float>::infinity()) == 0x7c00);
  CHECK(float_to_fp16_bits(std::numeric_limits<float>::quiet_NaN()) == 0x7e00);
}

// The implicit GEMM on the CPU: out(m, n) = sum_k A(m, k) * B(k, n) with A gathered through
// conv_window/conv_tap/conv_a_offset from an NHWC input and B read from pack_conv_weights' bytes
// through conv_b_offset, exactly the kernel's index arithmetic, against a convolution written
// straight from the definition on the same NHWC data and PyTorch-ordered weights.
TEST_CASE("the implicit GEMM's operand indexing and packing compute the convolution") {
  const ConvParams cases[] = {
      // stride 2, padding, an input that is a channel slice (pixel stride 9 for 5 channels)
      {Dims{2, 5, 9, 8, 9 * 9 * 8}, dims(2, 7, 5, 4), 3, 3, 2, 2, 1, 1, 1, 1, 1, Activation::none,
       0},
      // 1x7 dilated by 2 with asymmetric padding
      {dims(2, 6, 7, 11), dims(2, 8, 7, 5), 1, 7, 1, 2, 0, 3, 1, 2, 1, Activation::none, 0},
      // 2 groups of 32 output channels
      {dims(1, 8, 5, 5), dims(1, 64, 3, 3), 3, 3, 1, 1, 0, 0, 1, 1, 2, Activation::none, 0},
      // depthwise, through the direct kernel's layout
      {dims(2, 6, 6, 6), dims(2, 6, 3, 3), 3, 3, 2, 2, 1, 1, 1, 1, 6, Activation::none, 0},
  };
  for (const ConvParams &p : cases) {
    CAPTURE(p.groups);
    CAPTURE(p.kernel_w);
    const int cg = conv_group_in(p), og = conv_group_out(p);
    std::vector<float> in(std::size_t(p.in.n) * p.in.batch_stride);
    for (std::size_t i = 0; i < in.size(); ++i)
      in[i] = float((i * 7919) % 23) - 11.0f;
    const std::vector<float> w = numbered(std::size_t(p.out.c) * cg * p.kernel_h * p.kernel_w);
    const std::vector<unsigned char> bytes = pack_conv_weights(p, Precision::fp32, w.data());
    auto packed = [&](std::int64_t i) {
      float v;
      std::memcpy(&v, bytes.data() + 4 * i, 4);
      return v;
    };
    std::size_t mismatches = 0;
    for (std::int64_t m = 0; m < conv_gemm_m(p); ++m)
      for (int oc = 0; oc < p.out.c; ++oc) {
        const int g = oc / og;
        const Element px = conv_pixel(p, m);
        double direct = 0.0;
        for (int ci = 0; ci < cg; ++ci)
          for (int ky = 0; ky < p.kernel_h; ++ky)
            for (int kx = 0; kx < p.kernel_w; ++kx) {
              const int y = px.y * p.stride_h - p.pad_top + ky * p.dilation_h;
              const int x = px.x * p.stride_w - p.pad_left + kx * p.dilation_w;
              if (y >= 0 && y < p.in.h && x >= 0 && x < p.in.w)
                direct += double(in[nhwc_offset(p.in, px.n, g * cg + ci, y, x)]) *
                          w[((std::size_t(oc) * cg + ci) * p.kernel_h + ky) * p.kernel_w + kx];
            }
        double gemm = 0.0;
        const ConvWindow window = conv_window(p, m, g);
        for (int k = 0; k < conv_gemm_k(p); ++k) {
          const ConvTap tap = conv_tap(p, k);
          const std::int64_t a = conv_a_offset(p, window, tap);
          if (a < 0)
            continue;
          const std::int64_t b = conv_uses_direct(p)
                                     ? conv_direct_weight_offset(p, tap.ky, tap.kx, tap.ci, oc)
                                     : conv_b_offset(p, g, k, oc % og);
          gemm += double(in[std::size_t(a)]) * packed(b);
        }
        mismatches += gemm != direct; // small integers and halves: exact in double
      }
    CHECK(mismatches == 0);
  }
}
