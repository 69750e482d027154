// Layout conversion at the network's edges: the user's tensors are NCHW (PyTorch's layout), the
// kernels' are NHWC. D describes the NHWC side (its batch_stride used as is, so it may be a slice);
// the NCHW side is dense. One thread per element, walking the written side's order so that writes
// are contiguous (reads are strided; this runs once per input and output).
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

namespace detail {
__device__ __forceinline__ std::int64_t nchw_offset(const Dims &d, const Element &el) {
  return ((std::int64_t(el.n) * d.c + el.c) * d.h + el.y) * d.w + el.x;
}
} // namespace detail

template <const Dims &D>
__global__ void __launch_bounds__(kElementwiseThreads) nchw_to_nhwc(const float *in, float *out) {
  constexpr Dims d = D;
  Element el;
  if (!detail::elementwise_element(d, el))
    return;
  out[nhwc_offset(d, el.n, el.c, el.y, el.x)] = __ldg(in + detail::nchw_offset(d, el));
}

template <const Dims &D>
__global__ void __launch_bounds__(kElementwiseThreads) nhwc_to_nchw(const float *in, float *out) {
  constexpr Dims d = D;
  const std::int64_t e = elementwise_index(d, int(blockIdx.x), int(threadIdx.x));
  if (e < 0)
    return;
  const Element el = nchw_element(d, e); // as for_each_output_nhwc_to_nchw
  out[detail::nchw_offset(d, el)] = __ldg(in + nhwc_offset(d, el.n, el.c, el.y, el.x));
}

} // namespace netc::cuda
