// The options more than one subcommand takes (-I, --batch, --network, -W, ...), and what they
// make: the compile options and whether diagnostics are coloured.
#pragma once

#include "command.h"

#include <llvm/Support/CommandLine.h>

#include <cstdint>

namespace netc {

// The categories --help lists; every other option is hidden.
llvm::cl::OptionCategory &netc_category();
llvm::cl::OptionCategory &codegen_category();

// --batch, which `netc run` takes from its inputs and refuses to contradict.
extern llvm::cl::opt<int64_t> batch;

// --format of `netc check` and `netc summary`.
enum class Format { Text, Json, Sarif, Github };
extern llvm::cl::opt<Format> output_format;

// Checks the options every subcommand takes; false (after saying why) on a bad one.
bool check_shared_options();

// The invocation the shared options describe; `argv` is kept for generated code's banner.
Invocation make_invocation(int argc, char **argv);

} // namespace netc
