// Argument binding: matches a call's positional and named arguments (and the value a pipe
// passes in) to the parameters of an op or block, and converts an op's arguments to attributes.
#pragma once

#include "elaborate/value.h"
#include "ir/attrs.h"
#include "ir/op.h"
#include "syntax/ast.h"

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netc {

// One parameter as binding sees it: an op's or a block's.
struct ParamInfo {
  std::string name;
  bool required = true;
  bool variadic = false;
};

struct Binding {
  std::vector<std::optional<Value>> values; // per parameter
  std::vector<llvm::SMRange> ranges;
  std::vector<Value> rest; // the variadic parameter's values
};

// Binds positional then named arguments of `call` to `params`, evaluating each argument with
// `eval` in the order it is bound. `piped` is the value a pipe or repeat passes as the first
// argument; with `replaces_first` it takes the place of the first positional argument written.
// A mistake is reported through `report` (at the argument, or at the call) and gives nullopt; so
// does a poisoned argument, which was reported where it was computed.
std::optional<Binding> bind_arguments(const Expr &call, std::optional<Value> piped,
                                      bool replaces_first, const std::vector<ParamInfo> &params,
                                      llvm::function_ref<Value(const Expr &)> eval,
                                      llvm::function_ref<void(llvm::SMRange, std::string)> report);

// The attribute an op's non-tensor argument `v` gives parameter `d` of op `op`, or nullopt with
// `error` set to why not.
std::optional<AttrValue> convert_argument(const ParamDecl &d, const Value &v, std::string_view op,
                                          std::string &error);

} // namespace netc
