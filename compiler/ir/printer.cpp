#include "ir/printer.h"

#include <fmt/format.h>

namespace netc {

namespace {
std::string type_text(const TensorType &t) {
  return t.is_poison() ? "<poison>" : format_shape(t.shape());
}
} // namespace

void print_graph(const Graph &graph, llvm::raw_ostream &os) {
  os << "network " << graph.name << " {\n";
  for (const Node &node : graph.nodes) {
    if (node.is_input()) {
      os << fmt::format("  %{} = input : {}\n", node.name, type_text(node.type));
      continue;
    }
    std::string operands;
    for (NodeId id : node.inputs)
      operands += (operands.empty() ? "%" : ", %") + graph.node(id).name;
    std::string attrs;
    for (const auto &[name, value] : node.attrs.entries())
      attrs += fmt::format("{}{} = {}", attrs.empty() ? "" : ", ", name, format_attr(value));
    os << fmt::format("  %{} = {}({}){} : {}\n", node.name, node.op_name(), operands,
                      attrs.empty() ? "" : " {" + attrs + "}", type_text(node.type));
  }
  for (const GraphOutput &out : graph.outputs)
    os << fmt::format("  return %{} as {}\n", graph.node(out.node).name, out.name);
  os << "}\n";
}

} // namespace netc
