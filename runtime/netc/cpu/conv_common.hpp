// What the convolution kernels share: the register tile sizes, the packed weights, and for the
// channel tile of conv_grouped how output pixels are cut into vectors, where each tap of the
// kernel reads for a vector, and the tile's epilogue. (conv_gemm.hpp runs every other
// convolution as a packed GEMM.)
//
// Vectors run over output pixels, so a row of NCHW output is stored as it is computed. Two ways
// to cut a plane into vectors:
// - flat: when stride is 1 and the output is as wide as the input ("same" convolutions, 1x1),
//   output pixel p reads input pixel p + constant for every tap, so vectors run over the
//   flattened plane and no lane is wasted at the end of a short row; lanes whose tap falls in the
//   padding (left/right columns, rows above/below) are masked off.
// - rows: any stride, dilation and padding. A vector is a piece of one output row; a tap reads a
//   contiguous (stride 1), even-element (stride 2) or gathered (other strides) piece of one input
//   row, masked to the columns that exist.
// The channel tile computes MR output channels x NR vectors and gives each of its MR output
// channels its own input channels (grouped convolutions with few channels per group, depthwise
// included; weights [tap][in_c/groups][MR]).
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cstddef>
#include <cstdint>

namespace netc::cpu::detail {

// Register tile sizes of each ISA: MR output channels x NR vectors of accumulators.
template <class Isa> struct ConvTile;
template <> struct ConvTile<Generic> { static constexpr int mr = 4, nr = 3; };
#if defined(__AVX2__) && defined(__FMA__)
template <> struct ConvTile<Avx2> { static constexpr int mr = 6, nr = 2; };
#endif
#if defined(__AVX512F__)
template <> struct ConvTile<Avx512> { static constexpr int mr = 8, nr = 3; };
#endif

// Flat vectors keep one column mask per kernel column; wider kernels use rows.
constexpr int kMaxFlatKernelW = 16;

constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

struct ConvGeometry {
  int in_h, in_w, out_h, out_w;
  int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  bool flat;
  int per_row; // rows: vectors per output row
  int vectors; // vectors per output plane
  int width;   // lanes per vector
};

template <class Isa> inline ConvGeometry conv_geometry(const ConvParams &p) {
  ConvGeometry g{};
  g.in_h = p.in.h, g.in_w = p.in.w, g.out_h = p.out.h, g.out_w = p.out.w;
  g.kernel_h = p.kernel_h, g.kernel_w = p.kernel_w;
  g.stride_h = p.stride_h, g.stride_w = p.stride_w;
  g.dilation_h = p.dilation_h, g.dilation_w = p.dilation_w;
  g.pad_top = p.pad_top, g.pad_left = p.pad_left;
  g.width = Simd<Isa>::width;
  const int width = g.width;
  g.flat = p.stride_h == 1 && p.stride_w == 1 && p.out.w == p.in.w && p.kernel_w <= kMaxFlatKernelW;
  if (g.flat) {
    g.vectors = int(ceil_div(std::int64_t(p.out.h) * p.out.w, width));
  } else {
    g.per_row = int(ceil_div(p.out.w, width));
    g.vectors = g.per_row * p.out.h;
  }
  return g;
}

// Where NR consecutive vectors of a plane lie, and the column masks of flat vectors.
template <class Isa, int NR> struct TileVectors {
  std::ptrdiff_t out_off[NR];            // first output pixel in the plane
  LaneMask lanes[NR];                    // the output pixels that exist
  int oy[NR], ox[NR];                    // rows: the vector's row and first column
  LaneMask columns[NR][kMaxFlatKernelW]; // flat: lanes whose tap kx lands inside the row

  TileVectors(const ConvGeometry &g, int first) {
    constexpr int width = Simd<Isa>::width;
    const std::int64_t plane = std::int64_t(g.out_h) * g.out_w;
    for (int j = 0; j < NR; ++j) {
      int k = first + j;
      if (k >= g.vectors) { // past the plane: a vector of no lanes
        out_off[j] = 0;
        lanes[j] = 0;
        oy[j] = ox[j] = 0;
        continue;
      }
      if (g.flat) {
        out_off[j] = std::ptrdiff_t(k) * width;
        lanes[j] = lane_range(0, int(plane - out_off[j] < width ? plane - out_off[j] : width));
        oy[j] = int(out_off[j] / g.out_w);
        ox[j] = int(out_off[j] % g.out_w);
        for (int kx = 0; kx < g.kernel_w; ++kx)
          columns[j][kx] = column_mask(g, ox[j], kx * g.dilation_w - g.pad_left);
      } else {
        oy[j] = k / g.per_row;
        ox[j] = (k % g.per_row) * width;
        out_off[j] = std::ptrdiff_t(oy[j]) * g.out_w + ox[j];
        lanes[j] = lane_range(0, g.out_w - ox[j] < width ? g.out_w - ox[j] : width);
      }
    }
  }

  // Flat vector starting at column ox0: the lanes whose column + dx lies in [0, in_w).
  static LaneMask column_mask(const ConvGeometry &g, int ox0, int dx) {
    int lo = dx < 0 ? -dx : 0;
    int hi = g.in_w - dx < g.out_w ? g.in_w - dx : g.out_w;
    if (lo == 0 && hi == g.out_w)
      return Simd<Isa>::all;
    LaneMask m = 0;
    int x = ox0;
    for (int l = 0; l < Simd<Isa>::width; ++l) {
      if (x >= lo && x < hi)
        m |= LaneMask{1} << l;
      if (++x == g.out_w)
        x = 0;
    }
    return m;
  }

  // For tap (ky, kx): each vector's input offset in the plane (that of lane 0, which may lie
  // outside the plane when lane 0 is masked off) and the lanes that read real input.
  void tap(const ConvGeometry &g, int ky, int kx, std::ptrdiff_t (&off)[NR],
           LaneMask (&m)[NR]) const {
    constexpr int width = Simd<Isa>::width;
    const int dy = ky * g.dilation_h - g.pad_top;
    const int dx = kx * g.dilation_w - g.pad_left;
    if (g.flat) {
      // Output rows [ylo, yhi) read input rows that exist.
      const std::int64_t ylo = dy < 0 ? -dy : 0;
      const std::int64_t yhi = g.in_h - dy < g.out_h ? g.in_h - dy : g.out_h;
      for (int j = 0; j < NR; ++j) {
        std::int64_t lo = ylo * g.out_w - out_off[j];
        std::int64_t hi = yhi * g.out_w - out_off[j];
        lo = lo < 0 ? 0 : lo > width ? width : lo;
        hi = hi < 0 ? 0 : hi > width ? width : hi;
        m[j] = lanes[j] & columns[j][kx] & lane_range(int(lo), int(hi));
        off[j] = out_off[j] + std::ptrdiff_t(dy) * g.in_w + dx;
      }
      return;
    }
    for (int j = 0; j < NR; ++j) {
      const int iy = oy[j] * g.stride_h + dy;
      const std::int64_t ix = std::int64_t(ox[j]) * g.stride_w + dx;
      off[j] = std::ptrdiff_t(iy) * g.in_w + ix;
      if (iy < 0 || iy >= g.in_h || lanes[j] == 0) {
        m[j] = 0;
        continue;
      }
      // Lanes l with 0 <= ix + l * stride < in_w.
      std::int64_t lo = ix < 0 ? ceil_div(-ix, g.stride_w) : 0;
      std::int64_t hi = ix < g.in_w ? ceil_div(g.in_w - ix, g.stride_w) : 0;
      lo = lo > width ? width : lo;
      hi = hi > width ? width : hi;
      m[j] = lanes[j] & lane_range(int(lo), int(hi));
    }
  }
};

// How a tap's vectors are loaded: whole, lane-masked with every lane inside the input plane
// (select), lane-masked at the plane's edges (masked), or strided.
enum class Load { full, select, masked, strided };

// acc[r][j] += sum over in_c of w[ic][r] * src[r][ic][off[j] + lane]: each output channel
// reads its own input channels.
template <class Isa, int MR, int NR, Load L>
inline void channel_accumulate(typename Simd<Isa>::Vec (&acc)[MR][NR],
                               const float *const (&src)[MR], std::ptrdiff_t plane, int in_c,
                               const float *w, const std::ptrdiff_t (&off)[NR],
                               const LaneMask (&m)[NR], int stride) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V zero = S::zero();
  // A local copy stays in registers: vector types may alias floats, so updates through the
  // reference would be stored after every load of input or weights.
  V sum[MR][NR];
  unroll<MR>([&](auto r) { unroll<NR>([&](auto j) { sum[r][j] = acc[r][j]; }); });
  typename S::Select sel[NR];
  if constexpr (L == Load::select)
    unroll<NR>([&](auto j) { sel[j] = S::select_mask(m[j]); });
  for (int ic = 0; ic < in_c; ++ic) {
    const float *wr = w + std::ptrdiff_t(ic) * MR;
    unroll<MR>([&](auto r) {
      const float *s = src[r] + ic * plane;
      const V b = S::set1(wr[r]);
      unroll<NR>([&](auto j) {
        V x;
        if constexpr (L == Load::full)
          x = S::load(s + off[j]);
        else if constexpr (L == Load::select)
          x = S::load_select(s, off[j], sel[j]);
        else if constexpr (L == Load::masked)
          x = S::load_masked(s, off[j], m[j], zero);
        else
          x = S::load_strided(s, off[j], stride, m[j], zero);
        sum[r][j] = S::fma(b, x, sum[r][j]);
      });
    });
  }
  unroll<MR>([&](auto r) { unroll<NR>([&](auto j) { acc[r][j] = sum[r][j]; }); });
}

// out = act(acc + bias + residual) for the out_c channels of the tile that exist.
template <class Isa, int MR, int NR>
inline void conv_epilogue(typename Simd<Isa>::Vec (&acc)[MR][NR], const TileVectors<Isa, NR> &tv,
                          int out_c, std::ptrdiff_t plane, const float *bias, const float *residual,
                          float *out, Activation act) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  unroll<MR>([&](auto r) {
    if (r >= out_c)
      return;
    const V b = S::set1(bias[r]);
    float *dst = out + r * plane;
    const float *res = residual ? residual + r * plane : nullptr;
    unroll<NR>([&](auto j) {
      const LaneMask lanes = tv.lanes[j];
      if (lanes == 0)
        return;
      V v = S::add(acc[r][j], b);
      if (lanes == S::all) {
        if (res) // read before the store: the residual may be the output itself
          v = S::add(v, S::load(res + tv.out_off[j]));
        S::store(dst + tv.out_off[j], activate_vec<Isa>(act, v));
      } else {
        if (res)
          v = S::add(v, S::load_masked(res, tv.out_off[j], lanes, S::zero()));
        S::store_masked(dst, tv.out_off[j], lanes, activate_vec<Isa>(act, v));
      }
    });
  });
}

// The taps of one tile, each summed by `accumulate` with the load the tap's masks allow.
template <class Isa, int NR, class Accumulate>
inline void for_each_tap(const ConvGeometry &g, const TileVectors<Isa, NR> &tv,
                         Accumulate &&accumulate) {
  constexpr LaneMask all = Simd<Isa>::all;
  constexpr int width = Simd<Isa>::width;
  const std::ptrdiff_t in_plane = std::ptrdiff_t(g.in_h) * g.in_w;
  for (int ky = 0; ky < g.kernel_h; ++ky)
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      std::ptrdiff_t off[NR];
      LaneMask m[NR];
      tv.tap(g, ky, kx, off, m);
      LaneMask any = 0;
      bool full = true, inside = true;
      for (int j = 0; j < NR; ++j) {
        if (m[j] == 0) // a select still reads it: somewhere harmless
          off[j] = 0;
        any |= m[j];
        full = full && m[j] == all;
        inside = inside && off[j] >= 0 && off[j] + width <= in_plane;
      }
      if (any == 0)
        continue;
      const int tap = ky * g.kernel_w + kx;
      if (g.flat || g.stride_w == 1) {
        if (full)
          accumulate(tap, off, m, std::integral_constant<Load, Load::full>{});
        else if (inside)
          accumulate(tap, off, m, std::integral_constant<Load, Load::select>{});
        else
          accumulate(tap, off, m, std::integral_constant<Load, Load::masked>{});
      } else {
        accumulate(tap, off, m, std::integral_constant<Load, Load::strided>{});
      }
    }
}

// One channel tile: output channel r reads input channels src[r] .. src[r] + in_c - 1.
template <class Isa, int MR, int NR>
inline void channel_tile(const ConvGeometry &g, int first, const float *const (&src)[MR],
                         std::ptrdiff_t in_plane, int in_c, const float *w, int out_c,
                         const float *bias, const float *residual, float *out,
                         std::ptrdiff_t out_plane, Activation act) {
  using V = typename Simd<Isa>::Vec;
  const TileVectors<Isa, NR> tv(g, first);
  V acc[MR][NR];
  unroll<MR>([&](auto r) { unroll<NR>([&](auto j) { acc[r][j] = Simd<Isa>::zero(); }); });
  for_each_tap<Isa, NR>(g, tv, [&](int tap, const auto &off, const auto &m, auto load) {
    channel_accumulate<Isa, MR, NR, decltype(load)::value>(
        acc, src, in_plane, in_c, w + std::ptrdiff_t(tap) * in_c * MR, off, m, g.stride_w);
  });
  conv_epilogue<Isa, MR, NR>(acc, tv, out_c, out_plane, bias, residual, out, act);
}

// Weights [out_c][in_c/groups][kh][kw] to blocks of MR output channels running over all out_c
// channels across groups (conv_grouped's channel tile), each [tap][ic][MR], zero past the last
// channel. The GEMM packs blocks within each group its own way (gemm_pack).
template <int MR>
inline void pack_conv_blocks(const ConvParams &p, const float *weight, float *packed) {
  const int taps = p.kernel_h * p.kernel_w;
  const int in_c = p.in.c / p.groups;
  for (int b = 0; b < p.out.c; b += MR)
    for (int t = 0; t < taps; ++t)
      for (int ic = 0; ic < in_c; ++ic)
        for (int r = 0; r < MR; ++r)
          *packed++ =
              b + r < p.out.c ? weight[(std::ptrdiff_t(b + r) * in_c + ic) * taps + t] : 0.0f;
}

template <int MR> constexpr std::size_t packed_conv_size(const ConvParams &p, bool within_groups) {
  const std::size_t groups = within_groups ? std::size_t(p.groups) : 1;
  const std::size_t span = std::size_t(within_groups ? p.out.c / p.groups : p.out.c);
  return groups * std::size_t(ceil_div(std::int64_t(span), MR)) * MR * std::size_t(p.kernel_h) *
         std::size_t(p.kernel_w) * std::size_t(p.in.c / p.groups);
}

// Multiply-adds of a convolution, to decide whether it is worth the threads.
inline std::int64_t conv_work(const ConvParams &p) {
  return std::int64_t(p.out.n) * p.out.c * p.out.h * p.out.w * p.kernel_h * p.kernel_w *
         (p.in.c / p.groups);
}

} // namespace netc::cpu::detail
