#include "ops/registry.h"

namespace netc {

const std::vector<std::unique_ptr<OpDef>> &all_ops() {
  static const std::vector<std::unique_ptr<OpDef>> ops = [] {
    std::vector<std::unique_ptr<OpDef>> v;
    v.push_back(make_conv2d());
    v.push_back(make_depthwise_conv2d());
    v.push_back(make_batchnorm());
    v.push_back(make_relu());
    v.push_back(make_relu6());
    v.push_back(make_sigmoid());
    v.push_back(make_tanh());
    v.push_back(make_identity());
    v.push_back(make_softmax());
    v.push_back(make_dropout());
    v.push_back(make_maxpool());
    v.push_back(make_avgpool());
    v.push_back(make_global_avgpool());
    v.push_back(make_adaptive_avgpool());
    v.push_back(make_zeropad());
    v.push_back(make_lrn());
    v.push_back(make_flatten());
    v.push_back(make_linear());
    v.push_back(make_concat());
    v.push_back(make_add());
    v.push_back(make_scale());
    v.push_back(make_layernorm());
    v.push_back(make_pointwise_linear());
    v.push_back(make_layer_scale());
    v.push_back(make_chunk());
    v.push_back(make_channel_shuffle());
    return v;
  }();
  return ops;
}

const OpDef *find_op(std::string_view name) {
  for (const auto &op : all_ops())
    if (op->name() == name)
      return op.get();
  return nullptr;
}

} // namespace netc
