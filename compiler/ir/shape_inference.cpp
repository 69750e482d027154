#include "ir/shape_inference.h"

#include "support/checked_math.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

namespace netc {

namespace {

// Larger dimensions are refused: they can only be mistakes, and they would overflow counts.
constexpr int64_t kMaxDim = std::numeric_limits<int32_t>::max();

// A tensor of more than 2^31 elements per sample (8 GiB of float32) is almost surely a typo,
// like a channel count of 2^30: warn before anyone tries to allocate it. The batch is left out,
// so the warning is about the architecture, not about --batch.
constexpr int64_t kHugeElements = int64_t{1} << 31;

// The number of elements of `dims`, or nullopt past 2^63.
std::optional<int64_t> element_count(llvm::ArrayRef<int64_t> dims) {
  std::optional<int64_t> elements = 1;
  for (int64_t d : dims)
    if (elements)
      elements = checked_mul(*elements, d);
  return elements;
}

bool is_huge(std::optional<int64_t> elements) {
  return !elements || *elements > kHugeElements;
}

std::string describe_size(std::optional<int64_t> elements) {
  if (!elements)
    return "more than 2^63 elements";
  return fmt::format("{} elements ({} GiB of float32)", *elements,
                     (*elements / (int64_t{1} << 28)));
}

// Warns about the node that first makes a huge tensor (not every node after it) and about
// each huge parameter.
void warn_huge(const Node &node, llvm::ArrayRef<TensorType> inputs, DiagnosticEngine &diags) {
  auto warn = [&](std::string message) {
    Diagnostic d;
    d.severity = Severity::Warning;
    d.rule = rules::kHugeTensor;
    d.loc = node.range.Start;
    d.ranges = {node.range};
    d.message = std::move(message);
    d.instantiation = node.instantiation;
    d.node = node.id;
    diags.report(std::move(d));
  };
  bool input_huge = std::any_of(inputs.begin(), inputs.end(), [](const TensorType &t) {
    return is_huge(element_count(t.sample_shape()));
  });
  std::optional<int64_t> out = element_count(node.type.sample_shape());
  if (is_huge(out) && !input_huge)
    warn(fmt::format("{}: its output {} has {} per sample; more than 2^31 is almost surely a "
                     "mistake",
                     node.op->name(), format_sample_shape(node.type), describe_size(out)));
  for (const ParamSpec &p : node.params) {
    std::optional<int64_t> elements = element_count(p.shape);
    if (is_huge(elements))
      warn(fmt::format("{}: its {} {} has {}; more than 2^31 is almost surely a mistake",
                       node.op->name(), p.name, format_shape(p.shape), describe_size(elements)));
  }
}

std::vector<const Instantiation *> chain_from_root(const Instantiation *inst) {
  std::vector<const Instantiation *> chain;
  for (; inst; inst = inst->parent.get())
    chain.push_back(inst);
  std::reverse(chain.begin(), chain.end());
  return chain;
}

} // namespace

NodeId shape_origin(const Graph &graph, NodeId id) {
  while (true) {
    const Node &n = graph.node(id);
    if (n.is_input() || !n.op->preserves_shape() || n.inputs.empty())
      return id;
    id = n.inputs[0];
  }
}

Note origin_note(const Graph &graph, NodeId id, const Instantiation *from,
                 const std::string &label) {
  const Node &origin = graph.node(shape_origin(graph, id));
  std::string shape = format_sample_shape(graph.node(id).type);
  if (origin.is_input())
    return {origin.range.Start,
            fmt::format("{} has shape {}: the network input '{}'", label, shape, origin.name),
            {origin.range}};
  std::string what = origin.op->describe(origin.attrs, graph.input_types(origin));

  // If the origin lies inside a block call that the node `from` is not in, point at that call.
  auto origin_chain = chain_from_root(origin.instantiation.get());
  auto from_chain = chain_from_root(from);
  size_t common = 0;
  while (common < origin_chain.size() && common < from_chain.size() &&
         origin_chain[common] == from_chain[common])
    ++common;
  if (common < origin_chain.size()) {
    const Instantiation *call = origin_chain[common];
    // A call that is the origin of the whole value reads best as "this call of 'block'".
    // The layer's name differs in each instantiation; the same mistake folds without it.
    return {call->call_site.Start,
            fmt::format("{} has shape {}, from this call of '{}' ({}: {})", label, shape,
                        call->block, origin.name, what),
            {call->call_site},
            fmt::format("{} has shape {}, from this call of '{}' ({})", label, shape, call->block,
                        what)};
  }
  return {origin.range.Start,
          fmt::format("{} has shape {}, from this {}", label, shape, what),
          {origin.range}};
}

bool infer_node(Graph &graph, NodeId id, DiagnosticEngine &diags) {
  Node &node = graph.node(id);
  std::vector<TensorType> inputs = graph.input_types(node);
  for (const TensorType &t : inputs) {
    if (t.is_poison()) {
      node.type = TensorType::poison();
      node.params.clear();
      return true;
    }
  }
  ShapeResult result = node.op->infer(node.attrs, inputs);
  if (!result.error && !result.type.is_poison()) {
    for (int64_t d : result.type.shape()) {
      if (d <= 0 || d > kMaxDim) {
        result = ShapeError{rules::kInvalidAttribute,
                            fmt::format("{}: output shape {} has a dimension {} {}",
                                        node.op->name(), format_sample_shape(result.type), d,
                                        d <= 0 ? "that is not positive" : "too large"),
                            "",
                            {}};
        break;
      }
    }
  }
  node.type = result.type;
  node.params.clear();
  if (!node.type.is_poison()) {
    node.params = node.op->params(node.attrs, inputs);
    warn_huge(node, inputs, diags);
  }
  if (!result.error)
    return true;

  const ShapeError &e = *result.error;
  Diagnostic d;
  d.rule = e.rule;
  llvm::SMRange at = e.argument.empty() ? node.range : node.range_of_argument(e.argument);
  d.loc = at.Start;
  d.ranges = {at};
  d.message = e.message;
  d.instantiation = node.instantiation;
  for (unsigned i : e.traced_inputs) {
    if (i >= node.inputs.size())
      continue;
    std::string label = node.inputs.size() == 1 ? "the input" : fmt::format("operand {}", i + 1);
    d.notes.push_back(origin_note(graph, node.inputs[i], node.instantiation.get(), label));
  }
  diags.report(std::move(d));
  return false;
}

bool expectation_holds(const Graph &graph, const Expectation &expectation) {
  const TensorType &type = graph.node(expectation.node).type;
  if (type.is_poison())
    return false;
  llvm::ArrayRef<int64_t> actual = type.sample_shape();
  if (actual.size() != expectation.dims.size())
    return false;
  for (size_t i = 0; i < actual.size(); ++i)
    if (expectation.dims[i] && *expectation.dims[i] != actual[i])
      return false;
  return true;
}

std::string format_expected_shape(const Expectation &expectation) {
  std::vector<std::string> wanted;
  for (const auto &d : expectation.dims)
    wanted.push_back(d ? std::to_string(*d) : "_");
  return fmt::format("[{}]", fmt::join(wanted, ", "));
}

bool check_expectation(const Graph &graph, const Expectation &expectation,
                       DiagnosticEngine &diags) {
  const Node &node = graph.node(expectation.node);
  // A poison value's mistake is reported already.
  if (node.type.is_poison() || expectation_holds(graph, expectation))
    return true;

  Diagnostic d;
  d.rule = rules::kExpectMismatch;
  d.loc = expectation.range.Start;
  d.ranges = {expectation.range};
  d.message = fmt::format("expected shape {}, but the value has shape {}",
                          format_expected_shape(expectation), format_sample_shape(node.type));
  d.instantiation = expectation.instantiation;
  d.node = expectation.node;
  d.notes.push_back(
      origin_note(graph, expectation.node, expectation.instantiation.get(), "the value"));
  diags.report(std::move(d));
  return false;
}

} // namespace netc
