#include "ops/pool2d.h"

#include "ops/common.h"
#include "ops/window.h"

namespace netc {

ShapeResult Pool2d::infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const {
  const TensorType &x = inputs[0];
  std::string_view op = name_;
  if (auto e = require_spatial(op, x))
    return *e;
  if (auto p = check_window_attrs(attrs, has_dilation_))
    return ShapeError{rules::kInvalidAttribute, fmt::format("{}: {}", op, p->message), p->argument};
  const auto &k = attrs.get_ints("kernel");
  const auto &s = attrs.get_ints("stride");
  std::vector<int64_t> d = has_dilation_ ? attrs.get_ints("dilation") : std::vector<int64_t>{1, 1};
  const AttrValue &pad_attr = *attrs.find("pad");
  if (const auto *pads = std::get_if<std::vector<int64_t>>(&pad_attr)) {
    // PyTorch refuses padding over half the window: such a window could see only padding.
    if ((*pads)[0] > k[0] / 2 || (*pads)[1] > k[0] / 2 || (*pads)[2] > k[1] / 2 ||
        (*pads)[3] > k[1] / 2)
      return ShapeError{
          rules::kInvalidAttribute,
          fmt::format("{}: padding must be at most half the {} kernel", op, format_hw(k[0], k[1])),
          "pad"};
  }
  auto pad = resolve_padding(pad_attr, x.h(), x.w(), k[0], k[1], s[0], s[1], d[0], d[1]);
  bool ceil_mode = attrs.get_bool("ceil_mode");
  WindowOutput oh = window_output(x.h(), {k[0], s[0], d[0], pad[0], pad[1], ceil_mode});
  WindowOutput ow = window_output(x.w(), {k[1], s[1], d[1], pad[2], pad[3], ceil_mode});
  for (auto [axis, out] : {std::pair{"height", &oh}, std::pair{"width", &ow}})
    if (!out->error.empty())
      return ShapeError{out->overflow ? rules::kSizeOverflow : rules::kWindowTooLarge,
                        fmt::format("{}: {} along the {} (input {})", op, out->error, axis,
                                    format_sample_shape(x)),
                        out->overflow ? "" : "kernel",
                        {0}};
  return TensorType::nchw(x.n(), x.c(), oh.size, ow.size);
}

} // namespace netc
