// Copies a tensor into a larger or equal one at (pad_top, pad_left) and zeroes the rest of it: a
// zeropad, or the copy of a value into its channel slice of a concat.
//
// Strategy: without padding a sample is one contiguous run of C*H*W floats; with padding each
// output row is zeros, the input row, zeros. Vector loops with masked tails.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cstddef>

namespace netc::cpu {

namespace detail {

template <class Isa> inline void copy_run(const float *src, float *dst, std::ptrdiff_t count) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  std::ptrdiff_t i = 0;
  for (; i + width <= count; i += width)
    S::store(dst + i, S::load(src + i));
  if (i < count) {
    const LaneMask m = lane_range(0, int(count - i));
    S::store_masked(dst, i, m, S::load_masked(src, i, m, S::zero()));
  }
}

template <class Isa> inline void zero_run(float *dst, std::ptrdiff_t count) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  std::ptrdiff_t i = 0;
  for (; i + width <= count; i += width)
    S::store(dst + i, S::zero());
  if (i < count)
    S::store_masked(dst, i, lane_range(0, int(count - i)), S::zero());
}

} // namespace detail

// Units: per sample, pieces of its run, or with padding groups of output planes.
template <class Isa>
inline void copy(const Context &ctx, const CopyParams &p, const float *in, float *out) {
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const bool padded = p.in.h != p.out.h || p.in.w != p.out.w;
  const std::ptrdiff_t count = std::ptrdiff_t(p.out.c) * out_plane;
  // Without padding, pieces of each sample's run; with it, pieces of its channels.
  const std::int64_t size = padded ? p.out.c : count;
  const std::int64_t align = padded ? 1 : Simd<Isa>::width;
  parallel_for_pieces(ctx, p.out.n, size, align, p.out.n * count,
                      [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
                        const float *src = in + n * p.in.batch_stride;
                        float *dst = out + n * p.out.batch_stride;
                        if (!padded) {
                          detail::copy_run<Isa>(src + begin, dst + begin, end - begin);
                          return;
                        }
                        const int right = p.out.w - p.in.w - p.pad_left;
                        const int c1 = int(end);
                        src += begin * in_plane;
                        dst += begin * out_plane;
                        for (int c = int(begin); c < c1; ++c, src += in_plane, dst += out_plane)
                          for (int y = 0; y < p.out.h; ++y) {
                            float *row = dst + std::ptrdiff_t(y) * p.out.w;
                            const int iy = y - p.pad_top;
                            if (iy < 0 || iy >= p.in.h) {
                              detail::zero_run<Isa>(row, p.out.w);
                              continue;
                            }
                            detail::zero_run<Isa>(row, p.pad_left);
                            detail::copy_run<Isa>(src + std::ptrdiff_t(iy) * p.in.w,
                                                  row + p.pad_left, p.in.w);
                            detail::zero_run<Isa>(row + p.pad_left + p.in.w, right);
                          }
                      });
}

} // namespace netc::cpu
