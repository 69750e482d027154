// What `netc emit` and `netc lower` share: compile a file that must hold a network, and lower
// each network to its kernel list.
#pragma once

#include "backend_table.h"
#include "command.h"

#include "lower/kernel_list.h"

#include <string>
#include <vector>

namespace netc {

// Compiles `path` into `file`; false (diagnostics printed) on errors or when it has no network.
bool compile_networks(const Invocation &invocation, const std::string &path, CompiledFile &file);

// Each network of a compiled file lowered for `backend`, with --print-after-all and
// --time-passes.
std::vector<KernelList> lower_networks(const Invocation &invocation, const Backend &backend,
                                       const std::string &path, const CompiledFile &file);

} // namespace netc
