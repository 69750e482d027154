#include "ir/graph.h"

#include "support/checked_math.h"

namespace netc {

std::string_view op_kind_name(OpKind kind) {
  switch (kind) {
#define NETC_OP(name)                                                                              \
  case OpKind::name:                                                                               \
    return #name;
#include "ir/ops.def"
  }
  return "?";
}

int64_t ParamSpec::num_elements() const {
  int64_t total = 1;
  for (int64_t d : shape)
    total = saturating_mul(total, d);
  return total;
}

llvm::SMRange Node::range_of_argument(std::string_view argument) const {
  for (const auto &[name, r] : arg_ranges)
    if (name == argument)
      return r;
  return range;
}

std::vector<TensorType> Graph::input_types(const Node &n) const {
  std::vector<TensorType> types;
  types.reserve(n.inputs.size());
  for (NodeId id : n.inputs)
    types.push_back(nodes[id].type);
  return types;
}

} // namespace netc
