// Convolution with groups == 1: any kernel, stride, dilation and padding, with bias, activation
// and a residual fused into the epilogue.
//
// Strategy (conv_common.hpp): vectors over output pixels (flattened over the plane when stride is
// 1 and the output is as wide as the input, else pieces of output rows), a register tile of MR
// output channels x NR vectors summed over taps and input channels, and weights packed per block
// of MR output channels as [ky][kx][in_c][MR] so that each input channel's MR weights are one
// contiguous run of broadcasts. Strided rows load even elements (stride 2) or gather.
#pragma once

#include "netc/cpu/conv_common.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cassert>
#include <cstddef>

namespace netc::cpu {

// Floats of the packed weights.
// Floats of per-thread scratch the kernel needs (none today; the emitter sizes each thread's
// scratch as the largest of these over the network).
template <class Isa> constexpr std::size_t conv_direct_scratch_floats(const ConvParams &) {
  return 0;
}

template <class Isa> constexpr std::size_t conv_direct_packed_size(const ConvParams &p) {
  return detail::packed_conv_size<detail::ConvTile<Isa>::mr>(p, true);
}

// weight: [out_c][in_c][kh][kw]; packed: conv_direct_packed_size floats.
template <class Isa>
inline void conv_direct_pack(const ConvParams &p, const float *weight, float *packed) {
  assert(p.groups == 1);
  detail::pack_conv_blocks<detail::ConvTile<Isa>::mr>(p, true, weight, packed);
}

// out = act(conv(in, weight) + bias + residual); residual may be null or out itself.
template <class Isa>
inline void conv_direct(const Context &ctx, const ConvParams &p, const float *in,
                        const float *packed, const float *bias, const float *residual, float *out) {
  assert(p.groups == 1);
  detail::run_gemm_conv<Isa>(ctx, p, in, packed, bias, residual, out);
}

} // namespace netc::cpu
