// zeropad(x, pad): pads with zeros; pad = int, [h, w] or [top, bottom, left, right].
#include "ops/common.h"
#include "ops/registry.h"
#include "support/checked_math.h"

namespace netc {

namespace {

class ZeroPad final : public OpDef {
public:
  std::string_view name() const override { return "zeropad"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"pad", ArgKind::Padding},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (auto e = require_spatial("zeropad", x))
      return *e;
    const auto *pads = std::get_if<std::vector<int64_t>>(attrs.find("pad"));
    if (!pads)
      return ShapeError{rules::kInvalidAttribute,
                        "zeropad: padding must be given in pixels, not as \"same\" or \"valid\"",
                        "pad"};
    for (int64_t p : *pads)
      if (p < 0)
        return ShapeError{rules::kInvalidAttribute,
                          fmt::format("zeropad: padding must not be negative, got {}", p), "pad"};
    const auto &p = *pads;
    std::optional<int64_t> h, w;
    if (auto top = checked_add(x.h(), p[0]))
      h = checked_add(*top, p[1]);
    if (auto left = checked_add(x.w(), p[2]))
      w = checked_add(*left, p[3]);
    for (auto [axis, size] : {std::pair{"height", &h}, std::pair{"width", &w}})
      if (!*size)
        return ShapeError{
            rules::kSizeOverflow,
            fmt::format("zeropad: size overflow: the padded {} does not fit in 64 bits", axis),
            "pad"};
    return TensorType::nchw(x.n(), x.c(), *h, *w);
  }
};

} // namespace

std::unique_ptr<OpDef> make_zeropad() {
  return std::make_unique<ZeroPad>();
}

} // namespace netc
