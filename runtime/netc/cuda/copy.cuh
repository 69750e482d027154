// Copies in into out at (pad_top, pad_left) with zeros around it: a zeropad, or the copy of a
// value into its channel slice of a concat. NHWC, one thread per output element, so the zeros and
// the copy are written by the same pass.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

template <const CopyParams &P>
__global__ void __launch_bounds__(kElementwiseThreads) copy(const float *in, float *out) {
  constexpr CopyParams p = P;
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const int y = el.y - p.pad_top, x = el.x - p.pad_left;
  const bool inside = y >= 0 && y < p.in.h && x >= 0 && x < p.in.w;
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] =
      inside ? __ldg(in + nhwc_offset(p.in, el.n, el.c, y, x)) : 0.0f;
}

} // namespace netc::cuda
