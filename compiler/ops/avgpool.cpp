// avgpool(x, kernel, stride=kernel, pad=0, ceil_mode=false, count_include_pad=true)
#include "ops/pool2d.h"
#include "ops/registry.h"

namespace netc {

std::unique_ptr<OpDef> make_avgpool() {
  return std::make_unique<Pool2d>("avgpool",
                                  std::vector<ParamDecl>{
                                      {"x", ArgKind::Tensor},
                                      {"kernel", ArgKind::IntPair},
                                      {"stride", ArgKind::IntPair, std::nullopt, /*optional=*/true},
                                      {"pad", ArgKind::Padding, std::vector<int64_t>{0, 0, 0, 0}},
                                      {"ceil_mode", ArgKind::Bool, false},
                                      {"count_include_pad", ArgKind::Bool, true},
                                  },
                                  /*has_dilation=*/false);
}

} // namespace netc
