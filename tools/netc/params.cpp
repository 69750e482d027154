// netc params FILE: every parameter and buffer as state_dict() names it, with its shape.
#include "command.h"
#include "each_network.h"

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &params_subcommand() {
  static cl::SubCommand sub("params", "List parameters and buffers with their state_dict() names");
  return sub;
}

namespace {

cl::opt<std::string> params_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                 cl::sub(params_subcommand()));

} // namespace

int run_params(const Invocation &invocation) {
  return print_each_network(params_file, invocation, [](const Graph &graph) {
    for (const Node &node : graph.nodes)
      for (const ParamSpec &p : node.params)
        llvm::outs() << fmt::format("{}.{}\t{}\tfloat32\n", node.name, p.name,
                                    format_shape(p.shape));
  });
}

} // namespace netc
