// "Did you mean" hints: the known name spelled most like a mistyped one.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <string>
#include <vector>

namespace netc {

// The candidate spelled most like `word`, for "did you mean" hints; empty if none is close.
std::string closest(llvm::StringRef word, const std::vector<std::string> &candidates);

} // namespace netc
