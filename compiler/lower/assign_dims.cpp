#include "lower/passes.h"

namespace netc {

void assign_dims(KernelList &list) {
  auto dims = [&](ValueId v) {
    const TensorType &t = list.values[v].type;
    int64_t stride = list.batch_stride(v);
    if (t.is_spatial())
      return Dims{int(t.n()), int(t.c()), int(t.h()), int(t.w()), stride};
    return Dims{int(t.n()), int(t.c()), 1, 1, stride};
  };
  for (Kernel &k : list.kernels) {
    Dims in = dims(k.inputs[0]);
    Dims out = dims(k.output);
    std::visit(
        [&](auto &p) {
          using P = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<P, BinaryParams>) {
            p.a = in;
            p.b = dims(k.inputs[1]);
          } else {
            p.in = in;
          }
          p.out = out;
          if constexpr (std::is_same_v<P, ConvParams>) {
            p.residual_batch_stride = k.residual ? list.batch_stride(*k.residual) : 0;
            p.in_scale_batch_stride = k.input_scale ? list.batch_stride(*k.input_scale) : 0;
          }
        },
        k.params);
  }
}

} // namespace netc
