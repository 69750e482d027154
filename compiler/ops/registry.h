// The table of every op the DSL can call, by name.
#pragma once

#include "ir/op.h"

#include <memory>
#include <string_view>
#include <vector>

namespace netc {

// Null if no op has that name.
const OpDef *find_op(std::string_view name);
// Every op, in registration order.
const std::vector<std::unique_ptr<OpDef>> &all_ops();

// One factory per op file.
std::unique_ptr<OpDef> make_conv2d();
std::unique_ptr<OpDef> make_depthwise_conv2d();
std::unique_ptr<OpDef> make_batchnorm();
std::unique_ptr<OpDef> make_relu();
std::unique_ptr<OpDef> make_relu6();
std::unique_ptr<OpDef> make_sigmoid();
std::unique_ptr<OpDef> make_tanh();
std::unique_ptr<OpDef> make_identity();
std::unique_ptr<OpDef> make_softmax();
std::unique_ptr<OpDef> make_dropout();
std::unique_ptr<OpDef> make_maxpool();
std::unique_ptr<OpDef> make_avgpool();
std::unique_ptr<OpDef> make_global_avgpool();
std::unique_ptr<OpDef> make_adaptive_avgpool();
std::unique_ptr<OpDef> make_zeropad();
std::unique_ptr<OpDef> make_lrn();
std::unique_ptr<OpDef> make_flatten();
std::unique_ptr<OpDef> make_linear();
std::unique_ptr<OpDef> make_concat();
std::unique_ptr<OpDef> make_add();
std::unique_ptr<OpDef> make_scale();
std::unique_ptr<OpDef> make_layernorm();
std::unique_ptr<OpDef> make_pointwise_linear();
std::unique_ptr<OpDef> make_layer_scale();
std::unique_ptr<OpDef> make_chunk();
std::unique_ptr<OpDef> make_channel_shuffle();

// chunk's first channel (compiler/ops/chunk.cpp), for the reference executor and lowering.
int64_t chunk_offset(const Attrs &attrs, int64_t channels);

} // namespace netc
