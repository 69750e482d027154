#include "analysis/graph_dot.h"

#include "analysis/graph_style.h"

#include <fmt/format.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

// Lookups by pointer use unordered maps; nothing is ever emitted in their order, so the output
// depends on the graph alone.

namespace netc {

namespace {

using namespace dot;
using InstPtr = const Instantiation *;

std::vector<InstPtr> chain_from_root(InstPtr inst) {
  std::vector<InstPtr> chain;
  for (; inst; inst = inst->parent.get())
    chain.push_back(inst);
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// ---- The writer ------------------------------------------------------------------------------

struct InstInfo {
  std::vector<NodeId> nodes; // every node below the call, nested calls included, in order
  bool nested = false;       // some of them are in a nested call
};

// A `repeat N` call: its iterations, which are drawn once if alike.
struct RepeatGroup {
  std::vector<InstPtr> iterations; // [i] is iteration i + 1; null if it made no node
};

// A node drawn for several: a block call that is a simple chain (`block` set), or a conv →
// batchnorm → activation chain in one body.
struct Merged {
  InstPtr block = nullptr;
  std::vector<NodeId> chain;
  size_t block_size = 0; // the chain's first nodes that are the block's; the rest follow the call
};

class DotWriter {
public:
  DotWriter(const Graph &graph, const GraphDotOptions &options)
      : graph_(graph), options_(options), fold_to_(graph.nodes.size()),
        omitted_(graph.nodes.size(), false), merge_to_(graph.nodes.size()),
        members_(graph.nodes.size()), consumers_(graph.nodes.size()),
        is_output_(graph.nodes.size(), false) {
    for (NodeId id = 0; id < graph.nodes.size(); ++id) {
      fold_to_[id] = merge_to_[id] = id;
      for (NodeId in : graph.node(id).inputs)
        consumers_[in].push_back(id);
    }
    for (const GraphOutput &out : graph.outputs)
      is_output_[out.node] = true;
  }

  void write(llvm::raw_ostream &os) {
    collect_instantiations();
    find_repeats();
    if (options_.compact)
      compact();
    count_errors();
    place_nodes();
    collect_edges();
    emit(os);
  }

private:
  // -- Analysis --

  void collect_instantiations() {
    for (const Node &node : graph_.nodes) {
      for (InstPtr inst : chain_from_root(node.instantiation.get())) {
        auto [it, fresh] = info_.try_emplace(inst);
        if (fresh)
          insts_.push_back(inst);
        it->second.nodes.push_back(node.id);
        if (inst != node.instantiation.get())
          it->second.nested = true;
      }
    }
  }

  const InstInfo &info(InstPtr inst) const { return info_.at(inst); }

  void find_repeats() {
    std::map<std::tuple<const void *, const char *, const char *>, size_t> by_call;
    for (InstPtr inst : insts_) {
      if (inst->repeat_count <= 1 || inst->repeat_index < 1 ||
          inst->repeat_index > inst->repeat_count)
        continue;
      auto key =
          std::make_tuple(static_cast<const void *>(inst->parent.get()),
                          inst->call_site.Start.getPointer(), inst->call_site.End.getPointer());
      auto [it, fresh] = by_call.try_emplace(key, groups_.size());
      if (fresh)
        groups_.push_back({std::vector<InstPtr>(inst->repeat_count, nullptr)});
      groups_[it->second].iterations[inst->repeat_index - 1] = inst;
    }
    if (!options_.fold_repeats)
      return;
    // Outer repeats come first: a repeat inside an omitted iteration is folded by its copy in
    // the first iteration, but is still recorded so the edges between its iterations go.
    for (size_t g = 0; g < groups_.size(); ++g) {
      RepeatGroup &group = groups_[g];
      if (!alike(group))
        continue;
      const std::vector<NodeId> &first = info(group.iterations[0]).nodes;
      bool already_omitted = omitted_[first.front()];
      for (size_t k = 0; k < group.iterations.size(); ++k) {
        const std::vector<NodeId> &nodes = info(group.iterations[k]).nodes;
        for (size_t i = 0; i < nodes.size(); ++i) {
          members_[nodes[i]].push_back({g, k});
          if (k > 0 && !already_omitted) {
            fold_to_[nodes[i]] = first[i];
            omitted_[nodes[i]] = true;
          }
        }
      }
      folds_[group.iterations[0]] = &group;
    }
  }

  // True if every iteration draws as the first does: the same ops, attributes and wiring.
  bool alike(const RepeatGroup &group) const {
    for (InstPtr inst : group.iterations)
      if (!inst)
        return false;
    InstPtr first = group.iterations[0];
    const std::vector<NodeId> &base = info(first).nodes;
    auto positions = [&](InstPtr inst) {
      std::unordered_map<NodeId, size_t> pos;
      const std::vector<NodeId> &nodes = info(inst).nodes;
      for (size_t i = 0; i < nodes.size(); ++i)
        pos[nodes[i]] = i;
      return pos;
    };
    auto base_pos = positions(first);
    for (size_t k = 1; k < group.iterations.size(); ++k) {
      InstPtr inst = group.iterations[k];
      const std::vector<NodeId> &nodes = info(inst).nodes;
      if (nodes.size() != base.size())
        return false;
      auto pos = positions(inst);
      for (size_t i = 0; i < nodes.size(); ++i) {
        const Node &a = graph_.node(base[i]), &b = graph_.node(nodes[i]);
        if (a.op != b.op || !(a.attrs == b.attrs) || a.type.is_poison() != b.type.is_poison() ||
            a.inputs.size() != b.inputs.size() || !same_calls(a, first, b, inst))
          return false;
        for (size_t j = 0; j < a.inputs.size(); ++j) {
          auto pa = base_pos.find(a.inputs[j]), pb = pos.find(b.inputs[j]);
          bool inside_a = pa != base_pos.end(), inside_b = pb != pos.end();
          if (inside_a != inside_b || (inside_a && pa->second != pb->second))
            return false;
        }
      }
    }
    return true;
  }

  // The block calls between a node and an iteration are the same blocks for `a` and `b`.
  static bool same_calls(const Node &a, InstPtr top_a, const Node &b, InstPtr top_b) {
    InstPtr x = a.instantiation.get(), y = b.instantiation.get();
    for (; x != top_a && y != top_b; x = x->parent.get(), y = y->parent.get()) {
      if (!x || !y || x->block != y->block || x->repeat_index != y->repeat_index)
        return false;
    }
    return x == top_a && y == top_b;
  }

  bool drawn_instance(InstPtr inst) const {
    const std::vector<NodeId> &nodes = info(inst).nodes;
    return !nodes.empty() && !omitted_[nodes.front()];
  }

  // The nodes form a path, each the single input of the next and used by nothing else.
  bool is_chain(const std::vector<NodeId> &nodes) const {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node &node = graph_.node(nodes[i]);
      if (node.is_input())
        return false;
      if (i > 0 && (node.inputs.size() != 1 || node.inputs[0] != nodes[i - 1]))
        return false;
      if (i + 1 < nodes.size() && (consumers_[nodes[i]].size() != 1 || is_output_[nodes[i]]))
        return false;
    }
    return true;
  }

  void merge(Merged merged) {
    NodeId last = merged.chain.back();
    for (NodeId id : merged.chain) {
      merge_to_[id] = last;
      if (id != last)
        merged_.erase(id);
    }
    merged_[last] = std::move(merged);
  }

  void compact() {
    // Block calls that are a chain: conv_bn, sep_conv.
    for (InstPtr inst : insts_) {
      const InstInfo &in = info(inst);
      if (in.nested || in.nodes.empty() || !drawn_instance(inst) || !is_chain(in.nodes))
        continue;
      bool chainable = true, weighted = false;
      for (NodeId id : in.nodes) {
        chainable = chainable && is_chainable(graph_.node(id));
        weighted = weighted || is_weighted(graph_.node(id));
      }
      if (chainable && weighted)
        merge({inst, in.nodes, in.nodes.size()});
    }
    // conv (or linear, or such a block call) → batchnorm → activation written out in a body, as
    // ResNet's and Xception's are, and a residual sum with its activation.
    for (const Node &node : graph_.nodes) {
      if (omitted_[node.id] || merge_to_[node.id] != node.id)
        continue;
      auto m = merged_.find(node.id);
      Merged chain = m != merged_.end() ? m->second : Merged{nullptr, {node.id}, 0};
      if (!chain.block && !is_weighted(node) && (node.is_input() || node.kind() != OpKind::add))
        continue;
      InstPtr body = chain.block ? chain.block->parent.get() : node.instantiation.get();
      size_t length = chain.chain.size();
      auto extend = [&](auto accept) {
        NodeId last = chain.chain.back();
        if (consumers_[last].size() != 1 || is_output_[last])
          return false;
        const Node &next = graph_.node(consumers_[last][0]);
        if (next.instantiation.get() != body || next.inputs.size() != 1 || !accept(next))
          return false;
        chain.chain.push_back(next.id);
        return true;
      };
      if (chain.block || drawn_role(node) == DrawnRole::Conv ||
          drawn_role(node) == DrawnRole::DepthwiseConv)
        extend([](const Node &next) { return next.kind() == OpKind::batchnorm; });
      extend([](const Node &next) { return is_activation(next); });
      if (chain.chain.size() > std::max<size_t>(length, 1))
        merge(std::move(chain));
    }
  }

  NodeId folded(NodeId id) const {
    while (fold_to_[id] != id)
      id = fold_to_[id];
    return id;
  }
  NodeId rep(NodeId id) const { return merge_to_[folded(id)]; }

  // Errors by drawn node, with how many of the iterations a fold draws as one have them.
  void count_errors() {
    std::vector<int> total(graph_.nodes.size(), 0), failing(graph_.nodes.size(), 0);
    std::vector<int> first_failing(graph_.nodes.size(), 0);
    for (NodeId id = 0; id < graph_.nodes.size(); ++id) {
      NodeId f = folded(id);
      ++total[f];
      auto e = options_.errors.find(id);
      if (e == options_.errors.end())
        continue;
      if (failing[f]++ == 0)
        first_failing[f] = total[f];
      NodeId r = merge_to_[f];
      if (!error_text_.count(r))
        error_text_[r] = e->second;
      error_node_[r] = f;
    }
    for (auto &[r, text] : error_text_) {
      NodeId f = error_node_[r];
      if (total[f] <= 1)
        continue;
      if (failing[f] == total[f])
        text += fmt::format("\n(in all {} repeats)", total[f]);
      else if (failing[f] == 1)
        text += fmt::format("\n(in repeat {} of {})", first_failing[f], total[f]);
      else
        text += fmt::format("\n(in {} of {} repeats)", failing[f], total[f]);
    }
  }

  // -- Layout: which cluster each drawn node goes in --

  struct Cluster {
    InstPtr inst = nullptr;
    int depth = 0;
    std::vector<std::pair<bool, size_t>> items; // (is a cluster, cluster index or node id)
  };

  bool is_drawn(NodeId id) const { return !omitted_[id] && merge_to_[id] == id; }

  void place_nodes() {
    clusters_.push_back({});
    std::unordered_map<InstPtr, size_t> index;
    for (const Node &node : graph_.nodes) {
      if (!is_drawn(node.id))
        continue;
      auto m = merged_.find(node.id);
      InstPtr owner = m != merged_.end() && m->second.block ? m->second.block->parent.get()
                                                            : node.instantiation.get();
      size_t cur = 0;
      for (InstPtr inst : chain_from_root(owner)) {
        auto [it, fresh] = index.try_emplace(inst, clusters_.size());
        if (fresh) {
          clusters_.push_back({inst, clusters_[cur].depth + 1, {}});
          clusters_[cur].items.push_back({true, it->second});
        }
        cur = it->second;
      }
      clusters_[cur].items.push_back({false, node.id});
      owner_cluster_[node.id] = cur;
    }
  }

  // -- Edges --

  struct Edge {
    std::string from, to;
    std::vector<std::string> shapes; // of each value drawn as this edge, in order
    bool unknown = false;
    bool always_labelled = false; // into a node that failed, or out to an output
  };

  // `u` and `v` lie in different iterations of a folded repeat: the edge that threads it.
  bool crosses_iterations(NodeId u, NodeId v) const {
    for (auto [g, k] : members_[u])
      for (auto [h, l] : members_[v])
        if (g == h && k != l)
          return true;
    return false;
  }

  void add_edge(std::string from, std::string to, const TensorType &type, bool always_labelled) {
    auto [it, fresh] = edge_index_.try_emplace(from + "->" + to, edges_.size());
    if (fresh)
      edges_.push_back({std::move(from), std::move(to), {}, false, always_labelled});
    Edge &e = edges_[it->second];
    std::string shape = shape_label(type);
    if (e.shapes.empty() || e.shapes.back() != shape)
      e.shapes.push_back(shape);
    e.unknown = e.unknown || type.is_poison();
  }

  void collect_edges() {
    for (const Node &node : graph_.nodes) {
      for (NodeId in : node.inputs) {
        NodeId ru = rep(in), rv = rep(node.id);
        if (ru == rv || crosses_iterations(in, node.id))
          continue;
        add_edge(node_id(ru), node_id(rv), graph_.node(in).type, error_text_.count(rv) != 0);
      }
    }
    for (size_t i = 0; i < graph_.outputs.size(); ++i) {
      NodeId n = graph_.outputs[i].node;
      add_edge(node_id(rep(n)), fmt::format("out{}", i), graph_.node(n).type, true);
    }
  }

  static std::string node_id(NodeId id) { return fmt::format("n{}", id); }

  // -- Names --

  // The layer path of a block call: the dotted prefix its layers share ("features.6").
  const std::string &prefix_of(InstPtr inst) {
    auto cached = prefixes_.find(inst);
    if (cached != prefixes_.end())
      return cached->second;
    std::vector<llvm::StringRef> common;
    bool first = true;
    for (NodeId id : info(inst).nodes) {
      llvm::SmallVector<llvm::StringRef, 8> parts;
      llvm::StringRef(graph_.node(id).name).split(parts, '.');
      // Layers are named below their call, so a layer's whole name is not its call's.
      parts.pop_back();
      if (first)
        common.assign(parts.begin(), parts.end());
      size_t n = 0;
      while (n < common.size() && n < parts.size() && common[n] == parts[n])
        ++n;
      common.resize(n);
      first = false;
    }
    return prefixes_[inst] = llvm::join(common, ".");
  }

  std::string cluster_prefix(InstPtr inst) {
    std::string first = prefix_of(inst);
    auto f = folds_.find(inst);
    if (f == folds_.end())
      return first;
    return name_range(first, prefix_of(f->second->iterations.back()));
  }

  // A layer's name below the cluster it is drawn in.
  std::string local_name(const std::string &name, size_t cluster) {
    InstPtr inst = clusters_[cluster].inst;
    std::string prefix = inst ? prefix_of(inst) : "";
    if (!prefix.empty() && name.size() > prefix.size() &&
        name.compare(0, prefix.size(), prefix) == 0 && name[prefix.size()] == '.')
      return name.substr(prefix.size() + 1);
    return name;
  }

  int fold_count(InstPtr inst) const {
    auto f = folds_.find(inst);
    return f == folds_.end() ? 0 : static_cast<int>(f->second->iterations.size());
  }

  // -- Output --

  void emit(llvm::raw_ostream &os) {
    os << "digraph " << dot_quote(graph_.name) << " {\n";
    os << "  graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.32, fontname=\"Helvetica\", "
          "fontsize=18, labelloc=t, label=<<B>"
       << html_escape(graph_.name) << "</B>>, tooltip=" << dot_quote(graph_.name) << "];\n";
    os << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, "
          "height=0.32, margin=\"0.14,0.05\", penwidth=1.2];\n";
    os << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#6b7785\", fontcolor=\"#4a5563\", "
          "arrowsize=0.6, penwidth=1.1];\n";
    emit_cluster(os, 0, "  ");
    for (size_t i = 0; i < graph_.outputs.size(); ++i) {
      const GraphOutput &out = graph_.outputs[i];
      os << "  out" << i << " [shape=house, fillcolor=\"" << kEndFill << "\", color=\"" << kEndFill
         << "\", fontcolor=white, label=<<B>" << html_escape(out.name)
         << "</B><BR/><FONT POINT-SIZE=\"9\">"
         << html_escape(shape_label(graph_.node(out.node).type))
         << "</FONT>>, tooltip=" << dot_quote("output " + out.name) << "];\n";
    }
    // A value used several times has its shape written once, on its first edge, and again where
    // it meets a node that failed, whose operands' shapes are the point.
    std::map<std::string, std::string> labelled; // source -> the label it has written
    for (const Edge &e : edges_) {
      std::string label = e.shapes.front();
      if (e.shapes.size() > 1)
        label += " … " + e.shapes.back();
      auto [it, fresh] = labelled.try_emplace(e.from, label);
      os << "  " << e.from << " -> " << e.to << " [";
      if (fresh || it->second != label || e.always_labelled)
        os << "label=" << dot_quote(" " + label + " ") << ", ";
      if (e.unknown)
        os << "style=dashed, color=\"#b5b5b5\", fontcolor=\"" << kMutedText << "\", ";
      os << "tooltip=" << dot_quote(label) << "];\n";
    }
    os << "}\n";
  }

  void emit_cluster(llvm::raw_ostream &os, size_t index, const std::string &indent) {
    const Cluster &c = clusters_[index];
    std::string inner = indent;
    if (c.inst) {
      inner += "  ";
      int count = fold_count(c.inst);
      std::string label = "<B>" + html_escape(c.inst->block) + "</B>";
      if (count > 1)
        label += fmt::format(" <FONT COLOR=\"#2f5597\"><B>× {}</B></FONT>", count);
      std::string prefix = cluster_prefix(c.inst);
      if (!prefix.empty() && prefix != c.inst->block)
        label += "   <FONT COLOR=\"#6b7785\">" + html_escape(prefix) + "</FONT>";
      std::string tooltip = c.inst->block + (prefix.empty() ? "" : " " + prefix);
      if (count > 1)
        tooltip += fmt::format(" (repeat {}: the first iteration drawn)", count);
      const char *fill = kClusterFill[std::min<size_t>(c.depth - 1, std::size(kClusterFill) - 1)];
      os << indent << "subgraph cluster_" << index << " {\n";
      os << inner << "label=<" << label
         << ">; labeljust=l; fontsize=12; tooltip=" << dot_quote(tooltip) << ";\n";
      os << inner << "style=\"rounded,filled\"; fillcolor=\"" << (count > 1 ? "#eaf1fb" : fill)
         << "\"; color=\"" << (count > 1 ? "#4f78b5" : "#b3bdca")
         << "\"; penwidth=" << (count > 1 ? "1.8" : "1") << ";\n";
    }
    for (auto [is_cluster, item] : c.items) {
      if (is_cluster)
        emit_cluster(os, item, inner);
      else
        emit_node(os, static_cast<NodeId>(item), inner);
    }
    if (c.inst)
      os << indent << "}\n";
  }

  void emit_node(llvm::raw_ostream &os, NodeId id, const std::string &indent) {
    const Node &node = graph_.node(id);
    if (node.is_input()) {
      os << indent << node_id(id) << " [shape=invhouse, fillcolor=\"" << kEndFill << "\", color=\""
         << kEndFill << "\", fontcolor=white, label=<<B>" << html_escape(node.name)
         << "</B><BR/><FONT POINT-SIZE=\"9\">" << html_escape(shape_label(node.type))
         << "</FONT>>, tooltip=" << dot_quote("input " + node.name) << "];\n";
      return;
    }

    // What the node stands for: itself, or a chain drawn as one.
    auto m = merged_.find(id);
    const Merged *merged = m == merged_.end() ? nullptr : &m->second;
    std::vector<NodeId> members = merged ? merged->chain : std::vector<NodeId>{id};
    const Node *main = &graph_.node(members.front());
    std::vector<const Node *> weighted;
    for (size_t i = 0; i < (merged && merged->block ? merged->block_size : 0); ++i)
      if (is_weighted(graph_.node(members[i])))
        weighted.push_back(&graph_.node(members[i]));

    std::string head, detail, name;
    size_t first_detail = 1;
    if (merged && merged->block) {
      // conv_bn 3x3/2, 96; sep_conv 3x3, 728: the window of the first conv, the width of the last.
      main = weighted.front();
      head = merged->block->block + " ";
      if (weighted.size() == 1) {
        head += layer_spec(graph_, *main);
      } else {
        const Node &last = *weighted.back();
        std::string window =
            drawn_role(*main) == DrawnRole::Linear ? "" : window_text(main->attrs) + ", ";
        head += window + std::to_string(layer_width(last));
      }
      if (int count = fold_count(merged->block); count > 1)
        head += fmt::format(" × {}", count);
      name = prefix_of(merged->block);
      first_detail = merged->block_size;
    } else {
      head = op_label(graph_, *main);
      name = main->name;
    }
    for (size_t i = first_detail; i < members.size(); ++i)
      detail += (detail.empty() ? "+ " : " + ") + std::string(short_op(graph_.node(members[i])));
    if (options_.show_names)
      detail += (detail.empty() ? "" : "\n") + local_name(name, owner_cluster_[id]);

    auto error = error_text_.find(id);
    bool failed = error != error_text_.end();
    bool poison = node.type.is_poison();
    Style style = style_of(*main, weighted.size() <= 1 && is_depthwise(graph_, *main));

    std::string label = "<B>" + html_escape(head) + "</B>";
    if (!detail.empty())
      label += fmt::format("<BR/><FONT POINT-SIZE=\"8.5\" COLOR=\"{}\">{}</FONT>",
                           poison ? kMutedText : kDetailText, html_escape(detail));
    if (failed)
      label += fmt::format("<BR/><FONT POINT-SIZE=\"9.5\" COLOR=\"{}\">{}</FONT>", kErrorText,
                           html_escape(wrap(error->second)));

    std::string tooltip = name;
    for (NodeId n : members)
      tooltip += (n == members.front() ? "\n" : " → ") + std::string(graph_.node(n).op_name());
    tooltip += "\n" + shape_label(node.type);
    if (failed)
      tooltip += "\nerror: " + error->second;

    os << indent << node_id(id) << " [label=<" << label << ">";
    if (failed)
      os << ", fillcolor=\"" << kErrorFill << "\", color=\"" << kErrorBorder
         << "\", penwidth=2.2, fontcolor=\"" << kErrorText << "\"";
    else if (poison)
      os << ", style=\"rounded,filled,dashed\", fillcolor=\"#f7f7f7\", color=\"#c4c4c4\", "
            "fontcolor=\""
         << kMutedText << "\"";
    else
      os << ", fillcolor=\"" << style.fill << "\", color=\"" << style.border << "\"";
    if (std::string_view(style.shape) != "box")
      os << ", shape=" << style.shape;
    os << ", tooltip=" << dot_quote(tooltip) << "];\n";
  }

  const Graph &graph_;
  const GraphDotOptions &options_;

  std::vector<InstPtr> insts_; // every block call, in the order of its first node
  std::unordered_map<InstPtr, InstInfo> info_;
  std::vector<RepeatGroup> groups_;
  std::unordered_map<InstPtr, const RepeatGroup *> folds_; // first iteration -> its repeat
  std::vector<NodeId> fold_to_; // an omitted iteration's node -> the same node one iteration up
  std::vector<bool> omitted_;
  std::vector<NodeId> merge_to_; // a chain's node -> the node that draws the chain
  std::unordered_map<NodeId, Merged> merged_;
  std::vector<std::vector<std::pair<size_t, size_t>>> members_; // (folded repeat, iteration)
  std::vector<std::vector<NodeId>> consumers_;
  std::vector<bool> is_output_;

  std::map<NodeId, std::string> error_text_;
  std::unordered_map<NodeId, NodeId> error_node_;
  std::vector<Cluster> clusters_;
  std::unordered_map<NodeId, size_t> owner_cluster_;
  std::unordered_map<InstPtr, std::string> prefixes_;
  std::vector<Edge> edges_;
  std::unordered_map<std::string, size_t> edge_index_;
};

} // namespace

std::string dot_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      break;
    default:
      out += c;
    }
  }
  return out + "\"";
}

void write_dot(const Graph &graph, const GraphDotOptions &options, llvm::raw_ostream &os) {
  DotWriter(graph, options).write(os);
}

namespace {

// The node a diagnostic is about, if any: an `expect` that failed, else a node of the same
// instantiation whose call, or one of whose arguments, starts where the diagnostic points. Of
// several (a call that is another's first operand), the one the message names ("conv2d: ..."),
// else the outermost, which comes last.
std::optional<NodeId> node_of(const Graph &graph, const Diagnostic &d) {
  const char *at = d.loc.getPointer();
  for (const Expectation &e : graph.expectations)
    if (e.range.Start.getPointer() == at && e.instantiation == d.instantiation)
      return e.node;
  std::optional<NodeId> found;
  bool found_named = false;
  for (const Node &node : graph.nodes) {
    if (node.is_input() || node.instantiation != d.instantiation)
      continue;
    bool hit = node.range.Start.getPointer() == at;
    for (const auto &[name, range] : node.arg_ranges)
      hit = hit || range.Start.getPointer() == at;
    if (!hit)
      continue;
    std::string_view op = node.op_name();
    bool named = d.message.size() > op.size() && d.message.compare(0, op.size(), op) == 0 &&
                 (d.message[op.size()] == ':' || d.message[op.size()] == ' ');
    if (named || !found_named) {
      found = node.id;
      found_named = named;
    }
  }
  return found;
}

} // namespace

std::map<NodeId, std::string> errors_by_node(const Graph &graph,
                                             llvm::ArrayRef<Diagnostic> diagnostics) {
  std::map<NodeId, std::string> errors;
  for (const Diagnostic &d : diagnostics)
    if (d.severity == Severity::Error)
      if (std::optional<NodeId> id = node_of(graph, d))
        errors.try_emplace(*id, d.message);
  return errors;
}

} // namespace netc
