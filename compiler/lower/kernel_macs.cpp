#include "lower/kernel_macs.h"

#include <string_view>

namespace netc {

int64_t kernel_macs(const Kernel &kernel) {
  if (is_convolution(kernel.kind)) {
    // A batch norm with no convolution to fold into runs as a 1x1 per-channel convolution;
    // summaries (torchinfo, fvcore) count no MACs for it, and neither does this.
    if (kernel.weights && kernel.weights->weight.empty())
      return 0;
    // So does layer_scale's per-channel product (a 1x1 depthwise convolution whose weight is the
    // block's `layer_scale`; a convolution's own weight is `<layer>.weight`).
    const std::string_view w = kernel.weights ? kernel.weights->weight : std::string_view();
    const std::string_view suffix = ".layer_scale";
    if (w.size() >= suffix.size() && w.substr(w.size() - suffix.size()) == suffix)
      return 0;
    const ConvParams &p = std::get<ConvParams>(kernel.params);
    return int64_t(p.out.n) * p.out.c * p.out.h * p.out.w * (p.in.c / p.groups) * p.kernel_h *
           p.kernel_w;
  }
  if (kernel.kind == KernelKind::Linear) {
    const LinearParams &p = std::get<LinearParams>(kernel.params);
    return int64_t(p.out.n) * p.out.c * p.in.c;
  }
  return 0;
}

} // namespace netc
