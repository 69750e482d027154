// Each activation's formula, written once for every scalar evaluation of it: the reference
// executor (T = double), the CPU kernels' scalar code (float) and the CUDA kernels (float, on the
// device; nvcc provides std::exp, std::erfc and the others there). The vector versions
// (cpu/simd.hpp's activate_vec) are implementations of their own, tested against these; the
// formulas themselves are checked against PyTorch (the PyTorch emitter's test runs every
// activation through both).
//
// NaN passes through every one, as in PyTorch (so relu is not max(x, 0), which drops it).
#pragma once

#include "netc/kernel_params.hpp"

#include <cmath>

// Inlined on the device, where a call would keep a GEMM's accumulators from registers.
#if defined(__CUDACC__)
#define NETC_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define NETC_HOST_DEVICE inline
#endif

namespace netc {

// min(max(x, 0), 6) keeping NaN.
template <class T> NETC_HOST_DEVICE T clamp_to_6(T x) {
  return x != x ? x : x > T(0) ? (x < T(6) ? x : T(6)) : T(0);
}

// Not recursive (hardswish spells hardsigmoid out), so that nvcc inlines it.
template <class T> NETC_HOST_DEVICE T activate_scalar(Activation act, T x) {
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return x > T(0) || x != x ? x : T(0);
  case Activation::relu6:
    return clamp_to_6(x);
  case Activation::sigmoid:
    return T(1) / (T(1) + std::exp(-x));
  case Activation::tanh:
    return std::tanh(x);
  case Activation::silu:
    return x / (T(1) + std::exp(-x));
  case Activation::hardswish:
    return x * (clamp_to_6(x + T(3)) * (T(1) / T(6)));
  case Activation::hardsigmoid:
    return clamp_to_6(x + T(3)) * (T(1) / T(6));
  // x * Phi(x) = x (1 + erf(x / sqrt 2)) / 2; gelu(-inf) = NaN, as PyTorch. On the device
  // PyTorch's own form: erfc keeps the negative tail's relative accuracy, but erfcf spills
  // registers in a tf32 convolution's epilogue (every_op's convnext_like).
  case Activation::gelu:
#if defined(__CUDA_ARCH__)
    return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440)));
#else
    return T(0.5) * x * std::erfc(x * -T(0.70710678118654752440)); // no cancellation for x < 0
#endif
  }
  return x;
}

} // namespace netc
