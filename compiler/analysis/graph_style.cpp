#include "analysis/graph_style.h"

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>

#include <algorithm>

namespace netc::dot {

// ---- Text ------------------------------------------------------------------------------------

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\n':
      out += "<BR/>";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// "384×35×35", "1536"; "?" for a value whose shape is unknown.
std::string shape_label(const TensorType &type) {
  if (type.is_poison())
    return "?";
  std::string s;
  for (int64_t d : type.sample_shape())
    s += (s.empty() ? "" : "×") + std::to_string(d);
  return s;
}

// Breaks each line of a message into lines of about `width` characters at spaces.
std::string wrap(std::string_view text, size_t width) {
  if (size_t nl = text.find('\n'); nl != std::string_view::npos)
    return wrap(text.substr(0, nl), width) + "\n" + wrap(text.substr(nl + 1), width);
  std::string out, line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    std::string_view word =
        text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + std::string(word);
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return out + line;
}

// "features.6" and "features.9" -> "features.6–9"
std::string name_range(const std::string &first, const std::string &last) {
  if (first == last || last.empty())
    return first;
  size_t a = first.rfind('.'), b = last.rfind('.');
  if (a != std::string::npos && a == b && first.compare(0, a, last, 0, b) == 0)
    return first + "–" + last.substr(b + 1);
  return first + " … " + last;
}

// ---- Op labels -------------------------------------------------------------------------------

// "3x3", "1x7"; with `collapse`, a square pair as one number ("2").
std::string pair_text(const std::vector<int64_t> &v, bool collapse) {
  if (v.size() != 2)
    return v.empty() ? "" : std::to_string(v[0]);
  if (collapse && v[0] == v[1])
    return std::to_string(v[0]);
  return fmt::format("{}x{}", v[0], v[1]);
}

// "3x3/2": a window and, unless 1, its stride (a pool's stride defaults to its window).
std::string window_text(const Attrs &attrs) {
  const std::vector<int64_t> &kernel = attrs.get_ints("kernel");
  const std::vector<int64_t> &stride = attrs.has("stride") ? attrs.get_ints("stride") : kernel;
  std::string s = pair_text(kernel);
  if (stride != std::vector<int64_t>{1, 1})
    s += "/" + pair_text(stride, /*collapse=*/true);
  return s;
}

// One switch over every op, with no `default:`, so that a new op cannot reach `netc graph`
// without being given a role here.
DrawnRole drawn_role(const Node &node) {
  if (node.is_input())
    return DrawnRole::Input;
  switch (node.kind()) {
  case OpKind::conv2d:
    return DrawnRole::Conv;
  case OpKind::depthwise_conv2d:
    return DrawnRole::DepthwiseConv;
  case OpKind::linear:
  case OpKind::pointwise_linear:
    return DrawnRole::Linear;
  case OpKind::maxpool:
  case OpKind::avgpool:
  case OpKind::global_avgpool:
  case OpKind::adaptive_avgpool:
    return DrawnRole::Pool;
  case OpKind::concat:
  case OpKind::add:
  case OpKind::mul:
    return DrawnRole::Join;
  case OpKind::scale:
  case OpKind::layer_scale:
    return DrawnRole::Scale;
  case OpKind::batchnorm:
  case OpKind::layernorm:
    return DrawnRole::Norm;
  case OpKind::identity:
  case OpKind::dropout:
    return DrawnRole::PassThrough;
  case OpKind::zeropad:
    return DrawnRole::Pad;
  case OpKind::flatten:
  case OpKind::chunk:
  case OpKind::channel_shuffle:
    return DrawnRole::Reshape;
  case OpKind::softmax:
  case OpKind::lrn:
    return DrawnRole::Other;
#define NETC_ACTIVATION(name, pytorch) case OpKind::name:
#include "netc/activations.def"
    return DrawnRole::Activation;
  }
  return DrawnRole::Other;
}

bool is_depthwise(const Graph &graph, const Node &node) {
  DrawnRole role = drawn_role(node);
  if (role == DrawnRole::DepthwiseConv)
    return true;
  if (role != DrawnRole::Conv || node.inputs.empty())
    return false;
  const TensorType &in = graph.node(node.inputs[0]).type;
  int64_t groups = node.attrs.get_int("groups");
  return groups > 1 && !in.is_poison() && groups == in.c();
}

// What a convolution or linear layer is, without the op's name: "3x3/2, 96", "dw 3x3", "1000".
std::string layer_spec(const Graph &graph, const Node &node) {
  DrawnRole role = drawn_role(node);
  if (role == DrawnRole::Linear)
    return std::to_string(node.attrs.get_int("features"));
  std::string s = window_text(node.attrs);
  if (role == DrawnRole::DepthwiseConv) {
    s = "dw " + s;
    if (int64_t multiplier = node.attrs.get_int("multiplier"); multiplier != 1)
      s += fmt::format(", ×{}", multiplier);
  } else {
    int64_t filters = node.attrs.get_int("filters");
    int64_t groups = node.attrs.get_int("groups");
    if (is_depthwise(graph, node)) {
      s = "dw " + s;
      if (filters != groups)
        s += fmt::format(", ×{}", filters / groups);
    } else {
      s += fmt::format(", {}", filters);
      if (groups > 1)
        s += fmt::format(", g{}", groups);
    }
  }
  const std::vector<int64_t> &dilation = node.attrs.get_ints("dilation");
  if (dilation != std::vector<int64_t>{1, 1})
    s += " d" + pair_text(dilation, /*collapse=*/true);
  return s;
}

// The widest output of a layer: a convolution's filters, a linear layer's features.
int64_t layer_width(const Node &node) {
  switch (drawn_role(node)) {
  case DrawnRole::Linear:
    return node.attrs.get_int("features");
  case DrawnRole::DepthwiseConv:
    return node.type.is_poison() ? 0 : node.type.c();
  default:
    return node.attrs.get_int("filters");
  }
}

namespace {
std::string short_float(double v) {
  return fmt::format("{:g}", v);
}
} // namespace

// The label of one node: "conv 3x3/2, 96", "maxpool 3x3/2", "concat".
std::string op_label(const Graph &graph, const Node &node) {
  std::string_view op = node.op_name();
  const Attrs &a = node.attrs;
  switch (drawn_role(node)) {
  case DrawnRole::Conv:
  case DrawnRole::DepthwiseConv: {
    std::string spec = layer_spec(graph, node);
    return spec.rfind("dw ", 0) == 0 ? "dwconv " + spec.substr(3) : "conv " + spec;
  }
  case DrawnRole::Linear:
    return fmt::format("{} {}", node.kind() == OpKind::linear ? "linear" : "pointwise linear",
                       layer_spec(graph, node));
  case DrawnRole::Pool:
    if (node.kind() == OpKind::global_avgpool)
      return "global avgpool";
    if (node.kind() == OpKind::adaptive_avgpool)
      return "adaptive avgpool " + pair_text(a.get_ints("size"));
    return fmt::format("{} {}", op, window_text(a));
  default:
    break;
  }
  if (node.kind() == OpKind::dropout && a.has("p"))
    return "dropout " + short_float(a.get_float("p"));
  if (node.kind() == OpKind::scale && a.has("s"))
    return "× " + short_float(a.get_float("s"));
  if (node.kind() == OpKind::lrn && a.has("size"))
    return fmt::format("lrn {}", a.get_int("size"));
  return std::string(op);
}

std::string_view short_op(const Node &node) {
  return !node.is_input() && node.kind() == OpKind::batchnorm ? "bn" : node.op_name();
}

bool is_activation(const Node &node) {
  return drawn_role(node) == DrawnRole::Activation;
}

bool is_weighted(const Node &node) {
  DrawnRole role = drawn_role(node);
  return role == DrawnRole::Conv || role == DrawnRole::DepthwiseConv || role == DrawnRole::Linear;
}

bool is_chainable(const Node &node) {
  switch (drawn_role(node)) {
  case DrawnRole::Conv:
  case DrawnRole::DepthwiseConv:
  case DrawnRole::Linear:
  case DrawnRole::Activation:
  case DrawnRole::Norm:
  case DrawnRole::PassThrough:
  case DrawnRole::Pad:
    return true;
  case DrawnRole::Input:
  case DrawnRole::Pool:
  case DrawnRole::Join:
  case DrawnRole::Scale:
  case DrawnRole::Reshape:
  case DrawnRole::Other:
    return false;
  }
  return false;
}

// ---- Colours ---------------------------------------------------------------------------------

Style style_of(const Node &node, bool depthwise) {
  switch (drawn_role(node)) {
  case DrawnRole::Conv:
  case DrawnRole::DepthwiseConv:
    return {depthwise ? "#e9f2fb" : "#d8e7f7", "#6f94c4"};
  case DrawnRole::Linear:
    return {"#e7def4", "#9680bd"};
  case DrawnRole::Pool:
    return {"#dcefd8", "#72a96b"};
  case DrawnRole::Join:
    return {"#fcefd0", "#cf9f3c"};
  case DrawnRole::Scale:
    return {"#fcefd0", "#cf9f3c", "ellipse"};
  case DrawnRole::Pad:
  case DrawnRole::Reshape:
    return {"#ffffff", "#a4a4a4"};
  case DrawnRole::Input:
  case DrawnRole::Norm:
  case DrawnRole::Activation:
  case DrawnRole::PassThrough:
  case DrawnRole::Other:
    break;
  }
  return {"#f0f0f0", "#a4a4a4"}; // norms, activations, dropout, softmax
}

} // namespace netc::dot
