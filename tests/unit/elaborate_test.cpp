// Elaboration: blocks inlined, names given, shapes inferred, mistakes reported once.
#include "support.h"

#include <doctest/doctest.h>

using namespace netc;
using netc::testing::compile;

namespace {
bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE("names follow variables, numbering, sequential and `as`") {
  auto r = compile(R"(
block unit(x) {
  branch1 = conv2d(x, 8, 1) |> relu() |> conv2d(8, 3, pad=1)
  branch0 = conv2d(x, 8, 1) as "repeat"
  return concat(branch0, branch1)
}
network n(image: [3, 8, 8]) {
  sequential features {
    x = conv2d(image, 4, 3, pad=1)
    x = repeat 2 unit(x)
  }
  y = conv2d(x, 4, 1) as head.conv
  return y
}
)");
  CHECK(r.errors == 0);
  CHECK(r.find("features.0"));
  CHECK(r.find("features.1.branch1.0"));
  CHECK(r.find("features.1.branch1.1"));
  CHECK(r.find("features.1.branch1.2"));
  CHECK(r.find("features.2.repeat"));
  CHECK(r.find("features.2.concat"));
  CHECK(r.find("head.conv"));
  CHECK(r.graph().outputs.at(0).name == "y");
}

TEST_CASE("a variable assigned several layers is numbered; a single one is not") {
  auto r = compile(R"(
network n(image: [3, 8, 8]) {
  x = conv2d(image, 4, 3)
  x = relu(x)
  single = conv2d(x, 4, 1)
  return single
}
)");
  CHECK(r.find("x.0"));
  CHECK(r.find("x.1"));
  CHECK(r.find("single"));
}

TEST_CASE("repeat threads the value through the calls") {
  auto r = compile(R"(
block grow(x, by) { return conv2d(x, x.C + by, 1) }
network n(image: [4, 8, 8]) {
  y = repeat 3 grow(image, 2)
  expect y: [10, 8, 8]
  z = y |> repeat 2 grow(by=1)
  expect z: [12, 8, 8]
  return z
}
)");
  CHECK(r.errors == 0);
  // A body that changes the shape it is given is legal but suspicious.
  CHECK(contains(r.diagnostics, "4:7: warning: iteration 1 of 3 of 'grow' turns [4, 8, 8] into "
                                "[6, 8, 8], so the iterations of this repeat see different shapes "
                                "[-Wrepeat-shape-change]"));
  CHECK(contains(r.diagnostics, "6:12: warning: iteration 1 of 2 of 'grow' turns [10, 8, 8] "
                                "into [11, 8, 8]"));
}

TEST_CASE("if chooses layers at elaboration time; defaults see earlier parameters") {
  auto r = compile(R"(
block res(x, planes, stride=1, project=stride != 1 or x.C != planes) {
  y = conv2d(x, planes, 3, stride=stride, pad=1)
  if project {
    shortcut = conv2d(x, planes, 1, stride=stride)
  } else {
    shortcut = x
  }
  return y + shortcut
}
network n(image: [8, 16, 16]) {
  a = res(image, 8)
  b = res(a, 16, stride=2)
  expect b: [16, 8, 8]
  return b
}
)");
  CHECK(r.diagnostics == "");
  CHECK_FALSE(r.find("a.shortcut"));
  CHECK(r.find("b.shortcut"));
}

TEST_CASE("an error in every instantiation is reported once") {
  auto r = compile(R"(
block body(x) {
  up = conv2d(x, 10, 1)
  return x + up
}
network n(image: [8, 4, 4]) {
  y = repeat 5 body(image)
  return y
}
)");
  CHECK(r.errors == 1);
  CHECK(contains(r.diagnostics,
                 "test.netc:4:10: error: add: operands differ in channels: 8 (operand 1) vs 10 "
                 "(operand 2)"));
  CHECK(contains(r.diagnostics, "note: operand 1 has shape [8, 4, 4]: the network input 'image'"));
  CHECK(contains(r.diagnostics, "note: operand 2 has shape [10, 4, 4], from this conv2d with 10 "
                                "filters"));
  CHECK(contains(r.diagnostics, "note: in repeat 1 of 5 of 'body', called here (and 4 more "
                                "instantiations)"));
}

TEST_CASE("a poison shape does not cascade") {
  auto r = compile(R"(
network n(image: [3, 4, 4]) {
  x = conv2d(image, 8, 7)
  y = conv2d(x, 8, 3) |> relu() |> linear(10)
  expect y: [10]
  return y
}
)");
  CHECK(r.errors == 1);
  CHECK(contains(r.diagnostics, "kernel 7 is larger than the padded input 4"));
}

TEST_CASE("call mistakes: unknown names, arguments and types") {
  auto r = compile(R"(
block f(x, n) { return conv2d(x, n, 1) }
network net(image: [3, 4, 4]) {
  a = conv2d(image, 8, 3, strid=2)
  b = f(image)
  c = f(image, 1, 2)
  d = conv2d(image, "eight", 3)
  e = conv2b(image, 8, 3)
  g = relu(imgae)
  h = f
  return image
}
)");
  CHECK(r.errors == 7);
  CHECK(contains(r.diagnostics, "4:27: error: conv2d has no parameter 'strid' (did you mean "
                                "'stride'?); it takes conv2d(x, filters, kernel, stride, pad, "
                                "dilation, groups, bias, in_channels)"));
  CHECK(contains(r.diagnostics,
                 "5:7: error: missing argument 'n': 'f' takes 2 arguments, 1 given: f(x, n)"));
  CHECK(contains(r.diagnostics, "note: 'f' is defined here"));
  CHECK(contains(r.diagnostics,
                 "6:19: error: too many arguments: 'f' takes 2 arguments, 3 given: f(x, n)"));
  CHECK(contains(r.diagnostics, "7:21: error: argument 'filters' of conv2d must be an int, not "
                                "a string"));
  CHECK(contains(r.diagnostics, "8:7: error: unknown operation or block 'conv2b'; did you mean "
                                "'conv2d'?"));
  CHECK(contains(r.diagnostics, "9:12: error: unknown name 'imgae'; did you mean 'image'?"));
  CHECK(contains(r.diagnostics, "10:7: error: 'f' is a block; call it: f(...)"));
}

TEST_CASE("recursion is refused") {
  auto r = compile(R"(
block a(x) { return b(x) }
block b(x) { return a(x) }
network n(image: [3, 4, 4]) { return a(image) }
)");
  CHECK(r.errors == 1);
  CHECK(contains(r.diagnostics, "error: block 'a' calls itself; recursion is not allowed"));
  CHECK(contains(r.diagnostics, "note: in 'b', called here"));
}

TEST_CASE("failed expect names both shapes and the origin") {
  auto r = compile(R"(
network n(image: [3, 299, 299]) {
  x = conv2d(image, 32, 3, stride=2)
  expect x: [32, 150, 150]
  return x
}
)");
  CHECK(contains(r.diagnostics, "4:3: error: expected shape [32, 150, 150], but the value has "
                                "shape [32, 149, 149]"));
  CHECK(contains(r.diagnostics, "3:7: note: the value has shape [32, 149, 149], from this "
                                "conv2d with 32 filters"));
}

TEST_CASE("arithmetic: exact division, rounding division, overflow") {
  auto r = compile(R"(
network n(image: [12, 4, 4]) {
  a = conv2d(image, image.C / 4, 1)
  expect a: [3, 4, 4]
  b = conv2d(image, image.C // 5, 1)
  expect b: [2, 4, 4]
  c = conv2d(image, image.C / 5, 1)
  d = conv2d(image, 9223372036854775807 + 1, 1)
  return a
}
)");
  CHECK(r.errors == 2);
  CHECK(contains(r.diagnostics, "7:21: error: 12 / 5 leaves a remainder; use '//' to round down"));
  CHECK(contains(r.diagnostics, "8:21: error: integer overflow"));
}

TEST_CASE("explicit layer names may not collide") {
  auto r = compile(R"(
network n(image: [3, 4, 4]) {
  a = conv2d(image, 4, 1) as conv
  b = conv2d(a, 4, 1) as conv
  return b
}
)");
  CHECK(contains(r.diagnostics, "4:7: error: layer name 'conv' is already taken"));
  CHECK(contains(r.diagnostics, "3:7: note: first used here"));
}

TEST_CASE("limits stop runaway elaboration") {
  auto r = compile(R"(
block f(x) { return x }
block g(x) { return repeat 100000 f(x) }
block h(x) { return repeat 100000 g(x) }
network n(image: [3, 4, 4]) { return h(image) }
)");
  CHECK(contains(r.diagnostics, "elaboration stopped after 1000000 calls"));
}

TEST_CASE("networks with several outputs") {
  auto r = compile(R"(
network n(image: [3, 8, 8]) {
  trunk = conv2d(image, 4, 3)
  aux = global_avgpool(trunk) |> flatten() |> linear(2)
  logits = global_avgpool(trunk) |> flatten() |> linear(10)
  return logits, aux
}
)");
  REQUIRE(r.graph().outputs.size() == 2);
  CHECK(r.graph().outputs[0].name == "logits");
  CHECK(r.graph().outputs[1].name == "aux");
  CHECK(r.graph().node(r.graph().outputs[1].node).type == TensorType::nf(1, 2));
}

TEST_CASE("computed names, number helpers, repeat 0 and `as` inside a named sequential") {
  auto r = compile(R"(
block half(c) {
  return max(8, int(c / 2.0) // 8 * 8)
}
network n(image: [3, 8, 8]) {
  sequential features {
    x = conv2d(image, half(36), 1) as conv0
    x = repeat 0 conv2d(x, 4, 1)
    for i in range(2) {
      x = conv2d(x, [4, 6][i], 1) as "layer{i + 1}"
    }
    x = relu(x)
  }
  expect x: [round(5.5), 8, 8]
  return x
}
)");
  CHECK(r.errors == 0);
  CHECK(r.find("features.conv0"));
  CHECK(r.find("features.layer1"));
  CHECK(r.find("features.layer2"));
  CHECK(r.find("features.3")); // conv0, layer1, layer2 took 0..2; repeat 0 took none
  CHECK(!r.find("features.half"));
}
