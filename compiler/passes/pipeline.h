// The pass pipeline: the one place that says which passes run, in which order.
#pragma once

#include "passes/pass.h"

namespace netc {

struct PipelineOptions {
  bool print_after_all = false; // print the IR after every pass (to stderr)
  bool time_passes = false;     // print each pass's wall time (to stderr)
};

// The passes of `netc check` and `netc summary`.
Graph run_check_pipeline(Graph graph, PassContext &context, const PipelineOptions &options);

} // namespace netc
