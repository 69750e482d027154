// How `netc graph` draws things: the text of node and edge labels, and the colours of op kinds.
#pragma once

#include "ir/graph.h"

#include <string>
#include <string_view>
#include <vector>

namespace netc::dot {

struct Style {
  const char *fill;
  const char *border;
  const char *shape = "box";
};

inline constexpr const char *kErrorFill = "#fde2e2";
inline constexpr const char *kErrorBorder = "#cc0000";
inline constexpr const char *kErrorText = "#a30000";
inline constexpr const char *kMutedText = "#9a9a9a";
inline constexpr const char *kDetailText = "#56606b";
inline constexpr const char *kEndFill = "#3c4a5a";
inline const char *const kClusterFill[] = {"#f5f7fa", "#ebeff5", "#e1e7ef", "#d8dfe9"};

std::string html_escape(std::string_view text);

// "384×35×35", "1536"; "?" for a value whose shape is unknown.
std::string shape_label(const TensorType &type);

// Breaks each line of a message into lines of about `width` characters at spaces.
std::string wrap(std::string_view text, size_t width = 44);

// "features.6" and "features.9" -> "features.6–9"
std::string name_range(const std::string &first, const std::string &last);

// "3x3", "1x7"; with `collapse`, a square pair as one number ("2").
std::string pair_text(const std::vector<int64_t> &v, bool collapse = false);

// "3x3/2": a window and, unless 1, its stride (a pool's stride defaults to its window).
std::string window_text(const Attrs &attrs);

// What an op is to the drawing: which colour it takes, whether it names a merged node, whether a
// chain may absorb it.
enum class DrawnRole {
  Input,
  Conv,
  DepthwiseConv,
  Linear, // linear, pointwise_linear
  Pool,
  Join,  // concat, add, mul
  Scale, // scale, layer_scale
  Norm,  // batchnorm, layernorm
  Activation,
  PassThrough, // identity, dropout
  Pad,
  Reshape, // flatten, chunk, channel_shuffle
  Other,   // softmax, lrn
};

DrawnRole drawn_role(const Node &node);

// conv2d with one group per input channel, or depthwise_conv2d.
bool is_depthwise(const Graph &graph, const Node &node);

// What a convolution or linear layer is, without the op's name: "3x3/2, 96", "dw 3x3", "1000".
std::string layer_spec(const Graph &graph, const Node &node);

// The output width of a convolution or linear layer: its filters or features.
int64_t layer_width(const Node &node);

// The label of one node: "conv 3x3/2, 96", "maxpool 3x3/2", "concat".
std::string op_label(const Graph &graph, const Node &node);

bool is_activation(const Node &node);

// Layers with weights: the ones a merged node is named after.
bool is_weighted(const Node &node);

// "bn" for batchnorm, else the op's name: the "+ bn + relu" line under a merged node.
std::string_view short_op(const Node &node);

// Ops a block may consist of and still be drawn as one node.
bool is_chainable(const Node &node);

Style style_of(const Node &node, bool depthwise);

} // namespace netc::dot
