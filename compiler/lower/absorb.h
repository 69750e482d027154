// The shape every producer-side fusion has: a kernel whose first input is written by one kernel
// and read by nothing else may be absorbed by that producer, which then writes its output.
#pragma once

#include "lower/kernel_list.h"

#include <functional>

namespace netc {

// For each kernel `k` (in order) whose first input has a single reader and a producer `p`,
// calls absorb(p, k); when it returns true, p takes over k's output and k is dropped.
void absorb_into_producer(KernelList &list,
                          const std::function<bool(Kernel &producer, const Kernel &k)> &absorb);

} // namespace netc
