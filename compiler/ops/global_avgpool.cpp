// global_avgpool(x): the mean of each channel, to [C, 1, 1] (nn.AdaptiveAvgPool2d(1)).
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class GlobalAvgPool final : public OpDef {
public:
  std::string_view name() const override { return "global_avgpool"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"x", ArgKind::Tensor}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    if (auto e = require_spatial("global_avgpool", inputs[0]))
      return *e;
    return TensorType::nchw(inputs[0].n(), inputs[0].c(), 1, 1);
  }
};

} // namespace

std::unique_ptr<OpDef> make_global_avgpool() {
  return std::make_unique<GlobalAvgPool>();
}

} // namespace netc
