// scale(x, s) and `x * s`: multiplies by a compile-time constant (residual scaling).
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Scale final : public OpDef {
public:
  std::string_view name() const override { return "scale"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"s", ArgKind::Float},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    return same_shape(inputs[0]);
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_scale() {
  return std::make_unique<Scale>();
}

} // namespace netc
