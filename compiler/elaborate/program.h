// A program: the file given on the command line and every file it imports, parsed, with their
// blocks and networks by name.
#pragma once

#include "support/diagnostics.h"
#include "syntax/ast.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netc {

struct Program {
  std::vector<Module> modules; // modules[0] is the main file
  std::map<std::string, const Definition *, std::less<>> definitions;

  const Module &main() const { return modules.front(); }
  const Definition *find(std::string_view name) const;
  // The networks of the main file, in order.
  std::vector<const Definition *> networks() const;
};

struct LoadOptions {
  std::vector<std::string> include_dirs; // searched after the importing file's folder
};

// Reads and parses `path` and its imports. Problems (unreadable file, unknown import, duplicate
// definition, syntax errors) are reported; returns false if the main file could not be read.
// The built-in functions on numbers and lists (range, int, round, float, max, min): no block
// may take their names.
bool is_builtin_function(std::string_view name);

bool load_program(const std::string &path, const LoadOptions &options, DiagnosticEngine &diags,
                  Program &program);

// Parses an in-memory buffer as the main file (tests, the fuzzer).
void load_program_from_buffer(llvm::StringRef text, llvm::StringRef name,
                              const LoadOptions &options, DiagnosticEngine &diags,
                              Program &program);

} // namespace netc
