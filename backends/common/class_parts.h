#pragma once

// What the CPU and CUDA emitters print alike: a generated class's banner, shape constants, the
// table of the tensors its weights file must hold, run()'s buffer parameters, where a value lies,
// and a weighted kernel's recipe.

#include "common/code_writer.h"
#include "lower/kernel_list.h"

#include <map>
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

// The banner's first two lines: which file of which network this is, and how to regenerate it.
void write_generated_by(CodeWriter &w, const std::string &file, const KernelList &list,
                        const std::string &version, const std::string &command);

// "// conv1: conv_direct 3->64 7x7/2 (conv_bn at line 4)": a kernel's comment in the code.
std::string kernel_comment(const Kernel &k);

// The generated class's names for the caller's buffers, by value: run()'s parameters.
using IoNames = std::map<ValueId, std::string>;
IoNames io_names(const KernelList &list);

// run()'s buffer parameters, inputs then outputs: "const float *x, float *y".
std::string io_parameters(const KernelList &list, const IoNames &names);
// The same buffers as arguments, "x, y", or from run()'s array overload, "inputs[0], outputs[0]".
std::string io_arguments(const KernelList &list, const IoNames &names);
std::string io_array_arguments(const KernelList &list);

enum class Layout { Nchw, Nhwc };

// Where value `v`'s first element is, as an expression over run()'s locals: "arena + 1024", or
// the caller's buffer. A channel slice starts channel_offset*H*W floats into its root in NCHW,
// channel_offset floats in NHWC. `moved` are caller's buffers the backend works on in arena
// scratch instead (CUDA's layout conversions), by their scratch offset.
std::string value_pointer(const KernelList &list, const IoNames &names, ValueId v, Layout layout,
                          const std::map<ValueId, int64_t> &moved = {});

// check_tensors(...) at the top of the constructor: the file must hold exactly kTensors.
void write_check_tensors(CodeWriter &w, const KernelList &list);

// {"conv1.weight", nullptr, "bn1", 1.0000000000000001e-05, 1}: a WeightRecipe literal
// (runtime/netc/weights.hpp), every float printed so that it round-trips.
std::string recipe_literal(const WeightRecipe &r);

// A weighted kernel's output channels (conv) or features (linear), and the weights per one.
int64_t weighted_out_channels(const Kernel &k);
int64_t weights_per_out_channel(const Kernel &k);

} // namespace netc
