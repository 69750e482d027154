// A recursive-descent parser for the netc language: one function per grammar rule, the rule as
// its comment. dsl/README.md holds the same grammar.
#pragma once

#include "support/diagnostics.h"
#include "syntax/ast.h"

namespace netc {

// Parses the buffer `buffer_id` of the engine's SourceMgr. Syntax errors are reported and the
// parser skips to the next statement or definition, so one run reports several.
Module parse(unsigned buffer_id, DiagnosticEngine &diags);

} // namespace netc
