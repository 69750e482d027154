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

bool is_depthwise(const Graph &graph, const Node &node) {
  if (node.op_name() != "conv2d" || node.inputs.empty())
    return false;
  const TensorType &in = graph.node(node.inputs[0]).type;
  int64_t groups = node.attrs.get_int("groups");
  return groups > 1 && !in.is_poison() && groups == in.c();
}

// What a conv2d or linear layer is, without the op's name: "3x3/2, 96", "dw 3x3", "1000".
std::string layer_spec(const Graph &graph, const Node &node) {
  if (node.op_name() == "linear")
    return std::to_string(node.attrs.get_int("features"));
  std::string s = window_text(node.attrs);
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
  const std::vector<int64_t> &dilation = node.attrs.get_ints("dilation");
  if (dilation != std::vector<int64_t>{1, 1})
    s += " d" + pair_text(dilation, /*collapse=*/true);
  return s;
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
  if (op == "conv2d") {
    std::string spec = layer_spec(graph, node);
    return spec.rfind("dw ", 0) == 0 ? "dwconv " + spec.substr(3) : "conv " + spec;
  }
  if (op == "linear")
    return "linear " + layer_spec(graph, node);
  if (op == "maxpool" || op == "avgpool")
    return fmt::format("{} {}", op, window_text(a));
  if (op == "global_avgpool")
    return "global avgpool";
  if (op == "adaptive_avgpool")
    return "adaptive avgpool " + pair_text(a.get_ints("size"));
  if (op == "dropout" && a.has("p"))
    return "dropout " + short_float(a.get_float("p"));
  if (op == "scale" && a.has("s"))
    return "× " + short_float(a.get_float("s"));
  if (op == "lrn" && a.has("size"))
    return fmt::format("lrn {}", a.get_int("size"));
  if (op == "batchnorm")
    return "batchnorm";
  return std::string(op);
}

std::string_view short_op(std::string_view op) {
  return op == "batchnorm" ? "bn" : op;
}

bool is_activation(std::string_view op) {
#define NETC_ACTIVATION(name, pytorch)                                                             \
  if (op == #name)                                                                                 \
    return true;
#include "netc/activations.def"
  return false;
}
bool is_weighted(std::string_view op) {
  return op == "conv2d" || op == "linear";
}

// Ops a block may consist of and still be drawn as one node.
bool is_chainable(std::string_view op) {
  return is_weighted(op) || is_activation(op) || op == "batchnorm" || op == "identity" ||
         op == "dropout" || op == "zeropad";
}

// ---- Colours ---------------------------------------------------------------------------------

Style style_of(std::string_view op, bool depthwise) {
  if (op == "conv2d")
    return {depthwise ? "#e9f2fb" : "#d8e7f7", "#6f94c4"};
  if (op == "linear")
    return {"#e7def4", "#9680bd"};
  if (op == "maxpool" || op == "avgpool" || op == "global_avgpool" || op == "adaptive_avgpool")
    return {"#dcefd8", "#72a96b"};
  if (op == "concat" || op == "add")
    return {"#fcefd0", "#cf9f3c"};
  if (op == "scale")
    return {"#fcefd0", "#cf9f3c", "ellipse"};
  if (op == "flatten" || op == "zeropad")
    return {"#ffffff", "#a4a4a4"};
  return {"#f0f0f0", "#a4a4a4"}; // norms, activations, dropout, softmax
}

} // namespace netc::dot
