// netc lower FILE: the kernel list each network lowers to; with --backend=cuda, then every
// launch with its geometry.
#include "backend_table.h"
#include "command.h"
#include "lowered_networks.h"

#include "lower/kernel_printer.h"

#include <llvm/Support/raw_ostream.h>

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &lower_subcommand() {
  static cl::SubCommand sub("lower", "Print the kernel list a network lowers to");
  return sub;
}

namespace {

cl::opt<std::string> lower_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                cl::sub(lower_subcommand()));

} // namespace

int run_lower(const Invocation &invocation) {
  const Backend &backend = chosen_backend();
  if (!backend.lowers) {
    llvm::errs() << "netc: error: --backend=" << backend.name
                 << " prints the checked graph, not a kernel list; netc lower takes --backend="
                 << lowering_backend_names() << "\n";
    return kExitUsage;
  }
  if (refuse_foreign_options(backend))
    return kExitUsage;
  CompiledFile file;
  if (!compile_networks(invocation, lower_file, file))
    return file.readable ? kExitErrors : kExitUsage;
  for (const KernelList &list : lower_networks(invocation, backend, lower_file, file)) {
    print_kernel_list(list, llvm::outs());
    if (backend.print_lowered)
      backend.print_lowered(list, llvm::outs());
  }
  return kExitClean;
}

} // namespace netc
