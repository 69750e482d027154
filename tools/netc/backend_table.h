// The backends of `netc emit` and `netc lower`, as one table: an entry holds what sets a
// backend apart (its name, the options only it takes, whether it prints the kernel list or the
// checked graph, which runtime headers go beside its code) and the functions that differ.
// emit.cpp and lower.cpp read the table and branch on no backend; adding one is adding an entry.
#pragma once

#include "command.h"

#include "common/emitted_file.h"
#include "lower/kernel_list.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/raw_ostream.h>

#include <string>
#include <vector>

namespace netc {

// Which runtime headers `netc emit` copies beside a backend's code.
enum class RuntimeHeaders {
  None,
  Cpu,  // runtime/netc/**.hpp without netc/cuda/
  Cuda, // runtime/netc/**.hpp and .cuh without netc/cpu/
};

// A compiled file's networks, for a backend to print.
struct EmitInput {
  const CompiledFile &file;
  const std::vector<KernelList> &lists; // one per network; empty for a backend that does not lower
  const std::string &source_file;       // as the user named it
  const Invocation &invocation;
};

struct Backend {
  const char *name;                              // --backend=NAME
  const char *description;                       // for --help
  std::vector<const llvm::cl::Option *> options; // those only it takes
  bool lowers;                                   // prints the kernel list; else the checked graph
  // Its 1x1 convolutions take an input scale (LoweringOptions::fold_input_scale).
  bool folds_input_scale;
  RuntimeHeaders runtime;
  // Checks its options before anything is compiled; false (after saying why) on a bad one.
  bool (*check_options)();
  // Appends the files of every network to `files`; returns the exit code (errors reported).
  int (*emit)(const EmitInput &input, std::vector<EmittedFile> &files);
  // What `netc lower` prints after a kernel list; null: nothing more.
  void (*print_lowered)(const KernelList &list, llvm::raw_ostream &os);
};

// The entry --backend names.
const Backend &chosen_backend();

// The names of the backends that print a kernel list: "cpu or cuda".
std::string lowering_backend_names();

// Reports an option that other backends take and `backend` does not, if one was given; true
// then.
bool refuse_foreign_options(const Backend &backend);

} // namespace netc
