#include "lower/select_kernels.h"

#include "ops/registry.h"
#include "ops/window.h"

#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/Path.h>

#include <fmt/format.h>

#include <map>

namespace netc {

std::optional<Activation> activation_of(OpKind op) {
  switch (op) {
#define NETC_ACTIVATION(name, pytorch)                                                             \
  case OpKind::name:                                                                               \
    return Activation::name;
#include "netc/activations.def"
  case OpKind::conv2d:
  case OpKind::depthwise_conv2d:
  case OpKind::batchnorm:
  case OpKind::identity:
  case OpKind::softmax:
  case OpKind::dropout:
  case OpKind::maxpool:
  case OpKind::avgpool:
  case OpKind::global_avgpool:
  case OpKind::adaptive_avgpool:
  case OpKind::zeropad:
  case OpKind::lrn:
  case OpKind::flatten:
  case OpKind::linear:
  case OpKind::concat:
  case OpKind::add:
  case OpKind::scale:
  case OpKind::mul:
  case OpKind::layernorm:
  case OpKind::pointwise_linear:
  case OpKind::layer_scale:
  case OpKind::chunk:
  case OpKind::channel_shuffle:
    return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// A convolution's or pooling's window in ints: kernel, stride and dilation (1 where the op has
// none), and the padding resolved against the input's size.
struct Window {
  int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w;
  int pad_top, pad_bottom, pad_left, pad_right;
};

Window window_of(const Graph &graph, const Node &node, bool has_dilation) {
  const TensorType &x = graph.node(node.inputs[0]).type;
  const auto &k = node.attrs.get_ints("kernel");
  const auto &s = node.attrs.get_ints("stride");
  std::vector<int64_t> d =
      has_dilation ? node.attrs.get_ints("dilation") : std::vector<int64_t>{1, 1};
  auto pad =
      resolve_padding(*node.attrs.find("pad"), x.h(), x.w(), k[0], k[1], s[0], s[1], d[0], d[1]);
  return {int(k[0]), int(k[1]),   int(s[0]),   int(s[1]),   int(d[0]),
          int(d[1]), int(pad[0]), int(pad[1]), int(pad[2]), int(pad[3])};
}

// A 1x1, stride-1, unpadded convolution in `groups` groups: what a batch norm on its own,
// layer_scale (groups = channels) and pointwise_linear (one group) lower to.
ConvParams pointwise_conv_params(int groups) {
  return ConvParams{{}, {}, 1, 1, 1, 1, 0, 0, 1, 1, groups, Activation::none, 0, 0};
}

// `<layer>.weight`, and `<layer>.bias` when the layer has one: convolutions and linear layers.
WeightRecipe weight_and_bias(const Node &node) {
  return WeightRecipe{node.name + ".weight",
                      node.attrs.get_bool("bias") ? node.name + ".bias" : ""};
}

} // namespace

ConvParams conv_params_of(const Graph &graph, const Node &conv) {
  Window w = window_of(graph, conv, /*has_dilation=*/true);
  return ConvParams{{},
                    {},
                    w.kernel_h,
                    w.kernel_w,
                    w.stride_h,
                    w.stride_w,
                    w.pad_top,
                    w.pad_left,
                    w.dilation_h,
                    w.dilation_w,
                    int(conv.attrs.get_int("groups")),
                    Activation::none,
                    0,
                    0};
}

PoolParams pool_params_of(const Graph &graph, const Node &pool) {
  bool max = pool.kind() == OpKind::maxpool;
  Window w = window_of(graph, pool, /*has_dilation=*/max);
  return PoolParams{{},
                    {},
                    w.kernel_h,
                    w.kernel_w,
                    w.stride_h,
                    w.stride_w,
                    w.pad_top,
                    w.pad_left,
                    w.pad_bottom,
                    w.pad_right,
                    w.dilation_h,
                    w.dilation_w,
                    !max && pool.attrs.get_bool("count_include_pad")};
}

namespace {

class Selector {
public:
  Selector(const Graph &graph, const LoweringSource &source) : graph_(graph), source_(source) {}

  KernelList run() {
    list_.network = graph_.name;
    list_.source_file = source_.source_file;
    list_.batch = graph_.inputs.empty() ? 1 : graph_.node(graph_.inputs[0]).type.n();
    for (const Node &node : graph_.nodes) {
      assert(!node.type.is_poison() && "lowering a graph that did not check clean");
      select(node);
      for (const ParamSpec &p : node.params) {
        list_.tensors.push_back({node.name + "." + p.name, p.shape});
        if (p.learnable)
          list_.parameter_count += p.num_elements();
      }
    }
    for (NodeId id : graph_.inputs) {
      ValueId v = value_[id];
      list_.values[v].space = Space::Input;
      list_.values[v].space_index = unsigned(list_.inputs.size());
      list_.inputs.push_back({graph_.node(id).name, v});
    }
    for (const GraphOutput &out : graph_.outputs)
      list_.outputs.push_back({out.name, value_.at(out.node)});
    return std::move(list_);
  }

private:
  void select(const Node &node) {
    if (node.is_input()) {
      define(node);
      return;
    }
    switch (node.kind()) {
    case OpKind::flatten:
    case OpKind::dropout:
    case OpKind::identity:
      return view(node);
    case OpKind::conv2d:
      return conv(node);
    case OpKind::batchnorm:
      return batch_norm(node);
#define NETC_ACTIVATION(name, pytorch) case OpKind::name:
#include "netc/activations.def"
      emit(node, KernelKind::Unary, UnaryParams{{}, {}, 1.0f, *activation_of(node.kind())});
      return;
    case OpKind::scale:
      emit(node, KernelKind::Unary,
           UnaryParams{{}, {}, float(node.attrs.get_float("s")), Activation::none});
      return;
    case OpKind::maxpool:
    case OpKind::avgpool:
      return pool(node);
    case OpKind::global_avgpool:
    case OpKind::adaptive_avgpool:
      emit(node, KernelKind::AdaptiveAvgPool, AdaptivePoolParams{});
      return;
    case OpKind::linear: {
      Kernel &k = emit(node, KernelKind::Linear, LinearParams{{}, {}, Activation::none});
      k.weights = weight_and_bias(node);
      return;
    }
    case OpKind::zeropad: {
      const auto &p = node.attrs.get_ints("pad");
      emit(node, KernelKind::Copy, CopyParams{{}, {}, int(p[0]), int(p[2])});
      return;
    }
    case OpKind::lrn:
      emit(node, KernelKind::Lrn,
           LrnParams{{},
                     {},
                     int(node.attrs.get_int("size")),
                     float(node.attrs.get_float("alpha")),
                     float(node.attrs.get_float("beta")),
                     float(node.attrs.get_float("k"))});
      return;
    case OpKind::softmax:
      emit(node, KernelKind::Softmax, SoftmaxParams{});
      return;
    case OpKind::concat:
      emit(node, KernelKind::Concat, CopyParams{});
      return;
    case OpKind::add:
      return add(node);
    case OpKind::mul:
      return mul(node);
    case OpKind::layernorm: {
      Kernel &k = emit(node, KernelKind::LayerNorm,
                       LayerNormParams{{}, {}, float(node.attrs.get_float("eps"))});
      k.weights = WeightRecipe{node.name + ".weight", node.name + ".bias"};
      return;
    }
    case OpKind::pointwise_linear: {
      // A 1x1 convolution: nn.Linear's [out, in] weight is the [out, in, 1, 1] one, in memory.
      emit(node, KernelKind::Conv1x1, pointwise_conv_params(1)).weights = weight_and_bias(node);
      return;
    }
    case OpKind::layer_scale: {
      // A 1x1 depthwise convolution without bias, whose weight is the [C, 1, 1] scale.
      Kernel &k = emit(node, KernelKind::ConvGrouped, pointwise_conv_params(int(node.type.c())));
      k.weights = WeightRecipe{node.name + ".layer_scale", ""};
      return;
    }
    case OpKind::chunk: {
      // A view of its input at a channel offset, as a concat branch is of the concat.
      ValueId v = define(node);
      list_.values[v].view_of = value_.at(node.inputs[0]);
      list_.values[v].channel_offset =
          chunk_offset(node.attrs, graph_.node(node.inputs[0]).type.c());
      return;
    }
    case OpKind::channel_shuffle: {
      emit(node, KernelKind::ChannelShuffle,
           ChannelShuffleParams{{}, {}, int(node.attrs.get_int("groups"))});
      return;
    }
    case OpKind::depthwise_conv2d: // canonicalised into conv2d by the elaborator
      break;
    }
    llvm::report_fatal_error(llvm::Twine("no kernel for op '") + std::string(node.op_name()) + "'");
  }

  ValueId define(const Node &node) {
    ValueId v = list_.add_value(node.type, node.name);
    value_[node.id] = v;
    return v;
  }

  void view(const Node &node) {
    ValueId v = define(node);
    list_.values[v].view_of = value_.at(node.inputs[0]);
  }

  Kernel &emit(const Node &node, KernelKind kind, KernelParams params) {
    Kernel k{kind, node.name, origin(node)};
    for (NodeId in : node.inputs)
      k.inputs.push_back(value_.at(in));
    k.params = params;
    k.output = define(node);
    list_.kernels.push_back(std::move(k));
    return list_.kernels.back();
  }

  void conv(const Node &node) {
    ConvParams p = conv_params_of(graph_, node);
    Window w = window_of(graph_, node, /*has_dilation=*/true);
    KernelKind kind = KernelKind::ConvDirect;
    if (p.groups > 1)
      kind = KernelKind::ConvGrouped;
    else if (w.kernel_h == 1 && w.kernel_w == 1 && w.stride_h == 1 && w.stride_w == 1 &&
             w.pad_top == 0 && w.pad_bottom == 0 && w.pad_left == 0 && w.pad_right == 0)
      kind = KernelKind::Conv1x1;
    Kernel &kernel = emit(node, kind, p);
    kernel.weights = weight_and_bias(node);
  }

  // A batch norm that no convolution precedes is a 1x1 depthwise convolution whose weight and
  // bias come from its statistics; fold_batch_norm removes the others.
  void batch_norm(const Node &node) {
    Kernel &k = emit(node, KernelKind::ConvGrouped, pointwise_conv_params(int(node.type.c())));
    k.weights = WeightRecipe{"", "", node.name, node.attrs.get_float("eps")};
  }

  void pool(const Node &node) {
    emit(node, node.kind() == OpKind::maxpool ? KernelKind::MaxPool : KernelKind::AvgPool,
         pool_params_of(graph_, node));
  }

  // An n-ary add is a chain of binary adds; fuse_residual_add may give one to a convolution.
  void add(const Node &node) {
    ValueId acc = value_.at(node.inputs[0]);
    for (size_t i = 1; i < node.inputs.size(); ++i) {
      bool last = i + 1 == node.inputs.size();
      Kernel k{KernelKind::Binary, node.name, origin(node)};
      k.inputs = {acc, value_.at(node.inputs[i])};
      k.params = BinaryParams{{}, {}, {}, 1.0f, Activation::none};
      k.output = last ? define(node)
                      : list_.add_value(node.type, fmt::format("{}.partial{}", node.name, i));
      acc = k.output;
      list_.kernels.push_back(std::move(k));
    }
  }

  // The operand that broadcasts, if one does, goes second: the kernel broadcasts b only.
  void mul(const Node &node) {
    Kernel &k = emit(node, KernelKind::Mul, BinaryParams{{}, {}, {}, 1.0f, Activation::none});
    if (!(graph_.node(node.inputs[0]).type == node.type))
      std::swap(k.inputs[0], k.inputs[1]);
  }

  // "dsl/zoo/inception_v4.netc:41": the line in the user's file (for a layer inside a library
  // block, the line that calls the block).
  std::string origin(const Node &node) const {
    llvm::SMLoc loc = node.range.Start;
    const Instantiation *inst = node.instantiation.get();
    const llvm::SourceMgr &sm = source_.source_mgr;
    for (; inst && sm.FindBufferContainingLoc(loc) != source_.main_buffer;
         inst = inst->parent.get())
      loc = inst->call_site.Start;
    if (!loc.isValid() || sm.FindBufferContainingLoc(loc) != source_.main_buffer)
      return source_.source_file;
    return fmt::format("{}:{}", source_.source_file, sm.getLineAndColumn(loc).first);
  }

  const Graph &graph_;
  const LoweringSource &source_;
  KernelList list_;
  std::map<NodeId, ValueId> value_;
};

} // namespace

KernelList select_kernels(const Graph &graph, const LoweringSource &source) {
  return Selector(graph, source).run();
}

} // namespace netc
