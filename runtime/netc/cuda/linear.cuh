// Fully connected layer: out[n][o] = act(sum_i weight[o][i] * in[n][i] + bias[o]).
//
// Two kernels behind linear, chosen by linear_uses_gemv (launch.hpp):
// - GEMV, for batches up to kLinearGemvMaxBatch: the weights (by far the larger operand) stream
//   from memory once. One warp per output feature, lanes over input features (coalesced rows of
//   the [out][in] weights), every sample's partial sum in registers, then a warp reduction. The
//   products are fp32 FMA for every precision; bf16/fp16 store the weights in that type (half the
//   bytes to stream) and round only them, tensor cores would idle on a GEMV.
// - GEMM, for larger batches: the convolution kernel (conv.cuh) on linear_as_conv(P), a 1x1
//   convolution over N pixels, with its tensor-core paths.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/conv.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

namespace detail {

// linear_as_conv(P) as conv_gemm's params source (conv.cuh's ConvSource says why not a value).
template <const LinearParams &P> struct LinearAsConv {
  NETC_HD static constexpr ConvParams get() { return linear_as_conv(P); }
};

template <const LinearParams &P, Precision Prec>
__device__ __forceinline__ void linear_gemv(const float *in, const void *weight_bytes,
                                            const float *bias, float *out) {
  using T = typename GemmStorage<Prec>::type;
  constexpr LinearParams p = P;
  constexpr int batch = p.in.n;
  const int o = linear_feature(int(blockIdx.x), int(threadIdx.y));
  if (o >= p.out.c)
    return; // the whole warp: its lanes share o
  const T *w = static_cast<const T *>(weight_bytes) + std::int64_t(o) * p.in.c;
  const int lane = int(threadIdx.x);
  float acc[batch] = {};
  for (int i = lane; i < p.in.c; i += 32) {
    const float wi = to_float(__ldg(w + i));
#pragma unroll
    for (int n = 0; n < batch; ++n)
      acc[n] = fmaf(wi, __ldg(in + n * p.in.batch_stride + i), acc[n]);
  }
#pragma unroll
  for (int n = 0; n < batch; ++n)
    for (int offset = 16; offset > 0; offset /= 2)
      acc[n] += __shfl_xor_sync(0xffffffffu, acc[n], offset);
  if (lane != 0)
    return;
  const float b = bias ? bias[o] : 0.0f;
  for (int n = 0; n < batch; ++n)
    out[n * p.out.batch_stride + o] = activate<p.act>(acc[n] + b);
}

} // namespace detail

// Launch with linear_launch(P, Prec), its shared_bytes as dynamic shared memory.
template <const LinearParams &P, Precision Prec>
__global__ void __launch_bounds__(kConvThreads)
    linear(const float *in, const void *weight, const float *bias, float *out) {
  static_assert(32 * kLinearWarps == kConvThreads, "both kernels run blocks of the same size");
  if constexpr (linear_uses_gemv(P))
    detail::linear_gemv<P, Prec>(in, weight, bias, out);
  else
    detail::conv_gemm<detail::LinearAsConv<P>, Prec>(in, weight, bias, nullptr, out);
}

} // namespace netc::cuda
