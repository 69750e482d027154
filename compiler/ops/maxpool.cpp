// maxpool(x, kernel, stride=kernel, pad=0, dilation=1, ceil_mode=false)
#include "ops/pool2d.h"
#include "ops/registry.h"

namespace netc {

std::unique_ptr<OpDef> make_maxpool() {
  return std::make_unique<Pool2d>("maxpool",
                                  std::vector<ParamDecl>{
                                      {"x", ArgKind::Tensor},
                                      {"kernel", ArgKind::IntPair},
                                      {"stride", ArgKind::IntPair, std::nullopt, /*optional=*/true},
                                      {"pad", ArgKind::Padding, std::vector<int64_t>{0, 0, 0, 0}},
                                      {"dilation", ArgKind::IntPair, std::vector<int64_t>{1, 1}},
                                      {"ceil_mode", ArgKind::Bool, false},
                                  },
                                  /*has_dilation=*/true);
}

} // namespace netc
