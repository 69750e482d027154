// conv2d(x, filters, kernel, stride=1, pad=0, dilation=1, groups=1, bias=true, in_channels)
#include "ops/common.h"
#include "ops/registry.h"
#include "ops/window.h"
#include "support/checked_math.h"

namespace netc {

namespace {

class Conv2d final : public OpDef {
public:
  std::string_view name() const override { return "conv2d"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"filters", ArgKind::Int},
        {"kernel", ArgKind::IntPair},
        {"stride", ArgKind::IntPair, std::vector<int64_t>{1, 1}},
        {"pad", ArgKind::Padding, std::vector<int64_t>{0, 0, 0, 0}},
        {"dilation", ArgKind::IntPair, std::vector<int64_t>{1, 1}},
        {"groups", ArgKind::Int, int64_t{1}},
        {"bias", ArgKind::Bool, true},
        {"in_channels", ArgKind::Int, std::nullopt, /*optional=*/true},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (auto e = require_spatial("conv2d", x))
      return *e;
    if (auto e = require_positive(attrs, "filters"))
      return *e;
    if (auto e = require_positive(attrs, "groups"))
      return *e;
    if (auto p = check_window_attrs(attrs, /*has_dilation=*/true))
      return ShapeError{rules::kInvalidAttribute, "conv2d: " + p->message, p->argument};

    int64_t filters = attrs.get_int("filters");
    int64_t groups = attrs.get_int("groups");
    if (attrs.has("in_channels") && attrs.get_int("in_channels") != x.c())
      return ShapeError{rules::kDeclaredSize,
                        fmt::format("conv2d: in_channels is {} but the input has {} channels",
                                    attrs.get_int("in_channels"), x.c()),
                        "in_channels",
                        {0}};
    if (x.c() % groups != 0)
      return ShapeError{
          rules::kGroupsMismatch,
          fmt::format("conv2d: groups ({}) does not divide the input's {} channels", groups, x.c()),
          "groups",
          {0}};
    if (filters % groups != 0)
      return ShapeError{
          rules::kGroupsMismatch,
          fmt::format("conv2d: groups ({}) does not divide the {} filters", groups, filters),
          "groups"};

    const auto &k = attrs.get_ints("kernel");
    const auto &s = attrs.get_ints("stride");
    const auto &d = attrs.get_ints("dilation");
    auto pad =
        resolve_padding(*attrs.find("pad"), x.h(), x.w(), k[0], k[1], s[0], s[1], d[0], d[1]);
    WindowOutput oh = window_output(x.h(), {k[0], s[0], d[0], pad[0], pad[1]});
    WindowOutput ow = window_output(x.w(), {k[1], s[1], d[1], pad[2], pad[3]});
    for (auto [axis, out] : {std::pair{"height", &oh}, std::pair{"width", &ow}})
      if (!out->error.empty())
        return ShapeError{out->overflow ? rules::kSizeOverflow : rules::kWindowTooLarge,
                          fmt::format("conv2d: {} along the {} (input {})", out->error, axis,
                                      format_sample_shape(x)),
                          out->overflow ? "" : "kernel",
                          {0}};
    return TensorType::nchw(x.n(), filters, oh.size, ow.size);
  }

  std::vector<ParamSpec> params(const Attrs &attrs,
                                llvm::ArrayRef<TensorType> inputs) const override {
    int64_t filters = attrs.get_int("filters");
    const auto &k = attrs.get_ints("kernel");
    std::vector<ParamSpec> specs = {
        {"weight", {filters, inputs[0].c() / attrs.get_int("groups"), k[0], k[1]}}};
    if (attrs.get_bool("bias"))
      specs.push_back({"bias", {filters}});
    return specs;
  }

  int64_t macs(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs,
               const TensorType &output) const override {
    const auto &k = attrs.get_ints("kernel");
    int64_t per_output =
        saturating_mul(inputs[0].c() / attrs.get_int("groups"), saturating_mul(k[0], k[1]));
    return saturating_mul(output.num_elements().value_or(0), per_output);
  }

  std::string describe(const Attrs &attrs, llvm::ArrayRef<TensorType>) const override {
    return fmt::format("conv2d with {} filters", attrs.get_int("filters"));
  }
};

} // namespace

std::unique_ptr<OpDef> make_conv2d() {
  return std::make_unique<Conv2d>();
}

} // namespace netc
