#include "ops/window.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace netc {

namespace {

// Window arithmetic is done in 128 bits, where sums and products of a few int64_t values cannot
// overflow; only the results must fit back into int64_t.
using Wide = __int128;
constexpr Wide kMaxSize = std::numeric_limits<int64_t>::max();

int64_t clamp_to_int64(Wide v) {
  return static_cast<int64_t>(std::min(v, kMaxSize));
}

} // namespace

WindowOutput window_output(int64_t input, const Window1d &w) {
  Wide extent = Wide(w.dilation) * (w.kernel - 1) + 1;
  Wide padded = Wide(input) + w.pad_before + w.pad_after;
  const char *kernel_name = w.dilation > 1 ? "dilated kernel" : "kernel";
  if (extent > kMaxSize)
    return {0, fmt::format("size overflow: the {} spans more than 2^63 pixels", kernel_name), true};
  if (padded > kMaxSize)
    return {0,
            fmt::format("size overflow: the input {} padded by {} and {} exceeds 2^63 pixels",
                        input, w.pad_before, w.pad_after),
            true};
  if (extent > padded)
    return {0, fmt::format("{} {} is larger than the padded input {}", kernel_name,
                           static_cast<int64_t>(extent), static_cast<int64_t>(padded))};
  Wide span = padded - extent;
  Wide out = span / w.stride + 1;
  if (w.ceil_mode) {
    out = (span + w.stride - 1) / w.stride + 1;
    // PyTorch: the last window must start inside the input or its left padding.
    if ((out - 1) * w.stride >= Wide(input) + w.pad_before)
      --out;
  }
  return {static_cast<int64_t>(out), ""}; // out <= padded, which fits
}

std::array<int64_t, 4> resolve_padding(const AttrValue &pad, int64_t in_h, int64_t in_w, int64_t kh,
                                       int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw) {
  if (const auto *explicit_pads = std::get_if<std::vector<int64_t>>(&pad))
    return {(*explicit_pads)[0], (*explicit_pads)[1], (*explicit_pads)[2], (*explicit_pads)[3]};
  if (std::get<std::string>(pad) == "valid")
    return {0, 0, 0, 0};
  // TensorFlow's "same": output = ceil(input / stride), the odd pixel of padding at the end.
  // A padding past 64 bits is clamped: it only comes with a kernel past 64 bits, which
  // window_output refuses.
  auto same = [](int64_t in, int64_t k, int64_t s, int64_t d) -> std::pair<int64_t, int64_t> {
    Wide out = (Wide(in) + s - 1) / s;
    Wide total = std::max<Wide>((out - 1) * s + Wide(d) * (k - 1) + 1 - in, 0);
    return {clamp_to_int64(total / 2), clamp_to_int64(total - total / 2)};
  };
  auto [top, bottom] = same(in_h, kh, sh, dh);
  auto [left, right] = same(in_w, kw, sw, dw);
  return {top, bottom, left, right};
}

std::string format_hw(int64_t h, int64_t w) {
  return fmt::format("{}x{}", h, w);
}

std::optional<AttrProblem> check_window_attrs(const Attrs &attrs, bool has_dilation) {
  for (const char *name : {"kernel", "stride"}) {
    const auto &v = attrs.get_ints(name);
    if (v[0] <= 0 || v[1] <= 0)
      return AttrProblem{name,
                         fmt::format("{} must be positive, got {}", name, format_hw(v[0], v[1]))};
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
