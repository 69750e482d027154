// layer_scale(x): multiplies each channel by a learned factor, the parameter `layer_scale` of
// shape [C, 1, 1] (ConvNeXt's CNBlock). torchvision keeps that parameter on the block module
// itself (`features.1.0.layer_scale`), not on a layer of its own: written `layer_scale(y) as _`
// inside a block, the layer takes the block call's name, so its parameter is named as
// torchvision names it (attaches_to_block).
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class LayerScale final : public OpDef {
public:
  std::string_view name() const override { return "layer_scale"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"x", ArgKind::Tensor}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    if (auto e = require_spatial("layer_scale", inputs[0]))
      return *e;
    return same_shape(inputs[0]);
  }

  std::vector<ParamSpec> params(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    return {{"layer_scale", {inputs[0].c(), 1, 1}}};
  }

  bool preserves_shape() const override { return true; }
  bool attaches_to_block() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_layer_scale() {
  return std::make_unique<LayerScale>();
}

} // namespace netc
