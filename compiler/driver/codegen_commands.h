// The code-generation subcommands of `netc`: `emit` (C++ for a backend) and `lower` (the kernel
// list as text). Their options live beside them in codegen_commands.cpp; main.cpp dispatches.
#pragma once

#include "driver/compile.h"

#include <llvm/Support/CommandLine.h>

#include <optional>
#include <string>

namespace netc {

struct DriverContext {
  CompileOptions compile;
  bool colors = false;
  std::string command_line; // "netc emit ..." as typed, for generated code's banner
};

// The category of emit's and lower's options, for --help.
llvm::cl::OptionCategory &codegen_option_category();

// The subcommand given, if it is one of these; then its exit code.
std::optional<int> run_codegen_command(const DriverContext &context);

} // namespace netc
