// The values the elaborator computes with: tensors (graph nodes) and compile-time scalars.
#pragma once

#include "ir/graph.h"

#include <llvm/Support/SMLoc.h>

#include <string>
#include <vector>

namespace netc {

struct Value {
  // Poison: a value that could not be computed; its error is already reported, and nothing that
  // uses it reports again.
  enum class Kind { Poison, Tensor, Int, Float, Bool, String, List };

  Kind kind = Kind::Poison;
  NodeId node = 0;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  std::string string_value;
  std::vector<Value> list;
  llvm::SMRange range; // where the value was written, for type errors

  static Value poison(llvm::SMRange r = {}) { return with_range(Value{}, r); }
  static Value tensor(NodeId id, llvm::SMRange r) {
    Value v;
    v.kind = Kind::Tensor;
    v.node = id;
    return with_range(v, r);
  }
  static Value integer(int64_t i, llvm::SMRange r) {
    Value v;
    v.kind = Kind::Int;
    v.int_value = i;
    return with_range(v, r);
  }
  static Value real(double f, llvm::SMRange r) {
    Value v;
    v.kind = Kind::Float;
    v.float_value = f;
    return with_range(v, r);
  }
  static Value boolean(bool b, llvm::SMRange r) {
    Value v;
    v.kind = Kind::Bool;
    v.bool_value = b;
    return with_range(v, r);
  }
  static Value string(std::string s, llvm::SMRange r) {
    Value v;
    v.kind = Kind::String;
    v.string_value = std::move(s);
    return with_range(v, r);
  }

  bool is_poison() const { return kind == Kind::Poison; }
  bool is_number() const { return kind == Kind::Int || kind == Kind::Float; }
  double as_double() const { return kind == Kind::Int ? double(int_value) : float_value; }

private:
  static Value with_range(Value v, llvm::SMRange r) {
    v.range = r;
    return v;
  }
};

// "tensor", "int", ... for messages.
const char *kind_name(Value::Kind kind);

} // namespace netc
