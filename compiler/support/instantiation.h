// Where a node came from when blocks are inlined: the chain of block calls (and repeat
// iterations) that led to it, innermost first. Kept by the graph so diagnostics and later
// tools can say "in repeat 3 of 20 of 'block17', called at file:41:5".
#pragma once

#include <llvm/Support/SMLoc.h>

#include <memory>
#include <string>

namespace netc {

struct Instantiation {
  std::string block;       // the block called
  llvm::SMRange call_site; // the call expression
  int repeat_index = 0;    // 1-based iteration of a `repeat`, 0 outside one
  int repeat_count = 0;
  std::shared_ptr<const Instantiation> parent; // the instantiation the call itself is in
};

} // namespace netc
