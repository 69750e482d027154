#include "elaborate/argument_binding.h"

#include "support/spelling.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace netc {

std::optional<Binding> bind_arguments(const Expr &call, std::optional<Value> piped,
                                      bool replaces_first, const std::vector<ParamInfo> &params,
                                      llvm::function_ref<Value(const Expr &)> eval,
                                      llvm::function_ref<void(llvm::SMRange, std::string)> report) {
  Binding b;
  b.values.resize(params.size());
  b.ranges.resize(params.size(), call.range);
  std::vector<std::string> names;
  for (const ParamInfo &p : params)
    names.push_back(p.name);
  auto signature = [&] { return fmt::format("{}({})", call.text, fmt::join(names, ", ")); };

  std::vector<Value> positional;
  if (piped)
    positional.push_back(std::move(*piped));
  bool poisoned = false;
  bool skip = replaces_first;
  for (const Arg &arg : call.args) {
    if (!arg.name.empty())
      continue;
    if (skip) {
      skip = false;
      continue;
    }
    positional.push_back(eval(*arg.value));
  }
  // "'conv_unit' takes 2 to 3 arguments, 4 given", the piped value counted as the first.
  auto counts = [&] {
    size_t required = 0, most = 0;
    bool variadic = false;
    for (const ParamInfo &param : params) {
      required += param.required && !param.variadic;
      most += !param.variadic;
      variadic |= param.variadic;
    }
    size_t given = positional.size();
    for (const Arg &arg : call.args)
      given += !arg.name.empty();
    std::string takes = variadic           ? fmt::format("at least {}", required)
                        : required == most ? std::to_string(most)
                                           : fmt::format("{} to {}", required, most);
    return fmt::format("'{}' takes {} argument{}, {} given", call.text, takes,
                       !variadic && most == 1 ? "" : "s", given);
  };
  size_t p = 0;
  for (Value &v : positional) {
    poisoned |= v.is_poison();
    if (p < params.size() && params[p].variadic) {
      b.rest.push_back(std::move(v));
      continue;
    }
    if (p >= params.size()) {
      report(v.range, fmt::format("too many arguments: {}: {}", counts(), signature()));
      return std::nullopt;
    }
    b.ranges[p] = v.range;
    b.values[p++] = std::move(v);
  }
  for (const Arg &arg : call.args) {
    if (arg.name.empty())
      continue;
    auto it = std::find(names.begin(), names.end(), arg.name);
    if (it == names.end()) {
      std::string hint = closest(arg.name, names);
      report(arg.name_range,
             fmt::format("{} has no parameter '{}'{}; it takes {}", call.text, arg.name,
                         hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                         signature()));
      return std::nullopt;
    }
    size_t index = it - names.begin();
    if (b.values[index] || params[index].variadic) {
      report(arg.name_range, fmt::format("argument '{}' is given twice", arg.name));
      return std::nullopt;
    }
    Value v = eval(*arg.value);
    poisoned |= v.is_poison();
    b.ranges[index] = arg.value->range;
    b.values[index] = std::move(v);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].required && !params[i].variadic && !b.values[i]) {
      report(call.range,
             fmt::format("missing argument '{}': {}: {}", params[i].name, counts(), signature()));
      return std::nullopt;
    }
  }
  if (poisoned)
    return std::nullopt;
  return b;
}

std::optional<AttrValue> convert_argument(const ParamDecl &d, const Value &v, std::string_view op,
                                          std::string &error) {
  auto wrong = [&](const char *wanted) -> std::optional<AttrValue> {
    // A string of the right type but the wrong value is named by its value.
    std::string got = v.kind == Value::Kind::String && d.kind == ArgKind::Padding
                          ? fmt::format("\"{}\"", v.string_value)
                          : kind_name(v.kind);
    error = fmt::format("argument '{}' of {} must be {}, not {}", d.name, op, wanted, got);
    return std::nullopt;
  };
  auto ints = [&](size_t n) -> std::optional<std::vector<int64_t>> {
    std::vector<int64_t> out;
    for (const Value &item : v.list) {
      if (item.kind != Value::Kind::Int)
        return std::nullopt;
      out.push_back(item.int_value);
    }
    if (out.size() != n)
      return std::nullopt;
    return out;
  };
  switch (d.kind) {
  case ArgKind::Int:
    if (v.kind != Value::Kind::Int)
      return wrong("an int");
    return AttrValue(v.int_value);
  case ArgKind::Float:
    if (!v.is_number())
      return wrong("a number");
    return AttrValue(v.as_double());
  case ArgKind::Bool:
    if (v.kind != Value::Kind::Bool)
      return wrong("a bool");
    return AttrValue(v.bool_value);
  case ArgKind::IntPair:
    if (v.kind == Value::Kind::Int)
      return AttrValue(std::vector<int64_t>{v.int_value, v.int_value});
    if (v.kind == Value::Kind::List)
      if (auto pair = ints(2))
        return AttrValue(*pair);
    return wrong("an int or [h, w]");
  case ArgKind::Padding:
    if (v.kind == Value::Kind::Int)
      return AttrValue(std::vector<int64_t>(4, v.int_value));
    if (v.kind == Value::Kind::String && (v.string_value == "same" || v.string_value == "valid"))
      return AttrValue(v.string_value);
    if (v.kind == Value::Kind::List) {
      if (auto hw = ints(2))
        return AttrValue(std::vector<int64_t>{(*hw)[0], (*hw)[0], (*hw)[1], (*hw)[1]});
      if (auto four = ints(4))
        return AttrValue(*four);
    }
    return wrong("an int, [h, w], [top, bottom, left, right], \"same\" or \"valid\"");
  case ArgKind::Tensor:
  case ArgKind::Tensors:
    break;
  }
  return std::nullopt;
}

} // namespace netc
