// Standalone activations, residual adds and products, NHWC, one thread per element (launch.hpp's
// elementwise geometry). Each thread reads its element before writing it, so out may be an input
// (in place).
//   unary:  out = act(scale * in)
//   binary: out = act(a + b_scale * b), the sum fused as the CPU's fma
//   mul:    out = act(a * (b_scale * b)), b of out's shape or [C, 1, 1] broadcast over the pixels
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

template <const UnaryParams &P>
__global__ void __launch_bounds__(kElementwiseThreads) unary(const float *in, float *out) {
  constexpr UnaryParams p = P;
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const float x = in[nhwc_offset(p.in, el.n, el.c, el.y, el.x)];
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] = detail::activate<p.act>(p.scale * x);
}

template <const BinaryParams &P>
__global__ void __launch_bounds__(kElementwiseThreads)
    binary(const float *a, const float *b, float *out) {
  constexpr BinaryParams p = P;
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const float va = a[nhwc_offset(p.a, el.n, el.c, el.y, el.x)];
  const float vb = b[nhwc_offset(p.b, el.n, el.c, el.y, el.x)];
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] =
      detail::activate<p.act>(fmaf(p.b_scale, vb, va));
}

template <const BinaryParams &P>
__global__ void __launch_bounds__(kElementwiseThreads)
    mul(const float *a, const float *b, float *out) {
  constexpr BinaryParams p = P;
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const float va = a[nhwc_offset(p.a, el.n, el.c, el.y, el.x)];
  const float vb =
      b[nhwc_offset(p.b, el.n, el.c, p.b.h == p.out.h ? el.y : 0, p.b.w == p.out.w ? el.x : 0)];
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] = detail::activate<p.act>(va * (p.b_scale * vb));
}

} // namespace netc::cuda
