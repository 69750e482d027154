// How many multiply-adds a lowered kernel does in one call (the whole batch), for profiles that
// turn a kernel's time into GFLOP/s (`netc emit --profile`).
#pragma once

#include "lower/kernel_list.h"

#include <cstdint>

namespace netc {

// Convolutions: N * out_C * out_H * out_W * (in_C / groups) * kernel_H * kernel_W; linear layers:
// N * out_features * in_features. Folded batch norms, fused activations and residual adds, and
// every other kernel (pools, copies, elementwise), count 0: their time is memory, not arithmetic.
// The sum over a network is `netc summary`'s MACs times the batch when nothing else computes.
int64_t kernel_macs(const Kernel &kernel);

} // namespace netc
