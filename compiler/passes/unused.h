// Warnings about what a block or network body never uses: parameters that are never read
// (unused-parameter), and values that are computed but reach no output (unused-value). Both
// look at the text of each definition of the main file, so a mistake in a block is reported
// once, not per instantiation.
#pragma once

#include "elaborate/program.h"
#include "support/diagnostics.h"

namespace netc {

void check_unused(const Program &program, DiagnosticEngine &diags);

} // namespace netc
