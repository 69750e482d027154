// Diagnostics for machines: JSON, SARIF 2.1.0 (as GitHub code scanning reads it) and GitHub
// Actions workflow commands. Diagnostics of several files are first resolved to plain locations
// (file, line, column) so that one report can cover them all.
#pragma once

#include "support/diagnostics.h"

#include <llvm/Support/raw_ostream.h>

#include <optional>
#include <string>
#include <vector>

namespace netc {

struct ResolvedLocation {
  std::string file; // relative to the working directory when inside it
  unsigned line = 0, column = 0;
  unsigned end_line = 0, end_column = 0; // end_column one past the last character
};

struct ResolvedNote {
  std::string message;
  std::optional<ResolvedLocation> location;
};

struct ResolvedDiagnostic {
  std::string rule;
  Severity severity;
  std::string message; // without a warning's [-W...] flag: machine formats carry the rule id
  ResolvedLocation location;
  std::vector<ResolvedNote> notes;
};

// Folds and resolves the engine's diagnostics (it keeps them; flush or clear it afterwards).
std::vector<ResolvedDiagnostic> resolve_diagnostics(const DiagnosticEngine &diags);

void write_json(const std::vector<ResolvedDiagnostic> &diagnostics, llvm::raw_ostream &os);
void write_sarif(const std::vector<ResolvedDiagnostic> &diagnostics, llvm::raw_ostream &os);
// ::error file=...,line=...,col=...,endColumn=...,title=<rule>::message
void write_github(const std::vector<ResolvedDiagnostic> &diagnostics, llvm::raw_ostream &os);

// A path relative to the working directory if it lies inside it, else the path made absolute.
std::string display_path(llvm::StringRef path);

} // namespace netc
