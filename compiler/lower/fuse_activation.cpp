#include "lower/absorb.h"
#include "lower/passes.h"

namespace netc {

void fuse_activation(KernelList &list) {
  absorb_into_producer(list, [](Kernel &p, const Kernel &k) {
    if (k.kind != KernelKind::Unary)
      return false;
    const auto &unary = std::get<UnaryParams>(k.params);
    Activation *act = epilogue_activation(p);
    if (unary.scale != 1.0f || unary.act == Activation::none || !act || *act != Activation::none)
      return false;
    *act = unary.act;
    p.fused.push_back(activation_name(unary.act));
    return true;
  });
}

} // namespace netc
