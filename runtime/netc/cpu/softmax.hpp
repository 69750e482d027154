// Softmax over channels (features) at every pixel, the maximum subtracted first.
//
// Strategy: flat tensors ([N, F]: one pixel) are a scalar loop over features; feature maps take
// vectors over pixels, with three passes over the channels (maximum, exponentials written to out
// and summed, division). exp is std::exp on flat tensors and simd.hpp's exp_vec (within 1.2e-7
// relative) on feature maps; sums run in a fixed order. A NaN in a pixel makes all its outputs NaN:
// the maximum keeps it, and exp(NaN) reaches the sum.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstddef>

namespace netc::cpu {

// Units: per sample, pieces of the plane's vectors (a whole sample when it is one pixel).
template <class Isa>
inline void softmax(const Context &ctx, const SoftmaxParams &p, const float *in, float *out) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width;
  const std::ptrdiff_t plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const int channels = p.in.c;
  const std::int64_t work = std::int64_t(p.out.n) * channels * plane;
  parallel_for_pieces(
      ctx, p.out.n, plane, width, work, [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
        const float *src = in + n * p.in.batch_stride;
        float *dst = out + n * p.out.batch_stride;
        if (plane == 1) {
          float top = src[0];
          for (int c = 1; c < channels; ++c)
            top = src[c] > top || src[c] != src[c] ? src[c] : top;
          float sum = 0.0f;
          for (int c = 0; c < channels; ++c) {
            const float e = std::exp(src[c] - top);
            dst[c] = e;
            sum += e;
          }
          for (int c = 0; c < channels; ++c)
            dst[c] /= sum;
          return;
        }
        for (std::ptrdiff_t i = begin; i < end; i += width) {
          const LaneMask m = lane_range(0, int(plane - i < width ? plane - i : width));
          V top = S::load_masked(src, i, m, S::zero());
          for (int c = 1; c < channels; ++c)
            top = S::max(top, S::load_masked(src + c * plane, i, m, S::zero()));
          V sum = S::zero();
          for (int c = 0; c < channels; ++c) {
            const V x = S::sub(S::load_masked(src + c * plane, i, m, S::zero()), top);
            const V e = exp_vec<Isa>(x);
            S::store_masked(dst + c * plane, i, m, e);
            sum = S::add(sum, e);
          }
          for (int c = 0; c < channels; ++c)
            S::store_masked(dst + c * plane, i, m,
                            S::div(S::load_masked(dst + c * plane, i, m, S::zero()), sum));
        }
      });
}

} // namespace netc::cpu
