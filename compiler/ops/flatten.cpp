// flatten(x): [C, H, W] to [C*H*W], in NCHW order as torch.flatten(x, 1).
#include "ops/common.h"
#include "ops/registry.h"
#include "support/checked_math.h"

namespace netc {

namespace {

class Flatten final : public OpDef {
public:
  std::string_view name() const override { return "flatten"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"x", ArgKind::Tensor}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (!x.is_spatial())
      return x;
    std::optional<int64_t> features;
    if (auto hw = checked_mul(x.h(), x.w()))
      features = checked_mul(x.c(), *hw);
    if (!features)
      return ShapeError{rules::kSizeOverflow,
                        fmt::format("flatten: size overflow: {} has more than 2^63 features",
                                    format_sample_shape(x)),
                        "",
                        {0}};
    return TensorType::nf(x.n(), *features);
  }
};

} // namespace

std::unique_ptr<OpDef> make_flatten() {
  return std::make_unique<Flatten>();
}

} // namespace netc
