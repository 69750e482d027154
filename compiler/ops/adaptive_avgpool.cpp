// adaptive_avgpool(x, size): PyTorch's adaptive average pooling to size = int or [h, w]. Bin i
// along an axis covers [floor(i*in/out), ceil((i+1)*in/out)), so any input size works.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class AdaptiveAvgPool final : public OpDef {
public:
  std::string_view name() const override { return "adaptive_avgpool"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"size", ArgKind::IntPair},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    if (auto e = require_spatial("adaptive_avgpool", inputs[0]))
      return *e;
    const auto &size = attrs.get_ints("size");
    if (size[0] <= 0 || size[1] <= 0)
      return ShapeError{
          rules::kInvalidAttribute,
          fmt::format("adaptive_avgpool: size must be positive, got {}x{}", size[0], size[1]),
          "size"};
    return TensorType::nchw(inputs[0].n(), inputs[0].c(), size[0], size[1]);
  }
};

} // namespace

std::unique_ptr<OpDef> make_adaptive_avgpool() {
  return std::make_unique<AdaptiveAvgPool>();
}

} // namespace netc
