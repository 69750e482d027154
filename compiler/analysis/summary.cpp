#include "analysis/summary.h"

#include "support/checked_math.h"

#include "support/json_writer.h"

#include <fmt/format.h>

namespace netc {

Summary summarize(const Graph &graph) {
  Summary s;
  s.network = graph.name;
  for (const Node &node : graph.nodes) {
    if (node.is_input())
      continue;
    LayerRow row;
    row.name = node.name;
    row.op = std::string(node.op_name());
    row.type = node.type;
    for (const ParamSpec &p : node.params) {
      if (p.learnable)
        row.params = saturating_add(row.params, p.num_elements());
      else
        s.buffers = saturating_add(s.buffers, p.num_elements());
    }
    if (!node.type.is_poison()) {
      row.macs = node.op->macs(node.attrs, graph.input_types(node), node.type);
      row.activation_bytes = saturating_mul(node.type.num_elements().value_or(0), 4);
    }
    s.params = saturating_add(s.params, row.params);
    s.macs = saturating_add(s.macs, row.macs);
    s.activation_bytes = saturating_add(s.activation_bytes, row.activation_bytes);
    s.layers.push_back(std::move(row));
  }
  for (const GraphOutput &out : graph.outputs)
    s.outputs.push_back({out.name, graph.node(out.node).type});
  return s;
}

Summary group_by_depth(const Summary &summary, int depth) {
  if (depth <= 0)
    return summary;
  Summary grouped = summary;
  grouped.layers.clear();
  for (const LayerRow &row : summary.layers) {
    size_t cut = 0;
    for (int i = 0; i < depth && cut != std::string::npos; ++i)
      cut = row.name.find('.', i == 0 ? 0 : cut + 1);
    std::string key = cut == std::string::npos ? row.name : row.name.substr(0, cut);
    if (!grouped.layers.empty() && grouped.layers.back().name == key) {
      LayerRow &g = grouped.layers.back();
      g.op = "block";
      g.type = row.type; // the group's output is its last layer's
      g.params = saturating_add(g.params, row.params);
      g.macs = saturating_add(g.macs, row.macs);
      g.activation_bytes = saturating_add(g.activation_bytes, row.activation_bytes);
    } else {
      LayerRow g = row;
      g.name = key;
      if (key != row.name)
        g.op = "block";
      grouped.layers.push_back(std::move(g));
    }
  }
  return grouped;
}

std::string with_commas(int64_t value) {
  // A count that saturated (2^30-channel layers) is no number to print.
  if (is_saturated(value))
    return "overflow";
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

namespace {
std::string shape_text(const TensorType &t) {
  return t.is_poison() ? "<error>" : format_shape(t.shape());
}
} // namespace

void print_summary_text(const Summary &s, llvm::raw_ostream &os) {
  size_t name_width = 5;
  for (const LayerRow &row : s.layers)
    name_width = std::max(name_width, row.name.size());
  name_width = std::min<size_t>(name_width, 60);
  std::string header =
      fmt::format("{:<{}}  {:<16} {:<20} {:>13} {:>17} {:>14}", "layer", name_width, "op",
                  "output shape", "params", "MACs", "activations");
  std::string rule(header.size(), '-');
  os << "network " << s.network << "\n" << rule << "\n" << header << "\n" << rule << "\n";
  for (const LayerRow &row : s.layers)
    os << fmt::format("{:<{}}  {:<16} {:<20} {:>13} {:>17} {:>14}\n", row.name, name_width, row.op,
                      shape_text(row.type), with_commas(row.params), with_commas(row.macs),
                      with_commas(row.activation_bytes));
  os << rule << "\n";
  os << fmt::format("params:      {}\n", with_commas(s.params));
  os << fmt::format("buffers:     {} (batch-norm running statistics, not counted above)\n",
                    with_commas(s.buffers));
  os << fmt::format("MACs:        {}\n", with_commas(s.macs));
  os << fmt::format("activations: {} bytes (float32, all layer outputs)\n",
                    with_commas(s.activation_bytes));
  for (const auto &[name, type] : s.outputs)
    os << fmt::format("output {}: {}\n", name, shape_text(type));
}

void print_summary_json(const Summary &s, llvm::raw_ostream &os) {
  JsonWriter j(os);
  auto count = [&](int64_t value) {
    if (is_saturated(value))
      j.value("overflow");
    else
      j.value(value);
  };
  auto shape = [&](const TensorType &t) {
    j.begin_array();
    for (int64_t d : t.shape())
      j.value(d);
    j.end_array();
  };
  j.begin_object();
  j.field("network", s.network);
  j.key("params");
  count(s.params);
  j.key("macs");
  count(s.macs);
  j.key("buffers");
  count(s.buffers);
  j.key("activation_bytes");
  count(s.activation_bytes);
  j.key("outputs");
  j.begin_array();
  for (const auto &[name, type] : s.outputs) {
    j.begin_object();
    j.field("name", name);
    j.key("shape");
    shape(type);
    j.end_object();
  }
  j.end_array();
  j.key("layers");
  j.begin_array();
  for (const LayerRow &row : s.layers) {
    j.begin_object();
    j.field("name", row.name);
    j.field("op", row.op);
    j.key("shape");
    shape(row.type);
    j.key("params");
    count(row.params);
    j.key("macs");
    count(row.macs);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

} // namespace netc
