// Saturating arithmetic for counts (elements, parameters, MACs) computed from user-chosen sizes:
// a hostile file must not overflow them into nonsense or undefined behaviour.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

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

// Exact arithmetic for sizes (a shape must be right or refused): nullopt when the result does
// not fit, for the caller to report as a size overflow.
inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

inline std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

// The saturated value of saturating_add/mul, which a report must never print as a number.
inline bool is_saturated(int64_t count) {
  return count == std::numeric_limits<int64_t>::max();
}

} // namespace netc
