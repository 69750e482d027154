// Softmax over channels at every pixel, the maximum subtracted first. One warp per pixel
// (launch.hpp's softmax geometry): lane l owns channels l, l + 32, ...; the maximum and the sum are
// warp reductions. Three passes (maximum, sum, write), each lane rereading only its own channels in
// the last, so out may be in. A NaN anywhere in the pixel makes all its channels NaN.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

template <const SoftmaxParams &P>
__global__ void __launch_bounds__(32 * kSoftmaxWarps) softmax(const float *in, float *out) {
  constexpr SoftmaxParams p = P;
  std::int64_t pixel = softmax_pixel(int(blockIdx.x), int(threadIdx.y));
  if (pixel >= std::int64_t(p.out.n) * p.out.h * p.out.w)
    return; // the whole warp: every lane has the same pixel
  const int x = int(pixel % p.out.w);
  pixel /= p.out.w;
  const int y = int(pixel % p.out.h), n = int(pixel / p.out.h);
  const float *src = in + nhwc_offset(p.in, n, 0, y, x);
  float *dst = out + nhwc_offset(p.out, n, 0, y, x);
  const int lane = int(threadIdx.x);

  float top = -__int_as_float(0x7f800000);
  for (int c = lane; c < p.in.c; c += 32)
    top = detail::max_keeping_nan(src[c], top);
  for (int offset = 16; offset > 0; offset /= 2)
    top = detail::max_keeping_nan(__shfl_xor_sync(0xffffffffu, top, offset), top);
  float sum = 0.0f;
  for (int c = lane; c < p.in.c; c += 32)
    sum += expf(src[c] - top);
  for (int offset = 16; offset > 0; offset /= 2)
    sum += __shfl_xor_sync(0xffffffffu, sum, offset);
  for (int c = lane; c < p.in.c; c += 32)
    dst[c] = expf(src[c] - top) / sum;
}

} // namespace netc::cuda
