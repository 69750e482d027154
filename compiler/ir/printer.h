// Prints a graph as text, one node per line, for `netc ir` and pass tests:
//   %features.0.conv = conv2d(%x) {filters = 32, kernel = [3, 3], ...} : [1, 32, 149, 149]
#pragma once

#include "ir/graph.h"

#include <llvm/Support/raw_ostream.h>

namespace netc {

void print_graph(const Graph &graph, llvm::raw_ostream &os);

} // namespace netc
