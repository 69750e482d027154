// add(a, b, ...) and `a + b`: elementwise sum of tensors of one shape (residual connections).
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Add final : public OpDef {
public:
  std::string_view name() const override { return "add"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"inputs", ArgKind::Tensors}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    if (inputs.size() < 2)
      return ShapeError{rules::kOperandMismatch, "add needs at least two tensors"};
    const TensorType &first = inputs[0];
    for (unsigned i = 1; i < inputs.size(); ++i) {
      const TensorType &t = inputs[i];
      if (t == first)
        continue;
      ShapeError e;
      e.rule = rules::kOperandMismatch;
      e.traced_inputs = {0, i};
      // Go on with the first operand (by convention the shortcut) so that the next
      // instantiations of the same block are checked too.
      e.recovered = first;
      if (t.rank != first.rank)
        e.message = fmt::format("add: operand {} has shape {} but operand 1 has {}", i + 1,
                                format_sample_shape(t), format_sample_shape(first));
      else if (t.c() != first.c() &&
               (!t.is_spatial() || (t.h() == first.h() && t.w() == first.w())))
        e.message = fmt::format("add: operands differ in {}: {} (operand 1) vs {} (operand {})",
                                t.is_spatial() ? "channels" : "features", first.c(), t.c(), i + 1);
      else if (t.c() == first.c())
        e.message = fmt::format("add: operands differ in spatial size: {}x{} (operand 1) vs {}x{} "
                                "(operand {})",
                                first.h(), first.w(), t.h(), t.w(), i + 1);
      else
        e.message = fmt::format("add: operands differ in shape: {} (operand 1) vs {} (operand {})",
                                format_sample_shape(first), format_sample_shape(t), i + 1);
      return e;
    }
    return first;
  }

  // The sum has its operands' shape; when they disagree, the first operand's is kept.
  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_add() {
  return std::make_unique<Add>();
}

} // namespace netc
