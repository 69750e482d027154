// mul(a, b) and `a * b` of two tensors: elementwise product of tensors of one shape, or of a
// feature map and a [C, 1, 1] tensor broadcast over its pixels (squeeze-and-excitation gating,
// `x * scale` with scale = sigmoid(fc2(relu(fc1(global_avgpool(x)))))), on either side.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

// A [C, 1, 1] tensor: the operand that broadcasts over the other's pixels.
bool is_channel_vector(const TensorType &t) {
  return t.is_spatial() && t.h() == 1 && t.w() == 1;
}

class Mul final : public OpDef {
public:
  std::string_view name() const override { return "mul"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"a", ArgKind::Tensor},
        {"b", ArgKind::Tensor},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &a = inputs[0], &b = inputs[1];
    if (a == b)
      return a;
    bool b_broadcasts = is_channel_vector(b) && a.is_spatial();
    bool a_broadcasts = is_channel_vector(a) && b.is_spatial();
    if (a.n() == b.n() && a.c() == b.c() && (b_broadcasts || a_broadcasts))
      return b_broadcasts ? a : b;
    ShapeError e;
    e.rule = rules::kOperandMismatch;
    e.traced_inputs = {0, 1};
    e.recovered = is_channel_vector(a) ? b : a;
    std::string what = a.rank != b.rank ? "rank"
                       : a.c() != b.c() ? (a.is_spatial() ? "channels" : "features")
                                        : "spatial size";
    e.message = fmt::format("mul: operands differ in {}: {} (operand 1) vs {} (operand 2); only "
                            "a [C, 1, 1] operand broadcasts",
                            what, format_sample_shape(a), format_sample_shape(b));
    return e;
  }
};

} // namespace

std::unique_ptr<OpDef> make_mul() {
  return std::make_unique<Mul>();
}

} // namespace netc
