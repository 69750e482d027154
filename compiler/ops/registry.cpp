#include "ops/registry.h"

#include <cassert>

namespace netc {

// Builds the table from ir/ops.def and gives each op its OpKind.
class OpRegistry {
public:
  static std::vector<std::unique_ptr<OpDef>> build() {
    std::vector<std::unique_ptr<OpDef>> v;
#define NETC_OP(name) add(v, make_##name(), OpKind::name);
#include "ir/ops.def"
    return v;
  }

private:
  static void add(std::vector<std::unique_ptr<OpDef>> &v, std::unique_ptr<OpDef> op, OpKind kind) {
    op->kind_ = kind;
    assert(op->name() == op_kind_name(kind) && "an op's name() differs from its line in ops.def");
    v.push_back(std::move(op));
  }
};

const std::vector<std::unique_ptr<OpDef>> &all_ops() {
  static const std::vector<std::unique_ptr<OpDef>> ops = OpRegistry::build();
  return ops;
}

const OpDef *find_op(std::string_view name) {
  for (const auto &op : all_ops())
    if (op->name() == name)
      return op.get();
  return nullptr;
}

const OpDef &op_of_kind(OpKind kind) {
  return *all_ops()[size_t(kind)];
}

} // namespace netc
