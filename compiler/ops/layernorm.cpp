// layernorm(x, eps=1e-5): layer normalisation over channels at every pixel (over the features of
// a flat tensor), with a learned weight and bias per channel. On a feature map it is ConvNeXt's
// LayerNorm2d, and nn.LayerNorm(C) applied between torchvision's two Permutes of a CNBlock: both
// normalise each pixel's C values, so netc needs no channels-last layout to express them.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class LayerNorm final : public OpDef {
public:
  std::string_view name() const override { return "layernorm"; }

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
                        fmt::format("layernorm: eps must be positive, got {}", eps), "eps"};
    return same_shape(inputs[0]);
  }

  std::vector<ParamSpec> params(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    int64_t c = inputs[0].c();
    return {{"weight", {c}}, {"bias", {c}}};
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_layernorm() {
  return std::make_unique<LayerNorm>();
}

} // namespace netc
