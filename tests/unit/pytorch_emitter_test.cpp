// The PyTorch emitter knows every registered op and refuses, naming the layer, what it cannot
// write. That its modules compute what the reference executor computes is checked with PyTorch
// itself (tests/pytorch/check_pytorch_emitter.py); its text, by lit (tests/lit/emit/pytorch.test).
#include "ops/registry.h"
#include "pytorch/python_names.h"
#include "pytorch/pytorch_emitter.h"
#include "support.h"

#include <netc/error.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <set>

using namespace netc;

namespace {

// Every op of the DSL once.
const char *kEveryOp = R"(
network every_op(x: [4, 12, 12]) {
  a = conv2d(x, 8, 3, pad=1) |> batchnorm() |> relu() |> relu6() |> sigmoid() |> tanh()
      |> silu() |> hardswish() |> hardsigmoid() |> gelu()
  b = depthwise_conv2d(a, 3, pad=1) |> identity() |> lrn(size=3) |> zeropad([1, 0, 1, 0])
  c = maxpool(b, 2) |> avgpool(2, stride=1) |> adaptive_avgpool(2)
  d = concat(c, c) + concat(c, c) * 0.5
  d = d * global_avgpool(d)
  e = layernorm(d) |> pointwise_linear(6) |> layer_scale() |> chunk(2, 1) |> channel_shuffle(3)
  return global_avgpool(d) |> flatten() |> dropout() |> linear(3) |> softmax(), e
}
)";

} // namespace

TEST_CASE("the PyTorch emitter writes every registered op") {
  testing::Result r = testing::compile(kEveryOp);
  REQUIRE(r.errors == 0);
  std::set<std::string_view> used;
  for (const Node &node : r.graph().nodes)
    if (!node.is_input())
      used.insert(node.op_name());
  for (const auto &op : all_ops()) {
    CAPTURE(op->name());
    // depthwise_conv2d is a conv2d by the time a graph exists.
    CHECK((used.count(op->name()) != 0 || op->name() == "depthwise_conv2d"));
  }
  EmittedFile file = emit_pytorch(r.graph(), {"every_op.netc", "netc emit", "netc 0.1.0"});
  CHECK(file.name == "every_op.py");
  CHECK(file.text.find("class EveryOp(nn.Module):") != std::string::npos);
}

TEST_CASE("netc's names and numbers spelled in Python") {
  CHECK(python_variable("features.6.branch1.0") == "features_6_branch1_0");
  CHECK(python_variable("0") == "_0");
  CHECK(python_variable("lambda") == "lambda_");
  CHECK(is_python_identifier("conv1"));
  CHECK_FALSE(is_python_identifier("0"));
  CHECK_FALSE(is_python_identifier("class"));
  CHECK(python_string("a\"b\\c\n") == "\"a\\\"b\\\\c\\x0a\"");
  CHECK(python_float(1e-5) == "1e-05");
  CHECK(python_float(0.001) == "0.001");
  CHECK(python_float(1.0) == "1.0");
  CHECK(python_float(0.1 + 0.2) == "0.30000000000000004"); // reads back as the same double
  CHECK(python_float(-INFINITY) == "float(\"-inf\")");
  CHECK(clashes_with_module_attribute("train"));
  CHECK(clashes_with_module_attribute("keys")); // nn.ModuleDict's
  CHECK(clashes_with_module_attribute("__init__"));
  CHECK_FALSE(clashes_with_module_attribute("features"));
}
