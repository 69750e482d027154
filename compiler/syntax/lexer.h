// Splits a source buffer into tokens. Newlines are whitespace: statements end where their
// expression ends (dsl/README.md, "Files").
#pragma once

#include "support/diagnostics.h"
#include "syntax/token.h"

#include <vector>

namespace netc {

// Lexes the whole buffer. Unreadable characters become Error tokens, reported once each.
std::vector<Token> lex(llvm::StringRef buffer, DiagnosticEngine &diags);

} // namespace netc
