// Layer norm over channels at every pixel, as the CPU backend (runtime/netc/cpu/layernorm.hpp):
//   out[c] = (in[c] - mean) / sqrt(var + eps) * weight[c] + bias[c]
// One warp per pixel (launch.hpp's layernorm geometry, softmax's): lane l owns channels l, l + 32,
// ...; the sum and the squared deviations from the mean are warp reductions, the variance taken
// from the deviations so it does not cancel. Each lane rereads only its own channels in the last
// pass, so out may be in. A NaN anywhere in the pixel makes all its channels NaN.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

template <const LayerNormParams &P>
__global__ void __launch_bounds__(32 * kSoftmaxWarps)
    layernorm(const float *in, const float *weight, const float *bias, float *out) {
  constexpr LayerNormParams p = P;
  std::int64_t pixel = softmax_pixel(int(blockIdx.x), int(threadIdx.y));
  if (pixel >= std::int64_t(p.out.n) * p.out.h * p.out.w)
    return; // the whole warp: every lane has the same pixel
  const int x = int(pixel % p.out.w);
  pixel /= p.out.w;
  const int y = int(pixel % p.out.h), n = int(pixel / p.out.h);
  const float *src = in + nhwc_offset(p.in, n, 0, y, x);
  float *dst = out + nhwc_offset(p.out, n, 0, y, x);
  const int lane = int(threadIdx.x);

  float sum = 0.0f;
  for (int c = lane; c < p.in.c; c += 32)
    sum += src[c];
  for (int offset = 16; offset > 0; offset /= 2)
    sum += __shfl_xor_sync(0xffffffffu, sum, offset);
  const float mean = sum / float(p.in.c);
  float var = 0.0f;
  for (int c = lane; c < p.in.c; c += 32) {
    const float d = src[c] - mean;
    var = fmaf(d, d, var);
  }
  for (int offset = 16; offset > 0; offset /= 2)
    var += __shfl_xor_sync(0xffffffffu, var, offset);
  const float inv = 1.0f / sqrtf(var / float(p.in.c) + p.eps);
  for (int c = lane; c < p.in.c; c += 32)
    dst[c] = fmaf((src[c] - mean) * inv, __ldg(weight + c), __ldg(bias + c));
}

} // namespace netc::cuda
