// Layer names: the dotted paths (`features.6.branch1.0.conv`) the elaborator gives every node,
// by the rules of dsl/README.md, so that they match the names PyTorch's state_dict() uses.
#pragma once

#include "syntax/ast.h"

#include <llvm/Support/SMLoc.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace netc {

// Names the layer a stage creates, on demand: a stage that makes no layer (`y = x`, `n = x.C`)
// must not use up a number.
struct StageNamer {
  const Stage *stage = nullptr;
  const std::string *base = nullptr; // the assigned variable
  int repeat_index = 0;              // 1-based inside a repeat
  // The stage's `as` name, its interpolations evaluated; none when it has none (or when
  // evaluating them failed: the stage is then named as if it had none).
  std::optional<std::string> name;
  bool is_explicit() const { return name.has_value(); }
};

// The naming state of one block call (or of the network body).
struct LayerScope {
  std::string prefix; // the layer path of this call, "" for the network
  std::set<std::string, std::less<>> numbered_bases; // variables that receive several layers
  std::map<std::string, int64_t, std::less<>> next_index;
  std::map<std::string, int, std::less<>> auto_names;
  std::vector<std::string> sequential; // enclosing `sequential` names, innermost last

  // The scope of a body whose layers are named under `prefix`: a variable that receives more
  // than one layer-making stage in `body` (both arms of an `if` included, a `for` body counted
  // as running twice, `sequential` bodies excluded) is numbered, as an nn.Sequential would be.
  static LayerScope for_body(std::string prefix, const std::vector<Stmt> &body);
};

// Every full layer name given so far in one network, so that each is unique.
class LayerNames {
public:
  // An explicit name that was already taken, and where it was first used.
  struct Clash {
    std::string name;
    llvm::SMRange first_use;
  };
  struct Claim {
    std::string name; // unique: a taken name gets a suffix _1, _2, ...
    std::optional<Clash> clash;
  };

  // Turns a stage's local name (or, if it has none, the callee's name) into a full layer name.
  Claim layer(const StageNamer *namer, std::string_view callee, llvm::SMRange range,
              LayerScope &scope);

  // Claims `name` as it is; `is_explicit` when the user wrote it (a clash is then an error).
  Claim claim(std::string name, llvm::SMRange range, bool is_explicit);

private:
  std::map<std::string, llvm::SMRange, std::less<>> used_;
};

} // namespace netc
