// ShuffleNet's channel shuffle, as the CPU backend (runtime/netc/cpu/channel_shuffle.hpp): output
// channel j*groups + g is input channel g*(C/groups) + j. One thread per output element (NHWC:
// a warp writes a pixel's neighbouring channels). Not in place.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

template <const ChannelShuffleParams &P>
__global__ void __launch_bounds__(kElementwiseThreads)
    channel_shuffle(const float *in, float *out) {
  constexpr ChannelShuffleParams p = P;
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const int per_group = p.in.c / p.groups;
  const int source = (el.c % p.groups) * per_group + el.c / p.groups;
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] =
      __ldg(in + nhwc_offset(p.in, el.n, source, el.y, el.x));
}

} // namespace netc::cuda
