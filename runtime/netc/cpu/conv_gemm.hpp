// Convolution as a packed, cache-blocked GEMM (implicit im2col), with bias, activation and a
// residual fused into the epilogue. conv_direct, conv_1x1 and the wide groups of conv_grouped run
// here.
//
// Per sample and group, out[M][N] = W[M][K] * X[K][N] with M the group's output channels, N the
// output pixels (the flattened plane) and K the (input channel, kernel tap) pairs, k = ic * taps
// + tap: a channel's taps follow each other, so packing reads each input row for all the taps
// that cover it while it is in L1 (tap-major order jumped between planes at every k, and packing
// took a fifth of a 3x3/2 convolution's time). The loops, outermost first:
// - pixel chunks of whole tiles of about kGemmChunkPixels output pixels (GemmUnits);
// - K blocks of at most kGemmBlockK pairs. For each, the input panel X[k-block][chunk] is packed
//   into the caller's scratch as tiles of NR vectors, [tile][k][NR * width], so the microkernel
//   reads it in order. Packing materialises every tap's window: strides, dilation, padding (as
//   zeros) and 1xK/Kx1 kernels cost nothing further down. Stride-1 convolutions as wide as their
//   input pack a vector per load (pack_gemm_panel_flat), others a row piece at a time. Panel:
//   at most 256 pairs x max_chunk_vectors vectors (about 240 pixels), in L2;
// - blocks of MR output channels, whose weights for the K block (packed once at construction,
//   [k block][block][k][MR]: kc * MR contiguous floats, 8 KiB) stay in L1 while
// - every tile of NR vectors of the panel passes under them in the MR x NR register-blocked
//   microkernel.
// Partial sums go through the output: the first K block starts from bias (+ residual), later
// blocks from what the output holds, and only the last applies the activation. So the residual
// may be the output itself (read before the first block overwrites it).
//
// An input scale (a 1x1 convolution's in_scale, squeeze-and-excitation's gate) multiplies
// either the panel as it is packed or a copy of the unit's weights, whichever is cheaper for the
// shape (gemm_scales_weights).
//
// Work is cut into independent units (sample, group, pixel chunk, part of the channel blocks),
// each with its own scratch panel: gemm_conv_chunk runs a range of them, so a thread pool can
// hand out ranges with one scratch per thread. gemm_conv runs them all.
#pragma once

#include "netc/cpu/conv_common.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>

namespace netc::cpu {

namespace detail {

// K pairs per block: the panel's depth and the length of the microkernel's loop.
#ifndef NETC_GEMM_KC
#define NETC_GEMM_KC 256
#endif
constexpr int kGemmBlockK = NETC_GEMM_KC;
// How far ahead of the microkernel's weights to prefetch them, in floats (1 KiB).
constexpr int kWeightPrefetchFloats = 256;
// Output pixels per chunk at most: the panel's width (5 AVX-512 tiles, 15 AVX2, 20 generic).
constexpr int kGemmChunkPixels = 240;

template <class Isa> constexpr int tile_pixels() {
  return ConvTile<Isa>::nr * Simd<Isa>::width;
}

constexpr std::int64_t gemm_depth(const ConvParams &p) {
  return std::int64_t(p.in.c / p.groups) * p.kernel_h * p.kernel_w;
}

// Where the weights of block b for the K block [k0, k0 + kc) start in one group's packed weights,
// [k block][block][k][MR]: the K block's `blocks` blocks follow each other, so a tile's pass over
// them reads one sequential stream, and each K block before k0 holds kGemmBlockK pairs.
template <int MR> constexpr std::ptrdiff_t gemm_weights_at(int blocks, int b, int k0, int kc) {
  return (std::ptrdiff_t(k0) * blocks + std::ptrdiff_t(b) * kc) * MR;
}

// Most vectors a chunk may have: kGemmChunkPixels in whole tiles, and the plane's vectors short
// of a tile.
template <class Isa> constexpr int max_chunk_vectors() {
  static_assert(kGemmChunkPixels % tile_pixels<Isa>() == 0,
                "a chunk of one thread holds at most kGemmChunkPixels / tile_pixels whole tiles");
  return kGemmChunkPixels / Simd<Isa>::width + ConvTile<Isa>::nr - 1;
}

// Chunks on one thread: as few as hold about kGemmChunkPixels each. More threads cut more.
constexpr std::int64_t gemm_fewest_chunks(const ConvParams &p) {
  return ceil_div(std::int64_t(p.out.h) * p.out.w, kGemmChunkPixels);
}

// Most vectors a chunk has (GemmUnits::begin): whole tiles shared out among the chunks, and the
// plane's vectors short of a tile in the last one. The panel is sized for it.
template <class Isa> constexpr int gemm_chunk_vectors(const ConvParams &p) {
  constexpr int NR = ConvTile<Isa>::nr;
  const std::int64_t vectors = ceil_div(std::int64_t(p.out.h) * p.out.w, Simd<Isa>::width);
  return int(ceil_div(vectors / NR, gemm_fewest_chunks(p)) * NR + vectors % NR);
}

// acc[r][j] += sum over k < kc of a[k][r] * b[k][j * width + lane]: the microkernel's loop.
template <class Isa, int MR, int NR, int NV>
NETC_INLINE void gemm_block_sum(typename Simd<Isa>::Vec (&acc)[MR][NV], int kc, const float *a,
                                const float *b) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int W = S::width;
  constexpr int NRW = NR * W;
  // A local copy stays in registers: vector types may alias floats, so updates through the
  // reference would be stored after every load of input or weights.
  V sum[MR][NV];
  unroll<MR>([&](auto r) { unroll<NV>([&](auto j) { sum[r][j] = acc[r][j]; }); });
  for (int k = 0; k < kc; ++k) {
    V x[NV];
    unroll<NV>([&](auto j) { x[j] = S::load(b + std::ptrdiff_t(k) * NRW + j * W); });
    const float *ak = a + std::ptrdiff_t(k) * MR;
    // The weights stream from L2 or farther (a network's weights do not fit in L2), so fetch
    // 1 KiB ahead: without it the broadcasts wait (ResNet-50: 10 % of its time).
    __builtin_prefetch(ak + kWeightPrefetchFloats, 0, 3);
    unroll<MR>([&](auto r) {
      const V w = S::set1(ak[r]);
      unroll<NV>([&](auto j) { sum[r][j] = S::fma(w, x[j], sum[r][j]); });
    });
  }
  unroll<MR>([&](auto r) { unroll<NV>([&](auto j) { acc[r][j] = sum[r][j]; }); });
}

// The microkernel: MR output channels (rows) x NV vectors (NV <= NR) of the tile starting at
// `out`, summed over kc pairs of packed weights a[k][MR] and packed inputs b[k][NR * width].
// `rows` of the MR rows exist; `last_lanes` are the pixels of vector NV - 1 that exist.
template <class Isa, int MR, int NR, int NV>
inline void gemm_microkernel(int kc, const float *a, const float *b, int rows, LaneMask last_lanes,
                             bool first, bool last, const float *bias, const float *residual,
                             float *out, std::ptrdiff_t plane, Activation act) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int W = S::width;
  // Plain loops: the tile may live on the stack here, gemm_block_sum keeps its own copy in
  // registers, and nothing in the prologue or epilogue is left as a call.
  const bool partial = last_lanes != S::all;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int j = 0; j < NV; ++j) {
      const bool masked = j == NV - 1 && partial;
      if (r >= rows) // a row past the last channel: zero weights, never stored
        acc[r][j] = S::zero();
      else if (!first)
        acc[r][j] = masked ? S::load_masked(out + r * plane, j * W, last_lanes, S::zero())
                           : S::load(out + r * plane + j * W);
      else if (!residual)
        acc[r][j] = S::set1(bias[r]);
      else
        acc[r][j] = S::add(S::set1(bias[r]), masked ? S::load_masked(residual + r * plane, j * W,
                                                                     last_lanes, S::zero())
                                                    : S::load(residual + r * plane + j * W));
    }
  gemm_block_sum<Isa, MR, NR, NV>(acc, kc, a, b);
  const ClampActivation<Isa> clamp(act);
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < NV; ++j) {
      const V v = !last || act == Activation::none ? acc[r][j]
                  : clamp.applies                  ? clamp(acc[r][j])
                                                   : activate_vec<Isa>(act, acc[r][j]);
      if (j == NV - 1 && partial)
        S::store_masked(out + r * plane, j * W, last_lanes, v);
      else
        S::store(out + r * plane + j * W, v);
    }
}

// The same with NV chosen at run time.
template <class Isa, int MR, int NR>
inline void gemm_microkernel_any(int nv, int kc, const float *a, const float *b, int rows,
                                 LaneMask last_lanes, bool first, bool last, const float *bias,
                                 const float *residual, float *out, std::ptrdiff_t plane,
                                 Activation act) {
  static_assert(NR >= 1 && NR <= 3, "one case per vector count");
  if (nv == NR)
    return gemm_microkernel<Isa, MR, NR, NR>(kc, a, b, rows, last_lanes, first, last, bias,
                                             residual, out, plane, act);
  if constexpr (NR >= 2)
    if (nv == 1)
      return gemm_microkernel<Isa, MR, NR, 1>(kc, a, b, rows, last_lanes, first, last, bias,
                                              residual, out, plane, act);
  if constexpr (NR >= 3)
    if (nv == 2)
      return gemm_microkernel<Isa, MR, NR, 2>(kc, a, b, rows, last_lanes, first, last, bias,
                                              residual, out, plane, act);
}

// How a chunk's vectors are grouped into tiles of the panel: tiles of NR vectors, except that a
// chunk that would end with a tile of one vector (MR accumulators for MR weights loaded per
// step: bound by the weights' bandwidth) ends with two tiles of two instead (14x14 planes: 13
// vectors, 3 + 3 + 3 + 2 + 2). Every tile has a slot of kc x NR vectors in the panel, [k][NR],
// of which it uses its first vectors.
template <int NR> struct TileCut {
  int vectors; // of the chunk
  int split;   // vectors [0, split) in tiles of NR, [split, vectors) in tiles of two
  explicit TileCut(int vectors)
      : vectors(vectors),
        split(NR == 3 && vectors > NR && vectors % NR == 1 ? vectors - 4 : vectors) {}
  // The tile that holds vector v, and v's place in it.
  int tile_of(int v) const { return v < split ? v / NR : split / NR + (v - split) / 2; }
  int place_of(int v) const { return v < split ? v % NR : (v - split) % 2; }
  // Vectors of the tile that starts at vector v.
  int width_at(int v) const { return v < split ? (split - v < NR ? split - v : NR) : 2; }
};

// A piece of a chunk that is contiguous in the output row and in one tile of the panel: `len`
// pixels written from `dst` (an offset in the panel's row of one k), read from input row
// iy0 + dy and columns ix0 + dx + i * stride of each tap (dy, dx).
struct PanelRun {
  std::ptrdiff_t dst;
  int len, iy0, ix0;
};

// The chunk's pixels [q0, q1) cut at the end of every tile (`cut` of vectors of `width`) and of
// every output row. Returns the number of runs.
template <int NR>
inline int panel_runs(const ConvParams &p, int q0, int q1, int width, const TileCut<NR> &cut,
                      std::ptrdiff_t tile_floats, PanelRun *runs) {
  int count = 0;
  for (int d = 0; d < q1 - q0;) {
    const int q = q0 + d;
    const int oy = q / p.out.w, ox = q % p.out.w;
    const int v = d / width, place = cut.place_of(v);
    const int tile_start = (v - place) * width; // in pixels of the chunk
    int len = tile_start + cut.width_at(v - place) * width - d;
    if (len > p.out.w - ox)
      len = p.out.w - ox;
    if (len > q1 - q)
      len = q1 - q;
    runs[count++] = {std::ptrdiff_t(cut.tile_of(v)) * tile_floats + (d - tile_start), len,
                     oy * p.stride_h, ox * p.stride_w};
    d += len;
  }
  return count;
}

// Most runs a chunk has: one per tile and one per output row it touches.
template <class Isa> constexpr int max_panel_runs() {
  constexpr int pixels = max_chunk_vectors<Isa>() * Simd<Isa>::width;
  return 2 * pixels / Simd<Isa>::width + pixels + 2;
}

// dst[i] = row[x0 + i * stride] for i < len, 0 where the column lies outside [0, in_w); a vector
// at a time, loads masked to the columns that exist.
template <class Isa>
NETC_INLINE void pack_columns(float *dst, const float *row, std::int64_t x0, int len, int stride,
                              int in_w) {
  using S = Simd<Isa>;
  constexpr int W = S::width;
  for (int i = 0; i < len; i += W) {
    const int n = len - i < W ? len - i : W;
    const std::int64_t xi = x0 + std::int64_t(i) * stride;
    LaneMask m = lane_range(0, n);
    if (xi < 0 || xi + std::int64_t(n - 1) * stride >= in_w) { // a vector at the row's edge
      const std::int64_t lo = xi < 0 ? ceil_div(-xi, stride) : 0;
      const std::int64_t hi = xi < in_w ? ceil_div(in_w - xi, stride) : 0;
      m = lane_range(int(lo < W ? lo : W), int(hi < n ? hi : n));
    }
    typename S::Vec v;
    if (m == 0)
      v = S::zero();
    else if (stride != 1)
      v = S::load_strided(row, std::ptrdiff_t(xi), stride, m, S::zero());
    else if (m == S::all)
      v = S::load(row + xi);
    else
      v = S::load_masked(row, std::ptrdiff_t(xi), m, S::zero());
    if (n == W)
      S::store(dst + i, v);
    else
      S::store_masked(dst, i, lane_range(0, n), v);
  }
}

// Packs the panel of a convolution with stride 1 whose output is as wide as its input ("same"
// widths, 1x1 included): output pixel q reads input pixel q + dy * w + dx of every tap, so each
// vector of the chunk is one load, masked to the lanes whose row and column exist for the tap
// (masks per vector and kernel row or column, computed once per chunk). `scale` (null: none)
// holds a factor per input channel of the group, applied as each vector is packed.
template <class Isa>
inline void pack_gemm_panel_flat(const ConvParams &p, const float *in, const float *scale, int k0,
                                 int kc, int q0, int q1, float *panel) {
  using S = Simd<Isa>;
  constexpr int W = S::width, NR = ConvTile<Isa>::nr;
  constexpr int kMaxVectors = max_chunk_vectors<Isa>();
  const int taps = p.kernel_h * p.kernel_w;
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t tile_floats = std::ptrdiff_t(kc) * NR * W;
  const int vectors = int(ceil_div(q1 - q0, W));
  const TileCut<NR> cut(vectors);
  std::ptrdiff_t slot[kMaxVectors]; // where each vector goes in the panel's row of one k
  for (int v = 0; v < vectors; ++v)
    slot[v] = cut.tile_of(v) * tile_floats + cut.place_of(v) * W;
  LaneMask rows[kMaxVectors][kMaxFlatKernelW], cols[kMaxVectors][kMaxFlatKernelW];
  for (int v = 0; v < vectors; ++v) {
    for (int ky = 0; ky < p.kernel_h; ++ky)
      rows[v][ky] = 0;
    for (int kx = 0; kx < p.kernel_w; ++kx)
      cols[v][kx] = 0;
    const int first = q0 + v * W;
    for (int l = 0; l < W && first + l < q1; ++l) {
      const int oy = (first + l) / p.out.w, ox = (first + l) % p.out.w;
      for (int ky = 0; ky < p.kernel_h; ++ky) {
        const int iy = oy + ky * p.dilation_h - p.pad_top;
        rows[v][ky] |= LaneMask(iy >= 0 && iy < p.in.h) << l;
      }
      for (int kx = 0; kx < p.kernel_w; ++kx) {
        const int ix = ox + kx * p.dilation_w - p.pad_left;
        cols[v][kx] |= LaneMask(ix >= 0 && ix < p.in.w) << l;
      }
    }
  }
  for (int k = k0; k < k0 + kc; ++k) {
    const int ic = k / taps, tap = k % taps;
    const int ky = tap / p.kernel_w, kx = tap % p.kernel_w;
    const std::ptrdiff_t shift =
        std::ptrdiff_t(ky * p.dilation_h - p.pad_top) * p.in.w + (kx * p.dilation_w - p.pad_left);
    const float *src = in + ic * in_plane;
    float *dst_k = panel + std::ptrdiff_t(k - k0) * NR * W;
    for (int v = 0; v < vectors; ++v) {
      const LaneMask m = rows[v][ky] & cols[v][kx];
      const std::ptrdiff_t at = q0 + std::ptrdiff_t(v) * W + shift;
      typename S::Vec x;
      if (m == S::all)
        x = S::load(src + at);
      else if (m != 0)
        x = S::load_masked(src, at, m, S::zero());
      else
        x = S::zero();
      if (scale)
        x = S::mul(x, S::set1(scale[ic]));
      S::store(dst_k + slot[v], x);
    }
  }
}

// Packs X[k0 .. k0 + kc)[q0 .. q1) of one sample and group (`in`: its first input channel) into
// tiles (TileCut) of at most NRW pixels, [tile][k][NRW], zeros where a tap falls in the padding
// and past q1 to the end of the last vector. `scale`: a factor per input channel of the group, or
// null; only convolutions packed flat (1x1 ones included) take one.
template <class Isa>
inline void pack_gemm_panel(const ConvParams &p, const float *in, const float *scale, int k0,
                            int kc, int q0, int q1, float *panel) {
  constexpr int W = Simd<Isa>::width, NR = ConvTile<Isa>::nr, NRW = NR * W;
  const int taps = p.kernel_h * p.kernel_w;
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t tile_floats = std::ptrdiff_t(kc) * NRW;
  const int pixels = q1 - q0;
  if (p.stride_h == 1 && p.stride_w == 1 && p.in.w == p.out.w && p.kernel_h <= kMaxFlatKernelW &&
      p.kernel_w <= kMaxFlatKernelW)
    return pack_gemm_panel_flat<Isa>(p, in, scale, k0, kc, q0, q1, panel);
  assert(!scale && "an input scale needs a panel packed flat");
  PanelRun runs[max_panel_runs<Isa>()];
  const TileCut<NR> cut(int(ceil_div(pixels, W)));
  const int run_count = panel_runs(p, q0, q1, W, cut, tile_floats, runs);
  const int last_vector = (pixels - 1) / W;
  float *const tail =
      panel + cut.tile_of(last_vector) * tile_floats + cut.place_of(last_vector) * W;
  for (int k = k0; k < k0 + kc; ++k) {
    const int ic = k / taps, tap = k % taps;
    const int dy = (tap / p.kernel_w) * p.dilation_h - p.pad_top;
    const int dx = (tap % p.kernel_w) * p.dilation_w - p.pad_left;
    const float *src = in + ic * in_plane;
    float *dst_k = panel + std::ptrdiff_t(k - k0) * NRW;
    for (int r = 0; r < run_count; ++r) {
      const PanelRun &run = runs[r];
      float *dst = dst_k + run.dst;
      const int iy = run.iy0 + dy;
      if (iy < 0 || iy >= p.in.h) {
        for (int i = 0; i < run.len; ++i)
          dst[i] = 0.0f;
        continue;
      }
      pack_columns<Isa>(dst, src + std::ptrdiff_t(iy) * p.in.w, run.ix0 + dx, run.len, p.stride_w,
                        p.in.w);
    }
    // The last vector's pixels past the chunk: read by the microkernel, never stored.
    for (int i = pixels % W == 0 ? W : pixels % W; i < W; ++i)
      tail[std::ptrdiff_t(k - k0) * NRW + i] = 0.0f;
  }
}

// Multiplies the packed weights of blocks [b0, b1) of `blocks` for pairs [k0, k0 + kc) by the
// input channel's factor of each pair, into `dst` as [block - b0][k - k0][MR]: the microkernel
// reads it as it reads the packed weights.
template <int MR>
inline void scale_weight_blocks(const float *w, int blocks, int b0, int b1, int k0, int kc,
                                int taps, const float *scale, float *dst) {
  for (int b = b0; b < b1; ++b) {
    const float *src = w + gemm_weights_at<MR>(blocks, b, k0, kc);
    float *to = dst + std::ptrdiff_t(b - b0) * kc * MR;
    for (int k = 0; k < kc; ++k) {
      const float s = scale[(k0 + k) / taps];
      for (int r = 0; r < MR; ++r)
        to[std::ptrdiff_t(k) * MR + r] = src[std::ptrdiff_t(k) * MR + r] * s;
    }
  }
}

} // namespace detail

// A convolution's units of work: every (sample, group, pixel chunk, part of the blocks of MR
// output channels), numbered with the sample slowest. Units write disjoint parts of the output,
// so any split of [0, count()) may run in parallel, each range with a scratch of its own.
// The plane's whole tiles are shared out evenly (chunk c starts at vector begin(c)) and the last
// chunk also takes the vectors short of a tile, so that no chunk ends with a needless narrow
// tile and each has at most gemm_chunk_vectors vectors.
struct GemmUnits {
  int samples, groups, chunks, row_parts;
  int vectors;      // of the output plane
  int tile_vectors; // ConvTile's nr
  int begin(int chunk) const {
    const int tiles = vectors / tile_vectors;
    return chunk >= chunks ? vectors : int(std::int64_t(chunk) * tiles / chunks) * tile_vectors;
  }
  // Vectors of the widest chunk: one of the rounded-up share of tiles, or the last.
  int widest() const {
    const int tiles = vectors / tile_vectors;
    const int share = int((std::int64_t(tiles) + chunks - 1) / chunks) * tile_vectors;
    const int last = vectors - begin(chunks - 1);
    return share > last ? share : last;
  }
  int count() const { return samples * groups * chunks * row_parts; }
};

// Scratch floats one unit of work needs: its input panel.
template <class Isa> constexpr std::size_t gemm_panel_floats(const ConvParams &p) {
  const std::int64_t depth = detail::gemm_depth(p);
  const std::int64_t kc = depth < detail::kGemmBlockK ? depth : detail::kGemmBlockK;
  const std::int64_t tile = detail::tile_pixels<Isa>();
  constexpr int NR = detail::ConvTile<Isa>::nr;
  return std::size_t(kc * detail::ceil_div(detail::gemm_chunk_vectors<Isa>(p), NR) * tile);
}

// With an input scale (p.in_scale_batch_stride != 0), whether each unit scales its weights
// rather than its panel. Per unit and K block of kc pairs, scaling the panel costs kc * pixels
// multiplies, folded into the packing that loads and stores every value anyway; scaling the
// weights costs kc * rows multiplies, each with a store of its own into scratch (so counted
// twice), rows being the output channels rounded up to MR. So the weights are scaled when
// 2 * rows <= pixels: early layers with big planes and few channels (EfficientNet's 112x112,
// 16 channels), and the panel in late ones (7x7 planes, hundreds of channels). Decided by the
// shape alone, not by how the units are cut for a thread count: the two orders of rounding
// differ, and any thread count must give the same bits. With many threads a plane may be cut
// finer than one thread's chunks; the choice stays, still correct, at most twice the multiplies.
template <class Isa> constexpr bool gemm_scales_weights(const ConvParams &p) {
  constexpr int MR = detail::ConvTile<Isa>::mr;
  const std::int64_t rows = detail::ceil_div(p.out.c / p.groups, MR) * MR;
  return 2 * rows <= std::int64_t(detail::gemm_chunk_vectors<Isa>(p)) * Simd<Isa>::width;
}

// Where a unit's scaled weights start in its scratch: after the panel, on a 64-byte boundary.
template <class Isa> constexpr std::size_t gemm_scaled_weights_at(const ConvParams &p) {
  return std::size_t(detail::ceil_div(std::int64_t(gemm_panel_floats<Isa>(p)), 16) * 16);
}

// Scratch floats one unit of work needs: its panel, and with an input scale that is applied to
// the weights, the scaled weights of one K block of its output channels.
template <class Isa> constexpr std::size_t gemm_scratch_floats(const ConvParams &p) {
  if (p.in_scale_batch_stride == 0 || !gemm_scales_weights<Isa>(p))
    return gemm_panel_floats<Isa>(p);
  constexpr int MR = detail::ConvTile<Isa>::mr;
  const std::int64_t depth = detail::gemm_depth(p);
  const std::int64_t kc = depth < detail::kGemmBlockK ? depth : detail::kGemmBlockK;
  const std::int64_t rows = detail::ceil_div(p.out.c / p.groups, MR) * MR;
  return gemm_scaled_weights_at<Isa>(p) + std::size_t(rows * kc);
}

// Floats of the packed weights: per group and K block, blocks of MR output channels,
// [k block][block][k][MR] (gemm_weights_at).
template <class Isa> constexpr std::size_t gemm_packed_size(const ConvParams &p) {
  return detail::packed_conv_size<detail::ConvTile<Isa>::mr>(p, true);
}

// weight: [out_c][in_c/groups][kh][kw]; packed: gemm_packed_size floats, zero past the group's
// last output channel.
template <class Isa>
inline void gemm_pack(const ConvParams &p, const float *weight, float *packed) {
  constexpr int MR = detail::ConvTile<Isa>::mr;
  const int taps = p.kernel_h * p.kernel_w;
  const int in_c = p.in.c / p.groups;
  const int per_group = p.out.c / p.groups;
  const int depth = int(detail::gemm_depth(p));
  for (int g = 0; g < p.groups; ++g)
    for (int k0 = 0; k0 < depth; k0 += detail::kGemmBlockK) {
      const int kc = depth - k0 < detail::kGemmBlockK ? depth - k0 : detail::kGemmBlockK;
      for (int b = 0; b < per_group; b += MR)
        for (int k = k0; k < k0 + kc; ++k) {
          const int ic = k / taps, tap = k % taps;
          for (int r = 0; r < MR; ++r) {
            const std::ptrdiff_t o = std::ptrdiff_t(g) * per_group + b + r;
            *packed++ = b + r < per_group ? weight[(o * in_c + ic) * taps + tap] : 0.0f;
          }
        }
    }
}

// The estimated time of a cut of the work on `threads` threads, in cycles. The multiply-adds
// (24 a cycle) are shared by the units, and the slowest thread has the most units, of the widest
// chunk and the biggest part. Each chunk reads every weight of the group once and each part packs
// every input pair of its chunk once: half a cycle a float for packing, and for weights when
// they do not fit in L2 (then two threads share the bandwidth of L3 for them), a tenth when
// they do. Measured on a 14x14 3x3 convolution with 256 channels (2.4 MB of weights): four
// chunks ran 1.4x faster on two threads than on one, two channel parts 1.8x.
template <class Isa>
inline double gemm_cut_time(const ConvParams &p, const GemmUnits &cut, int threads) {
  using namespace detail;
  constexpr int MR = ConvTile<Isa>::mr, W = Simd<Isa>::width;
  const double depth = double(gemm_depth(p));
  const int blocks = int(ceil_div(p.out.c / p.groups, MR));
  const double rows = double(blocks) * MR;
  const double others = double(cut.samples) * cut.groups;
  const double units = double(cut.count());
  const double macs = others * rows * double(cut.vectors) * W * depth;
  const double slowest = double(ceil_div(cut.count(), threads)) / units *
                         (double(cut.widest()) * cut.chunks / cut.vectors) *
                         (double(ceil_div(blocks, cut.row_parts)) * cut.row_parts / blocks);
  const bool weights_in_l2 = rows * depth * sizeof(float) <= 1024.0 * 1024.0;
  const double weight_cost = (weights_in_l2 ? 0.1 : 0.5) * others * cut.chunks * rows * depth;
  const double pack_cost = 0.5 * others * cut.row_parts * double(cut.vectors) * W * depth;
  return macs / 24.0 * slowest + (weight_cost + pack_cost) / threads;
}

// The units of work of a convolution for `threads` threads. One thread takes the plane in
// gemm_fewest_chunks chunks. More threads cut the plane into more chunks (down to one tile each;
// each chunk reads the weights again) or the blocks of output channels into parts (each packs its
// chunk's panel again), whichever gemm_cut_time expects to finish first, among the cuts with one
// to kUnitsPerThread units per thread. No cut changes a sum: the output is bit-identical whatever
// the thread count.
template <class Isa> inline GemmUnits gemm_conv_units(const ConvParams &p, int threads) {
  using namespace detail;
  constexpr int NR = ConvTile<Isa>::nr;
  const std::int64_t plane = std::int64_t(p.out.h) * p.out.w;
  const int vectors = int(ceil_div(plane, Simd<Isa>::width));
  const int tiles = vectors / NR > 1 ? vectors / NR : 1;
  const int blocks = int(ceil_div(p.out.c / p.groups, ConvTile<Isa>::mr));
  const std::int64_t others = std::int64_t(p.out.n) * p.groups;
  const int fewest = int(gemm_fewest_chunks(p));
  GemmUnits best{p.out.n, p.groups, fewest, 1, vectors, NR};
  if (threads <= 1 || others * fewest >= kUnitsPerThread * threads)
    return best;
  double best_time = gemm_cut_time<Isa>(p, best, threads);
  for (int chunks = fewest; chunks <= tiles && others * chunks <= kUnitsPerThread * threads;
       ++chunks)
    for (int parts = 1; parts <= blocks; ++parts) {
      const std::int64_t units = others * chunks * parts;
      if (units > kUnitsPerThread * threads)
        break;
      const GemmUnits cut{p.out.n, p.groups, chunks, parts, vectors, NR};
      const double time = gemm_cut_time<Isa>(p, cut, threads);
      if (units >= threads && time < best_time) {
        best = cut;
        best_time = time;
      }
    }
  return best;
}

// Units [first, last) of `units`; scratch: gemm_scratch_floats floats of this caller's own.
// in_scale: null, or [N][in_c] factors (p.in_scale_batch_stride apart) of the input channels.
template <class Isa>
inline void gemm_conv_chunk(const ConvParams &p, const float *in, const float *in_scale,
                            const float *packed, const float *bias, const float *residual,
                            float *out, const GemmUnits &units, int first, int last,
                            float *scratch) {
  using namespace detail;
  constexpr int MR = ConvTile<Isa>::mr, NR = ConvTile<Isa>::nr;
  constexpr int W = Simd<Isa>::width, NRW = NR * W;
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const int in_c = p.in.c / p.groups;
  const int per_group = p.out.c / p.groups;
  const int depth = int(gemm_depth(p));
  const int blocks = int(ceil_div(per_group, MR));
  const std::ptrdiff_t block_floats = std::ptrdiff_t(MR) * depth;
  const bool scale_weights = in_scale && gemm_scales_weights<Isa>(p);
  float *scaled = scratch + gemm_scaled_weights_at<Isa>(p);
  for (int u = first; u < last; ++u) {
    int rest = u;
    const int part = rest % units.row_parts;
    rest /= units.row_parts;
    const int chunk = rest % units.chunks;
    rest /= units.chunks;
    const int gr = rest % units.groups;
    const int n = rest / units.groups;
    const int b0 = int(std::int64_t(blocks) * part / units.row_parts);
    const int b1 = int(std::int64_t(blocks) * (part + 1) / units.row_parts);
    const int q0 = units.begin(chunk) * W;
    const int q1 = int(std::ptrdiff_t(units.begin(chunk + 1)) * W < out_plane
                           ? std::ptrdiff_t(units.begin(chunk + 1)) * W
                           : out_plane);
    const float *in_g = in + n * p.in.batch_stride + std::ptrdiff_t(gr) * in_c * in_plane;
    const float *w_g = packed + std::ptrdiff_t(gr) * blocks * block_floats;
    const std::ptrdiff_t out_g =
        n * p.out.batch_stride + std::ptrdiff_t(gr) * per_group * out_plane;
    const std::ptrdiff_t res_g =
        n * p.residual_batch_stride + std::ptrdiff_t(gr) * per_group * out_plane;
    const float *scale_g =
        in_scale ? in_scale + n * p.in_scale_batch_stride + std::ptrdiff_t(gr) * in_c : nullptr;
    for (int k0 = 0; k0 < depth; k0 += kGemmBlockK) {
      const int kc = depth - k0 < kGemmBlockK ? depth - k0 : kGemmBlockK;
      const bool first_k = k0 == 0, last_k = k0 + kc == depth;
      pack_gemm_panel<Isa>(p, in_g, scale_weights ? nullptr : scale_g, k0, kc, q0, q1, scratch);
      if (scale_weights)
        scale_weight_blocks<MR>(w_g, blocks, b0, b1, k0, kc, p.kernel_h * p.kernel_w, scale_g,
                                scaled);
      // Each block's weights for the K block (kc x MR floats) stay in L1 while every tile of the
      // panel passes under them: the weights are read from memory once per chunk.
      const TileCut<NR> cut(int(ceil_div(q1 - q0, W)));
      for (int b = b0; b < b1; ++b) {
        const int o = b * MR; // within the group
        const int rows = per_group - o < MR ? per_group - o : MR;
        const float *a = scale_weights ? scaled + std::ptrdiff_t(b - b0) * kc * MR
                                       : w_g + gemm_weights_at<MR>(blocks, b, k0, kc);
        const float *panel = scratch;
        for (int v = 0; v < cut.vectors; panel += std::ptrdiff_t(kc) * NRW) {
          const int q = q0 + v * W;
          const int nv = cut.width_at(v);
          v += nv;
          const int pixels = q1 - q < nv * W ? q1 - q : nv * W;
          const LaneMask last_lanes = lane_range(0, pixels - (nv - 1) * W);
          const std::ptrdiff_t at = std::ptrdiff_t(o) * out_plane + q;
          gemm_microkernel_any<Isa, MR, NR>(
              nv, kc, a, panel, rows, last_lanes, first_k, last_k, bias + gr * per_group + o,
              residual ? residual + res_g + at : nullptr, out + out_g + at, out_plane, p.act);
        }
      }
    }
  }
}

// out = act(conv(in * in_scale, weight) + bias + residual); residual may be null or out itself,
// in_scale null (no scale) or [N][in_c] factors. The units run across ctx's threads, each with
// its own scratch (ctx.scratch_of(thread): gemm_scratch_floats floats); gemm_conv_units says how
// the work is cut.
template <class Isa>
inline void gemm_conv(const Context &ctx, const ConvParams &p, const float *in, const float *packed,
                      const float *bias, const float *residual, float *out,
                      const float *in_scale = nullptr) {
  const std::int64_t work = detail::conv_work(p);
  const GemmUnits units = gemm_conv_units<Isa>(p, ctx.worth_threads(work) ? ctx.threads() : 1);
  ctx.parallel_for(units.count(), work, [&](std::int64_t unit, int thread) {
    gemm_conv_chunk<Isa>(p, in, in_scale, packed, bias, residual, out, units, int(unit),
                         int(unit) + 1, ctx.scratch_of(thread));
  });
}

} // namespace netc::cpu
