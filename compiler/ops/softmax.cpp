// softmax(x): over channels (dim 1), as nn.Softmax(dim=1) on logits.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Softmax final : public OpDef {
public:
  std::string_view name() const override { return "softmax"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"x", ArgKind::Tensor}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    return same_shape(inputs[0]);
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_softmax() {
  return std::make_unique<Softmax>();
}

} // namespace netc
