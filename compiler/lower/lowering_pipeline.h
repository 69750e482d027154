// Lowering: a checked graph to the backend-neutral kernel list every emitter prints. The one
// place that says which lowering passes run, in which order.
#pragma once

#include "lower/kernel_list.h"
#include "lower/select_kernels.h"

namespace netc {

struct LoweringOptions {
  bool print_after_all = false; // print the kernel list after every pass (to stderr)
  bool time_passes = false;
};

KernelList lower_graph(const Graph &graph, const LoweringSource &source,
                       const LoweringOptions &options = {});

} // namespace netc
