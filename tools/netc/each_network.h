// What `netc summary`, `ir` and `params` share: compile one file, print its diagnostics, then
// print something for each of its networks.
#pragma once

#include "command.h"

#include <llvm/Support/raw_ostream.h>

#include <string>

namespace netc {

// Runs `print` on each network of the file, after its diagnostics. Numbers computed from a
// network with errors would look valid and be wrong, so unless `even_with_errors` nothing is
// printed then.
template <typename Print>
int print_each_network(const std::string &path, const Invocation &invocation, Print print,
                       bool even_with_errors = false) {
  CompiledFile file = compile_file(path, invocation.compile);
  if (!file.readable)
    return kExitUsage;
  bool errors = file.diags->flush(llvm::errs(), invocation.colors).errors != 0;
  if (errors && !even_with_errors)
    return kExitErrors;
  for (const Graph &graph : file.graphs)
    print(graph);
  return errors ? kExitErrors : kExitClean;
}

} // namespace netc
