// A pass is a function from a graph to a graph. Passes that can find user mistakes take the
// diagnostic engine; the rest are pure.
#pragma once

#include "ir/graph.h"
#include "support/diagnostics.h"

namespace netc {

struct PassContext {
  DiagnosticEngine &diags;
  int64_t batch = 1;
};

using PassFn = Graph (*)(Graph, PassContext &);

} // namespace netc
