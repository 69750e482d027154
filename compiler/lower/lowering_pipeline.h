// Lowering: a checked graph to the backend-neutral kernel list every emitter prints. The one
// place that says which lowering passes run, in which order.
#pragma once

#include "lower/kernel_list.h"
#include "lower/select_kernels.h"

namespace netc {

struct LoweringOptions {
  bool print_after_all = false; // print the kernel list after every pass (to stderr)
  bool time_passes = false;
  // Run fold-input-scale: the backend's 1x1 convolution reads Kernel::input_scale. The CPU
  // backend does; the CUDA one does not yet (its 1x1 convolution would need the scale in its
  // operand load, and no GPU was at hand to check that numerically), so it keeps the product.
  bool fold_input_scale = false;
};

KernelList lower_graph(const Graph &graph, const LoweringSource &source,
                       const LoweringOptions &options = {});

} // namespace netc
