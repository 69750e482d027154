// The first step of lowering: one kernel per computing node of a checked graph, in the graph's
// order, over values that mirror the graph's. Views (flatten, dropout, identity) become values
// that share their input's storage; nothing is fused yet.
#pragma once

#include "ir/graph.h"
#include "lower/kernel_list.h"

#include <llvm/Support/SourceMgr.h>

#include <optional>
#include <string_view>

namespace netc {

struct LoweringSource {
  const llvm::SourceMgr &source_mgr;
  unsigned main_buffer;    // origins inside library blocks are shown at the main file's call
  std::string source_file; // the DSL file as the user named it
};

// Needs a graph without poison types (a file that checked clean).
KernelList select_kernels(const Graph &graph, const LoweringSource &source);

// The activation an op is (one of runtime/netc/activations.def); nullopt for any other op.
std::optional<Activation> activation_of(OpKind op);

// A convolution's and a pooling node's windows as select_kernels fills the runtime's parameters:
// kernel, stride, padding (resolved against the input's size) and dilation. The dims, the
// activation and the residual stride are left empty for the lowering passes to fill in.
ConvParams conv_params_of(const Graph &graph, const Node &conv);
PoolParams pool_params_of(const Graph &graph, const Node &pool);

} // namespace netc
