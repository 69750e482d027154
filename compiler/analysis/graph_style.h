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

bool is_depthwise(const Graph &graph, const Node &node);

// What a conv2d or linear layer is, without the op's name: "3x3/2, 96", "dw 3x3", "1000".
std::string layer_spec(const Graph &graph, const Node &node);

// The label of one node: "conv 3x3/2, 96", "maxpool 3x3/2", "concat".
std::string op_label(const Graph &graph, const Node &node);

bool is_activation(std::string_view op);

// Layers with weights: the ones a merged node is named after.
bool is_weighted(std::string_view op);

// "bn" for batchnorm, else the op's name: the "+ bn + relu" line under a merged node.
std::string_view short_op(std::string_view op);

// Ops a block may consist of and still be drawn as one node.
bool is_chainable(std::string_view op);

Style style_of(std::string_view op, bool depthwise);

} // namespace netc::dot
