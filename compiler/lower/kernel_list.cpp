#include "lower/kernel_list.h"

namespace netc {

const char *kernel_kind_name(KernelKind kind) {
  switch (kind) {
  case KernelKind::ConvDirect:
    return "conv_direct";
  case KernelKind::Conv1x1:
    return "conv_1x1";
  case KernelKind::ConvGrouped:
    return "conv_grouped";
  case KernelKind::MaxPool:
    return "maxpool";
  case KernelKind::AvgPool:
    return "avgpool";
  case KernelKind::AdaptiveAvgPool:
    return "adaptive_avgpool";
  case KernelKind::Linear:
    return "linear";
  case KernelKind::Unary:
    return "unary";
  case KernelKind::Binary:
    return "binary";
  case KernelKind::Mul:
    return "mul";
  case KernelKind::Copy:
    return "copy";
  case KernelKind::Lrn:
    return "lrn";
  case KernelKind::Softmax:
    return "softmax";
  case KernelKind::Concat:
    return "concat";
  case KernelKind::LayerNorm:
    return "layernorm";
  case KernelKind::ChannelShuffle:
    return "channel_shuffle";
  }
  return "?";
}

const char *activation_name(Activation act) {
  switch (act) {
  case Activation::none:
    return "none";
#define NETC_ACTIVATION(name, pytorch)                                                             \
  case Activation::name:                                                                           \
    return #name;
#include "netc/activations.def"
  }
  return "?";
}

Activation *epilogue_activation(Kernel &kernel) {
  if (auto *p = std::get_if<ConvParams>(&kernel.params))
    return &p->act;
  if (auto *p = std::get_if<LinearParams>(&kernel.params))
    return &p->act;
  if (auto *p = std::get_if<UnaryParams>(&kernel.params))
    return &p->act;
  if (auto *p = std::get_if<BinaryParams>(&kernel.params))
    return &p->act;
  return nullptr;
}

ValueId KernelList::add_value(TensorType type, std::string name) {
  KernelValue v;
  v.type = type;
  v.name = std::move(name);
  values.push_back(std::move(v));
  return ValueId(values.size() - 1);
}

void KernelList::erase_kernels(const std::vector<bool> &doomed) {
  std::vector<Kernel> kept;
  for (size_t i = 0; i < kernels.size(); ++i)
    if (!doomed[i])
      kept.push_back(std::move(kernels[i]));
  kernels = std::move(kept);
}

ValueId KernelList::root_of(ValueId id) const {
  while (values[id].view_of)
    id = *values[id].view_of;
  return id;
}

int64_t KernelList::channel_offset_in_root(ValueId id) const {
  int64_t offset = 0;
  for (; values[id].view_of; id = *values[id].view_of)
    offset += values[id].channel_offset;
  return offset;
}

int64_t KernelList::batch_stride(ValueId id) const {
  const TensorType &root = values[root_of(id)].type;
  return *root.num_elements() / root.n();
}

} // namespace netc
