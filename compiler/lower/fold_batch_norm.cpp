#include "lower/absorb.h"
#include "lower/passes.h"

namespace netc {

namespace {

// A batch norm on its own: the 1x1 depthwise convolution select_kernels made of it.
bool is_batch_norm(const Kernel &k) {
  return k.kind == KernelKind::ConvGrouped && k.weights && k.weights->weight.empty();
}

} // namespace

void fold_batch_norm(KernelList &list) {
  absorb_into_producer(list, [](Kernel &conv, const Kernel &bn) {
    if (!is_batch_norm(bn) || !is_convolution(conv.kind) || is_batch_norm(conv) ||
        !conv.weights->batch_norm.empty())
      return false;
    conv.weights->batch_norm = bn.weights->batch_norm;
    conv.weights->eps = bn.weights->eps;
    conv.fused.push_back("batchnorm");
    return true;
  });
}

} // namespace netc
