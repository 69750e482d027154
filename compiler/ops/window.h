// Sliding-window arithmetic shared by convolution and pooling: PyTorch's output-size rule
// (ceil_mode included) and TensorFlow's "same" padding.
#pragma once

#include "ir/attrs.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netc {

struct Window1d {
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t pad_before = 0;
  int64_t pad_after = 0;
  bool ceil_mode = false;
};

struct WindowOutput {
  int64_t size = 0;
  std::string error;     // non-empty when the window does not fit
  bool overflow = false; // the error is a size past 64 bits, not a window too large
};

// Output length along one axis of `input` elements. Sizes that do not fit in 64 bits (a padding
// of 2^62) are an error, not undefined behaviour.
WindowOutput window_output(int64_t input, const Window1d &w);

// Resolves a padding attribute ([top, bottom, left, right], "same" or "valid") for an input of
// in_h x in_w: [top, bottom, left, right].
std::array<int64_t, 4> resolve_padding(const AttrValue &pad, int64_t in_h, int64_t in_w, int64_t kh,
                                       int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw);

// "3x3", "1x7"
std::string format_hw(int64_t h, int64_t w);

// The checks every window op makes on its own attributes; returns the argument at fault and a
// message, or nullopt.
struct AttrProblem {
  std::string argument;
  std::string message;
};
std::optional<AttrProblem> check_window_attrs(const Attrs &attrs, bool has_dilation);

} // namespace netc
