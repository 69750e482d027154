// Fully connected layer: out[n][o] = act(sum_i weight[o][i] * in[n][i] + bias[o]).
//
// Strategy: vectors over output features. Weights are packed in blocks of NV vectors of outputs
// as [in_f][NV * width], so each input feature costs NV contiguous loads shared by up to NB
// samples (one broadcast each): the weights, by far the larger operand, stream from memory once
// per NB samples (a batch of 5 runs as tiles of 4 and 1). Output features past the last
// block's end are zero weights and are not stored.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/conv_common.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cstddef>

namespace netc::cpu {

namespace detail {

// NV vectors of outputs x NB samples of accumulators.
template <class Isa> struct LinearTile;
template <> struct LinearTile<Generic> { static constexpr int nv = 2, nb = 4; };
#if defined(__AVX2__) && defined(__FMA__)
template <> struct LinearTile<Avx2> { static constexpr int nv = 2, nb = 4; };
#endif
#if defined(__AVX512F__)
template <> struct LinearTile<Avx512> { static constexpr int nv = 4, nb = 4; };
#endif

template <class Isa> constexpr int linear_block() {
  return LinearTile<Isa>::nv * Simd<Isa>::width;
}

// Samples n .. n + NB - 1, outputs o0 .. o0 + count - 1 (count <= the block).
template <class Isa, int NB>
inline void linear_tile(const LinearParams &p, int n, int o0, int count, const float *in,
                        const float *w, const float *bias, float *out) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int NV = LinearTile<Isa>::nv;
  constexpr int width = S::width;
  constexpr int block = NV * width;
  V acc[NB][NV];
  unroll<NB>([&](auto b) { unroll<NV>([&](auto v) { acc[b][v] = S::zero(); }); });
  const float *x[NB];
  unroll<NB>([&](auto b) { x[b] = in + (n + b) * p.in.batch_stride; });
  for (int i = 0; i < p.in.c; ++i) {
    const float *wi = w + std::ptrdiff_t(i) * block;
    V wv[NV];
    unroll<NV>([&](auto v) { wv[v] = S::load(wi + v * width); });
    unroll<NB>([&](auto b) {
      const V xb = S::set1(x[b][i]);
      unroll<NV>([&](auto v) { acc[b][v] = S::fma(wv[v], xb, acc[b][v]); });
    });
  }
  unroll<NB>([&](auto b) {
    float *dst = out + (n + b) * p.out.batch_stride + o0;
    unroll<NV>([&](auto v) {
      const int lo = v * width;
      if (lo >= count)
        return;
      const LaneMask lanes = lane_range(0, count - lo < width ? count - lo : width);
      if (lanes == S::all) {
        const V r = S::add(acc[b][v], S::load(bias + o0 + lo));
        S::store(dst + lo, activate_vec<Isa>(p.act, r));
      } else {
        const V r = S::add(acc[b][v], S::load_masked(bias + o0, lo, lanes, S::zero()));
        S::store_masked(dst, lo, lanes, activate_vec<Isa>(p.act, r));
      }
    });
  });
}

// Samples n .. n + rows - 1 in tiles of NB, NB/2, ..., 1 samples (NB a power of two).
template <class Isa, int NB>
inline void linear_rows(const LinearParams &p, int n, int rows, int o0, int count, const float *in,
                        const float *w, const float *bias, float *out) {
  for (; rows >= NB; rows -= NB, n += NB)
    linear_tile<Isa, NB>(p, n, o0, count, in, w, bias, out);
  if constexpr (NB > 1)
    if (rows > 0)
      linear_rows<Isa, NB / 2>(p, n, rows, o0, count, in, w, bias, out);
}

} // namespace detail

template <class Isa> constexpr std::size_t linear_packed_size(const LinearParams &p) {
  constexpr int block = detail::linear_block<Isa>();
  return std::size_t(detail::ceil_div(p.out.c, block)) * block * std::size_t(p.in.c);
}

// weight: [out_f][in_f]; packed: linear_packed_size floats.
template <class Isa>
inline void linear_pack(const LinearParams &p, const float *weight, float *packed) {
  constexpr int block = detail::linear_block<Isa>();
  for (int o0 = 0; o0 < p.out.c; o0 += block)
    for (int i = 0; i < p.in.c; ++i)
      for (int r = 0; r < block; ++r)
        *packed++ = o0 + r < p.out.c ? weight[std::ptrdiff_t(o0 + r) * p.in.c + i] : 0.0f;
}

// Units: blocks of output features, each over every sample.
template <class Isa>
inline void linear(const Context &ctx, const LinearParams &p, const float *in, const float *packed,
                   const float *bias, float *out) {
  constexpr int block = detail::linear_block<Isa>();
  constexpr int NB = detail::LinearTile<Isa>::nb;
  const std::int64_t blocks = detail::ceil_div(p.out.c, block);
  const std::int64_t work = std::int64_t(p.out.n) * p.out.c * p.in.c;
  ctx.parallel_for(blocks, work, [&](std::int64_t unit, int) {
    const int o0 = int(unit) * block;
    const float *w = packed + std::ptrdiff_t(unit) * block * p.in.c;
    const int count = p.out.c - o0 < block ? p.out.c - o0 : block;
    detail::linear_rows<Isa, NB>(p, 0, p.out.n, o0, count, in, w, bias, out);
  });
}

} // namespace netc::cpu
