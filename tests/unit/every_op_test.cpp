// tests/backend/ops.netc is the every_op network: check_backend runs it on every CPU target
// against the reference executor, check_cuda_compile compiles it with nvcc, and
// check_pytorch_emitter compares its PyTorch module with the reference. This test walks the op
// table (ir/ops.def) and fails when an op is missing from it, so that no op escapes those checks.
#include "ops/registry.h"
#include "support.h"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace netc;

namespace {

std::string read_every_op() {
  std::ifstream in(std::string(NETC_SOURCE_DIR) + "/tests/backend/ops.netc");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Ops the elaborator rewrites into another op, so the graph never holds them: they count as
// covered when the source calls them (their lowering is the other op's).
bool canonicalised_away(OpKind op) {
  return op == OpKind::depthwise_conv2d; // a conv2d with groups = channels
}

} // namespace

TEST_CASE("every op of ir/ops.def appears in tests/backend/ops.netc (the every_op network)") {
  const std::string text = read_every_op();
  REQUIRE(!text.empty());
  testing::Result r = testing::compile(text);
  REQUIRE_MESSAGE(r.errors == 0, r.diagnostics);
  std::set<OpKind> in_graph;
  for (const Node &node : r.graph().nodes)
    if (!node.is_input())
      in_graph.insert(node.kind());
  for (const auto &op : all_ops()) {
    bool covered = canonicalised_away(op->kind())
                       ? text.find(std::string(op->name()) + "(") != std::string::npos
                       : in_graph.count(op->kind()) != 0;
    CHECK_MESSAGE(covered, "op '" << op->name()
                                  << "' is not in tests/backend/ops.netc: add it there so that "
                                     "check_backend, check_cuda_compile and "
                                     "check_pytorch_emitter exercise it");
  }
}
