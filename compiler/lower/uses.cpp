#include "lower/uses.h"

namespace netc {

Uses::Uses(const KernelList &list)
    : count(list.values.size(), 0), producer(list.values.size(), -1) {
  for (size_t i = 0; i < list.kernels.size(); ++i) {
    const Kernel &k = list.kernels[i];
    for (ValueId in : k.inputs)
      ++count[in];
    if (k.residual)
      ++count[*k.residual];
    if (k.input_scale)
      ++count[*k.input_scale];
    producer[k.output] = int(i);
  }
  for (const KernelValue &v : list.values)
    if (v.view_of)
      ++count[*v.view_of];
  for (const NamedValue &out : list.outputs)
    ++count[out.value];
}

} // namespace netc
