// Saturating arithmetic for counts (elements, parameters, MACs) computed from user-chosen sizes:
// a hostile file must not overflow them into nonsense or undefined behaviour.
#pragma once

#include <cstdint>
#include <limits>

namespace netc {

inline int64_t saturating_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::numeric_limits<int64_t>::max();
  return r;
}

inline int64_t saturating_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::numeric_limits<int64_t>::max();
  return r;
}

} // namespace netc
