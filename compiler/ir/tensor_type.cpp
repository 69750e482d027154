#include "ir/tensor_type.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netc {

std::optional<int64_t> TensorType::num_elements() const {
  int64_t total = 1;
  for (int64_t d : shape())
    if (__builtin_mul_overflow(total, d, &total))
      return std::nullopt;
  return total;
}

std::string format_shape(llvm::ArrayRef<int64_t> dims) {
  return fmt::format("[{}]", fmt::join(dims.begin(), dims.end(), ", "));
}

std::string format_sample_shape(const TensorType &type) {
  if (type.is_poison())
    return "<unknown>";
  return format_shape(type.sample_shape());
}

} // namespace netc
