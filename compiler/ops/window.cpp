#include "ops/window.h"

#include <fmt/format.h>

#include <algorithm>

namespace netc {

WindowOutput window_output(int64_t input, const Window1d &w) {
  int64_t extent = w.dilation * (w.kernel - 1) + 1;
  int64_t padded = input + w.pad_before + w.pad_after;
  if (extent > padded)
    return {0, fmt::format("{} {} is larger than the padded input {}", 
                           w.dilation > 1 ? "dilated kernel" : "kernel", extent, padded)};
  int64_t span = padded - extent;
  int64_t out = span / w.stride + 1;
  if (w.ceil_mode) {
    out = (span + w.stride - 1) / w.stride + 1;
    // PyTorch: the last window must start inside the input or its left padding.
    if ((out - 1) * w.stride >= input + w.pad_before)
      --out;
  }
  return {out, ""};
}

std::array<int64_t, 4> resolve_padding(const AttrValue &pad, int64_t in_h, int64_t in_w,
                                       int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                                       int64_t dh, int64_t dw) {
  if (const auto *explicit_pads = std::get_if<std::vector<int64_t>>(&pad))
    return {(*explicit_pads)[0], (*explicit_pads)[1], (*explicit_pads)[2], (*explicit_pads)[3]};
  if (std::get<std::string>(pad) == "valid")
    return {0, 0, 0, 0};
  // TensorFlow's "same": output = ceil(input / stride), the odd pixel of padding at the end.
  auto same = [](int64_t in, int64_t k, int64_t s, int64_t d) -> std::pair<int64_t, int64_t> {
    int64_t out = (in + s - 1) / s;
    int64_t total = std::max<int64_t>((out - 1) * s + d * (k - 1) + 1 - in, 0);
    return {total / 2, total - total / 2};
  };
  auto [top, bottom] = same(in_h, kh, sh, dh);
  auto [left, right] = same(in_w, kw, sw, dw);
  return {top, bottom, left, right};
}

std::string format_hw(int64_t h, int64_t w) { return fmt::format("{}x{}", h, w); }

std::optional<AttrProblem> check_window_attrs(const Attrs &attrs, bool has_dilation) {
  for (const char *name : {"kernel", "stride"}) {
    const auto &v = attrs.get_ints(name);
    if (v[0] <= 0 || v[1] <= 0)
      return AttrProblem{name, fmt::format("{} must be positive, got {}", name,
                                           format_hw(v[0], v[1]))};
  }
  if (has_dilation) {
    const auto &v = attrs.get_ints("dilation");
    if (v[0] <= 0 || v[1] <= 0)
      return AttrProblem{"dilation",
                         fmt::format("dilation must be positive, got {}", format_hw(v[0], v[1]))};
  }
  if (const auto *pads = std::get_if<std::vector<int64_t>>(attrs.find("pad"))) {
    for (int64_t p : *pads)
      if (p < 0)
        return AttrProblem{"pad", fmt::format("padding must not be negative, got {}", p)};
  }
  return std::nullopt;
}

} // namespace netc
