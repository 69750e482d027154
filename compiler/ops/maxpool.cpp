// maxpool(x, kernel, stride=kernel, pad=0, dilation=1, ceil_mode=false)
#include "ops/common.h"
#include "ops/registry.h"
#include "ops/window.h"

namespace netc {

namespace {

class MaxPool final : public OpDef {
public:
  std::string_view name() const override { return "maxpool"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"kernel", ArgKind::IntPair},
        {"stride", ArgKind::IntPair, std::nullopt, /*optional=*/true},
        {"pad", ArgKind::Padding, std::vector<int64_t>{0, 0, 0, 0}},
        {"dilation", ArgKind::IntPair, std::vector<int64_t>{1, 1}},
        {"ceil_mode", ArgKind::Bool, false},
    };
    return sig;
  }

  // PyTorch's default: the stride is the kernel size.
  void complete(Attrs &attrs) const override {
    if (!attrs.has("stride"))
      attrs.set("stride", attrs.get_ints("kernel"));
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    return pool_output("maxpool", attrs, inputs[0], /*has_dilation=*/true);
  }
};

} // namespace

std::unique_ptr<OpDef> make_maxpool() { return std::make_unique<MaxPool>(); }

} // namespace netc
