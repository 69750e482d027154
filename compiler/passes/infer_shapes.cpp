#include "passes/infer_shapes.h"

#include "ir/shape_inference.h"

namespace netc {

Graph infer_shapes(Graph graph, PassContext &context) {
  for (NodeId id : graph.inputs)
    graph.node(id).type.dims[0] = context.batch;
  for (Node &node : graph.nodes)
    if (!node.is_input())
      infer_node(graph, node.id, context.diags);
  for (const Expectation &e : graph.expectations)
    check_expectation(graph, e, context.diags);
  return graph;
}

} // namespace netc
