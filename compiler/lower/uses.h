// Who reads and who writes each value of a kernel list: what the fusion passes ask before they
// merge two kernels.
#pragma once

#include "lower/kernel_list.h"

#include <vector>

namespace netc {

struct Uses {
  // Reads by kernels (inputs, residuals and input scales), plus one for each network output and for
  // each view of the value (a view's readers read the value).
  std::vector<int> count;
  std::vector<int> producer; // index of the kernel that writes the value; -1 for none

  explicit Uses(const KernelList &list);
  // True when exactly one kernel reads `v` directly and nothing else sees it.
  bool single_use(ValueId v) const { return count[v] == 1; }
};

} // namespace netc
