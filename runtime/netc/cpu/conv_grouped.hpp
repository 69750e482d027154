// Grouped convolution (groups > 1), depthwise with any channel multiplier included, with bias,
// activation and a residual fused into the epilogue.
//
// Strategy: depthwise convolutions with stride 1 or 2 across the row take conv_depthwise.hpp's
// kernel (weights as PyTorch has them) unless depthwise_fast_path says the channel tile is faster.
// Otherwise, when a group has at least MR output channels, each group is a convolution of its own,
// run as the packed GEMM of conv_gemm.hpp (which needs scratch). Otherwise (depthwise, ResNeXt's
// narrow groups, a batch norm on its own) the channel tile takes MR consecutive output channels
// across groups, each reading its own group's input channels, so no lane of the tile is wasted on
// padding channels (conv_common.hpp). Weights are packed per block of MR output channels as
// [ky][kx][in_c/groups][MR].
#pragma once

#include "netc/cpu/conv_common.hpp"
#include "netc/cpu/conv_depthwise.hpp"
#include "netc/cpu/conv_gemm.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <algorithm>
#include <cassert>
#include <cstddef>

namespace netc::cpu {

namespace detail {

// Narrow groups take the channel tile.
template <class Isa> constexpr bool grouped_by_channel(const ConvParams &p) {
  return p.out.c / p.groups < ConvTile<Isa>::mr;
}

// Units of the channel tile: per sample, blocks of MR output channels, each over a chunk of
// the plane's vectors (a multiple of NR: the whole plane unless the threads need finer units).
template <class Isa>
inline void run_channel_conv(const Context &ctx, const ConvParams &p, const float *in,
                             const float *packed, const float *bias, const float *residual,
                             float *out) {
  constexpr int MR = ConvTile<Isa>::mr, NR = ConvTile<Isa>::nr;
  const ConvGeometry g = conv_geometry<Isa>(p);
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const int in_c = p.in.c / p.groups;
  const int per_group = p.out.c / p.groups;
  const std::ptrdiff_t block_floats = std::ptrdiff_t(MR) * p.kernel_h * p.kernel_w * in_c;
  const int blocks = int(ceil_div(p.out.c, MR));
  const int tiles = int(ceil_div(g.vectors, NR));
  const int chunk = int(ceil_div(tiles, ctx.pieces(std::int64_t(p.out.n) * blocks, tiles))) * NR;
  const int chunks = int(ceil_div(g.vectors, chunk));
  const std::int64_t units = std::int64_t(p.out.n) * blocks * chunks;
  ctx.parallel_for(units, conv_work(p), [&](std::int64_t unit, int) {
    const int v0 = int(unit % chunks) * chunk;
    const int v1 = g.vectors - v0 < chunk ? g.vectors : v0 + chunk;
    const int o = int(unit / chunks % blocks) * MR;
    const int n = int(unit / chunks / blocks);
    const float *in_n = in + n * p.in.batch_stride;
    float *out_n = out + n * p.out.batch_stride;
    const float *res_n = residual ? residual + n * p.residual_batch_stride : nullptr;
    const float *w = packed + std::ptrdiff_t(o / MR) * block_floats;
    const int count = p.out.c - o < MR ? p.out.c - o : MR;
    // Channels past the end read the last group (their weights are zero).
    const float *src[MR];
    for (int r = 0; r < MR; ++r)
      src[r] =
          in_n + std::ptrdiff_t((r < count ? o + r : p.out.c - 1) / per_group) * in_c * in_plane;
    for (int v = v0; v < v1; v += NR)
      channel_tile<Isa, MR, NR>(g, v, src, in_plane, in_c, w, count, bias + o,
                                res_n ? res_n + o * out_plane : nullptr, out_n + o * out_plane,
                                out_plane, p.act);
  });
}

} // namespace detail

template <class Isa> constexpr std::size_t conv_grouped_packed_size(const ConvParams &p) {
  if (detail::depthwise_fast_path<Simd<Isa>::width>(p))
    return std::size_t(p.out.c) * std::size_t(p.kernel_h) * std::size_t(p.kernel_w);
  return detail::packed_conv_size<detail::ConvTile<Isa>::mr>(p,
                                                             !detail::grouped_by_channel<Isa>(p));
}

// Floats of scratch conv_grouped needs per thread: none for the channel tile.
template <class Isa> constexpr std::size_t conv_grouped_scratch_floats(const ConvParams &p) {
  if (detail::depthwise_fast_path<Simd<Isa>::width>(p))
    return detail::depthwise_scratch_floats<Simd<Isa>::width>(p);
  return detail::grouped_by_channel<Isa>(p) ? 0 : gemm_panel_floats<Isa>(p);
}

// weight: [out_c][in_c/groups][kh][kw]; packed: conv_grouped_packed_size floats.
template <class Isa>
inline void conv_grouped_pack(const ConvParams &p, const float *weight, float *packed) {
  if (detail::depthwise_fast_path<Simd<Isa>::width>(p)) {
    std::copy(weight, weight + conv_grouped_packed_size<Isa>(p), packed);
    return;
  }
  if (detail::grouped_by_channel<Isa>(p))
    detail::pack_conv_blocks<detail::ConvTile<Isa>::mr>(p, weight, packed);
  else
    gemm_pack<Isa>(p, weight, packed);
}

template <class Isa>
inline void conv_grouped(const Context &ctx, const ConvParams &p, const float *in,
                         const float *packed, const float *bias, const float *residual,
                         float *out) {
  assert(p.groups >= 1 && p.in.c % p.groups == 0 && p.out.c % p.groups == 0);
  if (detail::depthwise_fast_path<Simd<Isa>::width>(p))
    detail::conv_depthwise<Isa>(ctx, p, in, packed, bias, residual, out);
  else if (detail::grouped_by_channel<Isa>(p))
    detail::run_channel_conv<Isa>(ctx, p, in, packed, bias, residual, out);
  else
    gemm_conv<Isa>(ctx, p, in, packed, bias, residual, out);
}

} // namespace netc::cpu
