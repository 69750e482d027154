// PyTorch's LocalResponseNorm across channels, as the CPU backend (runtime/netc/cpu/lrn.hpp):
//   out[c] = in[c] / (k + alpha / size * sum_{c' = c - size/2}^{c + (size-1)/2} in[c']^2)^beta
// One thread per output element; its window's channels are neighbours in NHWC, read again by the
// threads beside it (from cache). Not in place: a thread reads its neighbours' inputs.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

template <const LrnParams &P>
__global__ void __launch_bounds__(kElementwiseThreads) lrn(const float *in, float *out) {
  constexpr LrnParams p = P;
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const float *pixel = in + nhwc_offset(p.in, el.n, 0, el.y, el.x);
  const int c0 = el.c - p.size / 2 < 0 ? 0 : el.c - p.size / 2;
  const int c1 = el.c + (p.size - 1) / 2 >= p.out.c ? p.out.c - 1 : el.c + (p.size - 1) / 2;
  float sum = 0.0f;
  for (int c = c0; c <= c1; ++c) {
    const float x = __ldg(pixel + c);
    sum = fmaf(x, x, sum);
  }
  const float base = fmaf(p.alpha / float(p.size), sum, p.k);
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] = __ldg(pixel + el.c) / powf(base, p.beta);
}

} // namespace netc::cuda
