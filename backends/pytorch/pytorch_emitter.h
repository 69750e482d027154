// The PyTorch backend: prints a checked graph (not a kernel list: training needs the batch norms
// unfolded) as one torch.nn.Module subclass in <network>.py. Its layers are registered so that
// state_dict() names them as netc does, so weights trained in PyTorch load into the C++ that netc
// emits from the same file; forward() is one line per node and computes what the reference
// executor computes.
#pragma once

#include "common/emitted_file.h"
#include "ir/graph.h"
#include "support/version.h"

#include <string>

namespace netc {

struct PytorchEmitOptions {
  std::string source_file; // as the user named it
  std::string command;     // the command that produced the code, for its header comment
  std::string version = netc_version(); // "netc 0.1.0", for the banner
};

// Throws netc::Error, naming the layer, when PyTorch cannot hold the graph as it is (an op without
// a PyTorch form, a layer name that nn.Module keeps for itself).
EmittedFile emit_pytorch(const Graph &graph, const PytorchEmitOptions &options);

} // namespace netc
