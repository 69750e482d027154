// Splits a source buffer into tokens. Newlines are whitespace: statements end where their
// expression ends (dsl/README.md, "Files").
#pragma once

#include "support/diagnostics.h"
#include "syntax/token.h"

#include <vector>

namespace netc {

// Lexes the whole buffer. Unreadable characters become Error tokens, reported once each. A
// buffer that is not UTF-8 text gets one error and no tokens; a UTF-8 byte-order mark is skipped.
// Lexing stops once the engine's error limit is reached.
std::vector<Token> lex(llvm::StringRef buffer, DiagnosticEngine &diags);

} // namespace netc
