// batchnorm(x, eps=1e-5): inference-mode batch normalisation over channels (or features).
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class BatchNorm final : public OpDef {
public:
  std::string_view name() const override { return "batchnorm"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"eps", ArgKind::Float, 1e-5},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    double eps = attrs.get_float("eps");
    if (!(eps > 0))
      return ShapeError{rules::kInvalidAttribute,
                        fmt::format("batchnorm: eps must be positive, got {}", eps), "eps"};
    return same_shape(inputs[0]);
  }

  std::vector<ParamSpec> params(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    int64_t c = inputs[0].c();
    return {{"weight", {c}},
            {"bias", {c}},
            {"running_mean", {c}, /*learnable=*/false},
            {"running_var", {c}, /*learnable=*/false}};
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_batchnorm() {
  return std::make_unique<BatchNorm>();
}

} // namespace netc
