#pragma once

#include "ir/graph.h"
#include "support/diagnostics.h"

#include <cstddef>

namespace netc {

// After a failed `expect`, elaboration goes on with the value's actual shape, the one the user
// was just told is wrong. The shape-derived warnings (dropped-pixels, huge-tensor,
// repeat-shape-change) on layers that read that value, directly or through others, would be
// cascades of that one mistake: they are taken out of the diagnostics raised since `mark` (a
// pending_count()), and the expect's error gets a note saying how many were not shown.
// Warnings elsewhere (upstream, independent branches) and errors are left alone.
void hide_warnings_after_failed_expects(const Graph &graph, DiagnosticEngine &diags, size_t mark);

} // namespace netc
