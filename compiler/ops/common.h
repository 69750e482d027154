// Small helpers shared by the op files: the errors every op can raise about its inputs.
#pragma once

#include "ir/op.h"

#include <fmt/format.h>

namespace netc {

// Ops that work on feature maps refuse a flattened tensor.
inline std::optional<ShapeError> require_spatial(std::string_view op, const TensorType &input,
                                                 unsigned index = 0) {
  if (input.is_spatial())
    return std::nullopt;
  ShapeError e;
  e.rule = rules::kRankMismatch;
  e.message = fmt::format("{} needs a [C, H, W] feature map, but its input is the flat tensor {}",
                          op, format_sample_shape(input));
  e.traced_inputs = {index};
  return e;
}

inline std::optional<ShapeError> require_positive(const Attrs &attrs, std::string_view name) {
  int64_t v = attrs.get_int(name);
  if (v > 0)
    return std::nullopt;
  ShapeError e;
  e.rule = rules::kInvalidAttribute;
  e.message = fmt::format("{} must be positive, got {}", name, v);
  e.argument = std::string(name);
  return e;
}

// The same shape, for ops that do not change it.
inline ShapeResult same_shape(const TensorType &input) {
  return input;
}

} // namespace netc
