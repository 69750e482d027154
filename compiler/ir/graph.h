// The IR: a DAG of single-output nodes over typed tensors, in topological order, with explicit
// parameters. Blocks are already inlined; each node remembers its source range and the chain of
// block instantiations it came from. No backend concerns live here.
#pragma once

#include "ir/attrs.h"
#include "ir/op.h"
#include "ir/tensor_type.h"
#include "support/instantiation.h"

#include <llvm/Support/SMLoc.h>

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace netc {

using NodeId = uint32_t;

struct Node {
  NodeId id = 0;
  const OpDef *op = nullptr; // null for a network input
  Attrs attrs;
  std::vector<NodeId> inputs;
  TensorType type;
  std::string name; // hierarchical: "features.6.branch1.0.conv"
  std::vector<ParamSpec> params;

  llvm::SMRange range;                                           // the call or expression
  std::vector<std::pair<std::string, llvm::SMRange>> arg_ranges; // per DSL argument name
  std::shared_ptr<const Instantiation> instantiation;

  bool is_input() const { return op == nullptr; }
  std::string_view op_name() const { return op ? op->name() : "input"; }
  // Not for a network input.
  OpKind kind() const {
    assert(op && "a network input has no op");
    return op->kind();
  }
  llvm::SMRange range_of_argument(std::string_view argument) const;
};

struct GraphOutput {
  std::string name;
  NodeId node;
};

// An `expect` statement: what the user says a value's shape must be (nullopt: any size).
struct Expectation {
  NodeId node;
  std::vector<std::optional<int64_t>> dims; // batch left out, as written
  llvm::SMRange range;
  std::shared_ptr<const Instantiation> instantiation;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes; // topological order: inputs precede users
  std::vector<NodeId> inputs;
  std::vector<GraphOutput> outputs;
  std::vector<Expectation> expectations;

  const Node &node(NodeId id) const { return nodes[id]; }
  Node &node(NodeId id) { return nodes[id]; }
  std::vector<TensorType> input_types(const Node &node) const;
};

} // namespace netc
