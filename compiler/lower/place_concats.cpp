#include "lower/passes.h"

#include <algorithm>

namespace netc {

namespace {

bool is_output(const KernelList &list, ValueId v) {
  return std::any_of(list.outputs.begin(), list.outputs.end(),
                     [&](const NamedValue &out) { return out.value == v; });
}

} // namespace

void place_concats(KernelList &list) {
  std::vector<Kernel> kernels;
  for (Kernel &k : list.kernels) {
    if (k.kind != KernelKind::Concat) {
      kernels.push_back(std::move(k));
      continue;
    }
    int64_t channel = 0;
    for (ValueId in : k.inputs) {
      KernelValue &branch = list.values[in];
      int64_t channels = branch.type.c();
      // Anything with storage of its own in the arena was written by a kernel (or is a concat
      // placed already, whose slices were).
      bool placeable = !branch.view_of && branch.space == Space::Arena && !is_output(list, in) &&
                       std::count(k.inputs.begin(), k.inputs.end(), in) == 1;
      if (placeable) {
        branch.view_of = k.output;
        branch.channel_offset = channel;
      } else {
        ValueId slice = list.add_value(branch.type, list.values[in].name + ".copy");
        list.values[slice].view_of = k.output;
        list.values[slice].channel_offset = channel;
        Kernel copy{KernelKind::Copy, k.name, k.origin, {in}};
        copy.output = slice;
        copy.params = CopyParams{{}, {}, 0, 0};
        copy.fused.push_back("concat slice");
        kernels.push_back(std::move(copy));
      }
      channel += channels;
    }
  }
  list.kernels = std::move(kernels);
}

} // namespace netc
