// lrn(x, size=5, alpha=1e-4, beta=0.75, k=1.0): local response normalisation across channels,
// as PyTorch's nn.LocalResponseNorm (AlexNet's paper uses k=2).
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Lrn final : public OpDef {
public:
  std::string_view name() const override { return "lrn"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},          {"size", ArgKind::Int, int64_t{5}},
        {"alpha", ArgKind::Float, 1e-4}, {"beta", ArgKind::Float, 0.75},
        {"k", ArgKind::Float, 1.0},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    if (auto e = require_spatial("lrn", inputs[0]))
      return *e;
    if (auto e = require_positive(attrs, "size"))
      return *e;
    return same_shape(inputs[0]);
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_lrn() {
  return std::make_unique<Lrn>();
}

} // namespace netc
