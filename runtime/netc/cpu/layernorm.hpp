// Layer normalisation over channels at every pixel (LayerNormParams):
//   out[c] = (in[c] - mean) / sqrt(var + eps) * weight[c] + bias[c]
//
// Strategy: feature maps take vectors over the pixels of a sample's plane, with three passes over
// the channels (sum, squared deviations from the mean, normalise); the variance is computed from
// the deviations, not as E[x^2] - mean^2, so it does not cancel. The square root is std::sqrt,
// lane by lane. Flat tensors ([N, F]: one pixel) are the same passes as a scalar loop. Sums run in
// a fixed order; a NaN in a pixel makes all its outputs NaN.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstddef>
#include <cstring>

namespace netc::cpu {

// The weight is kept as it is: one float per channel.
template <class Isa> constexpr std::size_t layernorm_packed_size(const LayerNormParams &p) {
  return std::size_t(p.out.c);
}

template <class Isa>
inline void layernorm_pack(const LayerNormParams &p, const float *weight, float *packed) {
  std::memcpy(packed, weight, std::size_t(p.out.c) * sizeof(float));
}

// Units: per sample, pieces of the plane's vectors (a whole sample when it is one pixel).
template <class Isa>
inline void layernorm(const Context &ctx, const LayerNormParams &p, const float *in,
                      const float *weight, const float *bias, float *out) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width;
  const std::ptrdiff_t plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const int channels = p.in.c;
  const float inv_c = 1.0f / float(channels);
  const std::int64_t work = std::int64_t(p.out.n) * channels * plane * 3;
  parallel_for_pieces(
      ctx, p.out.n, plane, width, work, [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
        const float *src = in + n * p.in.batch_stride;
        float *dst = out + n * p.out.batch_stride;
        if (plane == 1) {
          float sum = 0.0f;
          for (int c = 0; c < channels; ++c)
            sum += src[c];
          const float mean = sum * inv_c;
          float var = 0.0f;
          for (int c = 0; c < channels; ++c)
            var += (src[c] - mean) * (src[c] - mean);
          const float inv = 1.0f / std::sqrt(var * inv_c + p.eps);
          for (int c = 0; c < channels; ++c)
            dst[c] = (src[c] - mean) * inv * weight[c] + bias[c];
          return;
        }
        const V scale = S::set1(inv_c);
        const float eps = p.eps;
        for (std::ptrdiff_t i = begin; i < end; i += width) {
          const LaneMask m = lane_range(0, int(plane - i < width ? plane - i : width));
          V sum = S::zero();
          for (int c = 0; c < channels; ++c)
            sum = S::add(sum, S::load_masked(src + c * plane, i, m, S::zero()));
          const V mean = S::mul(sum, scale);
          V var = S::zero();
          for (int c = 0; c < channels; ++c) {
            const V d = S::sub(S::load_masked(src + c * plane, i, m, S::zero()), mean);
            var = S::fma(d, d, var);
          }
          const V inv =
              S::map(S::mul(var, scale), [eps](float v) { return 1.0f / std::sqrt(v + eps); });
          for (int c = 0; c < channels; ++c) {
            const V d = S::sub(S::load_masked(src + c * plane, i, m, S::zero()), mean);
            const V y = S::fma(S::mul(d, inv), S::set1(weight[c]), S::set1(bias[c]));
            S::store_masked(dst + c * plane, i, m, y);
          }
        }
      });
}

} // namespace netc::cpu
