// depthwise_conv2d(x, kernel, multiplier=1, stride=1, pad=0, dilation=1, bias=true):
// a conv2d with one group per input channel. It is rewritten to that conv2d as soon as the
// input's channels are known, so later stages see one convolution op.
#include "ops/common.h"
#include "ops/registry.h"
#include "support/checked_math.h"

namespace netc {

namespace {

class DepthwiseConv2d final : public OpDef {
public:
  std::string_view name() const override { return "depthwise_conv2d"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"kernel", ArgKind::IntPair},
        {"multiplier", ArgKind::Int, int64_t{1}},
        {"stride", ArgKind::IntPair, std::vector<int64_t>{1, 1}},
        {"pad", ArgKind::Padding, std::vector<int64_t>{0, 0, 0, 0}},
        {"dilation", ArgKind::IntPair, std::vector<int64_t>{1, 1}},
        {"bias", ArgKind::Bool, true},
    };
    return sig;
  }

  const OpDef *canonicalize(Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (!x.is_spatial() || attrs.get_int("multiplier") <= 0)
      return this; // infer() explains what is wrong
    std::optional<int64_t> filters = checked_mul(x.c(), attrs.get_int("multiplier"));
    if (!filters)
      return this;
    Attrs conv;
    conv.set("filters", *filters);
    conv.set("kernel", attrs.get_ints("kernel"));
    conv.set("stride", attrs.get_ints("stride"));
    conv.set("pad", *attrs.find("pad"));
    conv.set("dilation", attrs.get_ints("dilation"));
    conv.set("groups", x.c());
    conv.set("bias", attrs.get_bool("bias"));
    attrs = conv;
    return &op_of_kind(OpKind::conv2d);
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    if (auto e = require_spatial("depthwise_conv2d", inputs[0]))
      return *e;
    if (auto e = require_positive(attrs, "multiplier"))
      return *e;
    if (!checked_mul(inputs[0].c(), attrs.get_int("multiplier")))
      return ShapeError{rules::kSizeOverflow,
                        "depthwise_conv2d: size overflow: channels times multiplier exceed 2^63",
                        "multiplier",
                        {0}};
    return ShapeError{rules::kInvalidAttribute,
                      "depthwise_conv2d: internal error: not rewritten to conv2d"};
  }
};

} // namespace

std::unique_ptr<OpDef> make_depthwise_conv2d() {
  return std::make_unique<DepthwiseConv2d>();
}

} // namespace netc
