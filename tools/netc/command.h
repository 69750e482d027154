// The subcommands of `netc`, one file each (check.cpp, emit.cpp, ...). A file defines its
// llvm::cl::SubCommand, the options only it takes, and the function that runs it; main.cpp
// parses the command line and calls the one given.
#pragma once

#include "frontend/compile.h"

#include <llvm/Support/CommandLine.h>

#include <string>

namespace netc {

// What every subcommand gets from the options they all take.
struct Invocation {
  CompileOptions compile;
  bool colors = false;      // colour diagnostics
  std::string command_line; // "netc emit ..." as typed, for generated code's banner
};

// Exit codes: clean, errors in the input, a wrong command line or an unreadable file.
constexpr int kExitClean = 0;
constexpr int kExitErrors = 1;
constexpr int kExitUsage = 2;

// Each subcommand constructed on first use, so that options in other files can attach to it
// whatever the order of static initialisation.
llvm::cl::SubCommand &check_subcommand();
llvm::cl::SubCommand &summary_subcommand();
llvm::cl::SubCommand &ir_subcommand();
llvm::cl::SubCommand &params_subcommand();
llvm::cl::SubCommand &rules_subcommand();
llvm::cl::SubCommand &graph_subcommand();
llvm::cl::SubCommand &run_subcommand();
llvm::cl::SubCommand &emit_subcommand();
llvm::cl::SubCommand &lower_subcommand();

// Each returns the exit code.
int run_check(const Invocation &invocation);
int run_summary(const Invocation &invocation);
int run_ir(const Invocation &invocation);
int run_params(const Invocation &invocation);
int run_rules(const Invocation &invocation);
int run_graph(const Invocation &invocation);
int run_run(const Invocation &invocation);
int run_emit(const Invocation &invocation);
int run_lower(const Invocation &invocation);

} // namespace netc
