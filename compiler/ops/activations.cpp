// The pointwise activations of runtime/netc/activations.def and identity: one concept (f applied to
// every element, shape unchanged) with many names, so they share this file.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

// Named apart from the kernels' `enum class Activation` (runtime/netc/kernel_params.hpp), which
// says which of these a kernel applies.
class PointwiseActivation final : public OpDef {
public:
  explicit PointwiseActivation(std::string_view name) : name_(name) {}

  std::string_view name() const override { return name_; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"x", ArgKind::Tensor}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    return same_shape(inputs[0]);
  }

  bool preserves_shape() const override { return true; }

private:
  std::string_view name_;
};

} // namespace

// One factory per line of runtime/netc/activations.def.
#define NETC_ACTIVATION(name, pytorch)                                                             \
  std::unique_ptr<OpDef> make_##name() {                                                           \
    return std::make_unique<PointwiseActivation>(#name);                                           \
  }
#include "netc/activations.def"

std::unique_ptr<OpDef> make_identity() {
  return std::make_unique<PointwiseActivation>("identity");
}

} // namespace netc
