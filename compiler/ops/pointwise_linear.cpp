// pointwise_linear(x, features, bias=true, in_channels): nn.Linear applied to every pixel's
// channels, as ConvNeXt applies it between its Permutes (channels last). It is a 1x1 convolution
// whose weight is stored as nn.Linear stores it, [features, C], so torchvision's weights load as
// they are.
#include "ops/common.h"
#include "ops/registry.h"
#include "support/checked_math.h"

namespace netc {

namespace {

class PointwiseLinear final : public OpDef {
public:
  std::string_view name() const override { return "pointwise_linear"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"features", ArgKind::Int},
        {"bias", ArgKind::Bool, true},
        {"in_channels", ArgKind::Int, std::nullopt, /*optional=*/true},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (auto e = require_spatial("pointwise_linear", x))
      return *e;
    if (auto e = require_positive(attrs, "features"))
      return *e;
    if (attrs.has("in_channels") && attrs.get_int("in_channels") != x.c())
      return ShapeError{rules::kDeclaredSize,
                        fmt::format("pointwise_linear: in_channels is {} but the input has {} "
                                    "channels",
                                    attrs.get_int("in_channels"), x.c()),
                        "in_channels",
                        {0}};
    TensorType out = x;
    out.dims[1] = attrs.get_int("features");
    return out;
  }

  std::vector<ParamSpec> params(const Attrs &attrs,
                                llvm::ArrayRef<TensorType> inputs) const override {
    int64_t out = attrs.get_int("features");
    std::vector<ParamSpec> specs = {{"weight", {out, inputs[0].c()}}};
    if (attrs.get_bool("bias"))
      specs.push_back({"bias", {out}});
    return specs;
  }

  int64_t macs(const Attrs &, llvm::ArrayRef<TensorType> inputs,
               const TensorType &output) const override {
    return saturating_mul(output.num_elements().value_or(0), inputs[0].c());
  }

  std::string describe(const Attrs &attrs, llvm::ArrayRef<TensorType>) const override {
    return fmt::format("pointwise_linear with {} features", attrs.get_int("features"));
  }
};

} // namespace

std::unique_ptr<OpDef> make_pointwise_linear() {
  return std::make_unique<PointwiseLinear>();
}

} // namespace netc
