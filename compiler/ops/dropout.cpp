// dropout(x, p=0.5): kept in the graph so layer numbering matches nn.Sequential; the identity at
// inference.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Dropout final : public OpDef {
public:
  std::string_view name() const override { return "dropout"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"p", ArgKind::Float, 0.5},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    double p = attrs.get_float("p");
    if (!(p >= 0 && p < 1))
      return ShapeError{rules::kInvalidAttribute,
                        fmt::format("dropout: p must be in [0, 1), got {}", p), "p"};
    return same_shape(inputs[0]);
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_dropout() {
  return std::make_unique<Dropout>();
}

} // namespace netc
