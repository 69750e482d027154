// Elaboration: runs a network's body as a program, inlining every block call, and builds the IR
// graph node by node. Each node's shape is inferred as soon as it is made, because blocks may
// read their inputs' sizes (`x.C`) and `expect` checks them on the spot.
#pragma once

#include "elaborate/program.h"
#include "ir/graph.h"
#include "support/diagnostics.h"

#include <optional>

namespace netc {

struct ElaborateOptions {
  int64_t batch = 1;
  // Overrides the spatial size of every [C, H, W] input (input-size analysis, --input-size).
  std::optional<std::pair<int64_t, int64_t>> input_hw;
  // `expect` states shapes at the declared input size; --input-size builds at another one.
  bool check_expects = true;
};

// Builds the graph of `network`. Errors are reported; the graph is returned even then, with
// poison types where shapes could not be computed.
Graph elaborate(const Program &program, const Definition &network, DiagnosticEngine &diags,
                const ElaborateOptions &options = {});

} // namespace netc
