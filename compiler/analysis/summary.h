// The numbers of `netc summary`: per layer its output shape, parameters and multiply-accumulates,
// with totals counted as PyTorch counts them (learnable tensors; running statistics excluded).
#pragma once

#include "ir/graph.h"

#include <llvm/Support/raw_ostream.h>

#include <string>
#include <vector>

namespace netc {

struct LayerRow {
  std::string name;
  std::string op;
  TensorType type;
  int64_t params = 0; // learnable elements
  int64_t macs = 0;
  int64_t activation_bytes = 0;
};

struct Summary {
  std::string network;
  std::vector<LayerRow> layers; // graph order, inputs left out
  int64_t params = 0;
  int64_t buffers = 0; // non-learnable elements (batch-norm running statistics)
  int64_t macs = 0;
  int64_t activation_bytes = 0; // all layer outputs together
  std::vector<std::pair<std::string, TensorType>> outputs;
};

Summary summarize(const Graph &graph);

// Groups layers by the first `depth` components of their names (0: no grouping).
Summary group_by_depth(const Summary &summary, int depth);

void print_summary_text(const Summary &summary, llvm::raw_ostream &os);
void print_summary_json(const Summary &summary, llvm::raw_ostream &os);

// 42679816 -> "42,679,816"
std::string with_commas(int64_t value);

} // namespace netc
