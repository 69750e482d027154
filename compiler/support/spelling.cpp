#include "support/spelling.h"

namespace netc {

std::string closest(llvm::StringRef word, const std::vector<std::string> &candidates) {
  std::string best;
  unsigned best_distance = 3;
  for (const std::string &c : candidates) {
    unsigned d = word.edit_distance(c, /*AllowReplacements=*/true, best_distance);
    if (d < best_distance && d < word.size()) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

} // namespace netc
