// The pointwise activations relu, relu6, sigmoid, tanh and identity: one concept (f applied to
// every element, shape unchanged) with five names, so they share this file.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Activation final : public OpDef {
public:
  explicit Activation(std::string_view name) : name_(name) {}

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

std::unique_ptr<OpDef> make_relu() { return std::make_unique<Activation>("relu"); }
std::unique_ptr<OpDef> make_relu6() { return std::make_unique<Activation>("relu6"); }
std::unique_ptr<OpDef> make_sigmoid() { return std::make_unique<Activation>("sigmoid"); }
std::unique_ptr<OpDef> make_tanh() { return std::make_unique<Activation>("tanh"); }
std::unique_ptr<OpDef> make_identity() { return std::make_unique<Activation>("identity"); }

} // namespace netc
