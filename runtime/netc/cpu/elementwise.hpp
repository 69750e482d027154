// Elementwise kernels: out = act(scale * in), out = act(a + b_scale * b) and
// out = act(a * (b_scale * b)), the last with b either of out's shape or [C, 1, 1] (one factor per
// channel, broadcast over the pixels: squeeze-and-excitation).
//
// Strategy: a sample's channels are contiguous even in a channel slice, so each sample is one
// run of C*H*W floats: full vectors, then one masked vector for the tail. Each element is read
// before it is written, so out may be an input (in place).
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <algorithm>
#include <cstddef>

namespace netc::cpu {

// Units: per sample, pieces of its run (whole vectors, so no result depends on the cut).
template <class Isa>
inline void unary(const Context &ctx, const UnaryParams &p, const float *in, float *out) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  const std::ptrdiff_t count = std::ptrdiff_t(p.out.c) * p.out.h * p.out.w;
  const typename S::Vec scale = S::set1(p.scale);
  parallel_for_pieces(
      ctx, p.out.n, count, width, p.out.n * count,
      [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
        const float *src = in + n * p.in.batch_stride;
        float *dst = out + n * p.out.batch_stride;
        std::ptrdiff_t i = begin;
        for (; i + width <= end; i += width)
          S::store(dst + i, activate_vec<Isa>(p.act, S::mul(scale, S::load(src + i))));
        if (i < end) {
          const LaneMask m = lane_range(0, int(end - i));
          S::store_masked(
              dst, i, m,
              activate_vec<Isa>(p.act, S::mul(scale, S::load_masked(src, i, m, S::zero()))));
        }
      });
}

template <class Isa>
inline void binary(const Context &ctx, const BinaryParams &p, const float *a, const float *b,
                   float *out) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  const std::ptrdiff_t count = std::ptrdiff_t(p.out.c) * p.out.h * p.out.w;
  const typename S::Vec scale = S::set1(p.b_scale);
  parallel_for_pieces(
      ctx, p.out.n, count, width, p.out.n * count,
      [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
        const float *pa = a + n * p.a.batch_stride;
        const float *pb = b + n * p.b.batch_stride;
        float *dst = out + n * p.out.batch_stride;
        std::ptrdiff_t i = begin;
        for (; i + width <= end; i += width)
          S::store(dst + i,
                   activate_vec<Isa>(p.act, S::fma(scale, S::load(pb + i), S::load(pa + i))));
        if (i < end) {
          const LaneMask m = lane_range(0, int(end - i));
          const typename S::Vec va = S::load_masked(pa, i, m, S::zero());
          const typename S::Vec vb = S::load_masked(pb, i, m, S::zero());
          S::store_masked(dst, i, m, activate_vec<Isa>(p.act, S::fma(scale, vb, va)));
        }
      });
}

// Units as unary's. With a broadcast b, a piece is cut at channel boundaries into runs of one
// factor each: full vectors, then a masked one. Either way out[i] = a[i] * (b_scale * b[...]) in
// one rounding order, so the result does not depend on the cut.
template <class Isa>
inline void mul(const Context &ctx, const BinaryParams &p, const float *a, const float *b,
                float *out) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  const std::ptrdiff_t plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const std::ptrdiff_t count = p.out.c * plane;
  const bool broadcast = std::ptrdiff_t(p.b.h) * p.b.w != plane;
  const typename S::Vec scale = S::set1(p.b_scale);
  parallel_for_pieces(
      ctx, p.out.n, count, width, p.out.n * count,
      [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
        const float *pa = a + n * p.a.batch_stride;
        const float *pb = b + n * p.b.batch_stride;
        float *dst = out + n * p.out.batch_stride;
        if (!broadcast) {
          std::ptrdiff_t i = begin;
          for (; i + width <= end; i += width)
            S::store(dst + i, activate_vec<Isa>(
                                  p.act, S::mul(S::load(pa + i), S::mul(scale, S::load(pb + i)))));
          if (i < end) {
            const LaneMask m = lane_range(0, int(end - i));
            const typename S::Vec va = S::load_masked(pa, i, m, S::zero());
            const typename S::Vec vb = S::load_masked(pb, i, m, S::zero());
            S::store_masked(dst, i, m, activate_vec<Isa>(p.act, S::mul(va, S::mul(scale, vb))));
          }
          return;
        }
        for (std::ptrdiff_t c = begin / plane; c * plane < end; ++c) {
          const typename S::Vec factor = S::set1(p.b_scale * pb[c]);
          const std::ptrdiff_t run_end = std::min(end, (c + 1) * plane);
          std::ptrdiff_t i = std::max(begin, c * plane);
          for (; i + width <= run_end; i += width)
            S::store(dst + i, activate_vec<Isa>(p.act, S::mul(S::load(pa + i), factor)));
          if (i < run_end) {
            const LaneMask m = lane_range(0, int(run_end - i));
            S::store_masked(
                dst, i, m,
                activate_vec<Isa>(p.act, S::mul(S::load_masked(pa, i, m, S::zero()), factor)));
          }
        }
      });
}

} // namespace netc::cpu
