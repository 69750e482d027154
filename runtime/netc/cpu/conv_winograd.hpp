// Winograd F(4x4, 3x3) convolution for 3x3 kernels with stride 1, dilation 1 and groups 1
// (`netc emit --winograd`), with the same fused epilogue as conv_gemm.hpp: bias, residual,
// activation, outputs and residuals in channel slices.
//
// The output plane is cut into 4x4 tiles; tile t reads a 6x6 input patch d (zeros in the
// padding) and, per output channel,
//   Y = A^T [ sum over ic of (G g G^T) (.) (B^T d B) ] A
// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks"): 36 multiply-adds per
// input channel instead of 144 for the 16 outputs. The sum over ic is, for each of the 36
// positions xi of the 6x6 tile, a GEMM  M[xi][oc][t] = U[xi][oc][ic] * V[xi][ic][t]  that runs on
// conv_gemm.hpp's microkernel loop (gemm_block_sum).
//
// U = G g G^T is computed once at construction, in double, and packed per block of MR output
// channels as [block][xi][ic][MR]. A unit of work is (sample, chunk of up to NR vectors of
// tiles, part of the channel blocks): it transforms its tiles' input, all channels, into its
// scratch (V: [xi][ic][vectors * width], tiles along the lanes), then for each block of MR output
// channels runs the 36 GEMMs into a small buffer (M: [xi][MR][vectors * width]) and transforms it
// back into the output, vectorised over tiles. Every tile's arithmetic is lane-wise, so neither
// the cut into units nor the thread count changes a bit.
//
// Accuracy: the transforms' constants (up to 8 in A, 5 in B, 1/24 in G) amplify rounding, so
// results differ from the direct convolution by more than float rounding (measured: see
// docs/benchmarks.md and tests/unit/kernels/conv_winograd_test.cpp). A NaN or infinity in a
// 6x6 input patch turns every output of its 4x4 tile into NaN (0 * NaN in the transforms), where
// the direct convolution keeps it to the outputs whose window holds it.
#pragma once

#include "netc/cpu/conv_common.hpp"
#include "netc/cpu/conv_gemm.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>

namespace netc::cpu {

namespace detail {

constexpr int kWinoOut = 4;                    // output tile side
constexpr int kWinoIn = 6;                     // input tile side
constexpr int kWinoPoints = kWinoIn * kWinoIn; // GEMMs per convolution

// Whether a convolution can run as conv_winograd.
constexpr bool winograd_eligible(const ConvParams &p) {
  return p.kernel_h == 3 && p.kernel_w == 3 && p.stride_h == 1 && p.stride_w == 1 &&
         p.dilation_h == 1 && p.dilation_w == 1 && p.groups == 1;
}

struct WinogradTiles {
  int rows, cols; // tiles per output column and row
  int per_sample() const { return rows * cols; }
};

constexpr WinogradTiles winograd_tiles(const ConvParams &p) {
  return {int(ceil_div(p.out.h, kWinoOut)), int(ceil_div(p.out.w, kWinoOut))};
}

// out[i * s] = (B^T in)[i] for i < 6, in[k] at in[k * s]: one axis of the input transform.
template <class Isa>
NETC_INLINE void winograd_bt(const typename Simd<Isa>::Vec *in, int s, typename Simd<Isa>::Vec *out,
                             int so) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V d0 = in[0], d1 = in[s], d2 = in[2 * s], d3 = in[3 * s], d4 = in[4 * s], d5 = in[5 * s];
  const V four = S::set1(4.0f), five = S::set1(5.0f), two = S::set1(2.0f);
  // 4 d0 - 5 d2 + d4
  out[0] = S::add(S::sub(S::mul(four, d0), S::mul(five, d2)), d4);
  const V a = S::sub(d4, S::mul(four, d2)); // d4 - 4 d2
  const V b = S::sub(d3, S::mul(four, d1)); // d3 - 4 d1
  out[so] = S::add(a, b);                   // -4 d1 - 4 d2 + d3 + d4
  out[2 * so] = S::sub(a, b);               // 4 d1 - 4 d2 - d3 + d4
  const V c = S::sub(d4, d2);               // d4 - d2
  const V e = S::mul(two, S::sub(d3, d1));  // 2 d3 - 2 d1
  out[3 * so] = S::add(c, e);               // -2 d1 - d2 + 2 d3 + d4
  out[4 * so] = S::sub(c, e);               // 2 d1 - d2 - 2 d3 + d4
  // 4 d1 - 5 d3 + d5
  out[5 * so] = S::add(S::sub(S::mul(four, d1), S::mul(five, d3)), d5);
}

// out[i * so] = (A^T in)[i] for i < 4: one axis of the output transform.
template <class Isa>
NETC_INLINE void winograd_at(const typename Simd<Isa>::Vec *in, int s, typename Simd<Isa>::Vec *out,
                             int so) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V m0 = in[0], m1 = in[s], m2 = in[2 * s], m3 = in[3 * s], m4 = in[4 * s], m5 = in[5 * s];
  const V p12 = S::add(m1, m2), d12 = S::sub(m1, m2);
  const V p34 = S::add(m3, m4), d34 = S::sub(m3, m4);
  out[0] = S::add(S::add(m0, p12), p34);
  out[so] = S::fma(S::set1(2.0f), d34, d12);
  out[2 * so] = S::fma(S::set1(4.0f), p34, p12);
  out[3 * so] = S::add(S::fma(S::set1(8.0f), d34, d12), m5);
}

// A tile's first output row and column (found once per unit, not per channel: no divisions in
// the transforms' loops).
struct TileCorner {
  int oy, ox;
};

// The input transform of one channel for the `lanes` tiles of `corners` (at most width): V[xi]
// [lane] for each lane's tile, zeros in the lanes past them.
template <class Isa>
inline void winograd_input_vector(const ConvParams &p, const TileCorner *corners, int lanes,
                                  const float *src, float *v, std::ptrdiff_t point_stride) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int W = S::width;
  alignas(64) float patch[kWinoPoints][W];
  for (int l = 0; l < W; ++l) {
    if (l >= lanes) {
      for (int i = 0; i < kWinoPoints; ++i)
        patch[i][l] = 0.0f;
      continue;
    }
    const int y0 = corners[l].oy - p.pad_top;
    const int x0 = corners[l].ox - p.pad_left;
    const bool inside = y0 >= 0 && x0 >= 0 && y0 + kWinoIn <= p.in.h && x0 + kWinoIn <= p.in.w;
    for (int y = 0; y < kWinoIn; ++y) {
      const int iy = y0 + y;
      const float *row = src + std::ptrdiff_t(iy) * p.in.w;
      if (inside) {
        for (int x = 0; x < kWinoIn; ++x)
          patch[y * kWinoIn + x][l] = row[x0 + x];
        continue;
      }
      const bool row_in = iy >= 0 && iy < p.in.h;
      for (int x = 0; x < kWinoIn; ++x) {
        const int ix = x0 + x;
        patch[y * kWinoIn + x][l] = row_in && ix >= 0 && ix < p.in.w ? row[ix] : 0.0f;
      }
    }
  }
  V d[kWinoPoints], t[kWinoPoints];
  for (int i = 0; i < kWinoPoints; ++i)
    d[i] = S::load(patch[i]);
  for (int x = 0; x < kWinoIn; ++x) // columns: t = B^T d
    winograd_bt<Isa>(d + x, kWinoIn, t + x, kWinoIn);
  for (int y = 0; y < kWinoIn; ++y) // rows: (B^T d) B
    winograd_bt<Isa>(t + y * kWinoIn, 1, d + y * kWinoIn, 1);
  for (int i = 0; i < kWinoPoints; ++i)
    S::store(v + i * point_stride, d[i]);
}

// The output transform of one channel for the `lanes` tiles of `corners`: m[xi][lane] to the
// 4x4 outputs of each lane's tile that lie in the plane, out = act(y + bias + residual).
template <class Isa>
inline void winograd_output_vector(const ConvParams &p, const TileCorner *corners, int lanes,
                                   const float *m, std::ptrdiff_t point_stride, float bias,
                                   const float *residual, float *out) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int W = S::width;
  constexpr int kOutPoints = kWinoOut * kWinoOut;
  V a[kWinoPoints], b[kWinoIn * kWinoOut], y[kOutPoints];
  for (int i = 0; i < kWinoPoints; ++i)
    a[i] = S::load(m + i * point_stride);
  for (int x = 0; x < kWinoIn; ++x) // columns: A^T m, 4 rows of 6
    winograd_at<Isa>(a + x, kWinoIn, b + x, kWinoIn);
  for (int r = 0; r < kWinoOut; ++r) // rows: (A^T m) A
    winograd_at<Isa>(b + r * kWinoIn, 1, y + r * kWinoOut, 1);
  const V bias_v = S::set1(bias);
  alignas(64) float res[kOutPoints][W];
  if (residual) // read before any store: the residual may be the output itself
    for (int l = 0; l < lanes; ++l) {
      const int oy = corners[l].oy, ox = corners[l].ox;
      for (int i = 0; i < kOutPoints; ++i) {
        const int yy = oy + i / kWinoOut, xx = ox + i % kWinoOut;
        res[i][l] =
            yy < p.out.h && xx < p.out.w ? residual[std::ptrdiff_t(yy) * p.out.w + xx] : 0.0f;
      }
    }
  alignas(64) float result[kOutPoints][W];
  for (int i = 0; i < kOutPoints; ++i) {
    V v = S::add(y[i], bias_v);
    if (residual)
      v = S::add(v, S::load(res[i]));
    S::store(result[i], activate_vec<Isa>(p.act, v));
  }
  for (int l = 0; l < lanes; ++l) {
    const int oy = corners[l].oy, ox = corners[l].ox;
    const int rows = p.out.h - oy < kWinoOut ? p.out.h - oy : kWinoOut;
    const int cols = p.out.w - ox < kWinoOut ? p.out.w - ox : kWinoOut;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        out[std::ptrdiff_t(oy + r) * p.out.w + ox + c] = result[r * kWinoOut + c][l];
  }
}

} // namespace detail

// Floats of the packed (transformed) weights: [block of MR output channels][xi][ic][MR].
template <class Isa> constexpr std::size_t conv_winograd_packed_size(const ConvParams &p) {
  constexpr int MR = detail::ConvTile<Isa>::mr;
  return std::size_t(detail::ceil_div(p.out.c, MR)) * MR * detail::kWinoPoints *
         std::size_t(p.in.c);
}

// Scratch floats per thread: one unit's transformed input and its block of GEMM results.
template <class Isa> constexpr std::size_t conv_winograd_scratch_floats(const ConvParams &p) {
  constexpr int MR = detail::ConvTile<Isa>::mr;
  constexpr std::size_t tile = std::size_t(detail::tile_pixels<Isa>());
  return detail::kWinoPoints * tile * (std::size_t(p.in.c) + MR);
}

// weight: [out_c][in_c][3][3]; packed: conv_winograd_packed_size floats, U = G g G^T per
// (output, input) channel, computed in double.
template <class Isa>
inline void conv_winograd_pack(const ConvParams &p, const float *weight, float *packed) {
  assert(detail::winograd_eligible(p));
  constexpr int MR = detail::ConvTile<Isa>::mr;
  static constexpr double G[6][3] = {{1.0 / 4, 0, 0},
                                     {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                     {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                     {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                     {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                     {0, 0, 1}};
  const int in_c = p.in.c;
  const std::size_t block_floats = std::size_t(detail::kWinoPoints) * in_c * MR;
  for (int o0 = 0; o0 < p.out.c; o0 += MR) {
    float *block = packed + std::size_t(o0 / MR) * block_floats;
    for (int r = 0; r < MR; ++r)
      for (int ic = 0; ic < in_c; ++ic) {
        const int o = o0 + r;
        double u[6][6] = {};
        if (o < p.out.c) {
          const float *g = weight + (std::ptrdiff_t(o) * in_c + ic) * 9;
          double gt[6][3]; // G g
          for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 3; ++j)
              gt[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
          for (int i = 0; i < 6; ++i) // (G g) G^T
            for (int j = 0; j < 6; ++j)
              u[i][j] = gt[i][0] * G[j][0] + gt[i][1] * G[j][1] + gt[i][2] * G[j][2];
        }
        for (int xi = 0; xi < detail::kWinoPoints; ++xi)
          block[(std::size_t(xi) * in_c + ic) * MR + r] = float(u[xi / 6][xi % 6]);
      }
  }
}

// A convolution's units of work: every (sample, chunk of `vectors` vectors of tiles, part of the
// blocks of MR output channels), the sample slowest. Each tile's arithmetic is lane-wise, the
// same in a chunk of any width, so any cut gives the same bits.
struct WinogradUnits {
  int samples, chunks, row_parts, vectors;
  int count() const { return samples * chunks * row_parts; }
};

// Chunks of `vectors` (1 to NR) vectors of tiles, channel blocks cut into `row_parts` parts (each
// part transforms the chunk's input again).
template <class Isa>
inline WinogradUnits conv_winograd_units(const ConvParams &p, int vectors, int row_parts) {
  const int blocks = int(detail::ceil_div(p.out.c, detail::ConvTile<Isa>::mr));
  const int tiles = detail::winograd_tiles(p).per_sample();
  return {p.out.n, int(detail::ceil_div(tiles, std::int64_t(vectors) * Simd<Isa>::width)),
          row_parts < 1        ? 1
          : row_parts > blocks ? blocks
                               : row_parts,
          vectors};
}

namespace detail {

// One unit's `NV` vectors of tiles from t0 (its last vector may run past the plane): input
// transform into V [xi][ic][NV * width], then per block of MR output channels the 36 GEMMs into
// M [xi][MR][NV * width] and the output transform. V as wide as the unit's tiles, so a plane of
// few tiles neither computes nor caches empty vectors.
template <class Isa, int NV>
inline void winograd_unit(const ConvParams &p, const WinogradTiles &tiles, const float *in_n,
                          const float *packed, const float *bias, const float *residual_n,
                          float *out_n, int t0, int b0, int b1, float *scratch) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int MR = ConvTile<Isa>::mr;
  constexpr int W = S::width, NVW = NV * W;
  const int in_c = p.in.c;
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const std::ptrdiff_t block_floats = std::ptrdiff_t(kWinoPoints) * in_c * MR;
  const std::ptrdiff_t v_point = std::ptrdiff_t(in_c) * NVW;
  float *v = scratch;
  float *m = scratch + kWinoPoints * v_point;
  const int count = tiles.per_sample() - t0 < NVW ? tiles.per_sample() - t0 : NVW;
  TileCorner corners[NVW];
  for (int l = 0; l < count; ++l)
    corners[l] = {(t0 + l) / tiles.cols * kWinoOut, (t0 + l) % tiles.cols * kWinoOut};
  int lanes[NV]; // tiles in each vector
  for (int j = 0; j < NV; ++j)
    lanes[j] = count - j * W < 0 ? 0 : count - j * W < W ? count - j * W : W;
  for (int ic = 0; ic < in_c; ++ic)
    for (int j = 0; j < NV; ++j)
      winograd_input_vector<Isa>(p, corners + j * W, lanes[j], in_n + ic * in_plane,
                                 v + std::ptrdiff_t(ic) * NVW + j * W, v_point);
  for (int b = b0; b < b1; ++b) {
    const float *a = packed + b * block_floats;
    for (int xi = 0; xi < kWinoPoints; ++xi) {
      V acc[MR][NV];
      unroll<MR>([&](auto r) { unroll<NV>([&](auto j) { acc[r][j] = S::zero(); }); });
      gemm_block_sum<Isa, MR, NV, NV>(acc, in_c, a + std::ptrdiff_t(xi) * in_c * MR,
                                      v + xi * v_point);
      float *mx = m + xi * MR * NVW;
      unroll<MR>(
          [&](auto r) { unroll<NV>([&](auto j) { S::store(mx + r * NVW + j * W, acc[r][j]); }); });
    }
    const int o0 = b * MR;
    const int rows = p.out.c - o0 < MR ? p.out.c - o0 : MR;
    for (int r = 0; r < rows; ++r) {
      const int o = o0 + r;
      const float *res = residual_n ? residual_n + o * out_plane : nullptr;
      for (int j = 0; j < NV && lanes[j] > 0; ++j)
        winograd_output_vector<Isa>(p, corners + j * W, lanes[j], m + r * NVW + j * W, MR * NVW,
                                    bias[o], res, out_n + o * out_plane);
    }
  }
}

} // namespace detail

// Units [first, last); scratch: conv_winograd_scratch_floats floats of this caller's own.
template <class Isa>
inline void conv_winograd_chunk(const ConvParams &p, const float *in, const float *packed,
                                const float *bias, const float *residual, float *out,
                                const WinogradUnits &units, int first, int last, float *scratch) {
  using namespace detail;
  constexpr int MR = ConvTile<Isa>::mr, NR = ConvTile<Isa>::nr;
  constexpr int W = Simd<Isa>::width;
  static_assert(NR >= 1 && NR <= 3, "one case per vector count");
  const WinogradTiles tiles = winograd_tiles(p);
  const int blocks = int(ceil_div(p.out.c, MR));
  for (int u = first; u < last; ++u) {
    const int part = u % units.row_parts;
    const int chunk = (u / units.row_parts) % units.chunks;
    const int n = u / units.row_parts / units.chunks;
    const int b0 = int(std::int64_t(blocks) * part / units.row_parts);
    const int b1 = int(std::int64_t(blocks) * (part + 1) / units.row_parts);
    const int t0 = chunk * units.vectors * W;
    const int left = tiles.per_sample() - t0;
    const int nv = left >= units.vectors * W ? units.vectors : int(ceil_div(left, W));
    const float *in_n = in + n * p.in.batch_stride;
    const float *res_n = residual ? residual + n * p.residual_batch_stride : nullptr;
    float *out_n = out + n * p.out.batch_stride;
    if (nv == NR) {
      winograd_unit<Isa, NR>(p, tiles, in_n, packed, bias, res_n, out_n, t0, b0, b1, scratch);
      continue;
    }
    if constexpr (NR >= 2)
      if (nv == 1)
        winograd_unit<Isa, 1>(p, tiles, in_n, packed, bias, res_n, out_n, t0, b0, b1, scratch);
    if constexpr (NR >= 3)
      if (nv == 2)
        winograd_unit<Isa, 2>(p, tiles, in_n, packed, bias, res_n, out_n, t0, b0, b1, scratch);
  }
}

// out = act(conv(in, weight) + bias + residual) for a convolution winograd_eligible accepts;
// residual may be null or out itself. Units across ctx's threads: any thread count gives the
// same bits.
template <class Isa>
inline void conv_winograd(const Context &ctx, const ConvParams &p, const float *in,
                          const float *packed, const float *bias, const float *residual,
                          float *out) {
  assert(detail::winograd_eligible(p));
  const std::int64_t work = detail::conv_work(p);
  constexpr int NR = detail::ConvTile<Isa>::nr;
  WinogradUnits units = conv_winograd_units<Isa>(p, NR, 1);
  if (ctx.worth_threads(work)) {
    // Narrower chunks first: splitting the channel blocks repeats the input transform.
    const std::int64_t want = kUnitsPerThread * ctx.threads();
    if (units.count() < want)
      units = conv_winograd_units<Isa>(p, 1, 1);
    if (units.count() < want)
      units = conv_winograd_units<Isa>(p, 1, int(detail::ceil_div(want, units.count())));
  }
  ctx.parallel_for(units.count(), work, [&](std::int64_t unit, int thread) {
    conv_winograd_chunk<Isa>(p, in, packed, bias, residual, out, units, int(unit), int(unit) + 1,
                             ctx.scratch_of(thread));
  });
}

} // namespace netc::cpu
