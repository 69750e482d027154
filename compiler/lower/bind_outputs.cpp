#include "lower/passes.h"

namespace netc {

void bind_outputs(KernelList &list) {
  for (size_t i = 0; i < list.outputs.size(); ++i) {
    ValueId v = list.outputs[i].value;
    KernelValue &value = list.values[v];
    if (!value.view_of && value.space == Space::Arena) {
      value.space = Space::Output;
      value.space_index = unsigned(i);
      continue;
    }
    ValueId out = list.add_value(value.type, list.outputs[i].name);
    list.values[out].space = Space::Output;
    list.values[out].space_index = unsigned(i);
    Kernel copy{KernelKind::Copy, list.outputs[i].name, list.source_file, {v}};
    copy.output = out;
    copy.params = CopyParams{{}, {}, 0, 0};
    copy.fused.push_back("network output");
    list.kernels.push_back(std::move(copy));
    list.outputs[i].value = out;
  }
}

} // namespace netc
