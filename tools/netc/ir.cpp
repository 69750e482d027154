// netc ir FILE: the elaborated IR as text.
#include "command.h"
#include "each_network.h"

#include "ir/printer.h"

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &ir_subcommand() {
  static cl::SubCommand sub("ir", "Print the elaborated IR");
  return sub;
}

namespace {

cl::opt<std::string> ir_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                             cl::sub(ir_subcommand()));

} // namespace

int run_ir(const Invocation &invocation) {
  // The IR shows what went wrong (poison types), so it is printed even then.
  return print_each_network(
      ir_file, invocation, [](const Graph &graph) { print_graph(graph, llvm::outs()); },
      /*even_with_errors=*/true);
}

} // namespace netc
