#include "ir/attrs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cassert>

namespace netc {

void Attrs::set(std::string_view name, AttrValue value) {
  for (auto &[key, existing] : entries_) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::string(name), std::move(value));
}

const AttrValue *Attrs::find(std::string_view name) const {
  for (const auto &[key, value] : entries_)
    if (key == name)
      return &value;
  return nullptr;
}

namespace {
template <typename T> const T &get(const Attrs &attrs, std::string_view name) {
  const AttrValue *value = attrs.find(name);
  assert(value && "attribute missing: the op's signature should have supplied it");
  const T *typed = std::get_if<T>(value);
  assert(typed && "attribute has another type than the op's signature says");
  return *typed;
}
} // namespace

int64_t Attrs::get_int(std::string_view name) const {
  return get<int64_t>(*this, name);
}
double Attrs::get_float(std::string_view name) const {
  return get<double>(*this, name);
}
bool Attrs::get_bool(std::string_view name) const {
  return get<bool>(*this, name);
}
const std::string &Attrs::get_string(std::string_view name) const {
  return get<std::string>(*this, name);
}
const std::vector<int64_t> &Attrs::get_ints(std::string_view name) const {
  return get<std::vector<int64_t>>(*this, name);
}

std::string format_attr(const AttrValue &value) {
  struct Formatter {
    std::string operator()(int64_t v) const { return fmt::format("{}", v); }
    std::string operator()(double v) const {
      return fmt::format("{}", v);
    } // shortest text that round-trips
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string &v) const { return fmt::format("\"{}\"", v); }
    std::string operator()(const std::vector<int64_t> &v) const {
      return fmt::format("[{}]", fmt::join(v, ", "));
    }
  };
  return std::visit(Formatter{}, value);
}

} // namespace netc
