#include "passes/verify_graph.h"

#include <llvm/Support/ErrorHandling.h>

#include <fmt/format.h>

#include <set>

namespace netc {

Graph verify_graph(Graph graph, PassContext &) {
  std::set<std::string> names;
  for (const Node &node : graph.nodes) {
    auto broken = [&](const std::string &what) {
      llvm::report_fatal_error(llvm::Twine("IR verifier: node %") + node.name + ": " + what);
    };
    if (node.id != &node - graph.nodes.data())
      broken("id does not match its position");
    if (!node.is_input() && node.inputs.empty() &&
        node.op->signature().front().kind != ArgKind::Tensors)
      broken("an op node without operands");
    for (NodeId in : node.inputs)
      if (in >= node.id)
        broken(fmt::format("operand {} is not defined before its use", in));
    if (!names.insert(node.name).second)
      broken("duplicate layer name");
  }
  for (const GraphOutput &out : graph.outputs)
    if (out.node >= graph.nodes.size())
      llvm::report_fatal_error("IR verifier: output " + llvm::Twine(out.name) + " out of range");
  return graph;
}

} // namespace netc
