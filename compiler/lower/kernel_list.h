// The lowered form of a network, shared by every backend: kernels in execution order over values
// whose storage is planned (the activation arena, the caller's input and output buffers), with
// each kernel's sizes in the runtime's parameter structs (runtime/netc/kernel_params.hpp) and the
// recipe that makes its weights from the weights file. Lowering passes rewrite it; emitters only
// print it.
#pragma once

#include "ir/tensor_type.h"

#include <netc/kernel_params.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace netc {

using ValueId = uint32_t;

// Where a value with storage of its own lives.
enum class Space { Arena, Input, Output };

struct KernelValue {
  TensorType type;
  std::string name; // the IR value's name: "features.3.branch1"
  // A view shares another value's storage: a flatten or dropout (channel_offset 0), or a branch
  // placed in its channel slice of a concat's output. Unset: the value has storage of its own.
  std::optional<ValueId> view_of;
  int64_t channel_offset = 0;
  // Storage of a value of its own, set by lowering (inputs, outputs) and plan_memory (arena).
  Space space = Space::Arena;
  unsigned space_index = 0; // which input or output
  int64_t offset = 0;       // floats from the arena's start
};

enum class KernelKind {
  ConvDirect,  // any convolution with groups == 1
  Conv1x1,     // 1x1, stride 1, no padding: a GEMM over pixels
  ConvGrouped, // groups > 1 (depthwise included); a batch norm on its own is one, 1x1
  MaxPool,
  AvgPool,
  AdaptiveAvgPool, // global average pooling included
  Linear,
  Unary,  // act(scale * x): an activation or a scale on its own
  Binary, // act(a + b): a residual add that no convolution could absorb
  Mul,    // act(a * b), b of a's shape or [C, 1, 1] broadcast (squeeze-and-excitation)
  Copy,   // zero padding, or a value copied into its slice of a concat
  Lrn,
  Softmax,
  Concat,         // before place_concats only: becomes slices and copies
  LayerNorm,      // over channels at each pixel, with weight and bias (the recipe's)
  ChannelShuffle, // ShuffleNet's transpose of [groups, C/groups] channels
};

const char *kernel_kind_name(KernelKind kind);

inline bool is_convolution(KernelKind kind) {
  return kind == KernelKind::ConvDirect || kind == KernelKind::Conv1x1 ||
         kind == KernelKind::ConvGrouped;
}

// How a kernel's weight and bias are made from the weights file when the network loads:
// weight and bias, then a batch norm folded in, then a constant scale.
struct WeightRecipe {
  std::string weight;     // state_dict name; empty: the identity (a batch norm on its own)
  std::string bias;       // empty: zeros
  std::string batch_norm; // prefix of a folded batch norm's four tensors; empty: none
  double eps = 0;
  double scale = 1;
};

using KernelParams = std::variant<ConvParams, PoolParams, AdaptivePoolParams, LinearParams,
                                  UnaryParams, BinaryParams, CopyParams, LrnParams, SoftmaxParams,
                                  LayerNormParams, ChannelShuffleParams>;

struct Kernel {
  KernelKind kind;
  std::string name;   // the layer: "features.3.branch1.conv"
  std::string origin; // where the user wrote it: "dsl/zoo/inception_v4.netc:41"
  std::vector<ValueId> inputs;
  std::optional<ValueId> residual; // convolutions: out = act(conv + bias + residual)
  // 1x1 convolutions: a [N, in_c, 1, 1] factor per sample and input channel, out = conv(in *
  // input_scale) (fold_input_scale: squeeze-and-excitation's gate).
  std::optional<ValueId> input_scale;
  ValueId output = 0;
  // Sizes, strides and epilogue; the Dims are filled by assign_dims once memory is planned.
  KernelParams params;
  std::optional<WeightRecipe> weights; // convolutions, linear layers and layer norms
  // What the kernel absorbed, for people reading the generated code: "batchnorm", "relu".
  std::vector<std::string> fused;
};

const char *activation_name(Activation act); // "relu"

// The activation slot of a kernel whose epilogue has one (convolutions, linear, unary, binary);
// null for the others.
Activation *epilogue_activation(Kernel &kernel);

struct NamedValue {
  std::string name;
  ValueId value;
};

// A tensor the weights file must hold.
struct WeightTensor {
  std::string name;
  std::vector<int64_t> shape;
};

struct KernelList {
  std::string network;
  std::string source_file; // as the user named it
  int64_t batch = 1;
  std::vector<KernelValue> values;
  std::vector<Kernel> kernels; // in execution order
  std::vector<NamedValue> inputs;
  std::vector<NamedValue> outputs;
  std::vector<WeightTensor> tensors; // in the network's order
  int64_t parameter_count = 0;       // learnable ones, as PyTorch counts them
  int64_t arena_floats = 0;          // set by plan_memory

  ValueId add_value(TensorType type, std::string name);
  // Drops the kernels whose flag is set, keeping the others' order.
  void erase_kernels(const std::vector<bool> &doomed);
  // The value whose storage `id` lives in, and the channel at which it starts there.
  ValueId root_of(ValueId id) const;
  int64_t channel_offset_in_root(ValueId id) const;
  // Floats between samples: the root's elements per sample.
  int64_t batch_stride(ValueId id) const;
};

} // namespace netc
