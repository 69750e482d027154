// channel_shuffle(x, groups): ShuffleNet's shuffle, torchvision's channel_shuffle: the channels
// seen as [groups, C/groups] are transposed, so output channel j*groups + g is input channel
// g*(C/groups) + j.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class ChannelShuffle final : public OpDef {
public:
  std::string_view name() const override { return "channel_shuffle"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"groups", ArgKind::Int},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (auto e = require_spatial("channel_shuffle", x))
      return *e;
    if (auto e = require_positive(attrs, "groups"))
      return *e;
    int64_t groups = attrs.get_int("groups");
    if (x.c() % groups != 0)
      return ShapeError{
          rules::kInvalidAttribute,
          fmt::format("channel_shuffle: {} channels do not split into {} groups", x.c(), groups),
          "groups",
          {0},
          x};
    return same_shape(x);
  }

  bool preserves_shape() const override { return true; }
};

} // namespace

std::unique_ptr<OpDef> make_channel_shuffle() {
  return std::make_unique<ChannelShuffle>();
}

} // namespace netc
