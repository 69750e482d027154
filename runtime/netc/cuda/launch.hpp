// Launch geometry and output ownership of every CUDA kernel family: the single truth shared by
// the kernels (which derive their block's tile and each thread's elements from these functions),
// the emitter (which prints the grid and block) and the CPU-side coverage check (which enumerates
// every block and thread and requires each output element written exactly once).
//
// Plain C++17 without CUDA headers, so netc and CPU-only tests include it too. Activations are
// NHWC (runtime/netc/cuda/CONTRACT.md): element (n, c, y, x) of Dims d lies at
//   n * d.batch_stride + (y * d.w + x) * pixel_stride(d) + c.
#pragma once

#include "netc/kernel_params.hpp"

#include <cstdint>

#if defined(__CUDACC__)
#define NETC_HD __host__ __device__
#else
#define NETC_HD
#endif

namespace netc::cuda {

// How the convolution and linear GEMMs multiply. Activations in memory are always float32; fp32
// is the exact mode (FMA on CUDA cores), the others use tensor cores with fp32 accumulation.
enum class Precision { fp32, tf32, bf16, fp16 };

struct Launch {
  int grid_x, grid_y, grid_z;
  int block_x, block_y, block_z;
  int shared_bytes; // dynamic shared memory, passed as the third launch argument
};

// Limits of sm_80, the oldest architecture CUDA 13 supports.
constexpr int kMaxThreadsPerBlock = 1024;
constexpr int kMaxSharedStatic = 48 * 1024; // without cudaFuncSetAttribute
constexpr int kMaxSharedOptIn = 163 * 1024; // with cudaFuncSetAttribute
constexpr std::int64_t kMaxGridX = 2147483647;
constexpr int kMaxGridYZ = 65535;

NETC_HD constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

// Floats between neighbouring pixels: C for a tensor of its own, the parent's C for a channel
// slice of a concat, the row stride for features [N, F].
NETC_HD constexpr std::int64_t pixel_stride(const Dims &d) {
  return d.batch_stride / (std::int64_t(d.h) * d.w);
}

NETC_HD constexpr std::int64_t nhwc_offset(const Dims &d, int n, int c, int y, int x) {
  return n * d.batch_stride + (std::int64_t(y) * d.w + x) * pixel_stride(d) + c;
}

NETC_HD constexpr std::int64_t element_count(const Dims &d) {
  return std::int64_t(d.n) * d.c * d.h * d.w;
}

// --- Elementwise families: one thread per output element -----------------------------------
// Pooling, adaptive pooling, unary, binary, copy, LRN, layout conversion and the direct grouped
// convolution. Element e counts in NHWC order (channel fastest), so a warp writes neighbouring
// channels of one pixel: contiguous memory.

constexpr int kElementwiseThreads = 256;

struct Element {
  int n, c, y, x;
};

NETC_HD constexpr Element nhwc_element(const Dims &d, std::int64_t e) {
  const int c = int(e % d.c);
  e /= d.c;
  const int x = int(e % d.w);
  e /= d.w;
  const int y = int(e % d.h);
  return Element{int(e / d.h), c, y, x};
}

// The same in NCHW order (column fastest): the NCHW side of nhwc_to_nchw is written contiguously.
NETC_HD constexpr Element nchw_element(const Dims &d, std::int64_t e) {
  const int x = int(e % d.w);
  e /= d.w;
  const int y = int(e % d.h);
  e /= d.h;
  const int c = int(e % d.c);
  return Element{int(e / d.c), c, y, x};
}

constexpr Launch elementwise_launch(const Dims &out) {
  return Launch{
      int(ceil_div(element_count(out), kElementwiseThreads)), 1, 1, kElementwiseThreads, 1, 1, 0};
}

// The element index thread tx of block bx owns, or -1 past the end.
NETC_HD constexpr std::int64_t elementwise_index(const Dims &out, int bx, int tx) {
  const std::int64_t e = std::int64_t(bx) * kElementwiseThreads + tx;
  return e < element_count(out) ? e : -1;
}

template <class Visit>
NETC_HD void for_each_output_elementwise(const Dims &out, int bx, int tx, Visit &&visit) {
  const std::int64_t e = elementwise_index(out, bx, tx);
  if (e < 0)
    return;
  const Element el = nhwc_element(out, e);
  visit(el.n, el.c, el.y, el.x);
}

// --- Convolution ----------------------------------------------------------------------------
// Two kernels behind one geometry function:
// - implicit GEMM (groups == 1, or groups with at least kGemmMinGroupWidth output channels
//   each): M = N*OH*OW output pixels x OC/groups output channels of one group (grid z), summed
//   over K = KH*KW*IC/groups (tap-major, input channel fastest: NHWC reads are contiguous). A
//   block computes a kConvTileM x kConvTileN tile with kConvThreads threads; each thread owns
//   kConvThreadM pixels (kConvTileM / kConvThreadM apart, so the 16 threads of a row write 64
//   neighbouring channels) x kConvThreadN neighbouring channels. The tensor-core precisions
//   compute the tile with WMMA, stage it in shared memory and run the same epilogue with the
//   same ownership.
// - direct (few channels per group: depthwise, ResNeXt's narrow groups): one thread per output
//   element, the elementwise ownership above.

constexpr int kConvTileM = 64;
constexpr int kConvTileN = 64;
constexpr int kConvTileK = 16;
constexpr int kConvThreads = 256;
constexpr int kConvThreadM = 4;
constexpr int kConvThreadN = 4;
constexpr int kConvThreadsN = kConvTileN / kConvThreadN;   // 16 threads across channels
constexpr int kConvRowStep = kConvThreads / kConvThreadsN; // 16 pixels between a thread's rows
static_assert(kConvRowStep * kConvThreadM == kConvTileM, "threads must cover the tile");
constexpr int kGemmMinGroupWidth = 32;

NETC_HD constexpr int conv_group_in(const ConvParams &p) {
  return p.in.c / p.groups;
}
NETC_HD constexpr int conv_group_out(const ConvParams &p) {
  return p.out.c / p.groups;
}
NETC_HD constexpr std::int64_t conv_gemm_m(const ConvParams &p) {
  return std::int64_t(p.out.n) * p.out.h * p.out.w;
}
NETC_HD constexpr int conv_gemm_k(const ConvParams &p) {
  return p.kernel_h * p.kernel_w * conv_group_in(p);
}

NETC_HD constexpr bool conv_uses_direct(const ConvParams &p) {
  return p.groups > 1 && conv_group_out(p) < kGemmMinGroupWidth;
}

// Shared memory of the GEMM kernel, in bytes, and where its pieces start. fp32 keeps the A tile
// k-major ([K][M + 1]: the padding spreads the stores over banks) for broadcast reads and the B
// tile [K][N]. Tensor cores read A row-major [M][K + pad] and B [K][N + pad] in the multiply's
// input type (float for tf32, 2 bytes for bf16/fp16; pads keep WMMA's 32-byte alignment), and
// reuse the same bytes afterwards for the fp32 result tile [M][N + 4].
struct ConvSharedLayout {
  int a_ld, b_ld, c_ld; // leading dimensions, in elements
  int b_offset;         // bytes from the start
  int bytes;
};

NETC_HD constexpr int round_up(int a, int b) {
  return (a + b - 1) / b * b;
}

NETC_HD constexpr ConvSharedLayout conv_shared_layout(Precision prec) {
  if (prec == Precision::fp32) {
    const int a_bytes = kConvTileK * (kConvTileM + 1) * 4;
    const int b_offset = round_up(a_bytes, 128);
    return ConvSharedLayout{kConvTileM + 1, kConvTileN, 0, b_offset,
                            b_offset + kConvTileK * kConvTileN * 4};
  }
  const int elem = prec == Precision::tf32 ? 4 : 2;
  const int pad = prec == Precision::tf32 ? 4 : 8; // 16 bytes either way
  const int a_ld = kConvTileK + pad, b_ld = kConvTileN + pad, c_ld = kConvTileN + 4;
  const int b_offset = round_up(kConvTileM * a_ld * elem, 128);
  const int ab_bytes = b_offset + kConvTileK * b_ld * elem;
  const int c_bytes = kConvTileM * c_ld * 4;
  return ConvSharedLayout{a_ld, b_ld, c_ld, b_offset, ab_bytes > c_bytes ? ab_bytes : c_bytes};
}

constexpr Launch conv_launch(const ConvParams &p, Precision prec) {
  if (conv_uses_direct(p))
    return elementwise_launch(p.out);
  return Launch{int(ceil_div(conv_gemm_m(p), kConvTileM)),
                int(ceil_div(conv_group_out(p), kConvTileN)),
                p.groups,
                kConvThreads,
                1,
                1,
                conv_shared_layout(prec).bytes};
}

// The GEMM tile of block (bx, by, bz): its first pixel, first channel within the group, group.
struct ConvTile {
  std::int64_t m0;
  int n0, group;
};

NETC_HD constexpr ConvTile conv_tile(int bx, int by, int bz) {
  return ConvTile{std::int64_t(bx) * kConvTileM, by * kConvTileN, bz};
}

// Row i (pixel) and column j (channel) of thread tx's kConvThreadM x kConvThreadN elements,
// relative to the tile.
NETC_HD constexpr int conv_thread_row(int tx, int i) {
  return tx / kConvThreadsN + i * kConvRowStep;
}
NETC_HD constexpr int conv_thread_col(int tx, int j) {
  return (tx % kConvThreadsN) * kConvThreadN + j;
}

// Output pixel m of the GEMM as (n, y, x).
NETC_HD constexpr Element conv_pixel(const ConvParams &p, std::int64_t m) {
  const int x = int(m % p.out.w);
  m /= p.out.w;
  return Element{int(m / p.out.h), 0, int(m % p.out.h), x};
}

// The GEMM's operands. K index k is tap (ky, kx) and input channel ci, channel fastest; A(m, k) is
// pixel m's input under that tap (nothing in the padding); B(k, n) is the packed weight of output
// channel n of the group. The kernel gathers, pack.hpp packs and the CPU test multiplies through
// these same functions.
struct ConvTap {
  int ky, kx, ci;
};

NETC_HD constexpr ConvTap conv_tap(const ConvParams &p, int k) {
  const int tap = k / conv_group_in(p);
  return ConvTap{tap / p.kernel_w, tap % p.kernel_w, k % conv_group_in(p)};
}

// Pixel m's window: its sample's first input channel of the group, and the window's top-left.
struct ConvWindow {
  std::int64_t base;
  int y0, x0;
};

NETC_HD constexpr ConvWindow conv_window(const ConvParams &p, std::int64_t m, int group) {
  const Element px = conv_pixel(p, m);
  return ConvWindow{px.n * p.in.batch_stride + std::int64_t(group) * conv_group_in(p),
                    px.y * p.stride_h - p.pad_top, px.x * p.stride_w - p.pad_left};
}

// The input offset of A(m, k), or -1 where the tap falls in the padding.
NETC_HD constexpr std::int64_t conv_a_offset(const ConvParams &p, const ConvWindow &w,
                                             const ConvTap &t) {
  const int y = w.y0 + t.ky * p.dilation_h, x = w.x0 + t.kx * p.dilation_w;
  if (y < 0 || y >= p.in.h || x < 0 || x >= p.in.w)
    return -1;
  return w.base + (std::int64_t(y) * p.in.w + x) * pixel_stride(p.in) + t.ci;
}

// The packed GEMM weights: [group][k][n].
NETC_HD constexpr std::int64_t conv_b_offset(const ConvParams &p, int group, int k, int n) {
  return (std::int64_t(group) * conv_gemm_k(p) + k) * conv_group_out(p) + n;
}

// The direct kernel's packed weights: [ky][kx][ci][oc], oc over all groups.
NETC_HD constexpr std::int64_t conv_direct_weight_offset(const ConvParams &p, int ky, int kx,
                                                         int ci, int oc) {
  return (std::int64_t(ky * p.kernel_w + kx) * conv_group_in(p) + ci) * p.out.c + oc;
}

template <class Visit>
NETC_HD void for_each_output_conv(const ConvParams &p, Precision, int bx, int by, int bz, int tx,
                                  int, int, Visit &&visit) {
  if (conv_uses_direct(p)) {
    for_each_output_elementwise(p.out, bx, tx, visit);
    return;
  }
  const ConvTile tile = conv_tile(bx, by, bz);
  for (int i = 0; i < kConvThreadM; ++i) {
    const std::int64_t m = tile.m0 + conv_thread_row(tx, i);
    if (m >= conv_gemm_m(p))
      continue;
    const Element px = conv_pixel(p, m);
    for (int j = 0; j < kConvThreadN; ++j) {
      const int oc = tile.n0 + conv_thread_col(tx, j);
      if (oc < conv_group_out(p))
        visit(px.n, tile.group * conv_group_out(p) + oc, px.y, px.x);
    }
  }
}

// --- Linear ---------------------------------------------------------------------------------
// Small batches (at most kLinearGemvMaxBatch samples) stream the weights once with a GEMV: one
// warp per output feature, lanes over input features, every sample's sum kept in registers.
// Larger batches are a 1x1 convolution over N pixels of size 1x1 and reuse the GEMM above.

constexpr int kLinearGemvMaxBatch = 8;
constexpr int kLinearWarps = 8; // output features per GEMV block

NETC_HD constexpr bool linear_uses_gemv(const LinearParams &p) {
  return p.in.n <= kLinearGemvMaxBatch;
}

NETC_HD constexpr ConvParams linear_as_conv(const LinearParams &p) {
  return ConvParams{Dims{p.in.n, p.in.c, 1, 1, p.in.batch_stride},
                    Dims{p.out.n, p.out.c, 1, 1, p.out.batch_stride},
                    1,
                    1,
                    1,
                    1,
                    0,
                    0,
                    1,
                    1,
                    1,
                    p.act,
                    0,
                    0};
}

constexpr Launch linear_launch(const LinearParams &p, Precision prec) {
  if (!linear_uses_gemv(p))
    return conv_launch(linear_as_conv(p), prec);
  return Launch{int(ceil_div(p.out.c, kLinearWarps)), 1, 1, 32, kLinearWarps, 1, 0};
}

// GEMV: warp ty of block bx owns output feature bx * kLinearWarps + ty of every sample; lane 0
// writes them after the warp's reduction.
NETC_HD constexpr int linear_feature(int bx, int ty) {
  return bx * kLinearWarps + ty;
}

template <class Visit>
NETC_HD void for_each_output_linear(const LinearParams &p, Precision prec, int bx, int by, int bz,
                                    int tx, int ty, int tz, Visit &&visit) {
  if (!linear_uses_gemv(p)) {
    for_each_output_conv(linear_as_conv(p), prec, bx, by, bz, tx, ty, tz, visit);
    return;
  }
  const int o = linear_feature(bx, ty);
  if (tx != 0 || o >= p.out.c)
    return;
  for (int n = 0; n < p.out.n; ++n)
    visit(n, o, 0, 0);
}

// --- Softmax --------------------------------------------------------------------------------
// One warp per pixel: lane tx owns channels tx, tx + 32, ...; kSoftmaxWarps pixels per block.

constexpr int kSoftmaxWarps = 8;

constexpr Launch softmax_launch(const SoftmaxParams &p) {
  const std::int64_t pixels = std::int64_t(p.out.n) * p.out.h * p.out.w;
  return Launch{int(ceil_div(pixels, kSoftmaxWarps)), 1, 1, 32, kSoftmaxWarps, 1, 0};
}

NETC_HD constexpr std::int64_t softmax_pixel(int bx, int ty) {
  return std::int64_t(bx) * kSoftmaxWarps + ty;
}

template <class Visit>
NETC_HD void for_each_output_softmax(const SoftmaxParams &p, int bx, int, int, int tx, int ty, int,
                                     Visit &&visit) {
  std::int64_t pixel = softmax_pixel(bx, ty);
  if (pixel >= std::int64_t(p.out.n) * p.out.h * p.out.w)
    return;
  const int x = int(pixel % p.out.w);
  pixel /= p.out.w;
  const int y = int(pixel % p.out.h);
  const int n = int(pixel / p.out.h);
  for (int c = tx; c < p.out.c; c += 32)
    visit(n, c, y, x);
}

// --- The elementwise families' geometry ----------------------------------------------------

constexpr Launch pool_launch(const PoolParams &p) {
  return elementwise_launch(p.out);
}
constexpr Launch adaptive_pool_launch(const AdaptivePoolParams &p) {
  return elementwise_launch(p.out);
}
constexpr Launch unary_launch(const UnaryParams &p) {
  return elementwise_launch(p.out);
}
constexpr Launch binary_launch(const BinaryParams &p) {
  return elementwise_launch(p.out);
}
constexpr Launch copy_launch(const CopyParams &p) {
  return elementwise_launch(p.out);
}
constexpr Launch lrn_launch(const LrnParams &p) {
  return elementwise_launch(p.out);
}
constexpr Launch channel_shuffle_launch(const ChannelShuffleParams &p) {
  return elementwise_launch(p.out);
}
// Layer norm: one warp per pixel, as softmax (its channels are neighbours in NHWC).
constexpr Launch layernorm_launch(const LayerNormParams &p) {
  const std::int64_t pixels = std::int64_t(p.out.n) * p.out.h * p.out.w;
  return Launch{int(ceil_div(pixels, kSoftmaxWarps)), 1, 1, 32, kSoftmaxWarps, 1, 0};
}
template <class Visit>
NETC_HD void for_each_output_layernorm(const LayerNormParams &p, int bx, int by, int bz, int tx,
                                       int ty, int tz, Visit &&visit) {
  for_each_output_softmax(SoftmaxParams{p.in, p.out}, bx, by, bz, tx, ty, tz, visit);
}
// Both directions of the layout conversion, D being the NHWC side.
constexpr Launch layout_launch(const Dims &d) {
  return elementwise_launch(d);
}

// nhwc_to_nchw walks its elements in NCHW order so that its (NCHW) writes are contiguous.
template <class Visit>
NETC_HD void for_each_output_nhwc_to_nchw(const Dims &d, int bx, int tx, Visit &&visit) {
  const std::int64_t e = elementwise_index(d, bx, tx);
  if (e < 0)
    return;
  const Element el = nchw_element(d, e);
  visit(el.n, el.c, el.y, el.x);
}

} // namespace netc::cuda
