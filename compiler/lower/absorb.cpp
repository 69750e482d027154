#include "lower/absorb.h"

#include "lower/uses.h"

namespace netc {

void absorb_into_producer(KernelList &list,
                          const std::function<bool(Kernel &producer, const Kernel &k)> &absorb) {
  Uses uses(list);
  std::vector<bool> absorbed(list.kernels.size(), false);
  for (size_t i = 0; i < list.kernels.size(); ++i) {
    Kernel &k = list.kernels[i];
    if (k.inputs.empty())
      continue;
    int p = uses.producer[k.inputs[0]];
    if (p < 0 || !uses.single_use(k.inputs[0]) || !absorb(list.kernels[p], k))
      continue;
    list.kernels[p].output = k.output;
    uses.producer[k.output] = p;
    absorbed[i] = true;
  }
  list.erase_kernels(absorbed);
}

} // namespace netc
