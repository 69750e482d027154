#include "lower/passes.h"
#include "lower/uses.h"

namespace netc {

void fuse_residual_add(KernelList &list) {
  Uses uses(list);
  std::vector<bool> moved(list.kernels.size(), false);
  for (size_t i = 0; i < list.kernels.size(); ++i) {
    Kernel &add = list.kernels[i];
    if (add.kind != KernelKind::Binary)
      continue;
    const auto &params = std::get<BinaryParams>(add.params);
    if (params.b_scale != 1.0f || params.act != Activation::none || add.inputs[0] == add.inputs[1])
      continue;
    // Of the operands a convolution could absorb, the one computed last: the convolution then
    // runs where the add did, so nothing it reads moves.
    int best = -1;
    for (int side = 0; side < 2; ++side) {
      ValueId v = add.inputs[side];
      int p = uses.producer[v];
      if (p < 0 || moved[p] || !uses.single_use(v))
        continue;
      Kernel &conv = list.kernels[p];
      if (!is_convolution(conv.kind) || conv.residual ||
          std::get<ConvParams>(conv.params).act != Activation::none)
        continue;
      if (best < 0 || p > uses.producer[add.inputs[best]])
        best = side;
    }
    if (best < 0)
      continue;
    int p = uses.producer[add.inputs[best]];
    Kernel conv = std::move(list.kernels[p]);
    conv.residual = add.inputs[1 - best];
    conv.output = add.output;
    conv.fused.push_back("add");
    moved[p] = true;
    uses.producer[conv.output] = int(i);
    add = std::move(conv);
  }
  list.erase_kernels(moved);
}

} // namespace netc
