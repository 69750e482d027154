// Host-side weight packing for the CUDA kernels: run once at construction, on the folded weights
// (runtime/netc/weights.hpp), producing the bytes the kernel reads. Plain C++17, no CUDA.
//
// Layouts (the kernels in conv.cuh and linear.cuh read exactly these):
// - convolution, implicit GEMM: [group][k][oc within group] with k = (ky * KW + kx) * IC/groups
//   + ic, the GEMM's B matrix (tap-major like the NHWC input the A tile gathers). Stored as
//   float for fp32 and tf32 (the kernel rounds to tf32), as bf16 or fp16 bits for those.
// - convolution, direct (conv_uses_direct): [ky][kx][ic within group][oc], float for every
//   precision (the direct kernel multiplies in fp32: it is memory-bound).
// - linear, GEMV (linear_uses_gemv): [out][in], float for fp32 and tf32, bf16/fp16 bits for those
//   (half the bytes to stream; the products are then formed in fp32).
// - linear, GEMM: the convolution layout of linear_as_conv, i.e. [in][out].
// A linear after a spatial flatten reads NHWC, so its columns are first permuted from PyTorch's
// (c, y, x) order to (y, x, c).
#pragma once

#include "netc/cuda/launch.hpp"
#include "netc/error.hpp"
#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace netc::cuda {

// Round to nearest even, as __float2bfloat16_rn: the upper half of the float's bits.
inline std::uint16_t float_to_bf16_bits(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return std::uint16_t((x >> 16) | 0x0040u); // a quiet NaN stays a NaN
  x += 0x7fffu + ((x >> 16) & 1u);
  return std::uint16_t(x >> 16);
}

// Round to nearest even, as __float2half_rn, with subnormals, overflow to infinity and NaN.
inline std::uint16_t float_to_fp16_bits(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint16_t sign = std::uint16_t((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x > 0x7f800000u)
    return sign | 0x7e00u;
  if (x >= 0x477ff000u) // 65520 and up: past half the gap above 65504, the largest half
    return sign | 0x7c00u;
  if (x < 0x38800000u) {  // below 2^-14: a subnormal half, in units of 2^-24
    if (x <= 0x33000000u) // at most 2^-25: ties to the even zero
      return sign;
    const int shift = 126 - int(x >> 23); // 14 .. 24
    const std::uint32_t m = (x & 0x7fffffu) | 0x800000u;
    std::uint32_t r = m >> shift;
    const std::uint32_t rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1u)))
      ++r;
    return std::uint16_t(sign | r);
  }
  std::uint32_t r = x - 0x38000000u; // rebias the exponent from 127 to 15
  const std::uint32_t rem = r & 0x1fffu;
  r >>= 13;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u)))
    ++r; // a carry into the exponent is the correct rounding
  return std::uint16_t(sign | r);
}

namespace detail {

// A packed buffer of `count` elements of the precision's storage type.
class PackedWeights {
public:
  PackedWeights(std::size_t count, bool half) : half_(half), bytes_(count * (half ? 2 : 4)) {}
  void set(std::size_t i, float v, Precision prec) {
    if (!half_) {
      std::memcpy(bytes_.data() + 4 * i, &v, 4);
      return;
    }
    const std::uint16_t bits =
        prec == Precision::bf16 ? float_to_bf16_bits(v) : float_to_fp16_bits(v);
    std::memcpy(bytes_.data() + 2 * i, &bits, 2);
  }
  std::vector<unsigned char> take() { return std::move(bytes_); }

private:
  bool half_;
  std::vector<unsigned char> bytes_;
};

inline bool stores_half(Precision prec) {
  return prec == Precision::bf16 || prec == Precision::fp16;
}

inline void require(bool ok, const std::string &what) {
  if (!ok)
    throw Error("netc cuda weight packing: " + what);
}

} // namespace detail

inline std::vector<unsigned char> pack_conv_weights(const ConvParams &p, Precision prec,
                                                    const float *oihw) {
  detail::require(p.groups > 0 && p.in.c % p.groups == 0 && p.out.c % p.groups == 0,
                  "channels " + std::to_string(p.in.c) + " -> " + std::to_string(p.out.c) +
                      " do not divide into " + std::to_string(p.groups) + " groups");
  const int cg = conv_group_in(p), og = conv_group_out(p);
  const int kh = p.kernel_h, kw = p.kernel_w;
  const std::size_t count = std::size_t(p.out.c) * cg * kh * kw;
  const bool direct = conv_uses_direct(p);
  detail::PackedWeights packed(count, !direct && detail::stores_half(prec));
  for (int oc = 0; oc < p.out.c; ++oc)
    for (int ic = 0; ic < cg; ++ic)
      for (int ky = 0; ky < kh; ++ky)
        for (int kx = 0; kx < kw; ++kx) {
          const float v = oihw[((std::size_t(oc) * cg + ic) * kh + ky) * kw + kx];
          const int k = (ky * kw + kx) * cg + ic; // conv_tap's inverse
          const std::int64_t to = direct ? conv_direct_weight_offset(p, ky, kx, ic, oc)
                                         : conv_b_offset(p, oc / og, k, oc % og);
          packed.set(std::size_t(to), v, prec);
        }
  return packed.take();
}

// flatten_c/h/w: the [C, H, W] shape flattened into this linear's input, or 0 when the input was
// not a spatial flatten.
inline std::vector<unsigned char> pack_linear_weights(const LinearParams &p, Precision prec,
                                                      const float *out_in, int flatten_c,
                                                      int flatten_h, int flatten_w) {
  const int in_f = p.in.c, out_f = p.out.c;
  std::vector<float> permuted(out_in, out_in + std::size_t(in_f) * out_f);
  if (flatten_c > 0) {
    detail::require(std::int64_t(flatten_c) * flatten_h * flatten_w == in_f,
                    "flatten " + std::to_string(flatten_c) + "x" + std::to_string(flatten_h) + "x" +
                        std::to_string(flatten_w) + " does not give the linear's " +
                        std::to_string(in_f) + " input features");
    const int plane = flatten_h * flatten_w;
    for (int o = 0; o < out_f; ++o)
      for (int c = 0; c < flatten_c; ++c)
        for (int s = 0; s < plane; ++s)
          permuted[std::size_t(o) * in_f + std::size_t(s) * flatten_c + c] =
              out_in[std::size_t(o) * in_f + std::size_t(c) * plane + s];
  }
  if (!linear_uses_gemv(p))
    return pack_conv_weights(linear_as_conv(p), prec, permuted.data());
  detail::PackedWeights packed(permuted.size(), detail::stores_half(prec));
  for (std::size_t i = 0; i < permuted.size(); ++i)
    packed.set(i, permuted[i], prec);
  return packed.take();
}

} // namespace netc::cuda
