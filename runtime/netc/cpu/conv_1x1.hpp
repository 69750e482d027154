// 1x1 convolution with stride 1 and no padding: per sample, a GEMM of the [out_c][in_c] weights
// and the [in_c][H*W] input, with bias, activation and a residual fused into the epilogue, and
// (conv_1x1_scaled) a factor per sample and input channel on the input: squeeze-and-excitation's
// gate, which then needs no pass of its own over the tensor it scales.
//
// Strategy: the packed, cache-blocked GEMM of conv_gemm.hpp, whose packing copies each chunk of
// an input channel as one contiguous run. A scale multiplies the panel as it is packed, or each
// unit's copy of its weights where that is fewer multiplies (gemm_scales_weights: few output
// channels over a big plane).
#pragma once

#include "netc/cpu/conv_gemm.hpp"
#include "netc/kernel_params.hpp"

#include <cassert>
#include <cstddef>

namespace netc::cpu {

template <class Isa> constexpr std::size_t conv_1x1_packed_size(const ConvParams &p) {
  return gemm_packed_size<Isa>(p);
}

// Floats of scratch conv_1x1 and conv_1x1_scaled need per thread (the emitter sizes each
// thread's scratch as the largest of these over the network); more with an input scale
// (p.in_scale_batch_stride != 0) applied to the weights.
template <class Isa> constexpr std::size_t conv_1x1_scratch_floats(const ConvParams &p) {
  return gemm_scratch_floats<Isa>(p);
}

// weight: [out_c][in_c][1][1]; packed: conv_1x1_packed_size floats.
template <class Isa>
inline void conv_1x1_pack(const ConvParams &p, const float *weight, float *packed) {
  assert(p.groups == 1 && p.kernel_h == 1 && p.kernel_w == 1);
  gemm_pack<Isa>(p, weight, packed);
}

template <class Isa>
inline void conv_1x1(const Context &ctx, const ConvParams &p, const float *in, const float *packed,
                     const float *bias, const float *residual, float *out) {
  assert(p.groups == 1 && p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 &&
         p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0 && p.in.h == p.out.h &&
         p.in.w == p.out.w);
  gemm_conv<Isa>(ctx, p, in, packed, bias, residual, out);
}

// out = act(conv(in * in_scale, weight) + bias + residual), in_scale[n][c] a factor per sample
// and input channel, p.in_scale_batch_stride floats between samples.
template <class Isa>
inline void conv_1x1_scaled(const Context &ctx, const ConvParams &p, const float *in,
                            const float *in_scale, const float *packed, const float *bias,
                            const float *residual, float *out) {
  assert(p.groups == 1 && p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 &&
         p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0 && p.in.h == p.out.h &&
         p.in.w == p.out.w && in_scale && p.in_scale_batch_stride >= p.in.c);
  gemm_conv<Isa>(ctx, p, in, packed, bias, residual, out, in_scale);
}

} // namespace netc::cpu
