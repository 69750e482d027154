#include "lower/absorb.h"
#include "lower/passes.h"

#include <fmt/format.h>

namespace netc {

void fold_scale(KernelList &list) {
  absorb_into_producer(list, [](Kernel &p, const Kernel &k) {
    if (k.kind != KernelKind::Unary || !p.weights || p.residual)
      return false;
    const auto &scale = std::get<UnaryParams>(k.params);
    Activation *act = epilogue_activation(p);
    if (scale.act != Activation::none || !act || *act != Activation::none)
      return false;
    p.weights->scale *= scale.scale;
    p.fused.push_back(fmt::format("scale {:g}", scale.scale));
    return true;
  });
}

} // namespace netc
