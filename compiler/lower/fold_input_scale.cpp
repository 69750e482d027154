#include "lower/passes.h"
#include "lower/uses.h"

namespace netc {

namespace {

// Whether `s` is one factor per sample and channel of `x`: [N, C, 1, 1] against [N, C, H, W].
bool is_channel_factor(const TensorType &s, const TensorType &x) {
  return s.is_spatial() && x.is_spatial() && s.n() == x.n() && s.c() == x.c() && s.h() == 1 &&
         s.w() == 1;
}

} // namespace

void fold_input_scale(KernelList &list) {
  Uses uses(list);
  std::vector<bool> folded(list.kernels.size(), false);
  for (size_t i = 0; i < list.kernels.size(); ++i) {
    Kernel &conv = list.kernels[i];
    if (conv.kind != KernelKind::Conv1x1 || conv.input_scale)
      continue;
    const ValueId y = conv.inputs[0];
    const int m = uses.producer[y];
    if (m < 0 || !uses.single_use(y) || conv.residual == y)
      continue;
    const Kernel &mul = list.kernels[m];
    if (mul.kind != KernelKind::Mul)
      continue;
    const auto &product = std::get<BinaryParams>(mul.params);
    const ValueId x = mul.inputs[0], s = mul.inputs[1];
    // A fused activation or a constant factor would have to go too; a full-tensor b is not a
    // per-channel factor. select_kernels puts the [C, 1, 1] side second.
    if (product.act != Activation::none || product.b_scale != 1.0f || x == s ||
        !is_channel_factor(list.values[s].type, list.values[x].type) ||
        !(list.values[x].type == list.values[y].type))
      continue;
    // The convolution runs where it did, after the product: x and s exist by then, and nothing
    // writes them in between (every value is written once).
    conv.inputs[0] = x;
    conv.input_scale = s;
    conv.fused.push_back("scale_input");
    folded[m] = true;
  }
  list.erase_kernels(folded);
}

} // namespace netc
