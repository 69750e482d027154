// Attributes of an op: an ordered list of named compile-time values (filters, kernel, stride,
// padding, ...). Ordered so the IR prints and hashes deterministically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace netc {

using AttrValue = std::variant<int64_t, double, bool, std::string, std::vector<int64_t>>;

class Attrs {
public:
  void set(std::string_view name, AttrValue value);
  bool has(std::string_view name) const { return find(name) != nullptr; }
  const AttrValue *find(std::string_view name) const;

  // Typed reads; the op's signature guarantees the type, so a mismatch is a compiler bug.
  int64_t get_int(std::string_view name) const;
  double get_float(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  const std::string &get_string(std::string_view name) const;
  const std::vector<int64_t> &get_ints(std::string_view name) const;

  const std::vector<std::pair<std::string, AttrValue>> &entries() const { return entries_; }
  bool operator==(const Attrs &) const = default;

private:
  std::vector<std::pair<std::string, AttrValue>> entries_;
};

// "3", "0.17", "true", "\"same\"", "[1, 7]"; floats round-trip.
std::string format_attr(const AttrValue &value);

} // namespace netc
