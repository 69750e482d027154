#include "pytorch/pytorch_emitter.h"

#include "common/code_writer.h"
#include "common/naming.h"
#include "ops/window.h"
#include "pytorch/python_names.h"

#include <netc/error.hpp>

#include <fmt/format.h>

#include <array>
#include <map>
#include <set>

namespace netc {

namespace {

// "3" when height and width agree, else "(1, 7)": how PyTorch's layers take a size.
std::string size_pair(int64_t h, int64_t w) {
  return h == w ? std::to_string(h) : fmt::format("({}, {})", h, w);
}
std::string size_pair(const std::vector<int64_t> &hw) {
  return size_pair(hw[0], hw[1]);
}

// "(1, 3, 224, 224)"
std::string shape_tuple(const TensorType &t) {
  std::string s;
  for (int64_t d : t.shape())
    s += (s.empty() ? "" : ", ") + std::to_string(d);
  return "(" + s + ")";
}

// "[N, 3, 224, 224]": the batch is whatever the caller passes.
std::string batched_shape(const TensorType &t) {
  std::string s = "N";
  for (int64_t d : t.sample_shape())
    s += ", " + std::to_string(d);
  return "[" + s + "]";
}

using Padding = std::array<int64_t, 4>; // [top, bottom, left, right], resolved for the input

// F.pad's order: (left, right, top, bottom).
std::string pad_tuple(const Padding &p) {
  return fmt::format("({}, {}, {}, {})", p[2], p[3], p[0], p[1]);
}
bool is_symmetric(const Padding &p) {
  return p[0] == p[1] && p[2] == p[3];
}

Padding resolved_padding(const Node &node, const TensorType &input) {
  const Attrs &a = node.attrs;
  const auto &k = a.get_ints("kernel");
  const auto &s = a.get_ints("stride");
  std::vector<int64_t> d = a.has("dilation") ? a.get_ints("dilation") : std::vector<int64_t>{1, 1};
  return resolve_padding(*a.find("pad"), input.h(), input.w(), k[0], k[1], s[0], s[1], d[0], d[1]);
}

std::string describe(const Node &node) {
  return fmt::format("'{}' ({})", node.name, node.op_name());
}

// What a forward() line is made from.
struct Call {
  const Node &node;
  const TensorType &input;        // the first input's type
  std::vector<std::string> args;  // the inputs' variables
  std::string layer;              // "self.features[\"0\"]" when the node has a module
  std::set<std::string> &helpers; // module-level functions the file must define
};

// ---- __init__: the layers that hold parameters or settings ----------------------------------

std::string conv2d_layer(const Node &node, const TensorType &input) {
  const Attrs &a = node.attrs;
  std::string s = fmt::format("nn.Conv2d({}, {}, kernel_size={}", input.c(), a.get_int("filters"),
                              size_pair(a.get_ints("kernel")));
  if (a.get_ints("stride") != std::vector<int64_t>{1, 1})
    s += ", stride=" + size_pair(a.get_ints("stride"));
  Padding p = resolved_padding(node, input);
  if (is_symmetric(p) && (p[0] != 0 || p[2] != 0))
    s += ", padding=" + size_pair(p[0], p[2]); // else forward() pads first
  if (a.get_ints("dilation") != std::vector<int64_t>{1, 1})
    s += ", dilation=" + size_pair(a.get_ints("dilation"));
  if (a.get_int("groups") != 1)
    s += fmt::format(", groups={}", a.get_int("groups"));
  if (!a.get_bool("bias"))
    s += ", bias=False";
  return s + ")";
}

std::string batchnorm_layer(const Node &node, const TensorType &input) {
  double eps = node.attrs.get_float("eps");
  return fmt::format("nn.BatchNorm{}d({}{})", input.is_spatial() ? 2 : 1, input.c(),
                     eps == 1e-5 ? "" : ", eps=" + python_float(eps));
}

std::string linear_layer(const Node &node, const TensorType &input) {
  return fmt::format("nn.Linear({}, {}{})", input.c(), node.attrs.get_int("features"),
                     node.attrs.get_bool("bias") ? "" : ", bias=False");
}

std::string lrn_layer(const Node &node, const TensorType &) {
  const Attrs &a = node.attrs;
  return fmt::format("nn.LocalResponseNorm({}, alpha={}, beta={}, k={})", a.get_int("size"),
                     python_float(a.get_float("alpha")), python_float(a.get_float("beta")),
                     python_float(a.get_float("k")));
}

std::string dropout_layer(const Node &node, const TensorType &) {
  return fmt::format("nn.Dropout(p={})", python_float(node.attrs.get_float("p")));
}

std::string layernorm_layer(const Node &node, const TensorType &input) {
  return fmt::format("nn.LayerNorm({}, eps={})", input.c(),
                     python_float(node.attrs.get_float("eps")));
}

std::string pointwise_linear_layer(const Node &node, const TensorType &input) {
  return fmt::format("nn.Linear({}, {}{})", input.c(), node.attrs.get_int("features"),
                     node.attrs.get_bool("bias") ? "" : ", bias=False");
}

using LayerFunction = std::string (*)(const Node &, const TensorType &);

// The ops that become a module in __init__ (those with parameters, and the two whose settings
// print(model) should show); null for the others, which forward() computes with a function.
LayerFunction find_layer(OpKind op) {
  switch (op) {
  case OpKind::conv2d:
    return conv2d_layer;
  case OpKind::batchnorm:
    return batchnorm_layer;
  case OpKind::linear:
    return linear_layer;
  case OpKind::lrn:
    return lrn_layer;
  case OpKind::dropout:
    return dropout_layer;
  case OpKind::layernorm:
    return layernorm_layer;
  case OpKind::pointwise_linear:
    return pointwise_linear_layer;
  case OpKind::depthwise_conv2d:
#define NETC_ACTIVATION(name, pytorch) case OpKind::name:
#include "netc/activations.def"
  case OpKind::identity:
  case OpKind::softmax:
  case OpKind::maxpool:
  case OpKind::avgpool:
  case OpKind::global_avgpool:
  case OpKind::adaptive_avgpool:
  case OpKind::zeropad:
  case OpKind::flatten:
  case OpKind::concat:
  case OpKind::add:
  case OpKind::scale:
  case OpKind::mul:
  case OpKind::layer_scale:
  case OpKind::chunk:
  case OpKind::channel_shuffle:
    return nullptr;
  }
  return nullptr;
}

// ---- forward(): one expression per node --------------------------------------------------------

std::string call_layer(const Call &c) {
  return fmt::format("{}({})", c.layer, c.args[0]);
}

// A padding PyTorch's Conv2d cannot hold (asymmetric: "same" with an odd total, or
// [top, bottom, left, right]) is applied first, with zeros, as the reference executor reads it.
std::string conv2d(const Call &c) {
  Padding p = resolved_padding(c.node, c.input);
  if (is_symmetric(p))
    return call_layer(c);
  return fmt::format("{}(F.pad({}, {}))", c.layer, c.args[0], pad_tuple(p));
}

constexpr const char *kAvgPoolOverInputs = "avg_pool2d_over_inputs";
constexpr const char *kChannelShuffle = "channel_shuffle";

// Pools whose padding PyTorch's argument holds (symmetric, at most half the kernel) are one call.
// Another padding (asymmetric, or a dilated "same") is applied first, -inf for max and zeros for
// average; PyTorch's ceil_mode may then keep a last window that starts in the right or bottom
// padding, which netc (as PyTorch with padding of its own) drops: the result is cropped to netc's
// shape.
std::string pool2d(const Call &c, bool is_max) {
  const Attrs &a = c.node.attrs;
  const auto &k = a.get_ints("kernel");
  const auto &s = a.get_ints("stride");
  std::vector<int64_t> d = is_max ? a.get_ints("dilation") : std::vector<int64_t>{1, 1};
  const bool ceil_mode = a.get_bool("ceil_mode");
  const bool count_include_pad = !is_max && a.get_bool("count_include_pad");
  const Padding p = resolved_padding(c.node, c.input);
  const char *function = is_max ? "F.max_pool2d" : "F.avg_pool2d";

  std::string window = fmt::format("kernel_size={}, stride={}", size_pair(k), size_pair(s));
  std::string options;
  if (d != std::vector<int64_t>{1, 1})
    options += ", dilation=" + size_pair(d);
  if (ceil_mode)
    options += ", ceil_mode=True";

  if (is_symmetric(p) && p[0] <= k[0] / 2 && p[2] <= k[1] / 2) {
    std::string padding = p[0] || p[2] ? ", padding=" + size_pair(p[0], p[2]) : "";
    if (!is_max && !count_include_pad)
      options += ", count_include_pad=False";
    return fmt::format("{}({}, {}{}{})", function, c.args[0], window, padding, options);
  }

  std::string pooled;
  if (is_max)
    pooled = fmt::format("{}(F.pad({}, {}, value=float(\"-inf\")), {}{})", function, c.args[0],
                         pad_tuple(p), window, options);
  else if (count_include_pad)
    pooled =
        fmt::format("{}(F.pad({}, {}), {}{})", function, c.args[0], pad_tuple(p), window, options);
  else {
    c.helpers.insert(kAvgPoolOverInputs);
    pooled = fmt::format("{}({}, {}, {}{})", kAvgPoolOverInputs, c.args[0], pad_tuple(p), window,
                         options);
  }
  int64_t h = window_output(c.input.h() + p[0] + p[1], {k[0], s[0], d[0], 0, 0, ceil_mode}).size;
  int64_t w = window_output(c.input.w() + p[2] + p[3], {k[1], s[1], d[1], 0, 0, ceil_mode}).size;
  const TensorType &out = c.node.type;
  if (h < out.h() || w < out.w())
    throw Error(fmt::format("the PyTorch backend cannot express layer {}: PyTorch gives {}x{} "
                            "windows where netc has {}x{}",
                            describe(c.node), h, w, out.h(), out.w()));
  if (h == out.h() && w == out.w())
    return pooled;
  return fmt::format("{}[:, :, :{}, :{}]", pooled, out.h(), out.w());
}

std::string maxpool(const Call &c) {
  return pool2d(c, /*is_max=*/true);
}
std::string avgpool(const Call &c) {
  return pool2d(c, /*is_max=*/false);
}

std::string global_avgpool(const Call &c) {
  return fmt::format("F.adaptive_avg_pool2d({}, 1)", c.args[0]);
}
std::string adaptive_avgpool(const Call &c) {
  return fmt::format("F.adaptive_avg_pool2d({}, {})", c.args[0],
                     size_pair(c.node.attrs.get_ints("size")));
}
std::string zeropad(const Call &c) {
  const auto &p = c.node.attrs.get_ints("pad");
  return fmt::format("F.pad({}, {})", c.args[0], pad_tuple({p[0], p[1], p[2], p[3]}));
}
// The activations: the PyTorch function of runtime/netc/activations.def on the tensor.
std::string activation(const Call &c, std::string_view function) {
  return fmt::format("{}({})", function, c.args[0]);
}
std::string identity(const Call &c) {
  return c.args[0];
}
std::string softmax(const Call &c) {
  return fmt::format("F.softmax({}, dim=1)", c.args[0]);
}
std::string flatten(const Call &c) {
  return fmt::format("torch.flatten({}, 1)", c.args[0]);
}
std::string scale(const Call &c) {
  return fmt::format("{} * {}", c.args[0], python_float(c.node.attrs.get_float("s")));
}
std::string concat(const Call &c) {
  return fmt::format("torch.cat([{}], dim=1)", fmt::join(c.args, ", "));
}
// Left to right, as the reference executor sums.
std::string add(const Call &c) {
  return fmt::format("{}", fmt::join(c.args, " + "));
}

// A [C, 1, 1] operand broadcasts over the other's pixels by PyTorch's own rules.
std::string mul(const Call &c) {
  return fmt::format("{} * {}", c.args[0], c.args[1]);
}

// nn.LayerNorm and nn.Linear work on the last dimension: a feature map's channels are moved
// there and back, as ConvNeXt's Permutes do.
std::string channels_last(const Call &c) {
  if (!c.input.is_spatial())
    return call_layer(c);
  return fmt::format("{}({}.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)", c.layer, c.args[0]);
}
// The parameter sits on the container the layer is named after (init_body).
std::string layer_scale(const Call &c) {
  return fmt::format("{} * {}.layer_scale", c.args[0], c.layer);
}
std::string chunk(const Call &c) {
  return fmt::format("{}.chunk({}, dim=1)[{}]", c.args[0], c.node.attrs.get_int("chunks"),
                     c.node.attrs.get_int("index"));
}
std::string channel_shuffle(const Call &c) {
  c.helpers.insert(kChannelShuffle);
  return fmt::format("{}({}, {})", kChannelShuffle, c.args[0], c.node.attrs.get_int("groups"));
}

// The expression forward() assigns to the node's variable.
std::string forward_expression(const Call &c) {
  switch (c.node.kind()) {
  case OpKind::conv2d:
    return conv2d(c);
  case OpKind::batchnorm:
  case OpKind::linear:
  case OpKind::lrn:
  case OpKind::dropout:
    return call_layer(c);
#define NETC_ACTIVATION(name, pytorch)                                                             \
  case OpKind::name:                                                                               \
    return activation(c, pytorch);
#include "netc/activations.def"
  case OpKind::identity:
    return identity(c);
  case OpKind::softmax:
    return softmax(c);
  case OpKind::maxpool:
    return maxpool(c);
  case OpKind::avgpool:
    return avgpool(c);
  case OpKind::global_avgpool:
    return global_avgpool(c);
  case OpKind::adaptive_avgpool:
    return adaptive_avgpool(c);
  case OpKind::zeropad:
    return zeropad(c);
  case OpKind::flatten:
    return flatten(c);
  case OpKind::concat:
    return concat(c);
  case OpKind::add:
    return add(c);
  case OpKind::scale:
    return scale(c);
  case OpKind::mul:
    return mul(c);
  case OpKind::layernorm:
  case OpKind::pointwise_linear:
    return channels_last(c);
  case OpKind::layer_scale:
    return layer_scale(c);
  case OpKind::chunk:
    return chunk(c);
  case OpKind::channel_shuffle:
    return channel_shuffle(c);
  case OpKind::depthwise_conv2d: // canonicalised into conv2d by the elaborator
    break;
  }
  throw Error(fmt::format("the PyTorch backend cannot express layer {}: op '{}' is not supported",
                          describe(c.node), c.node.op_name()));
}

// The module-level functions forward() may call, by name.
const std::map<std::string, std::string> &helper_definitions() {
  static const std::map<std::string, std::string> helpers = {
      {kAvgPoolOverInputs,
       R"(def avg_pool2d_over_inputs(x, padding, kernel_size, stride, ceil_mode=False):
    # avg_pool2d with count_include_pad=False for a padding (left, right, top, bottom) that its
    # own padding argument cannot hold: each window's sum over the input elements it covers.
    sums = F.avg_pool2d(F.pad(x, padding), kernel_size, stride, ceil_mode=ceil_mode,
                        divisor_override=1)
    ones = F.pad(torch.ones_like(x[:1, :1]), padding)
    counts = F.avg_pool2d(ones, kernel_size, stride, ceil_mode=ceil_mode,
                          divisor_override=1)
    return sums / counts
)"},
      {kChannelShuffle,
       R"(def channel_shuffle(x, groups):
    # torchvision's: channels seen as [groups, C/groups], transposed.
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)
)"},
  };
  return helpers;
}

// ---- the file -----------------------------------------------------------------------------

class PytorchEmitter {
public:
  PytorchEmitter(const Graph &graph, const PytorchEmitOptions &options)
      : graph_(graph), options_(options) {}

  EmittedFile run() {
    check_graph();
    name_variables();
    std::string layers = init_body();
    std::string forward = forward_body();

    CodeWriter w(4);
    header(w);
    for (const std::string &name : helpers_) {
      w.line();
      w.line();
      w.text(helper_definitions().at(name));
    }
    w.line();
    w.line();
    w.line("class {}(nn.Module):", class_name(graph_.name));
    w.indent();
    w.line("\"\"\"{}: {}.\"\"\"", graph_.name, signature());
    w.line();
    w.line("def __init__(self):");
    w.indent();
    w.line("super().__init__()");
    w.text(layers);
    w.dedent();
    w.line();
    w.line("def forward(self, {}):", fmt::join(input_variables(), ", "));
    w.text(forward);
    return {graph_.name + ".py", w.str()};
  }

private:
  void check_graph() const {
    for (const Node &node : graph_.nodes) {
      if (node.type.is_poison())
        throw Error(fmt::format("cannot emit network '{}': layer {} has no valid shape",
                                graph_.name, describe(node)));
    }
  }

  // One Python variable per node, after its name: features.6.branch1.0 -> features_6_branch1_0.
  void name_variables() {
    // What forward() itself calls must not be shadowed.
    std::set<std::string> taken = {"self", "torch", "nn", "F", "float", "getattr"};
    taken.insert(kAvgPoolOverInputs);
    taken.insert(kChannelShuffle);
    variables_.resize(graph_.nodes.size());
    for (const Node &node : graph_.nodes) {
      std::string base = python_variable(node.name), name = base;
      for (int i = 1; taken.count(name); ++i)
        name = fmt::format("{}_{}", base, i);
      taken.insert(name);
      variables_[node.id] = name;
    }
  }

  std::vector<std::string> input_variables() const {
    std::vector<std::string> names;
    for (NodeId in : graph_.inputs)
      names.push_back(variables_[in]);
    return names;
  }

  // "image [N, 1, 32, 32] -> logits [N, 10]"
  std::string signature() const {
    std::vector<std::string> ins, outs;
    for (NodeId in : graph_.inputs)
      ins.push_back(graph_.node(in).name + " " + batched_shape(graph_.node(in).type));
    for (const GraphOutput &out : graph_.outputs)
      outs.push_back(out.name + " " + batched_shape(graph_.node(out.node).type));
    return fmt::format("{} -> {}", fmt::join(ins, ", "), fmt::join(outs, ", "));
  }

  void header(CodeWriter &w) const {
    w.line("# {}.py: generated by {} from {} (network {}). Do not edit.", graph_.name,
           options_.version, options_.source_file, graph_.name);
    w.line("# Regenerate with: {}", options_.command);
    w.line("#");
    w.line("# A torch.nn.Module whose state_dict() names are netc's: train it here, save its "
           "state_dict()");
    w.line("# with safetensors.torch.save_file, and the C++ that netc emits from the same file "
           "loads it.");
    w.line("# In eval mode, forward() computes what `netc run` computes.");
    w.line("import torch");
    w.line("import torch.nn as nn");
    w.line("import torch.nn.functional as F");
    w.line();
    w.line("# The shapes netc checked, batch first.");
    std::vector<std::string> ins, outs;
    for (NodeId in : graph_.inputs)
      ins.push_back(python_string(graph_.node(in).name) + ": " + shape_tuple(graph_.node(in).type));
    for (const GraphOutput &out : graph_.outputs)
      outs.push_back(python_string(out.name) + ": " + shape_tuple(graph_.node(out.node).type));
    w.line("INPUT_SHAPES = {{{}}}", fmt::join(ins, ", "));
    w.line("OUTPUT_SHAPES = {{{}}}", fmt::join(outs, ", "));
    int64_t parameters = 0;
    for (const Node &node : graph_.nodes)
      for (const ParamSpec &param : node.params)
        if (param.learnable)
          parameters += param.num_elements();
    w.line("PARAMETER_COUNT = {}", parameters);
  }

  // A layer's path below the network: "features.6.branch0.conv" -> features, 6, branch0, conv.
  static std::vector<std::string> split_name(const std::string &name) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1)
      parts.push_back(name.substr(start, dot - start));
    parts.push_back(name.substr(start));
    return parts;
  }

  // How forward() reaches the module at parts[0..n): self.layer1["0"].conv1. Below the network
  // every container is an nn.ModuleDict, so a name that is not a Python identifier is a key.
  static std::string module_path(const std::vector<std::string> &parts, size_t n) {
    std::string s = is_python_identifier(parts[0])
                        ? "self." + parts[0]
                        : fmt::format("getattr(self, {})", python_string(parts[0]));
    for (size_t i = 1; i < n; ++i)
      s += is_python_identifier(parts[i]) ? "." + parts[i]
                                          : fmt::format("[{}]", python_string(parts[i]));
    return s;
  }

  // The statement that registers `module` at parts[0..n).
  static std::string registration(const std::vector<std::string> &parts, size_t n,
                                  const std::string &module) {
    if (n == 1 && !is_python_identifier(parts[0]))
      return fmt::format("self.add_module({}, {})", python_string(parts[0]), module);
    return fmt::format("{} = {}", module_path(parts, n), module);
  }

  // __init__'s body: each layer in node order, after the containers of its path, so that
  // state_dict() lists exactly netc's names.
  std::string init_body() {
    CodeWriter w(4);
    w.indent();
    w.indent();
    enum class Kind { Container, Layer };
    std::map<std::string, Kind> registered; // by dotted path
    for (const Node &node : graph_.nodes) {
      if (node.is_input())
        continue;
      bool scale = node.kind() == OpKind::layer_scale; // a parameter on a container
      LayerFunction layer = find_layer(node.kind());
      if (!layer && !scale)
        continue;
      std::vector<std::string> parts = split_name(node.name);
      for (const std::string &part : parts)
        if (part.empty() || clashes_with_module_attribute(part))
          throw Error(fmt::format("the PyTorch backend cannot name layer {}: torch.nn.Module "
                                  "keeps the attribute '{}' for itself",
                                  describe(node), part));
      std::string path;
      for (size_t i = 0; i < parts.size(); ++i) {
        path += (i ? "." : "") + parts[i];
        bool last = i + 1 == parts.size() && !scale;
        auto it = registered.find(path);
        if (it == registered.end()) {
          registered[path] = last ? Kind::Layer : Kind::Container;
          w.line("{}", registration(parts, i + 1,
                                    last ? layer(node, input_type(node)) : "nn.ModuleDict()"));
        } else if (it->second == Kind::Layer || last) {
          throw Error(fmt::format("the PyTorch backend cannot name layer {}: '{}' would name "
                                  "both a layer and a container of layers",
                                  describe(node), path));
        }
      }
      layers_[node.id] = module_path(parts, parts.size());
      if (scale)
        w.line("{}.layer_scale = nn.Parameter(torch.ones({}, 1, 1))", layers_[node.id],
               node.type.c());
    }
    return w.str();
  }

  const TensorType &input_type(const Node &node) const {
    return graph_.node(node.inputs.at(0)).type;
  }

  std::string forward_body() {
    CodeWriter w(4);
    w.indent();
    w.indent();
    for (const Node &node : graph_.nodes) {
      if (node.is_input())
        continue;
      Call call{node, input_type(node), {}, "", helpers_};
      for (NodeId in : node.inputs)
        call.args.push_back(variables_[in]);
      if (auto it = layers_.find(node.id); it != layers_.end())
        call.layer = it->second;
      w.line("{} = {}", variables_[node.id], forward_expression(call));
    }
    std::vector<std::string> outs;
    for (const GraphOutput &out : graph_.outputs)
      outs.push_back(variables_[out.node]);
    w.line("return {}", fmt::join(outs, ", "));
    return w.str();
  }

  const Graph &graph_;
  const PytorchEmitOptions &options_;
  std::vector<std::string> variables_;   // by node id
  std::map<NodeId, std::string> layers_; // the module of each node that has one
  std::set<std::string> helpers_;        // module-level functions forward() calls
};

} // namespace

EmittedFile emit_pytorch(const Graph &graph, const PytorchEmitOptions &options) {
  return PytorchEmitter(graph, options).run();
}

} // namespace netc
