#include "lower/passes.h"

namespace netc {

void remove_dead_kernels(KernelList &list) {
  std::vector<bool> needed(list.values.size(), false);
  for (const NamedValue &out : list.outputs)
    needed[out.value] = true;
  // Backwards to a fixed point: a needed view needs its base; a kernel writing a needed value
  // needs its operands.
  for (bool changed = true; changed;) {
    changed = false;
    auto need = [&](ValueId v) {
      if (!needed[v])
        needed[v] = changed = true;
    };
    for (ValueId v = ValueId(list.values.size()); v-- > 0;)
      if (needed[v] && list.values[v].view_of)
        need(*list.values[v].view_of);
    for (auto k = list.kernels.rbegin(); k != list.kernels.rend(); ++k) {
      if (!needed[k->output])
        continue;
      for (ValueId in : k->inputs)
        need(in);
      if (k->residual)
        need(*k->residual);
      if (k->input_scale)
        need(*k->input_scale);
    }
  }
  std::vector<bool> dead(list.kernels.size());
  for (size_t i = 0; i < list.kernels.size(); ++i)
    dead[i] = !needed[list.kernels[i].output];
  list.erase_kernels(dead);
}

} // namespace netc
