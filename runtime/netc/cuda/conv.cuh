// Convolution in NHWC with the epilogue fused: out = act(conv(in, weight) + bias + residual),
// written through the output's pixel stride (straight into a concat's channel slice).
//
// Two kernels behind conv2d, chosen by conv_uses_direct (launch.hpp):
// - Implicit GEMM. M = N*OH*OW pixels x the group's output channels, K = KH*KW*IC/groups with the
//   input channel fastest. Each K step of kConvTileK gathers the block's 64x16 A tile straight
//   from the NHWC input (padding and tile edges are bounds checks; no im2col buffer) and its
//   16x64 B tile from the packed weights (pack.hpp), through registers: the next step's global
//   loads are issued before the current step's multiply. fp32 multiplies with FMA on CUDA cores,
//   each thread a 4x4 register tile. tf32/bf16/fp16 multiply with WMMA (each of the 8 warps a
//   16x32 piece: m16n16k8 tf32 or m16n16k16), accumulate in fp32 and stage the tile in shared
//   memory, so the epilogue is the fp32 one, element by element, with the same ownership.
// - Direct, for groups with few channels each (depthwise, ResNeXt): one thread per output
//   element, channels fastest so a warp reads neighbouring input channels and weights. fp32 FMA
//   for every precision: these layers are memory-bound and tensor cores would idle on them.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <type_traits>

namespace netc::cuda {

namespace detail {

// The type the GEMM's operands have in global (B) and shared memory.
template <Precision Prec> struct GemmStorage { using type = float; };
template <> struct GemmStorage<Precision::bf16> { using type = __nv_bfloat16; };
template <> struct GemmStorage<Precision::fp16> { using type = __half; };

template <class T> __device__ __forceinline__ T from_float(float v) {
  if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __float2bfloat16_rn(v);
  else if constexpr (std::is_same_v<T, __half>)
    return __float2half_rn(v);
  else
    return v;
}

template <class T> __device__ __forceinline__ float to_float(T v) {
  if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return __bfloat162float(v);
  else if constexpr (std::is_same_v<T, __half>)
    return __half2float(v);
  else
    return v;
}

// The kernel bodies take their params from Source::get(), so that linear can pass
// linear_as_conv(P) without a new object to name in a template argument.
template <const ConvParams &P> struct ConvSource {
  NETC_HD static constexpr ConvParams get() { return P; }
};

// acc + bias + residual through the activation, stored at output element (n, oc, y, x).
template <class Source>
__device__ __forceinline__ void conv_store(float acc, int n, int oc, int y, int x,
                                           const float *bias, const float *residual, float *out) {
  constexpr ConvParams p = Source::get();
  float v = acc;
  if (bias)
    v += bias[oc];
  if (residual) {
    constexpr std::int64_t res_pixel = p.residual_batch_stride / (std::int64_t(p.out.h) * p.out.w);
    v += residual[n * p.residual_batch_stride + (std::int64_t(y) * p.out.w + x) * res_pixel + oc];
  }
  out[nhwc_offset(p.out, n, oc, y, x)] = activate<p.act>(v);
}

// The tensor-core multiply of one K step: warp (wm, wn) adds its 16x32 piece of As x Bs.
template <Precision Prec> struct TensorCoreStep;

template <> struct TensorCoreStep<Precision::tf32> {
  static constexpr int k = 8;
  using Acc = nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 8, float>;
  static __device__ __forceinline__ void run(const float *a_tile, const float *b_tile, int a_ld,
                                             int b_ld, Acc (&acc)[2]) {
    using namespace nvcuda;
    for (int ks = 0; ks < kConvTileK; ks += k) {
      wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> a;
      wmma::load_matrix_sync(a, a_tile + ks, a_ld);
      for (int t = 0; t < a.num_elements; ++t)
        a.x[t] = wmma::__float_to_tf32(a.x[t]);
      for (int j = 0; j < 2; ++j) {
        wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> b;
        wmma::load_matrix_sync(b, b_tile + ks * b_ld + 16 * j, b_ld);
        for (int t = 0; t < b.num_elements; ++t)
          b.x[t] = wmma::__float_to_tf32(b.x[t]);
        wmma::mma_sync(acc[j], a, b, acc[j]);
      }
    }
  }
};

template <class T> struct HalfTensorCoreStep {
  static constexpr int k = 16;
  using Acc = nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 16, float>;
  static __device__ __forceinline__ void run(const T *a_tile, const T *b_tile, int a_ld, int b_ld,
                                             Acc (&acc)[2]) {
    using namespace nvcuda;
    static_assert(kConvTileK == k, "one mma per K step");
    wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> a;
    wmma::load_matrix_sync(a, a_tile, a_ld);
    for (int j = 0; j < 2; ++j) {
      wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::row_major> b;
      wmma::load_matrix_sync(b, b_tile + 16 * j, b_ld);
      wmma::mma_sync(acc[j], a, b, acc[j]);
    }
  }
};
template <> struct TensorCoreStep<Precision::bf16> : HalfTensorCoreStep<__nv_bfloat16> {};
template <> struct TensorCoreStep<Precision::fp16> : HalfTensorCoreStep<__half> {};

// Which A and B elements thread tx stages: A column kConvTileK-fastest (a warp reads 16
// neighbouring input channels of 2 pixels), B row kConvTileN-fastest (neighbouring channels).
constexpr int kStageA = kConvTileM * kConvTileK / kConvThreads; // A elements per thread
constexpr int kStageB = kConvTileK * kConvTileN / kConvThreads; // B elements per thread
__device__ __forceinline__ int stage_a_row(int tx, int i) {
  return tx / kConvTileK + i * (kConvThreads / kConvTileK);
}
__device__ __forceinline__ int stage_a_col(int tx) {
  return tx % kConvTileK;
}
__device__ __forceinline__ int stage_b_row(int tx, int i) {
  return tx / kConvTileN + i * (kConvThreads / kConvTileN);
}
__device__ __forceinline__ int stage_b_col(int tx) {
  return tx % kConvTileN;
}

template <class Source, Precision Prec>
__device__ __forceinline__ void conv_gemm(const float *in, const void *weight_bytes,
                                          const float *bias, const float *residual, float *out) {
  using T = typename GemmStorage<Prec>::type;
  constexpr ConvParams p = Source::get();
  constexpr ConvSharedLayout layout = conv_shared_layout(Prec);
  constexpr int og = conv_group_out(p), k_total = conv_gemm_k(p);
  constexpr std::int64_t m_total = conv_gemm_m(p);
  constexpr int k_steps = int(ceil_div(k_total, kConvTileK));
  constexpr bool tensor_cores = Prec != Precision::fp32;

  extern __shared__ __align__(128) unsigned char shared[];
  T *a_tile = reinterpret_cast<T *>(shared);
  T *b_tile = reinterpret_cast<T *>(shared + layout.b_offset);
  const T *weight = static_cast<const T *>(weight_bytes);
  const ConvTile tile = conv_tile(int(blockIdx.x), int(blockIdx.y), int(blockIdx.z));
  const int tx = int(threadIdx.x);

  // The windows of the pixels this thread gathers A for; a pixel past the end gathers zeros.
  ConvWindow a_window[kStageA];
  bool a_pixel[kStageA];
  for (int i = 0; i < kStageA; ++i) {
    const std::int64_t m = tile.m0 + stage_a_row(tx, i);
    a_pixel[i] = m < m_total;
    a_window[i] = conv_window(p, a_pixel[i] ? m : 0, tile.group);
  }
  const int b_col = tile.n0 + stage_b_col(tx);

  float a_next[kStageA];
  T b_next[kStageB];
  auto gather = [&](int k0) {
    const int k = k0 + stage_a_col(tx);
    const ConvTap tap = conv_tap(p, k);
    for (int i = 0; i < kStageA; ++i) {
      const std::int64_t at = k < k_total && a_pixel[i] ? conv_a_offset(p, a_window[i], tap) : -1;
      a_next[i] = at >= 0 ? __ldg(in + at) : 0.0f;
    }
    for (int i = 0; i < kStageB; ++i) {
      const int kb = k0 + stage_b_row(tx, i);
      b_next[i] = kb < k_total && b_col < og ? weight[conv_b_offset(p, tile.group, kb, b_col)]
                                             : from_float<T>(0.0f);
    }
  };
  auto stage = [&] {
    for (int i = 0; i < kStageA; ++i) {
      if constexpr (tensor_cores)
        a_tile[stage_a_row(tx, i) * layout.a_ld + stage_a_col(tx)] = from_float<T>(a_next[i]);
      else
        a_tile[stage_a_col(tx) * layout.a_ld + stage_a_row(tx, i)] = a_next[i];
    }
    for (int i = 0; i < kStageB; ++i)
      b_tile[stage_b_row(tx, i) * layout.b_ld + stage_b_col(tx)] = b_next[i];
  };

  float acc[kConvThreadM][kConvThreadN] = {};
  [[maybe_unused]] const int warp = tx / 32;
  [[maybe_unused]] const int wm = warp % (kConvTileM / 16), wn = warp / (kConvTileM / 16);
  static_assert(kConvThreads / 32 == (kConvTileM / 16) * (kConvTileN / 32), "8 warps of 16x32");
  using Step = TensorCoreStep<tensor_cores ? Prec : Precision::tf32>;
  typename Step::Acc frag[2];
  if constexpr (tensor_cores) {
    nvcuda::wmma::fill_fragment(frag[0], 0.0f);
    nvcuda::wmma::fill_fragment(frag[1], 0.0f);
  }

  gather(0);
  for (int step = 0; step < k_steps; ++step) {
    stage();
    __syncthreads();
    if (step + 1 < k_steps)
      gather((step + 1) * kConvTileK); // in flight during the multiply below
    if constexpr (tensor_cores) {
      Step::run(a_tile + 16 * wm * layout.a_ld, b_tile + 32 * wn, layout.a_ld, layout.b_ld, frag);
    } else {
#pragma unroll
      for (int kk = 0; kk < kConvTileK; ++kk) {
        float a[kConvThreadM];
        for (int i = 0; i < kConvThreadM; ++i)
          a[i] = a_tile[kk * layout.a_ld + conv_thread_row(tx, i)];
        const float4 b =
            *reinterpret_cast<const float4 *>(b_tile + kk * layout.b_ld + conv_thread_col(tx, 0));
        static_assert(kConvThreadN == 4, "one float4 of B per K");
        for (int i = 0; i < kConvThreadM; ++i) {
          acc[i][0] = fmaf(a[i], b.x, acc[i][0]);
          acc[i][1] = fmaf(a[i], b.y, acc[i][1]);
          acc[i][2] = fmaf(a[i], b.z, acc[i][2]);
          acc[i][3] = fmaf(a[i], b.w, acc[i][3]);
        }
      }
    }
    __syncthreads();
  }

  if constexpr (tensor_cores) {
    // The operand tiles are dead (the loop ended on a barrier): the result tile reuses them.
    float *c_tile = reinterpret_cast<float *>(shared);
    for (int j = 0; j < 2; ++j)
      nvcuda::wmma::store_matrix_sync(c_tile + 16 * wm * layout.c_ld + 32 * wn + 16 * j, frag[j],
                                      layout.c_ld, nvcuda::wmma::mem_row_major);
    __syncthreads();
    for (int i = 0; i < kConvThreadM; ++i)
      for (int j = 0; j < kConvThreadN; ++j)
        acc[i][j] = c_tile[conv_thread_row(tx, i) * layout.c_ld + conv_thread_col(tx, j)];
  }

  // The epilogue: exactly the elements for_each_output_conv gives this thread.
  for (int i = 0; i < kConvThreadM; ++i) {
    const std::int64_t m = tile.m0 + conv_thread_row(tx, i);
    if (m >= m_total)
      continue;
    const Element px = conv_pixel(p, m);
    for (int j = 0; j < kConvThreadN; ++j) {
      const int oc = tile.n0 + conv_thread_col(tx, j);
      if (oc < og)
        conv_store<Source>(acc[i][j], px.n, tile.group * og + oc, px.y, px.x, bias, residual, out);
    }
  }
}

// Weights [ky][kx][ic within group][oc] (pack.hpp), so neighbouring threads read neighbouring
// weights.
template <class Source>
__device__ __forceinline__ void conv_direct(const float *in, const float *weight, const float *bias,
                                            const float *residual, float *out) {
  constexpr ConvParams p = Source::get();
  constexpr int cg = conv_group_in(p), og = conv_group_out(p);
  constexpr std::int64_t in_pixel = pixel_stride(p.in);
  Element el;
  if (!elementwise_element(p.out, el))
    return;
  const float *src = in + el.n * p.in.batch_stride + (el.c / og) * cg;
  float acc = 0.0f;
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    const int y = el.y * p.stride_h - p.pad_top + ky * p.dilation_h;
    if (y < 0 || y >= p.in.h)
      continue;
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      const int x = el.x * p.stride_w - p.pad_left + kx * p.dilation_w;
      if (x < 0 || x >= p.in.w)
        continue;
      const float *pixel = src + (std::int64_t(y) * p.in.w + x) * in_pixel;
#pragma unroll 4
      for (int ci = 0; ci < cg; ++ci)
        acc = fmaf(__ldg(pixel + ci),
                   __ldg(weight + conv_direct_weight_offset(p, ky, kx, ci, el.c)), acc);
    }
  }
  conv_store<Source>(acc, el.n, el.c, el.y, el.x, bias, residual, out);
}

} // namespace detail

// Launch with conv_launch(P, Prec): grid, block and its shared_bytes as dynamic shared memory.
template <const ConvParams &P, Precision Prec>
__global__ void __launch_bounds__(kConvThreads)
    conv2d(const float *in, const void *weight, const float *bias, const float *residual,
           float *out) {
  static_assert(kConvThreads == kElementwiseThreads, "both kernels run blocks of the same size");
  if constexpr (conv_uses_direct(P))
    detail::conv_direct<detail::ConvSource<P>>(in, static_cast<const float *>(weight), bias,
                                               residual, out);
  else
    detail::conv_gemm<detail::ConvSource<P>, Prec>(in, weight, bias, residual, out);
}

} // namespace netc::cuda
