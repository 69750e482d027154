// The reference executor against PyTorch: each op on a tiny network, with the numbers
// tests/reference/reference_executor_cases.py prints (PyTorch 1.13, float64).
#include "reference/reference_executor.h"
#include "support.h"

#include <netc/error.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace netc;

namespace {

using Shape = std::vector<int64_t>;

int64_t count(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

// The script's pattern(): values k/8 in [-1, 1], exact in float and double.
HostTensor pattern(const Shape &shape, int seed, double offset = 0) {
  HostTensor t{shape, {}};
  for (int64_t i = 0; i < count(shape); ++i)
    t.data.push_back(static_cast<double>((i * 7 + seed * 3) % 17 - 8) / 8 + offset);
  return t;
}

// The script's positive(): for running variances.
HostTensor positive(const Shape &shape, int seed) {
  HostTensor t{shape, {}};
  for (int64_t i = 0; i < count(shape); ++i)
    t.data.push_back(static_cast<double>((i * 7 + seed * 3) % 17 + 1) / 8);
  return t;
}

HostTensor scaled(HostTensor t, double factor) {
  for (double &v : t.data)
    v *= factor;
  return t;
}

// Compiles `text` (one network) at `batch`; fails the test on any diagnostic.
testing::Result compile_at(const std::string &text, int64_t batch = 1) {
  testing::Result r;
  CompileOptions options;
  options.elaborate.batch = batch;
  r.file = compile_buffer(text, "test.netc", options);
  llvm::raw_string_ostream os(r.diagnostics);
  r.errors = r.file.diags->flush(os).errors;
  os.flush();
  INFO(r.diagnostics);
  REQUIRE(r.errors == 0);
  REQUIRE(r.file.graphs.size() == 1);
  return r;
}

void check_values(const HostTensor &got, const Shape &shape, const std::vector<double> &want) {
  REQUIRE(got.shape == shape);
  REQUIRE(got.data.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    CHECK(got.data[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
}

// Pasted from reference_executor_cases.py's output.
// clang-format off
const std::vector<double> k_conv3x3 = {
    258.5, 294.5, 402.5, 438.5};
const std::vector<double> k_conv_groups = {
    1.078125, 1.65625, 0.15625, 1.578125, -1.203125, 0.890625, 0.0625, 0.03125, -1.078125, -1.71875,
    0.671875, 0.28125, -2.1875, 0.15625, 1.125, -0.125, -0.09375, 0.703125, 0.796875, -1.375,
    0.9375, 1.484375, -0.875, -0.234375, -0.3125, 0.046875, -1.765625, 2.171875, 0.625, -2.59375,
    -0.53125, -3.859375, 2.03125, -2.515625, 1.59375, 1.6875, -2.546875, 3.0, 2.75, 1.1875, 0.8125,
    -4.25, 0.15625, -2.609375, 0.453125, 1.234375, -2.328125, 0.390625, -0.015625, -1.15625, 1.6875,
    -1.421875, 0.09375, -1.3125, 1.03125, 0.21875, 0.3125, 0.859375, -2.140625, -0.84375, -1.46875,
    2.609375, 0.4375, -0.296875, -0.15625, 1.046875, 0.890625, 1.59375, -0.890625, 1.140625,
    -0.890625, 2.5625, 0.5, 1.0625, 0.453125, -0.671875, -0.25, -1.203125, -2.09375, 0.390625,
    0.4375, -3.03125, 0.21875, -0.078125, 0.578125, 1.53125, 1.046875, 1.15625, 0.15625, 0.25,
    1.6875, -2.375, -0.765625, -1.34375, 0.609375, -1.0, -0.015625, 0.28125, 1.484375, -0.5, 0.875,
    -0.125, 0.984375, -1.109375, 1.46875, 0.40625, 0.9375, 0.328125};
const std::vector<double> k_conv_same = {
    -0.59375, -4.34375, -3.3125, 1.015625, -0.046875, 2.84375, 3.875, 1.015625, 1.828125, -0.59375,
    -4.34375, -2.703125, -1.890625, -0.34375, 2.265625, 0.78125, 0.25, 3.609375, 3.515625, 0.25,
    1.359375, 0.46875, -2.28125, -1.234375, -0.71875, 0.25, 3.609375, 4.453125, 1.5, 2.296875,
    -0.359375, -1.140625, -0.234375, -2.515625, -2.9375, -1.046875, -1.21875, -0.578125, 2.71875,
    0.5, -0.875, -0.234375, -2.515625, -2.46875, -2.28125, -2.234375, -1.125, 1.984375};
const std::vector<double> k_maxpool_ceil = {
    -1.125, -1.125, -1.5, -1.875, -1.0, -1.125, -1.5, -1.875, -1.125, -1.25, -1.0, -1.0, -1.375,
    -1.375, -1.75, -2.125, -1.25, -1.5, -1.0, -1.125, -1.375, -1.5, -1.0, -1.25, -1.5, -1.0, -1.0,
    -1.375, -1.75, -1.75, -1.25, -2.5};
const std::vector<double> k_maxpool_dilated = {
    -1.0, -2.125, -1.25, -2.5, -2.0, -1.125, -2.375, -1.5, -1.0, -2.25, -1.375, -1.0, -2.125, -1.25,
    -2.5, -1.625, -1.25, -2.5, -1.625, -1.125, -2.375, -1.5, -1.0, -1.875, -1.375, -1.0, -1.75,
    -1.0, -2.5, -1.625, -1.125, -2.0};
const std::vector<double> k_avgpool_with_pad = {
    -0.9166666666666666, -1.2083333333333333, -1.4583333333333333, -0.7916666666666666,
    -1.0833333333333333, -1.8472222222222223, -2.2222222222222223, -1.1458333333333333,
    -1.1666666666666667, -1.9722222222222223, -2.111111111111111, -0.8541666666666666,
    -0.6041666666666666, -0.9583333333333334, -1.1458333333333333, -0.53125, -0.8472222222222222,
    -1.4583333333333333, -1.2361111111111112, -0.5625, -1.3333333333333333, -2.2222222222222223,
    -1.8888888888888888, -0.9791666666666666, -1.4166666666666667, -2.111111111111111,
    -1.7777777777777777, -1.0416666666666667, -0.7291666666666666, -1.1458333333333333,
    -0.9791666666666666, -0.625};
const std::vector<double> k_avgpool_without_pad = {
    -2.0625, -1.8125, -2.1875, -2.375, -1.625, -1.8472222222222223, -2.2222222222222223,
    -2.2916666666666665, -1.75, -1.9722222222222223, -2.111111111111111, -1.7083333333333333,
    -1.8125, -1.9166666666666667, -2.2916666666666665, -2.125, -1.90625, -2.1875,
    -1.8541666666666667, -1.6875, -2.0, -2.2222222222222223, -1.8888888888888888,
    -1.9583333333333333, -2.125, -2.111111111111111, -1.7777777777777777, -2.0833333333333335,
    -2.1875, -2.2916666666666665, -1.9583333333333333, -2.5};
const std::vector<double> k_avgpool_asymmetric_with_pad = {
    -1.2777777777777777, -1.9027777777777777, -2.2777777777777777, -1.125, -2.0277777777777777,
    -2.1666666666666665, -0.7916666666666666, -1.375, -1.3888888888888888, -1.2916666666666667,
    -2.2777777777777777, -1.9444444444444444, -1.375, -2.1666666666666665, -1.8333333333333333,
    -0.9583333333333334, -1.3888888888888888, -1.1666666666666667};
const std::vector<double> k_avgpool_asymmetric_without_pad = {
    -1.9166666666666665, -1.9027777777777777, -2.2777777777777777, -1.6875, -2.0277777777777777,
    -2.1666666666666665, -1.78125, -2.0625, -2.0833333333333335, -1.9375000000000002,
    -2.2777777777777777, -1.9444444444444444, -2.0625, -2.1666666666666665, -1.8333333333333333,
    -2.15625, -2.0833333333333335, -1.7500000000000002};
const std::vector<double> k_adaptive = {
    0.10416666666666667, 0.08333333333333333, 0.0625, 0.08333333333333333, -0.05555555555555555,
    0.041666666666666664, 0.0625, 0.041666666666666664, -0.3333333333333333, -0.08333333333333333,
    -0.10416666666666667, 0.22916666666666666, -0.2222222222222222, 0.1111111111111111,
    0.20833333333333334, 0.22916666666666666, 0.20833333333333334, -0.16666666666666666};
const std::vector<double> k_lrn = {
    -0.5883235485517018, -0.07378567925789319, 0.44361534044787587, -0.294502108020296,
    0.22033499539889437, -0.515304153105265, 0.0, 0.515304153105265, -0.21832355812830584,
    0.29428929184446206, -0.4397193829229347, 0.0733498419042654, 0.5872213689615544,
    -0.14581910625354147, 0.3682874627470082, -0.36569704521383245, 0.14665747009659488,
    -0.5866298803863795, -0.07313940904276649, 0.4419449552964098, -0.29369531070532295,
    0.22049396343922287, -0.5146344597810165, 0.0};
const std::vector<double> k_layernorm_linear_scale = {
    1.6632087007508027, 2.2141470683601434, 1.5473942145696713, 1.7691297056374031,
    0.7763747096613764, 0.8143576623307451, 0.11799137646377894, 0.7556740540596145,
    0.7042703986873657, 1.3505553776904824, 0.7194591074416921, 0.763719294979176,
    -0.7277354211977269, 0.4887963782817445, 0.6021799179549521, -0.3767868437174326,
    1.5473942145696713, 1.7691297056374031, 1.3238547206864415, 1.7691297056374031,
    0.11799137646377894, 0.7556740540596145, -0.2606573287961743, 0.7556740540596145,
    0.7194591074416921, 0.763719294979176, 0.6536834699821193, 0.763719294979176,
    0.6021799179549521, -0.3767868437174326, -0.8668494751371543, -0.3767868437174326};
const std::vector<double> k_chunk = {
    0.5, -2.0, -0.25, 1.5, -1.0, 0.75, -1.75, 0.0, 0.0, 1.75, -0.75, 1.0, -1.5, 0.25, 2.0, -0.5};
const std::vector<double> k_channel_shuffle = {
    -2.0, -0.25, 1.5, -1.0, -0.75, 1.0, -1.5, 0.25, 0.5, -2.0, -0.25, 1.5, 0.75, -1.75, 0.0, 1.75,
    2.0, -0.5, 1.25, -1.25, -1.0, 0.75, -1.75, 0.0, 1.75, -0.75, 1.0, -1.5, -1.25, 0.5, -2.0, -0.25,
    0.0, 1.75, -0.75, 1.0, 0.25, 2.0, -0.5, 1.25, 1.5, -1.0, 0.75, -1.75, -1.5, 0.25, 2.0, -0.5};
const std::vector<double> k_batchnorm_relu6_scale = {
    1.8661919172897066, 0.15070349624011323, 0.0, 0.8859128195470818, 0.7202050456584015, 0.0,
    0.10864747717079928, 1.5356151369752042, 0.9168457476341711, 0.0, 2.2579501995987217, 0.0, 0.0,
    0.3957732706757694, 0.0, 1.130982593982738, 0.5163525228292007, 0.0, 0.0, 1.3317626141460035,
    1.363880564955688, 0.0, 2.7049850169202383, 0.0};
const std::vector<double> k_concat = {
    -8.0, -1.0, 6.0, -4.0, 3.0, -7.0, 0.0, 7.0, -3.0, 4.0, -6.0, 1.0, 0.0003353501304664781,
    0.2689414213699951, 0.9975273768433653, 0.01798620996209156, 0.9525741268224334,
    0.0009110511944006454, 0.5, 0.9990889488055994, 0.04742587317756678, 0.9820137900379085,
    0.0024726231566347743, 0.7310585786300049, -0.9999997749296758, -0.7615941559557649,
    0.9999877116507956, -0.999329299739067, 0.9950547536867305, -0.9999983369439447, 0.0,
    0.9999983369439447, -0.9950547536867305, 0.999329299739067, -0.9999877116507956,
    0.7615941559557649, 8.0, -2.0, 5.0, -5.0, 2.0, -8.0, -1.0, 6.0, -4.0, 3.0, -7.0, 0.0,
    0.9996646498695336, 0.11920292202211755, 0.9933071490757153, 0.0066928509242848554,
    0.8807970779778823, 0.0003353501304664781, 0.2689414213699951, 0.9975273768433653,
    0.01798620996209156, 0.9525741268224334, 0.0009110511944006454, 0.5, 0.9999997749296758,
    -0.9640275800758169, 0.9999092042625951, -0.9999092042625951, 0.9640275800758169,
    -0.9999997749296758, -0.7615941559557649, 0.9999877116507956, -0.999329299739067,
    0.9950547536867305, -0.9999983369439447, 0.0};
const std::vector<double> k_add = {
    -24.0, -3.0, 24.0, -12.0, 12.0, -21.0, 0.0, 28.0, -9.0, 16.0, -18.0, 4.0, 32.0, -6.0, 20.0,
    -15.0, 8.0, -24.0, -3.0, 24.0, -12.0, 12.0, -21.0, 0.0};
const std::vector<double> k_softmax = {
    1.66601262136868e-05, 0.006692739892273515, 0.9975212630155623, 1.66601262136868e-05,
    0.9975107579113656, 1.6589643575834745e-05, 0.0024726080019708, 0.9975107579113656,
    0.0024725819624209066, 0.9932906704641506, 6.128982466927776e-06, 0.0024725819624209066,
    0.9975212630155623, 0.006692739892273515, 0.9975212630155623, 1.66601262136868e-05,
    0.0024726080019708, 1.6589643575834745e-05, 0.0024726080019708, 0.9975107579113656,
    6.128982466927776e-06, 0.9932906704641506, 6.128982466927776e-06, 0.0024725819624209066};
const std::vector<double> k_linear = {
    0.0625, 1.0625, -1.921875, -0.4375, 0.375, -1.46875};
const std::vector<double> k_softmax_flat = {
    0.25935302665465193, 0.7049946195111947, 0.03565235383415334, 0.27700096182989353,
    0.6242313035751832, 0.09876773459492338};
const std::vector<double> k_global_avgpool = {
    -0.21875, 0.09375, -0.125, 0.1875};
// clang-format on

} // namespace

TEST_CASE("reference: a 3x3 convolution on a 4x4 input, checked by hand") {
  auto r = compile_at("network t(x: [1, 4, 4]) { y = conv2d(x, 1, 3)\n return y }");
  HostTensor x{{1, 1, 4, 4}, {}}, w{{1, 1, 3, 3}, {}};
  for (int i = 0; i < 16; ++i)
    x.data.push_back(i);
  for (int i = 0; i < 9; ++i)
    w.data.push_back(i);
  WeightMap weights = {{"y.weight", w}, {"y.bias", HostTensor{{1}, {0.5}}}};
  auto out = run_reference(r.graph(), weights, {x});
  REQUIRE(out.size() == 1);
  // 0*0 + 1*1 + 2*2 + 3*4 + 4*5 + 5*6 + 6*8 + 7*9 + 8*10 + 0.5; each step right adds the kernel's
  // sum 36, each step down 4 * 36.
  check_values(out[0], {1, 1, 2, 2}, k_conv3x3);
}

TEST_CASE("reference: conv2d with stride, dilation, groups and asymmetric padding, at batch 2") {
  auto r = compile_at("network t(x: [4, 7, 7]) {\n"
                      "  y = conv2d(x, 6, 3, stride=2, pad=[1, 2, 2, 1], dilation=2, groups=2, "
                      "bias=false)\n  return y\n}",
                      2);
  auto out = run_reference(r.graph(), {{"y.weight", pattern({6, 2, 3, 3}, 1)}},
                           {pattern({2, 4, 7, 7}, 0)});
  check_values(out[0], {2, 6, 3, 3}, k_conv_groups);
}

TEST_CASE("reference: conv2d with \"same\" padding puts the odd pixel at the bottom and right") {
  auto r = compile_at("network t(x: [2, 8, 8]) { y = conv2d(x, 3, 3, stride=2, pad=\"same\")\n"
                      " return y }");
  WeightMap weights = {{"y.weight", pattern({3, 2, 3, 3}, 1)}, {"y.bias", pattern({3}, 2)}};
  auto out = run_reference(r.graph(), weights, {pattern({1, 2, 8, 8}, 0)});
  check_values(out[0], {1, 3, 4, 4}, k_conv_same);
}

TEST_CASE("reference: maxpool and avgpool with ceil_mode, dilation and both padding divisors") {
  auto r = compile_at("network t(x: [2, 6, 6]) {\n"
                      "  m = maxpool(x, 3, stride=2, pad=1, ceil_mode=true)\n"
                      "  d = maxpool(x, 2, stride=1, dilation=2)\n"
                      "  a = avgpool(x, 3, stride=2, pad=1, ceil_mode=true)\n"
                      "  b = avgpool(x, 3, stride=2, pad=1, ceil_mode=true, "
                      "count_include_pad=false)\n"
                      "  e = avgpool(x, 3, stride=2, pad=[0, 1, 1, 0])\n"
                      "  f = avgpool(x, 3, stride=2, pad=[0, 1, 1, 0], count_include_pad=false)\n"
                      "  return m, d, a, b, e, f\n}");
  // All negative: a padded zero must never win the max.
  auto out = run_reference(r.graph(), {}, {pattern({1, 2, 6, 6}, 0, -2)});
  REQUIRE(out.size() == 6);
  check_values(out[0], {1, 2, 4, 4}, k_maxpool_ceil);
  check_values(out[1], {1, 2, 4, 4}, k_maxpool_dilated);
  check_values(out[2], {1, 2, 4, 4}, k_avgpool_with_pad);
  check_values(out[3], {1, 2, 4, 4}, k_avgpool_without_pad);
  // The last window of the ceil_mode avgpool holds one input element (x[5][5]) out of a padded
  // 2x2; the divisors differ.
  CHECK(out[2].data[15] * 4 == doctest::Approx(out[3].data[15]));
  // Asymmetric padding, which PyTorch's pools lack: as if the input were zero-padded first.
  check_values(out[4], {1, 2, 3, 3}, k_avgpool_asymmetric_with_pad);
  check_values(out[5], {1, 2, 3, 3}, k_avgpool_asymmetric_without_pad);
}

TEST_CASE("reference: adaptive_avgpool to 3x3 from 5x7: overlapping bins") {
  auto r = compile_at("network t(x: [2, 5, 7]) { return adaptive_avgpool(x, 3) }");
  auto out = run_reference(r.graph(), {}, {pattern({1, 2, 5, 7}, 0)});
  check_values(out[0], {1, 2, 3, 3}, k_adaptive);
}

TEST_CASE("reference: lrn with an even size, as PyTorch's LocalResponseNorm") {
  auto r = compile_at("network t(x: [6, 2, 2]) { return lrn(x, size=4, alpha=0.1, beta=0.75, "
                      "k=2.0) }");
  auto out = run_reference(r.graph(), {}, {pattern({1, 6, 2, 2}, 0)});
  check_values(out[0], {1, 6, 2, 2}, k_lrn);
}

TEST_CASE("reference: batchnorm, activations, scale, concat, add and softmax at batch 2") {
  auto r = compile_at("network t(x: [3, 2, 2]) {\n"
                      "  y = batchnorm(x, eps=0.001) |> relu6() |> scale(0.5) as s\n"
                      "  z = concat(x, sigmoid(x), tanh(x))\n"
                      "  return y, z, add(x, relu(x), x * 2), softmax(x)\n}",
                      2);
  WeightMap weights = {{"y.0.weight", pattern({3}, 1)},
                       {"y.0.bias", pattern({3}, 2)},
                       {"y.0.running_mean", pattern({3}, 3)},
                       {"y.0.running_var", positive({3}, 4)}};
  auto out = run_reference(r.graph(), weights, {scaled(pattern({2, 3, 2, 2}, 0), 8)});
  REQUIRE(out.size() == 4);
  check_values(out[0], {2, 3, 2, 2}, k_batchnorm_relu6_scale);
  check_values(out[1], {2, 9, 2, 2}, k_concat);
  check_values(out[2], {2, 3, 2, 2}, k_add);
  check_values(out[3], {2, 3, 2, 2}, k_softmax);
}

TEST_CASE("reference: zeropad, flatten, linear and softmax over features at batch 2") {
  auto r = compile_at("network t(x: [2, 2, 2]) {\n"
                      "  f = zeropad(x, [1, 0, 0, 2]) |> dropout() |> flatten()\n"
                      "  y = linear(f, 3)\n"
                      "  return y, softmax(y), global_avgpool(x), "
                      "adaptive_avgpool(identity(x), 1)\n}",
                      2);
  WeightMap weights = {{"y.weight", pattern({3, 24}, 1)}, {"y.bias", pattern({3}, 2)}};
  auto out = run_reference(r.graph(), weights, {pattern({2, 2, 2, 2}, 0)});
  REQUIRE(out.size() == 4);
  check_values(out[0], {2, 3}, k_linear);
  check_values(out[1], {2, 3}, k_softmax_flat);
  check_values(out[2], {2, 2, 1, 1}, k_global_avgpool);
  check_values(out[3], {2, 2, 1, 1}, k_global_avgpool);
}

TEST_CASE("reference: layernorm, pointwise_linear, layer_scale, chunk and channel_shuffle") {
  auto r = compile_at("block cn(x) {\n"
                      "  y = layernorm(x, eps=0.001)\n"
                      "  z = pointwise_linear(y, 4)\n"
                      "  return layer_scale(z) as _\n}\n"
                      "network t(x: [6, 2, 2]) {\n"
                      "  a = cn(x)\n"
                      "  return a, chunk(x, 4, 2), channel_shuffle(x, 3)\n}",
                      2);
  WeightMap weights = {{"a.y.weight", pattern({6}, 1)},
                       {"a.y.bias", pattern({6}, 2)},
                       {"a.z.weight", pattern({4, 6}, 3)},
                       {"a.z.bias", pattern({4}, 4)},
                       {"a.layer_scale", pattern({4, 1, 1}, 5)}};
  auto out = run_reference(r.graph(), weights, {scaled(pattern({2, 6, 2, 2}, 0), 2)});
  REQUIRE(out.size() == 3);
  check_values(out[0], {2, 4, 2, 2}, k_layernorm_linear_scale);
  check_values(out[1], {2, 2, 2, 2}, k_chunk);
  check_values(out[2], {2, 6, 2, 2}, k_channel_shuffle);
}

TEST_CASE("reference: a view that is not its input's last use leaves the input intact") {
  // flatten comes before the pool that reads `a` too; if it took a's storage the pool would
  // read nothing.
  auto r = compile_at("network t(x: [1, 2, 2]) {\n"
                      "  a = relu(x)\n  f = flatten(a)\n  return f, global_avgpool(a)\n}");
  HostTensor x{{1, 1, 2, 2}, {1, -2, 3, 4}};
  auto out = run_reference(r.graph(), {}, {x});
  check_values(out[0], {1, 4}, {1, 0, 3, 4});
  check_values(out[1], {1, 1, 1, 1}, {2});
}

TEST_CASE("reference: refuses missing and mis-shaped weights and inputs") {
  auto r = compile_at("network t(x: [1, 4, 4]) { y = conv2d(x, 2, 3)\n return y }");
  HostTensor x = pattern({1, 1, 4, 4}, 0);
  WeightMap weights = {{"y.weight", pattern({2, 1, 3, 3}, 1)}, {"y.bias", pattern({2}, 2)}};
  CHECK(run_reference(r.graph(), weights, {x}).size() == 1);

  WeightMap missing = weights;
  missing.erase("y.bias");
  CHECK_THROWS_WITH_AS(run_reference(r.graph(), missing, {x}), "missing weight 'y.bias' [2]",
                       Error);

  WeightMap wrong = weights;
  wrong["y.weight"] = pattern({2, 1, 1, 3}, 1);
  CHECK_THROWS_WITH_AS(run_reference(r.graph(), wrong, {x}),
                       "weight 'y.weight' has shape [2, 1, 1, 3] but the network expects "
                       "[2, 1, 3, 3]",
                       Error);

  WeightMap short_data = weights;
  short_data["y.bias"].data.pop_back();
  CHECK_THROWS_WITH_AS(run_reference(r.graph(), short_data, {x}),
                       "weight 'y.bias' has shape [2] (2 values) but holds 1 values", Error);

  CHECK_THROWS_WITH_AS(run_reference(r.graph(), weights, {pattern({1, 1, 5, 4}, 0)}),
                       "input 'x' has shape [1, 1, 5, 4] but the network expects [1, 1, 4, 4]",
                       Error);
  CHECK_THROWS_WITH_AS(run_reference(r.graph(), weights, {}),
                       "network 't' takes 1 input but 0 were given", Error);
}

TEST_CASE("reference: refuses a graph with a poison type") {
  auto r = testing::compile("network t(x: [1, 4, 4]) { y = conv2d(x, 2, 5)\n return y }");
  REQUIRE(r.errors == 1);
  CHECK_THROWS_WITH_AS(run_reference(r.graph(), {}, {pattern({1, 1, 4, 4}, 0)}),
                       "cannot run network 't': layer 'y' (conv2d) has no valid shape", Error);
}

// PyTorch propagates NaN: torch.relu(nan), hardtanh (relu6), sigmoid and tanh of nan are nan; a
// max_pool2d window holding a NaN gives NaN whatever else it holds, padding never does; softmax
// over a NaN is NaN in every channel of that pixel. The CPU kernels' NaN tests trust these.
TEST_CASE("reference: NaN passes through activations, max pooling and softmax") {
  auto r = compile_at("network t(x: [1, 4, 4]) {\n"
                      "  a = relu(x)\n  b = relu6(x)\n  c = sigmoid(x)\n  d = tanh(x)\n"
                      "  m = maxpool(x, 3, stride=1, pad=1)\n"
                      "  s = softmax(flatten(x))\n"
                      "  return a, b, c, d, m, s\n}");
  HostTensor x = pattern({1, 1, 4, 4}, 0, 2); // all positive: NaN must beat larger numbers
  const double nan = std::numeric_limits<double>::quiet_NaN();
  x.data[5] = nan; // (1, 1): every window but those of the last row and column holds it
  auto out = run_reference(r.graph(), {}, {x});
  REQUIRE(out.size() == 6);
  for (int i = 0; i < 4; ++i) {
    INFO("activation " << i);
    CHECK(std::isnan(out[i].data[5]));
    CHECK(!std::isnan(out[i].data[0]));
  }
  for (int64_t y = 0; y < 4; ++y)
    for (int64_t xx = 0; xx < 4; ++xx) {
      INFO("maxpool output (" << y << ", " << xx << ")");
      CHECK(std::isnan(out[4].data[y * 4 + xx]) == (y <= 2 && xx <= 2));
    }
  for (double v : out[5].data)
    CHECK(std::isnan(v));
}
