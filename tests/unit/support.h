// Helpers for unit tests: compile DSL text in memory and read back what netc said.
#pragma once

#include "frontend/compile.h"

#include <string>

namespace netc::testing {

struct Result {
  CompiledFile file;
  std::string diagnostics; // as the user would see them, folded
  unsigned errors = 0;

  const Graph &graph() const { return file.graphs.at(0); }
  const Node *find(std::string_view name) const {
    for (const Node &n : graph().nodes)
      if (n.name == name)
        return &n;
    return nullptr;
  }
};

inline Result compile(const std::string &text) {
  Result r;
  r.file = compile_buffer(text, "test.netc", CompileOptions{});
  llvm::raw_string_ostream os(r.diagnostics);
  r.errors = r.file.diags->flush(os).errors;
  os.flush();
  return r;
}

} // namespace netc::testing
