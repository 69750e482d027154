// linear(x, features, bias=true, in_features): a fully connected layer on a flat input.
#include "ops/common.h"
#include "ops/registry.h"
#include "support/checked_math.h"

namespace netc {

namespace {

class Linear final : public OpDef {
public:
  std::string_view name() const override { return "linear"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"features", ArgKind::Int},
        {"bias", ArgKind::Bool, true},
        {"in_features", ArgKind::Int, std::nullopt, /*optional=*/true},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (x.is_spatial())
      return ShapeError{rules::kRankMismatch,
                        fmt::format("linear needs a flat input, but its input is the feature map "
                                    "{}; flatten it first",
                                    format_sample_shape(x)),
                        "",
                        {0}};
    if (auto e = require_positive(attrs, "features"))
      return *e;
    if (attrs.has("in_features") && attrs.get_int("in_features") != x.c())
      return ShapeError{rules::kDeclaredSize,
                        fmt::format("linear: in_features is {} but the input has {} features",
                                    attrs.get_int("in_features"), x.c()),
                        "in_features",
                        {0}};
    return TensorType::nf(x.n(), attrs.get_int("features"));
  }

  std::vector<ParamSpec> params(const Attrs &attrs,
                                llvm::ArrayRef<TensorType> inputs) const override {
    int64_t out = attrs.get_int("features");
    std::vector<ParamSpec> specs = {{"weight", {out, inputs[0].c()}}};
    if (attrs.get_bool("bias"))
      specs.push_back({"bias", {out}});
    return specs;
  }

  int64_t macs(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs,
               const TensorType &output) const override {
    return saturating_mul(output.num_elements().value_or(0), inputs[0].c());
  }

  std::string describe(const Attrs &attrs, llvm::ArrayRef<TensorType>) const override {
    return fmt::format("linear with {} features", attrs.get_int("features"));
  }
};

} // namespace

std::unique_ptr<OpDef> make_linear() {
  return std::make_unique<Linear>();
}

} // namespace netc
