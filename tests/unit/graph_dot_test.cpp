// `netc graph`: the DOT text of a network, folded, labelled and coloured.
#include "analysis/graph_dot.h"
#include "support.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

using namespace netc;
using netc::testing::compile;

namespace {

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t count(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

std::string dot(const Graph &graph, const GraphDotOptions &options = {}) {
  std::string text;
  llvm::raw_string_ostream os(text);
  write_dot(graph, options, os);
  os.flush();
  return text;
}

// The statement that declares node `id`, or "" if it is not drawn.
std::string node_line(const std::string &text, NodeId id) {
  std::string start = fmt::format("n{} [", id);
  size_t at = text.find(start);
  while (at != std::string::npos && at > 0 && text[at - 1] != ' ')
    at = text.find(start, at + 1);
  if (at == std::string::npos)
    return "";
  return text.substr(at, text.find('\n', at) - at);
}

bool has_edge(const std::string &text, NodeId from, NodeId to) {
  return contains(text, fmt::format(" n{} -> n{} [", from, to));
}

// A block that is not a simple chain, so it stays a cluster.
const char *kRepeat = R"(
block unit(x) {
  a = conv2d(x, 8, 1)
  b = conv2d(x, 8, 3, pad=1)
  return concat(a, b) |> conv2d(16, 1)
}
network n(image: [16, 12, 12]) {
  x = repeat 4 unit(image)
  return global_avgpool(x) |> flatten() |> linear(10)
}
)";

} // namespace

TEST_CASE("a repeat is drawn once, labelled with its count") {
  auto r = compile(kRepeat);
  REQUIRE(r.errors == 0);
  std::string text = dot(r.graph());
  CHECK(count(text, "subgraph cluster_") == 1);
  CHECK(contains(text, "<B>unit</B> <FONT COLOR=\"#2f5597\"><B>× 4</B></FONT>"));
  CHECK(contains(text, "x.0–3")); // the layer paths of the first and last iteration

  const Node *first_in = r.find("x.0.a"), *first_out = r.find("x.0.conv2d");
  const Node *second = r.find("x.1.a"), *last_out = r.find("x.3.conv2d");
  const Node *pool = r.find("global_avgpool");
  REQUIRE((first_in && first_out && second && last_out && pool));
  CHECK(node_line(text, first_in->id) != "");
  CHECK(node_line(text, second->id) == "");
  CHECK(node_line(text, last_out->id) == "");
  // In from before the repeat, out to what follows, and nothing that loops back.
  CHECK(has_edge(text, r.graph().inputs[0], first_in->id));
  CHECK(has_edge(text, first_out->id, pool->id));
  CHECK_FALSE(has_edge(text, first_out->id, first_in->id));

  GraphDotOptions all;
  all.fold_repeats = false;
  std::string unfolded = dot(r.graph(), all);
  CHECK(count(unfolded, "subgraph cluster_") == 4);
  CHECK_FALSE(contains(unfolded, "× 4"));
  CHECK(node_line(unfolded, second->id) != "");
  CHECK(has_edge(unfolded, last_out->id, pool->id));
}

TEST_CASE("a repeat whose iterations differ is drawn in full") {
  auto r = compile(R"(
block grow(x) { return conv2d(x, x.C + 2, 1) }
network n(image: [4, 8, 8]) {
  x = repeat 3 grow(image)
  return x
}
)");
  REQUIRE(r.errors == 0);
  std::string text = dot(r.graph());
  CHECK_FALSE(contains(text, "× 3"));
  // A block that is a single conv is drawn as one node named after the block.
  CHECK(contains(text, "<B>grow 1x1, 6</B>"));
  CHECK(contains(text, "<B>grow 1x1, 8</B>"));
  CHECK(contains(text, "<B>grow 1x1, 10</B>"));
}

TEST_CASE("edges carry the shape of their value, batch left out") {
  auto r = compile(R"(
network n(image: [3, 8, 8]) {
  x = conv2d(image, 8, 3, stride=2)
  return flatten(x) |> linear(10)
}
)");
  std::string text = dot(r.graph());
  const Node *conv = r.find("x"), *flat = r.find("flatten"), *fc = r.find("linear");
  REQUIRE((conv && flat && fc));
  CHECK(
      contains(text, fmt::format("n{} -> n{} [label=\" 3×8×8 \"", r.graph().inputs[0], conv->id)));
  CHECK(contains(text, fmt::format("n{} -> n{} [label=\" 8×3×3 \"", conv->id, flat->id)));
  CHECK(contains(text, fmt::format("n{} -> n{} [label=\" 72 \"", flat->id, fc->id)));
  CHECK(contains(text, fmt::format("n{} -> out0 [label=\" 10 \"", fc->id)));
  CHECK(contains(text, "conv 3x3/2, 8"));
  CHECK(contains(text, "linear 10"));
}

TEST_CASE("a conv_bn call is one node; without compact, a cluster of three") {
  auto r = compile(R"(
import std.nn
network n(image: [3, 17, 17]) {
  x = conv_bn(image, 96, 3, stride=2)
  return x
}
)");
  REQUIRE(r.errors == 0);
  std::string text = dot(r.graph());
  CHECK(contains(text, "<B>conv_bn 3x3/2, 96</B>"));
  CHECK_FALSE(contains(text, "subgraph"));
  CHECK_FALSE(contains(text, "<B>batchnorm</B>"));

  GraphDotOptions full;
  full.compact = false;
  std::string expanded = dot(r.graph(), full);
  CHECK(count(expanded, "subgraph cluster_") == 1);
  CHECK(contains(expanded, "<B>batchnorm</B>"));
  CHECK(contains(expanded, "<B>relu</B>"));
}

TEST_CASE("a node that failed is red with its message, found from its diagnostic") {
  auto r = compile(R"(
block res(x) { return x + conv2d(x, x.C + 1, 1) }
network n(image: [4, 8, 8]) {
  y = repeat 3 res(image)
  return y
}
)");
  REQUIRE(r.errors == 1);
  // What the driver hands over: one diagnostic per instantiation, as the engine collects them.
  std::vector<Diagnostic> diagnostics;
  for (const Node &node : r.graph().nodes) {
    if (node.op_name() != "add")
      continue;
    Diagnostic d;
    d.loc = node.range.Start;
    d.message = "add: operands differ in channels: 4 (operand 1) vs 5 (operand 2) <&>";
    d.instantiation = node.instantiation;
    diagnostics.push_back(d);
  }
  REQUIRE(diagnostics.size() == 3);
  GraphDotOptions options;
  options.errors = errors_by_node(r.graph(), diagnostics);
  REQUIRE(options.errors.size() == 3);
  const Node *add = r.find("y.0.add");
  REQUIRE(add);
  CHECK(options.errors.count(add->id) == 1);

  std::string text = dot(r.graph(), options);
  std::string line = node_line(text, add->id);
  CHECK(contains(line, "fillcolor=\"#fde2e2\""));
  CHECK(contains(line, "color=\"#cc0000\""));
  CHECK(contains(line, "add: operands differ in channels: 4 (operand 1)"));
  CHECK(contains(line, "&lt;&amp;&gt;"));      // escaped for the HTML-like label
  CHECK(contains(line, "(in all 3 repeats)")); // folded, yet every iteration failed
  CHECK(contains(text, "× 3"));
  // Both operands of the failed add show their shapes, though the input is used twice.
  CHECK(contains(text, fmt::format("n{} -> n{} [label=\" 4×8×8 \"", r.graph().inputs[0], add->id)));
  CHECK(contains(text,
                 fmt::format("n{} -> n{} [label=\" 5×8×8 \"", r.find("y.0.conv2d")->id, add->id)));
}

TEST_CASE("an error in one iteration is said to be there") {
  auto r = compile(kRepeat);
  GraphDotOptions options;
  options.errors[r.find("x.2.concat")->id] = "concat: made up";
  std::string text = dot(r.graph(), options);
  std::string line = node_line(text, r.find("x.0.concat")->id);
  CHECK(contains(line, "concat: made up"));
  CHECK(contains(line, "(in repeat 3 of 4)"));
}

TEST_CASE("values whose shape is unknown are grey, their edges '?'") {
  auto r = compile(R"(
network n(image: [3, 4, 4]) {
  x = conv2d(image, 8, 7)
  y = maxpool(x, 2)
  return y
}
)");
  REQUIRE(r.errors == 1);
  const Node *conv = r.find("x"), *act = r.find("y");
  REQUIRE((conv && act && act->type.is_poison()));
  std::string text = dot(r.graph());
  CHECK(contains(node_line(text, act->id), "dashed"));
  CHECK(contains(text, fmt::format("n{} -> n{} [label=\" ? \", style=dashed", conv->id, act->id)));
}

TEST_CASE("errors are matched to expect statements and arguments") {
  auto r = compile(R"(
network n(image: [3, 8, 8]) {
  x = conv2d(image, 8, 3)
  expect x: [9, 6, 6]
  y = maxpool(x, 9)
  return y
}
)");
  REQUIRE(r.errors == 2);
  const Graph &g = r.graph();
  REQUIRE(g.expectations.size() == 1);
  const Node *pool = r.find("y");
  REQUIRE(pool);
  Diagnostic expect;
  expect.loc = g.expectations[0].range.Start;
  expect.message = "expected shape [9, 6, 6], but the value has shape [8, 6, 6]";
  Diagnostic kernel;
  kernel.loc = pool->range_of_argument("kernel").Start;
  kernel.message = "maxpool: kernel 9 is larger than the padded input 6";
  Diagnostic warning = kernel;
  warning.severity = Severity::Warning;
  auto errors = errors_by_node(g, {warning, expect, kernel});
  CHECK(errors.size() == 2);
  CHECK(errors[g.expectations[0].node] == expect.message);
  CHECK(errors[pool->id] == kernel.message);
}

TEST_CASE("DOT strings are escaped") {
  CHECK(dot_quote("plain") == "\"plain\"");
  CHECK(dot_quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(dot_quote("a\\b") == "\"a\\\\b\"");
  CHECK(dot_quote("two\nlines") == "\"two\\nlines\"");

  auto r = compile(kRepeat);
  GraphDotOptions options;
  options.errors[r.find("x.0.a")->id] = "a \"quoted\" name\\";
  std::string text = dot(r.graph(), options);
  // In the tooltip (a DOT string) and the label (HTML-like).
  CHECK(contains(text, "error: a \\\"quoted\\\" name\\\\\\n(in repeat 1 of 4)\""));
  CHECK(contains(text, "a &quot;quoted&quot; name\\"));
}

TEST_CASE("the output is deterministic and names the network") {
  auto r = compile(kRepeat);
  std::string a = dot(r.graph()), b = dot(r.graph());
  CHECK(a == b);
  CHECK(a.rfind("digraph \"n\" {", 0) == 0);
  CHECK(a.back() == '\n');
  CHECK(contains(a, "rankdir=TB"));
}
