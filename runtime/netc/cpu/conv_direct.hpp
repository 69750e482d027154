// Convolution with groups == 1: any kernel, stride, dilation and padding, with bias, activation
// and a residual fused into the epilogue.
//
// Strategy: the packed, cache-blocked GEMM of conv_gemm.hpp, whose input packing turns every
// tap's window (stride, dilation, padding) into rows of the GEMM's K dimension.
#pragma once

#include "netc/cpu/conv_gemm.hpp"
#include "netc/kernel_params.hpp"

#include <cassert>
#include <cstddef>

namespace netc::cpu {

// Floats of the packed weights.
template <class Isa> constexpr std::size_t conv_direct_packed_size(const ConvParams &p) {
  return gemm_packed_size<Isa>(p);
}

// Floats of scratch conv_direct needs per thread (the emitter sizes each thread's scratch as the
// largest of these over the network).
template <class Isa> constexpr std::size_t conv_direct_scratch_floats(const ConvParams &p) {
  return gemm_panel_floats<Isa>(p);
}

// weight: [out_c][in_c][kh][kw]; packed: conv_direct_packed_size floats.
template <class Isa>
inline void conv_direct_pack(const ConvParams &p, const float *weight, float *packed) {
  assert(p.groups == 1);
  gemm_pack<Isa>(p, weight, packed);
}

// out = act(conv(in, weight) + bias + residual); residual may be null or out itself.
template <class Isa>
inline void conv_direct(const Context &ctx, const ConvParams &p, const float *in,
                        const float *packed, const float *bias, const float *residual, float *out) {
  assert(p.groups == 1);
  gemm_conv<Isa>(ctx, p, in, packed, bias, residual, out);
}

} // namespace netc::cpu
