// `netc graph`: the network as a Graphviz picture. Block calls are clusters, edges carry the shape
// of the value they hold, the iterations of a `repeat N` fold into one cluster labelled "× N",
// and nodes that failed the check are drawn in red with their message.
#pragma once

#include "ir/graph.h"
#include "support/diagnostics.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/raw_ostream.h>

#include <map>
#include <string>
#include <string_view>

namespace netc {

struct GraphDotOptions {
  // Draw only the first iteration of a `repeat N` whose iterations are alike, labelled "× N";
  // edges enter it from before the repeat and leave it to what follows.
  bool fold_repeats = true;
  // Draw a conv → batchnorm → activation chain as one node, and a block call that is nothing
  // but such a chain (conv_bn, sep_conv) as one node named after the block.
  bool compact = true;
  // Show each node's layer name (below its block call) under its label.
  bool show_names = false;
  // Nodes that failed the check and why; drawn in red. See errors_by_node().
  std::map<NodeId, std::string> errors;
};

// Writes `graph` as a DOT digraph. Deterministic: nodes are named n<id> after the graph's nodes.
void write_dot(const Graph &graph, const GraphDotOptions &options, llvm::raw_ostream &os);

// Finds, for each error, the node it is about: the node of an `expect` that failed, or the node
// (in the diagnostic's block instantiation) whose call or argument the error points at. Errors
// that are not about a node (a syntax error, an unknown name) are left out; of several errors
// about one node the first is kept.
std::map<NodeId, std::string> errors_by_node(const Graph &graph,
                                             llvm::ArrayRef<Diagnostic> diagnostics);

// `text` as a double-quoted DOT string: quotes and backslashes escaped, newlines as \n.
std::string dot_quote(std::string_view text);

} // namespace netc
