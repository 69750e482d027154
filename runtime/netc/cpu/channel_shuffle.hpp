// ShuffleNet's channel shuffle (ChannelShuffleParams): output channel j*groups + g is input
// channel g*(C/groups) + j.
//
// Strategy: each output channel is its input channel's plane copied whole, with copy.hpp's vector
// loop (masked tail). Exact: a NaN is copied as it is.
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/copy.hpp"
#include "netc/kernel_params.hpp"

#include <cstddef>

namespace netc::cpu {

// Units: per sample, pieces of its output channels.
template <class Isa>
inline void channel_shuffle(const Context &ctx, const ChannelShuffleParams &p, const float *in,
                            float *out) {
  const std::ptrdiff_t plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const int per_group = p.in.c / p.groups;
  parallel_for_pieces(ctx, p.out.n, p.out.c, 1, std::int64_t(p.out.n) * p.out.c * plane,
                      [&](int n, std::ptrdiff_t begin, std::ptrdiff_t end) {
                        const float *src = in + n * p.in.batch_stride;
                        float *dst = out + n * p.out.batch_stride;
                        for (std::ptrdiff_t o = begin; o < end; ++o) {
                          const std::ptrdiff_t j = o / p.groups, g = o % p.groups;
                          detail::copy_run<Isa>(src + (g * per_group + j) * plane, dst + o * plane,
                                                plane);
                        }
                      });
}

} // namespace netc::cpu
