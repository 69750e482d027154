#pragma once

#include "passes/pass.h"

namespace netc {

// Warns (dropped-pixels) where a convolution or pooling window slides with a stride that never
// reaches the last rows or columns of its input: their information is silently lost. Windows
// smaller than their stride skip pixels by design and are not reported. Needs: shapes inferred.
// Changes nothing.
Graph check_dropped_pixels(Graph graph, PassContext &context);

} // namespace netc
