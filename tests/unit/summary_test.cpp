#include "analysis/summary.h"
#include "support.h"

#include <doctest/doctest.h>

#include <limits>

using namespace netc;

TEST_CASE("parameters are counted as PyTorch counts them") {
  auto r = testing::compile(R"(
network n(image: [3, 32, 32]) {
  x = conv2d(image, 6, 5) |> batchnorm() |> relu()
  return flatten(x) |> linear(10)
}
)");
  Summary s = summarize(r.graph());
  // conv 6*3*5*5 + 6, batch norm 6 + 6 (running statistics are buffers), linear 6*28*28*10 + 10
  CHECK(s.params == 456 + 12 + 47050);
  CHECK(s.buffers == 12);
  CHECK(s.macs == 6LL * 28 * 28 * 75 + 4704 * 10);
  REQUIRE(s.layers.size() == 5);
  CHECK(s.layers[0].name == "x.0");
  CHECK(s.layers[0].activation_bytes == 6 * 28 * 28 * 4);
}

TEST_CASE("grouping by depth sums a block's layers") {
  auto r = testing::compile(R"(
block two(x) { a = conv2d(x, 4, 1)  return conv2d(a, 4, 1) }
network n(image: [4, 8, 8]) { b = two(image)  return b }
)");
  Summary s = group_by_depth(summarize(r.graph()), 1);
  REQUIRE(s.layers.size() == 1);
  CHECK(s.layers[0].name == "b");
  CHECK(s.layers[0].params == 2 * (16 + 4));
}

TEST_CASE("with_commas") {
  CHECK(with_commas(42679816) == "42,679,816");
  CHECK(with_commas(999) == "999");
  CHECK(with_commas(1000) == "1,000");
  CHECK(with_commas(0) == "0");
  CHECK(with_commas(std::numeric_limits<int64_t>::max()) == "overflow"); // saturated
}
