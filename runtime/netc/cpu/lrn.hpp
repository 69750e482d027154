// PyTorch's LocalResponseNorm across channels:
//   out[c] = in[c] / (k + alpha / size * sum_{c' = c - size/2}^{c + (size-1)/2} in[c']^2)^beta
// with channels outside [0, C) counting as zero.
//
// Strategy: vectors over the pixels of a sample's flattened plane; for each channel the window's
// squares are summed afresh (size is small), which keeps every output's rounding independent of
// its neighbours. The power is the exact std::pow, lane by lane.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstddef>

namespace netc::cpu {

// Units: per sample, pieces of the plane's vectors.
template <class Isa>
inline void lrn(const Context &ctx, const LrnParams &p, const float *in, float *out) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width;
  const std::ptrdiff_t plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const V k = S::set1(p.k);
  const V alpha = S::set1(p.alpha / float(p.size));
  const float beta = p.beta;
  const int before = p.size / 2, after = (p.size - 1) / 2;
  const std::int64_t work = std::int64_t(p.out.n) * p.out.c * plane * p.size;
  parallel_for_pieces(
      ctx, p.out.n, plane, width, work, [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
        const float *src = in + n * p.in.batch_stride;
        float *dst = out + n * p.out.batch_stride;
        for (std::ptrdiff_t i = begin; i < end; i += width) {
          const LaneMask m = lane_range(0, int(plane - i < width ? plane - i : width));
          for (int c = 0; c < p.out.c; ++c) {
            const int c0 = c - before < 0 ? 0 : c - before;
            const int c1 = c + after >= p.out.c ? p.out.c - 1 : c + after;
            V sum = S::zero();
            for (int cc = c0; cc <= c1; ++cc) {
              const V x = S::load_masked(src + cc * plane, i, m, S::zero());
              sum = S::fma(x, x, sum);
            }
            const V base = S::fma(alpha, sum, k);
            const V div = S::map(base, [beta](float b) { return std::pow(b, beta); });
            const V x = S::load_masked(src + c * plane, i, m, S::zero());
            S::store_masked(dst + c * plane, i, m, S::div(x, div));
          }
        }
      });
}

} // namespace netc::cpu
