#pragma once

#include "passes/pass.h"

namespace netc {

// Recomputes every node's type from the inputs' types in topological order (after the batch
// size or an input's size changed) and re-checks every `expect`. Mistakes are reported as the
// elaborator reports them. Needs: operands before users. Guarantees: types and parameter
// shapes consistent with the inputs.
Graph infer_shapes(Graph graph, PassContext &context);

} // namespace netc
