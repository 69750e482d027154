// What every CUDA kernel family shares: the activations with the CPU backend's formulas
// (runtime/netc/cpu/simd.hpp's activate) and NHWC addressing (launch.hpp).
#pragma once

#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda::detail {

// The same formulas as the CPU backend; expf, tanhf and erff are CUDA's accurate versions (nvcc
// does not substitute the fast intrinsics without --use_fast_math). NaN passes through every one,
// as in PyTorch (fmaxf and fminf would drop it).
template <Activation A> __device__ __forceinline__ float activate(float x) {
  switch (A) {
  case Activation::none:
    return x;
  case Activation::relu:
    return x > 0.0f || isnan(x) ? x : 0.0f;
  case Activation::relu6:
    return isnan(x) ? x : x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
  case Activation::sigmoid:
    return 1.0f / (1.0f + expf(-x));
  case Activation::tanh:
    return tanhf(x);
  case Activation::silu:
    return x / (1.0f + expf(-x));
  case Activation::hardswish:
    return x * activate<Activation::hardsigmoid>(x);
  case Activation::hardsigmoid:
    return activate<Activation::relu6>(x + 3.0f) * (1.0f / 6.0f);
  case Activation::gelu: // PyTorch's formula: erfcf would keep the negative tail's relative
    // accuracy, but spills registers in a tf32 convolution's epilogue (every_op's convnext_like)
    return 0.5f * x * (1.0f + erff(x * 0.707106781186547524f));
  }
  return x;
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
