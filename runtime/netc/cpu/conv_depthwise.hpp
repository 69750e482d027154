// Depthwise convolution (one input channel per group, any channel multiplier) whose stride across
// the row is 1 or 2: conv_grouped's fast path, with bias, activation and a residual fused.
//
// Why a kernel of its own: in conv_grouped's channel tile a depthwise tap is one multiply-add per
// loaded vector behind masks worked out per tile and tap, and MobileNet's depthwise layers ran at
// 3-7% of the FMA peak. Here each unit (a sample, an input channel, a band of output rows) first
// copies the input rows its band reads into the thread's scratch with the padding written out as
// zeros and, for stride 2, the columns split by phase (even ones, then odd ones): every tap of
// every output vector is then one unmasked load at a fixed offset from the vector's base.
// Tiles are kDepthwiseRows output rows x one vector of columns: eight independent FMA chains
// cover the FMA's latency. For 3x3 kernels (stride 1 or 2, no dilation), the most common, the
// tile is unrolled at compile time and each loaded input vector serves every output row of the
// tile that reads it (30 loads for 72 multiply-adds instead of 72); other kernels loop over their
// taps. Only 3x3 is unrolled: every instantiation is compiled into every generated network with a
// depthwise convolution, and 5x5 and 7x7 tiles doubled a network's build time.
//
// Bands are as many output rows as keep the copy within kDepthwiseBandFloats (L1-sized), so a
// large plane is read from memory once and then from L1, and threads get units even when a layer
// has few channels.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/conv_common.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace netc::cpu::detail {

// Floats a band's copy of the input may take: 32 KiB, within every L1 data cache we run on.
constexpr std::int64_t kDepthwiseBandFloats = 8 * 1024;

// Output rows of a tile.
constexpr int kDepthwiseRows = 8;

// Taps of the largest kernel the depthwise path takes.
constexpr int kMaxDepthwiseTaps = 81;

// Whether conv_grouped takes the depthwise path. Rows narrower than half a vector (7x7 planes
// on AVX-512) leave most lanes idle, and for a 3x3 kernel at stride 1 the channel tile, whose
// flat vectors run across rows, is faster there (81 against 97 us for 960x7x7 on AVX-512); with
// 5x5 kernels or stride 2 (gathered loads in the channel tile) this kernel still won (159
// against 210 us for 1152x7x7 5x5, 242 against 502 us for 672x14x14 5x5/2), measured when its
// 5x5 tile was unrolled; not measured again with the taps loop.
template <int Width> constexpr bool depthwise_fast_path(const ConvParams &p) {
  const bool narrow_3x3 = 2 * p.out.w < Width && p.stride_w == 1 && p.kernel_w <= 3;
  return p.groups == p.in.c && (p.stride_w == 1 || p.stride_w == 2) &&
         p.kernel_h * p.kernel_w <= kMaxDepthwiseTaps && !narrow_3x3;
}

struct DepthwiseGeometry {
  int row_w;     // floats per row of one column phase of the copy
  int band_rows; // output rows per unit (the last band may have fewer)
  int bands;

  // Input rows the tiles of `rows` output rows read: whole tiles, so the rows of a last,
  // partial tile that are computed and not stored read the copy too.
  static constexpr int input_rows(const ConvParams &p, int rows) {
    const int tiled = int(ceil_div(rows, kDepthwiseRows)) * kDepthwiseRows;
    return (tiled - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1;
  }
  // Floats of a band's copy for `rows` output rows.
  constexpr std::int64_t copy_floats(const ConvParams &p, int rows) const {
    return std::int64_t(input_rows(p, rows)) * row_w * p.stride_w;
  }
};

template <int Width> constexpr DepthwiseGeometry depthwise_geometry(const ConvParams &p) {
  DepthwiseGeometry g{};
  // The last vector of a row starts at out.w rounded down to a vector, and its widest tap reads
  // ((kernel_w - 1) * dilation_w) / stride_w further into its phase.
  g.row_w =
      int(ceil_div(ceil_div(p.out.w, Width) * Width + (p.kernel_w - 1) * p.dilation_w / p.stride_w,
                   Width) *
          Width);
  g.band_rows = p.out.h;
  while (g.band_rows > kDepthwiseRows && g.copy_floats(p, g.band_rows) > kDepthwiseBandFloats)
    g.band_rows = int(ceil_div(g.band_rows, 2 * kDepthwiseRows)) * kDepthwiseRows;
  g.bands = int(ceil_div(p.out.h, g.band_rows));
  return g;
}

template <int Width> constexpr std::size_t depthwise_scratch_floats(const ConvParams &p) {
  const DepthwiseGeometry g = depthwise_geometry<Width>(p);
  return std::size_t(g.copy_floats(p, g.band_rows));
}

// Input rows [iy0, iy0 + rows) of one plane into `copy` as [phase][row][row_w]: element i of
// phase q is input column i * stride_w + q - pad_left, zero outside the input.
template <class Isa>
inline void copy_depthwise_band(const ConvParams &p, const DepthwiseGeometry &g, const float *plane,
                                int iy0, int rows, float *copy) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  const int sw = p.stride_w;
  for (int q = 0; q < sw; ++q) {
    // Elements [lo, hi) of a row hold input columns; the rest are padding.
    const int shift = q - p.pad_left; // input column of element 0
    const int lo = shift >= 0 ? 0 : int(ceil_div(-shift, sw));
    const int hi = p.in.w - shift > 0 ? int(ceil_div(p.in.w - shift, sw)) : 0;
    for (int r = 0; r < rows; ++r) {
      float *dst = copy + (std::ptrdiff_t(q) * rows + r) * g.row_w;
      const int iy = iy0 + r;
      const bool inside = iy >= 0 && iy < p.in.h;
      const float *src = plane + std::ptrdiff_t(inside ? iy : 0) * p.in.w;
      // Vectors, not memcpy and memset: rows are a few vectors long, and calls into the C
      // library cost more than the copy.
      for (int i = 0; i < g.row_w; i += width) {
        const int l = lo - i > 0 ? lo - i : 0, h = hi - i < width ? hi - i : width;
        const LaneMask m = inside && l < h ? lane_range(l, h) : 0;
        S::store(dst + i,
                 sw == 1 ? S::load_masked(src, i + shift, m, S::zero())
                         : S::load_strided(src, std::ptrdiff_t(i) * sw + shift, sw, m, S::zero()));
      }
    }
  }
}

// Calls f(act_fn) with act_fn(v) = act(v): none, relu and relu6 as one inlined clamp, so that
// the tile's epilogue does not call activate_vec for each vector; the others through it. Two
// variants only: each instantiates every tile, and generated code compiles every kernel.
template <class Isa, class F> NETC_INLINE void with_activation(Activation act, F &&f) {
  using V = typename Simd<Isa>::Vec;
  const ClampActivation<Isa> clamp(act);
  if (clamp.applies)
    return f(clamp);
  return f([act](V v) { return activate_vec<Isa>(act, v); });
}

// acc[j] = output row j of a tile whose first row reads copy row 0 at `base`: any kernel.
template <class Isa>
NETC_INLINE void depthwise_tile_taps(const ConvParams &p, const DepthwiseGeometry &g,
                                     const std::ptrdiff_t *tap_off, const float *base,
                                     const float *w,
                                     typename Simd<Isa>::Vec (&acc)[kDepthwiseRows]) {
  using S = Simd<Isa>;
  const std::ptrdiff_t row_step = std::ptrdiff_t(p.stride_h) * g.row_w;
  for (int t = 0; t < p.kernel_h * p.kernel_w; ++t) {
    const float *at = base + tap_off[t];
    const typename S::Vec wv = S::set1(w[t]);
    unroll<kDepthwiseRows>([&](auto j) NETC_INLINE_LAMBDA {
      acc[j] = S::fma(wv, S::load(at + j * row_step), acc[j]);
    });
  }
}

// The same for a K x K kernel with row stride SH and no dilation, unrolled: each loaded vector
// (input row i, column kx) is multiplied into every output row j with i - j * SH in [0, K).
template <class Isa, int K, int SH>
NETC_INLINE void depthwise_tile_fixed(const DepthwiseGeometry &g, const std::ptrdiff_t *col_off,
                                      const float *base, const typename Simd<Isa>::Vec *wv,
                                      typename Simd<Isa>::Vec (&acc)[kDepthwiseRows]) {
  using S = Simd<Isa>;
  constexpr int R = kDepthwiseRows;
  unroll<(R - 1) * SH + K>([&](auto i) NETC_INLINE_LAMBDA {
    const float *row = base + std::ptrdiff_t(i) * g.row_w;
    unroll<K>([&](auto kx) NETC_INLINE_LAMBDA {
      const typename S::Vec x = S::load(row + col_off[kx]);
      unroll<R>([&](auto j) NETC_INLINE_LAMBDA {
        constexpr int ky = int(i) - int(j) * SH;
        if constexpr (ky >= 0 && ky < K)
          acc[j] = S::fma(wv[ky * K + kx], x, acc[j]);
      });
    });
  });
}

// Output rows [oy0, oy0 + rows) of one output channel from a band's copy; `tile(base, acc)`
// sums a tile.
template <class Isa, class Tile, class ActFn>
NETC_INLINE void depthwise_band(const ConvParams &p, const DepthwiseGeometry &g, const float *copy,
                                int oy0, int rows, float bias, const float *residual, float *out,
                                Tile &&tile, ActFn act_fn) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width, R = kDepthwiseRows;
  const std::ptrdiff_t row_step = std::ptrdiff_t(p.stride_h) * g.row_w;
  const V b = S::set1(bias);
  for (int x = 0; x < p.out.w; x += width) {
    const LaneMask lanes = lane_range(0, p.out.w - x < width ? p.out.w - x : width);
    for (int r0 = 0; r0 < rows; r0 += R) {
      V acc[R];
      unroll<R>([&](auto j) { acc[j] = S::zero(); });
      tile(copy + std::ptrdiff_t(r0) * row_step + x, acc);
      const int stored = rows - r0 < R ? rows - r0 : R;
      float *dst = out + std::ptrdiff_t(oy0 + r0) * p.out.w + x;
      const float *res = residual ? residual + std::ptrdiff_t(oy0 + r0) * p.out.w + x : nullptr;
      unroll<R>([&](auto j) NETC_INLINE_LAMBDA {
        if (j >= stored)
          return;
        const std::ptrdiff_t at = std::ptrdiff_t(j) * p.out.w;
        V v = S::add(acc[j], b);
        if (lanes == S::all) {
          if (res) // read before the store: the residual may be the output itself
            v = S::add(v, S::load(res + at));
          S::store(dst + at, act_fn(v));
        } else {
          if (res)
            v = S::add(v, S::load_masked(res, at, lanes, S::zero()));
          S::store_masked(dst, at, lanes, act_fn(v));
        }
      });
    }
  }
}

// One output channel's band with the tile that fits its kernel.
template <class Isa, class ActFn>
inline void depthwise_channel(const ConvParams &p, const DepthwiseGeometry &g, const float *copy,
                              int oy0, int rows, const float *w, float bias, const float *residual,
                              float *out, ActFn act_fn) {
  using V = typename Simd<Isa>::Vec;
  const int sw = p.stride_w;
  const std::ptrdiff_t phase_floats =
      std::ptrdiff_t(DepthwiseGeometry::input_rows(p, rows)) * g.row_w;
  // Column kx of the kernel reads phase (kx * dilation_w) % sw, (kx * dilation_w) / sw
  // elements in; worked out once, as divisions in the tap loop would cost more than its FMAs.
  auto column_offset = [&](int kx) {
    const int dx = kx * p.dilation_w;
    return dx % sw * phase_floats + dx / sw;
  };
  auto fixed = [&](auto k, auto sh) {
    constexpr int K = decltype(k)::value, SH = decltype(sh)::value;
    std::ptrdiff_t col_off[K];
    V wv[K * K];
    for (int kx = 0; kx < K; ++kx)
      col_off[kx] = column_offset(kx);
    for (int t = 0; t < K * K; ++t)
      wv[t] = Simd<Isa>::set1(w[t]);
    depthwise_band<Isa>(
        p, g, copy, oy0, rows, bias, residual, out,
        [&](const float *base, V(&acc)[kDepthwiseRows])
            NETC_INLINE_LAMBDA { depthwise_tile_fixed<Isa, K, SH>(g, col_off, base, wv, acc); },
        act_fn);
  };
  using std::integral_constant;
  if (p.kernel_h == 3 && p.kernel_w == 3 && p.dilation_h == 1 && p.dilation_w == 1) {
    if (p.stride_h == 1)
      return fixed(integral_constant<int, 3>{}, integral_constant<int, 1>{});
    if (p.stride_h == 2)
      return fixed(integral_constant<int, 3>{}, integral_constant<int, 2>{});
  }
  std::ptrdiff_t tap_off[kMaxDepthwiseTaps];
  for (int t = 0; t < p.kernel_h * p.kernel_w; ++t)
    tap_off[t] =
        column_offset(t % p.kernel_w) + std::ptrdiff_t(t / p.kernel_w) * p.dilation_h * g.row_w;
  depthwise_band<Isa>(
      p, g, copy, oy0, rows, bias, residual, out,
      [&](const float *base, V(&acc)[kDepthwiseRows])
          NETC_INLINE_LAMBDA { depthwise_tile_taps<Isa>(p, g, tap_off, base, w, acc); },
      act_fn);
}

// weight: [out_c][1][kh][kw], used as it is (no packing).
template <class Isa>
inline void conv_depthwise(const Context &ctx, const ConvParams &p, const float *in,
                           const float *weight, const float *bias, const float *residual,
                           float *out) {
  const DepthwiseGeometry g = depthwise_geometry<Simd<Isa>::width>(p);
  const int multiplier = p.out.c / p.in.c;
  const int taps = p.kernel_h * p.kernel_w;
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const std::int64_t units = std::int64_t(p.in.n) * p.in.c * g.bands;
  ctx.parallel_for(units, conv_work(p), [&](std::int64_t unit, int thread) {
    const int band = int(unit % g.bands);
    const int c = int(unit / g.bands % p.in.c);
    const int n = int(unit / g.bands / p.in.c);
    const int oy0 = band * g.band_rows;
    const int rows = p.out.h - oy0 < g.band_rows ? p.out.h - oy0 : g.band_rows;
    float *copy = ctx.scratch_of(thread);
    copy_depthwise_band<Isa>(p, g, in + n * p.in.batch_stride + c * in_plane,
                             oy0 * p.stride_h - p.pad_top, DepthwiseGeometry::input_rows(p, rows),
                             copy);
    for (int m = 0; m < multiplier; ++m) {
      const int o = c * multiplier + m;
      const float *res =
          residual ? residual + n * p.residual_batch_stride + o * out_plane : nullptr;
      with_activation<Isa>(p.act, [&](auto act_fn) {
        depthwise_channel<Isa>(p, g, copy, oy0, rows, weight + std::ptrdiff_t(o) * taps, bias[o],
                               res, out + n * p.out.batch_stride + o * out_plane, act_fn);
      });
    }
  });
}

} // namespace netc::cpu::detail
