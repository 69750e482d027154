#pragma once

#include "passes/pass.h"

namespace netc {

// Checks the IR's invariants: nodes in topological order with in-range operands, every non-input
// node has an op, layer names unique, every output a node. A broken invariant is a compiler bug:
// it aborts with the offending node. Needs nothing; changes nothing.
Graph verify_graph(Graph graph, PassContext &context);

} // namespace netc
