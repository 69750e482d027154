// What every CUDA kernel family shares: the activations (netc/activation_formulas.hpp) and NHWC
// addressing (launch.hpp).
#pragma once

#include "netc/activation_formulas.hpp"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda::detail {

// netc/activation_formulas.hpp's formulas, the activation fixed at compile time; std::exp,
// std::tanh and std::erf are CUDA's accurate versions (nvcc does not substitute the fast
// intrinsics without --use_fast_math).
template <Activation A> __device__ __forceinline__ float activate(float x) {
  return activate_scalar(A, x);
}

// The larger of a and b, NaN when either is (fmaxf returns the other operand).
__device__ __forceinline__ float max_keeping_nan(float a, float b) {
  return a > b || isnan(a) ? a : b;
}

// The element thread threadIdx.x of this block owns under the elementwise geometry, or false
// past the end.
__device__ __forceinline__ bool elementwise_element(const Dims &out, Element &el) {
  const std::int64_t e = elementwise_index(out, int(blockIdx.x), int(threadIdx.x));
  if (e < 0)
    return false;
  el = nhwc_element(out, e);
  return true;
}

} // namespace netc::cuda::detail
