#pragma once

// What the CPU and CUDA emitters print alike: a generated class's shape constants, the table of
// the tensors its weights file must hold, and the sizes of a weighted kernel's recipe.

#include "common/code_writer.h"
#include "lower/kernel_list.h"

#include <string>

namespace netc {

// "1, 3, 299, 299": a shape as the body of a braced list.
std::string shape_list(const TensorType &t);

// A C++ string literal of a tensor name (escaped), or nullptr for none.
std::string quoted_or_null(const std::string &s);

// The public constants every generated class has: kBatch, k<Name>Shape per input and output,
// kInputShape/kOutputShape (one input or output), kNumInputs/kNumOutputs,
// kInputElements/kOutputElements and kParameterCount.
void write_shape_constants(CodeWriter &w, const KernelList &list);

// constexpr TensorSpec kTensors[]: every tensor the weights file must hold, by its name.
void write_tensor_table(CodeWriter &w, const KernelList &list);

// A weighted kernel's output channels (conv) or features (linear), and the weights per one.
int64_t weighted_out_channels(const Kernel &k);
int64_t weights_per_out_channel(const Kernel &k);

} // namespace netc
