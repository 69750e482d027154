// 1x1 convolution with stride 1 and no padding: per sample, a GEMM of the [out_c][in_c] weights
// and the [in_c][H*W] input, with bias, activation and a residual fused into the epilogue.
//
// Strategy: the packed, cache-blocked GEMM of conv_gemm.hpp, whose packing copies each chunk of
// an input channel as one contiguous run.
#pragma once

#include "netc/cpu/conv_gemm.hpp"
#include "netc/kernel_params.hpp"

#include <cassert>
#include <cstddef>

namespace netc::cpu {

template <class Isa> constexpr std::size_t conv_1x1_packed_size(const ConvParams &p) {
  return gemm_packed_size<Isa>(p);
}

// Floats of scratch conv_1x1 needs per thread (the emitter sizes each thread's scratch as the
// largest of these over the network).
template <class Isa> constexpr std::size_t conv_1x1_scratch_floats(const ConvParams &p) {
  return gemm_panel_floats<Isa>(p);
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

} // namespace netc::cpu
