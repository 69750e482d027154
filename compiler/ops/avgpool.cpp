// avgpool(x, kernel, stride=kernel, pad=0, ceil_mode=false, count_include_pad=true)
#include "ops/common.h"
#include "ops/registry.h"
#include "ops/window.h"

namespace netc {

namespace {

class AvgPool final : public OpDef {
public:
  std::string_view name() const override { return "avgpool"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"kernel", ArgKind::IntPair},
        {"stride", ArgKind::IntPair, std::nullopt, /*optional=*/true},
        {"pad", ArgKind::Padding, std::vector<int64_t>{0, 0, 0, 0}},
        {"ceil_mode", ArgKind::Bool, false},
        {"count_include_pad", ArgKind::Bool, true},
    };
    return sig;
  }

  // PyTorch's default: the stride is the kernel size.
  void complete(Attrs &attrs) const override {
    if (!attrs.has("stride"))
      attrs.set("stride", attrs.get_ints("kernel"));
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    return pool_output("avgpool", attrs, inputs[0], /*has_dilation=*/false);
  }
};

} // namespace

std::unique_ptr<OpDef> make_avgpool() { return std::make_unique<AvgPool>(); }

} // namespace netc
